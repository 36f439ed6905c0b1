"""The hostile-input guards: limits, refused entries, and the errors that stop reading altogether.

Every container kind (folder, zip, tar) vets its entries through one :class:`Catalogue`, so a path that
escapes the extract, a name that is too long, a file over the size limit or a duplicate is refused the
same way whatever it came in. Input that breaks a :class:`Limits` value as a whole raises
:class:`UnreadableExtract`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tender.core.noark.findings import Finding, Severity

KiB: Final = 1024
MiB: Final = 1024 * KiB
GiB: Final = 1024 * MiB


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading an untrusted extract; every value can be overridden.

    The defaults let a large municipal sample through (tens of GB, hundreds of thousands of
    document files) while refusing archives built to exhaust disk, memory or CPU.
    """

    #: size of the uploaded file itself; the web layer should use it for its upload limit too
    max_archive_size: int = 20 * GiB
    #: sum of the (declared and actually read) sizes of all entries
    max_total_unpacked: int = 20 * GiB
    #: a single entry; a larger one is refused with a finding (arkivstruktur.xml of several GB is fine)
    max_file_size: int = 10 * GiB
    #: unpacked:compressed ratio, per zip entry and for the whole zip or compressed tar.
    #: Real XML compresses 10-50x, PDFs about 1x; deflate bombs reach about 1000x.
    max_ratio: int = 200
    #: ratios are only judged above this size, since tiny files compress "infinitely" without harm
    ratio_min_size: int = 1 * MiB
    #: number of entries of any kind (files, folders, links)
    max_entries: int = 1_000_000
    #: length of one entry's path, in characters
    max_path_length: int = 1024


@dataclass(frozen=True)
class Entry:
    """A regular file in the container."""

    name: str  #: name inside the container (member name, or path relative to the folder)
    size: int  #: declared size
    offset: int = 0  #: storage position: data offset for tar, header offset for zip


class UnreadableExtract(Exception):
    """The input cannot be used as an extract at all (not an archive, corrupt, over a limit)."""

    def __init__(self, message_no: str, message_en: str, check: str = "N5V-INPUT-20") -> None:
        super().__init__(message_en)
        self.message_no = message_no
        self.message_en = message_en
        #: the N5V-INPUT check id, for a report that wants to file this as a finding
        self.check = check

    def as_finding(self) -> Finding:
        """The same problem as an ERROR finding, for reports that list everything as findings."""
        return Finding(self.check, Severity.ERROR, self.message_no, self.message_en)


#: Check ids raised by this package: id -> (Norwegian title, English title).
INPUT_CHECKS: Final[dict[str, tuple[str, str]]] = {
    "N5V-INPUT-01": ("Filsti utenfor uttrekket", "Path escapes the extract"),
    "N5V-INPUT-02": ("Lenke i arkivfilen", "Link in the archive"),
    "N5V-INPUT-03": ("Spesialfil i arkivfilen", "Special file in the archive"),
    "N5V-INPUT-04": ("Mistenkelig høy komprimeringsgrad", "Suspiciously high compression ratio"),
    "N5V-INPUT-05": ("Fil over størrelsesgrensen", "File over the size limit"),
    "N5V-INPUT-06": ("Samme filnavn flere ganger", "Same file name more than once"),
    "N5V-INPUT-07": ("Filnavn som bare skiller seg i store/små bokstaver", "Names differing only in case"),
    "N5V-INPUT-08": ("Kryptert eller ukjent komprimering", "Encrypted or unknown compression"),
    "N5V-INPUT-09": ("Fil som ikke kan leses", "Unreadable file"),
    "N5V-INPUT-10": ("Fant ikke uttrekkets rotmappe", "Extract root not found"),
    "N5V-INPUT-11": ("Filer utenfor uttrekket", "Files outside the extract"),
    "N5V-INPUT-12": ("For lang filsti", "Path too long"),
    "N5V-INPUT-20": ("Ikke et arkivuttrekk", "Not an extract"),
    "N5V-INPUT-21": ("Skadet eller avkortet arkivfil", "Corrupt or truncated archive"),
    "N5V-INPUT-22": ("Arkivfilen pakker ut til for mye data", "Archive unpacks to too much data"),
    "N5V-INPUT-23": ("For mange filer", "Too many entries"),
    "N5V-INPUT-24": ("Arkivfilen er for stor", "Archive file too large"),
}


# --------------------------------------------------------------------------- entry vetting


