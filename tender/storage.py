"""Where uploaded files live: one small interface, one implementation (a folder).

Every file the app keeps outside the database goes through here: the Noark 5 samples vendors upload and
their reports (``noark/<sample id>/…``), and the files kept between an import's preview and the user's
decision (``staged/<sha256>``). A file is named by a **key**: a relative, ``/``-separated name of plain
segments (letters, digits, ``.``, ``_``, ``-``; never absolute, never ``..``), stored in the database where a
row needs it. Because keys are relative, the folder can move (a restore, a new volume) without touching a
row.

The folder is ``TENDER_STORAGE_PATH``, by default ``uploads/`` in the instance folder. With several app
processes (``tender serve --workers N`` on one machine, or several machines) and ``tender worker``
processes, they all need the same folder: a shared volume (NFS, a mounted disk) is enough, since a file is
written once under a temporary name and appears by an atomic rename (docs/deploy.md).

The validator needs random access to a zip file, so :meth:`FolderStorage.local_path` hands out the file's
path; another implementation (object storage) would copy it to a local temporary file there.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import Flask, current_app

EXTENSION_KEY = "tender_storage"
_CHUNK = 1 << 20
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")


class BadKey(ValueError):
    """A key that is not a relative name of plain segments (absolute, ``..``, odd characters)."""


class TooLarge(Exception):
    """:meth:`FolderStorage.put` read more than ``max_bytes``; nothing was kept."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class StoredFile:
    """A file as :meth:`FolderStorage.put` kept it."""

    key: str
    size: int
    sha256: str


def check_key(key: str) -> str:
    """``key`` when it is a relative name of plain segments, else :class:`BadKey`."""
    if not isinstance(key, str) or not key:
        raise BadKey("empty key")
    parts = key.split("/")
    if any(not _SEGMENT.match(part) or part in (".", "..") for part in parts):
        raise BadKey(f"not a storage key: {key!r}")
    return key


def join(*parts: str | int) -> str:
    """A key made of ``parts`` (each checked)."""
    return check_key("/".join(str(p) for p in parts))


class FolderStorage:
    """Files in one folder, named by their keys."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"<FolderStorage {self.root}>"

    def local_path(self, key: str) -> Path:
        """The file's path on this machine (it need not exist)."""
        path = self.root.joinpath(*check_key(key).split("/"))
        # check_key already refuses ``..``; this also refuses a symlinked folder leading elsewhere
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise BadKey(f"outside the storage folder: {key!r}")
        return path

    def put(self, key: str, stream: IO[bytes], *, max_bytes: int | None = None) -> StoredFile:
        """Copy ``stream`` to ``key``, hashing it as it goes; the file appears whole or not at all (written
        under a temporary name, then renamed). Over ``max_bytes``: :class:`TooLarge`, nothing kept. An
        existing file at ``key`` is replaced."""
        target = self.local_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        digest = hashlib.sha256()
        size = 0
        try:
            with part.open("wb") as out:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            part.replace(target)
        finally:
            part.unlink(missing_ok=True)
        return StoredFile(key, size, digest.hexdigest())

    def put_bytes(self, key: str, data: bytes) -> StoredFile:
        import io

        return self.put(key, io.BytesIO(data))

    def open(self, key: str) -> IO[bytes]:
        """The file for reading; FileNotFoundError when there is none."""
        return self.local_path(key).open("rb")

    def read_bytes(self, key: str) -> bytes:
        return self.local_path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.local_path(key).is_file()

    def size(self, key: str) -> int:
        return self.local_path(key).stat().st_size

    def sha256(self, key: str) -> str:
        """The file's SHA-256, read now (to check a file against the hash its row recorded)."""
        digest = hashlib.sha256()
        with self.open(key) as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def mtime(self, key: str) -> float:
        return self.local_path(key).stat().st_mtime

    def move(self, source: str, target: str) -> None:
        """Rename a file within the storage (atomic within one file system)."""
        path = self.local_path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.local_path(source).replace(path)

    def delete(self, key: str) -> None:
        """Remove the file; nothing happens when it is not there."""
        self.local_path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        """Remove every file whose key starts with the folder ``prefix``."""
        shutil.rmtree(self.local_path(prefix), ignore_errors=True)

    def keys(self, prefix: str | None = None) -> Iterator[str]:
        """Every stored file's key (under the folder ``prefix``), in sorted order; files being written
        (temporary names) are left out."""
        base = self.local_path(prefix) if prefix else self.root
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(self.root).as_posix()


def storage_root(app: Flask) -> Path:
    """The configured folder: ``STORAGE_PATH``, else ``uploads/`` in the instance folder."""
    configured = app.config.get("STORAGE_PATH") or ""
    return Path(configured) if configured else Path(app.instance_path) / "uploads"


def storage_of(app: Flask | None = None) -> FolderStorage:
    """The app's storage (built on first use; ``create_app`` stays free of side effects)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = FolderStorage(storage_root(app))
        app.extensions[EXTENSION_KEY] = found
    return found
