"""An extract as a folder on disk, or as one XML file on its own."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from .base import ExtractSource
from .guards import Catalogue, Entry, Limits


def open_folder(folder: Path, limits: Limits) -> ExtractSource:
    cat = Catalogue(limits)
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames + filenames):
            cat.count_entry()
            full = here / name
            rel = full.relative_to(folder).as_posix()
            info = full.lstat()
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                if name in dirnames:
                    dirnames.remove(name)  # os.walk would not follow it anyway; be explicit
                cat.refuse(
                    "N5V-INPUT-02", rel, "symbolske lenker følges ikke", "symbolic links are not followed"
                )
            elif stat.S_ISDIR(mode):
                continue
            elif not stat.S_ISREG(mode):
                cat.refuse("N5V-INPUT-03", rel, "ikke en vanlig fil", "not a regular file")
            else:
                path = cat.safe_path(rel)
                if path is not None:
                    cat.add_file(path, Entry(rel, info.st_size))
    return FolderSource(folder, cat)


class FolderSource(ExtractSource):
    def __init__(self, folder: Path, cat: Catalogue) -> None:
        self._folder = folder
        super().__init__("folder", str(folder), cat.entries, cat.findings)
        self.root_label = str(folder / self.root) if self.root else str(folder)

    def _open_raw(self, entry: Entry) -> BinaryIO:
        # O_NOFOLLOW: a file swapped for a symlink after listing must not be followed
        fd = os.open(self._folder / entry.name, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        return os.fdopen(fd, "rb", buffering=0)


# --------------------------------------------------------------------------- single XML file


class SingleFileSource(ExtractSource):
    def __init__(self, file: Path, limits: Limits) -> None:
        self._file = file
        size = file.stat().st_size
        cat = Catalogue(limits)
        cat.add_file(file.name, Entry(file.name, size))
        super().__init__("xml", file.name, cat.entries, cat.findings, detect_root=False)

    def _open_raw(self, entry: Entry) -> BinaryIO:
        return self._file.open("rb", buffering=0)