class Catalogue:
    """Collects the safe regular files of a container and findings for everything refused."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.entries: dict[str, Entry] = {}
        self.findings: list[Finding] = []
        self._seen_lower: dict[str, str] = {}
        self.count = 0
        self._total = 0

    def count_entry(self) -> None:
        """Count any entry (file, folder, link) against ``max_entries``."""
        self.count += 1
        check_entry_count(self.count, self.limits)

    def safe_path(self, raw_name: str) -> str | None:
        """The normalised relative path, or None (with a finding) if the name is unsafe."""
        path, reason_no, reason_en = _normalise(raw_name)
        if path is None:
            self.refuse("N5V-INPUT-01", raw_name, reason_no, reason_en)
            return None
        if len(path) > self.limits.max_path_length:
            self.refuse(
                "N5V-INPUT-12",
                raw_name[:200] + "…",
                f"stien er {len(path)} tegn lang (grensen er {self.limits.max_path_length})",
                f"the path is {len(path)} characters long (the limit is {self.limits.max_path_length})",
            )
            return None
        return path

    def add_file(self, path: str, entry: Entry) -> None:
        """Add a vetted regular file, unless too large or a duplicate."""
        if entry.size > self.limits.max_file_size:
            self.refuse(
                "N5V-INPUT-05",
                path,
                f"filen er {human_nb(entry.size)}; grensen er {human_nb(self.limits.max_file_size)}",
                f"the file is {human(entry.size)}; the limit is {human(self.limits.max_file_size)}",
            )
            return
        if path in self.entries:
            self.refuse(
                "N5V-INPUT-06",
                path,
                "navnet forekommer mer enn én gang i arkivfilen; bare den første er med",
                "the name occurs more than once in the archive; only the first is used",
            )
            return
        self._total += entry.size
        if self._total > self.limits.max_total_unpacked:
            raise too_much_data(self.limits)
        lower = path.lower()
        if lower in self._seen_lower:
            other = self._seen_lower[lower]
            self.findings.append(
                Finding(
                    "N5V-INPUT-07",
                    Severity.WARNING,
                    f"«{path}» og «{other}» skiller seg bare i store/små bokstaver; de kolliderer på Windows "
                    "og macOS.",
                    f"'{path}' and '{other}' differ only in case; they collide on Windows and macOS.",
                    file=path,
                )
            )
        else:
            self._seen_lower[lower] = path
        self.entries[path] = entry

    def refuse(self, check: str, name: str, reason_no: str, reason_en: str) -> None:
        """Record a refused entry; it is not listed and never read."""
        severity = Severity.WARNING if check == "N5V-INPUT-06" else Severity.ERROR
        self.findings.append(
            Finding(
                check,
                severity,
                f"Oppføringen «{name}» i arkivfilen er avvist: {reason_no}.",
                f"The archive entry '{name}' was refused: {reason_en}.",
                file=name,
            )
        )


def check_entry_count(count: int, limits: Limits) -> None:
    if count > limits.max_entries:
        raise UnreadableExtract(
            f"Arkivfilen har mer enn {limits.max_entries} oppføringer.",
            f"The archive has more than {limits.max_entries} entries.",
            "N5V-INPUT-23",
        )


_DRIVE = re.compile(r"^[A-Za-z]:")


def _normalise(raw_name: str) -> tuple[str | None, str, str]:
    """Posix, NFC, relative path; or (None, reason_no, reason_en) for names that escape or are empty.

    Backslashes count as separators because Windows zip tools write them and Windows unpackers
    honour them; ``..`` is refused outright rather than resolved, since no honest extract needs it.
    """
    if "\x00" in raw_name:
        return None, "navnet inneholder et NUL-tegn", "the name contains a NUL character"
    name = raw_name.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return None, "absolutt sti", "absolute path"
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None, "stien går ut av uttrekket («..»)", "the path leads out of the extract ('..')"
    if not parts:
        return None, "tomt navn", "empty name"
    # macOS writes decomposed (NFD) names; documents are referenced in composed form (å, ø, æ)
    return unicodedata.normalize("NFC", "/".join(parts)), "", ""


def require_content(cat: Catalogue, path: Path) -> None:
    """An archive with nothing in it at all is not an extract (one with only refused entries is)."""
    if not cat.entries and not cat.findings:
        raise UnreadableExtract(
            f"Arkivfilen «{path.name}» inneholder ingen filer.",
            f"The archive '{path.name}' contains no files.",
        )


# --------------------------------------------------------------------------- errors


def corrupt(path: Path, exc: BaseException) -> UnreadableExtract:
    return UnreadableExtract(
        f"Arkivfilen «{path.name}» er skadet eller avkortet ({exc}).",
        f"The archive '{path.name}' is corrupt or truncated ({exc}).",
        "N5V-INPUT-21",
    )


def too_much_data(limits: Limits) -> UnreadableExtract:
    return UnreadableExtract(
        f"Arkivfilen pakker ut til mer enn {human_nb(limits.max_total_unpacked)}.",
        f"The archive unpacks to more than {human(limits.max_total_unpacked)}.",
        "N5V-INPUT-22",
    )


def ratio_bomb(unpacked: int, packed: int, limits: Limits) -> UnreadableExtract:
    ratio = unpacked // max(packed, 1)
    return UnreadableExtract(
        f"Arkivfilen pakker ut til minst {ratio} ganger sin egen størrelse (grensen er {limits.max_ratio}); "
        "den ser ut som en komprimeringsbombe.",
        f"The archive unpacks to at least {ratio} times its own size (the limit is {limits.max_ratio}); "
        "it looks like a compression bomb.",
        "N5V-INPUT-22",
    )


def human_nb(n: int) -> str:
    """A size in the Norwegian message of a finding, worded exactly as the pages word sizes
    (``tender.formatting.format_file_size``, tested against it): "1 GB", "1,5 kB", "512 byte" (units of
    1024, one decimal at most, rounded half up, decimal comma, non-breaking spaces). The core cannot import
    Babel's formatting, so this is the one copy, and tests/test_formatting.py keeps it equal."""
    nbsp = "\u00a0"
    for unit, factor in (("GB", GiB), ("MB", MiB), ("kB", KiB)):
        if n >= factor:
            tenths = (20 * n + factor) // (2 * factor)  # n / factor in tenths, half up
            whole, tenth = divmod(tenths, 10)
            text = f"{whole:,}".replace(",", nbsp) + (f",{tenth}" if tenth else "")
            return f"{text}{nbsp}{unit}"
    return f"{n:,}".replace(",", nbsp) + f"{nbsp}byte"


def human(n: int) -> str:
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} B"
