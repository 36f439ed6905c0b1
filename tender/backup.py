"""``tender backup`` and ``tender restore``: one consistent archive of the database and the stored files.

The archive is a gzip-compressed tar file:

- ``database/<table>.jsonl``: every table of the schema, one JSON line of column names, then one JSON array
  per row in primary-key order. A logical dump through SQLAlchemy, so a backup of SQLite restores into
  PostgreSQL and the other way round.
- ``files/<key>``: every stored file the database refers to (today the Noark 5 samples and their reports
  under ``noark/``), ``<key>`` being its key in the storage folder (``tender.storage``).
- ``manifest.json`` (the last member): format and version, when, the source database's kind and Alembic
  revision, the application's version, and for every member its SHA-256, size and (for tables) row count.

Consistency while the server runs: everything is read inside one read-only transaction that sees one
snapshot (PostgreSQL: SERIALIZABLE READ ONLY DEFERRABLE; SQLite: a deferred read transaction, which under
WAL sees the database as it was when it began while writers carry on). The files are the ones the rows in
that snapshot name, copied while the snapshot is held: a file uploaded after it is not in the archive.
See ``docs/backup.md``.

This module owns its connections' transactions (like the Noark worker): a backup only reads, and a restore
is one transaction of its own.
"""

from __future__ import annotations

import base64
import enum
import getpass
import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Connection, Date, Enum, LargeBinary, Numeric, Table, func, inspect, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from tender.db_types import UTCDateTime
from tender.storage import check_key, storage_root

log = logging.getLogger(__name__)

FORMAT = "tender-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database"
FILES_DIR = "files"
#: rows per INSERT batch when restoring, and the most JSON (uploaded documents are in rows) one batch holds
_BATCH = 500
_BATCH_BYTES = 32 * 1024 * 1024
_CHUNK = 1 << 20
#: a manifest bigger than this is not ours (it holds one line per table and per file)
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Norwegian and names the cause."""


# -- what is stored outside the database ---------------------------------------------------------------------
def stored_file_keys(connection: Connection) -> list[str]:
    """Every stored file the database (as ``connection`` sees it) refers to, as its key in the storage
    folder (``tender.storage``).

    Today that is each Noark 5 sample's upload (``storage_key``) and, once its validation has finished
    (done or failed in the snapshot), its ``report.json`` when one was written."""
    from tender.noark.models import ExtractSample, SampleStatus
    from tender.noark.operations import REPORT_FILE

    sample = ExtractSample.__table__
    keys: list[str] = []
    rows = connection.execute(
        select(sample.c.id, sample.c.storage_key, sample.c.status).order_by(sample.c.id)
    ).all()
    root = storage_root(current_app)
    for sample_id, storage_key, status in rows:
        if storage_key:
            keys.append(check_key(storage_key))
        if status in (SampleStatus.DONE, SampleStatus.FAILED):
            report = f"noark/{sample_id}/{REPORT_FILE}"
            if (root / report).is_file():
                keys.append(report)
    return keys


# -- encoding rows -------------------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    """A column value as JSON: the Python value the column type gives, in a form that :func:`_decoder`
    turns back into the same value whatever the engine."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, float):
        return value
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _decoder(column: Any) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, Enum) and kind.enum_class is not None:
        enum_class = kind.enum_class
        return lambda v: None if v is None else enum_class(v)
    if isinstance(kind, UTCDateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v, validate=True)
    if isinstance(kind, Numeric) and kind.asdecimal:
        return lambda v: None if v is None else Decimal(v)
    return lambda v: v


def _tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    from tender.extensions import db

    return list(db.metadata.sorted_tables)


# -- the backup ----------------------------------------------------------------------------------------------
@dataclass
class Member:
    name: str
    sha256: str
    size: int
    rows: int | None = None


@dataclass
class BackupResult:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]


class _Hashing(io.RawIOBase):
    """Reads a file through, hashing what passes."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data


@contextmanager
def _snapshot_connection(engine: Any) -> Iterator[Connection]:
    """A connection in one read-only transaction that sees one snapshot of the whole database."""
    from tender.database import sqlite_immediate

    if engine.dialect.name == "postgresql":
        options = {
            "isolation_level": "SERIALIZABLE",
            "postgresql_readonly": True,
            "postgresql_deferrable": True,
        }
        with engine.connect().execution_options(**options) as connection, connection.begin():
            yield connection
        return
    # SQLite: a deferred BEGIN (not the write lock the CLI takes), so the server's writers carry on; the
    # read transaction's snapshot is fixed by its first read
    token = sqlite_immediate.set(False)
    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    finally:
        sqlite_immediate.reset(token)


def _isolation_words(dialect: str) -> str:
    if dialect == "postgresql":
        return "SERIALIZABLE READ ONLY DEFERRABLE"
    return "SQLite read transaction (WAL snapshot)"


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tender")
    except PackageNotFoundError:
        return "unknown"


def _add_bytes_member(tar: tarfile.TarFile, name: str, data: IO[bytes], size: int, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, data)


def backup(
    output: Path,
    *,
    on_snapshot: Callable[[], None] | None = None,
) -> BackupResult:
    """Write the archive to ``output`` (through ``output.part``, renamed when complete).

    ``on_snapshot`` is called once the snapshot is fixed, before anything is read from it (tests use it to
    write while the backup runs and check that the archive does not see it)."""
    from tender.extensions import db

    engine = db.engine
    dialect = engine.dialect.name
    instance = storage_root(current_app)
    created = datetime.now(UTC)
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    tables: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar,
        ):
            with _snapshot_connection(engine) as connection:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if on_snapshot is not None:
                    on_snapshot()
                for table in _tables():
                    name = f"{DATABASE_DIR}/{table.name}.jsonl"
                    rows, spool, digest, size = _dump_table(connection, table)
                    with spool:
                        _add_bytes_member(tar, name, spool, size, created.timestamp())
                    tables.append(
                        {"table": table.name, "member": name, "rows": rows, "sha256": digest, "size": size}
                    )
                for key in stored_file_keys(connection):
                    files.append(_add_file(tar, instance, key))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created.isoformat(),
                "app_version": _app_version(),
                "alembic_revision": revision,
                "database": {"kind": dialect, "consistency": _isolation_words(dialect)},
                "tables": tables,
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            _add_bytes_member(tar, MANIFEST, io.BytesIO(data), len(data), created.timestamp())
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    digest = hashlib.sha256()
    with output.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return BackupResult(output, digest.hexdigest(), output.stat().st_size, manifest)


def _dump_table(connection: Connection, table: Table) -> tuple[int, IO[bytes], str, int]:
    """The table's rows as JSON lines in a spooled temporary file (rewound): rows, file, SHA-256, size."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    digest = hashlib.sha256()
    names = [c.name for c in table.columns]

    def put(obj: Any) -> None:
        line = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        digest.update(line)
        spool.write(line)

    put(names)
    rows = 0
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(stream_results=True, yield_per=1000).execute(
        select(table).order_by(*order)
    )
    for row in result:
        put([_encode(v) for v in row])
        rows += 1
    size = spool.tell()
    spool.seek(0)
    return rows, spool, digest.hexdigest(), size


def _add_file(tar: tarfile.TarFile, instance: Path, key: str) -> dict[str, Any]:
    path = instance / key
    member = f"{FILES_DIR}/{key}"
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise BackupError(
            f"Filen «{key}» som databasen viser til, finnes ikke i lagringsmappen {instance}. "
            "Sikkerhetskopien er ikke laget."
        ) from None
    with fh:
        stat = os.fstat(fh.fileno())
        reader = _Hashing(fh)
        _add_bytes_member(tar, member, reader, stat.st_size, stat.st_mtime)  # type: ignore[arg-type]
    return {"path": key, "member": member, "sha256": reader.digest.hexdigest(), "size": reader.count}


# -- reading an archive back ---------------------------------------------------------------------------------
@dataclass
class Staged:
    """An archive unpacked into a staging folder, every member checked against the manifest."""

    folder: Path
    manifest: dict[str, Any]

    def member(self, name: str) -> Path:
        return self.folder / name


DAMAGED = "Arkivet «{name}» kan ikke leses: det er skadet eller avkortet ({why}). Ingenting er gjenopprettet."


def _safe_member_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def unpack(archive: Path, staging: Path) -> Staged:
    """Unpack ``archive`` into ``staging`` while hashing every member, then check the manifest: its format
    and version, and that every member it lists is there with its size and SHA-256 and nothing else is.
    BackupError (Norwegian) for a damaged, truncated, foreign or tampered archive."""
    seen: dict[str, tuple[str, int]] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for info in tar:
                if info.name == MANIFEST:
                    if not info.isfile() or info.size > _MAX_MANIFEST_BYTES:
                        raise BackupError(f"Arkivet «{archive.name}» har en ugyldig {MANIFEST}.")
                    fh = tar.extractfile(info)
                    assert fh is not None
                    manifest_bytes = fh.read()
                    continue
                if not info.isfile() or not _safe_member_name(info.name):
                    raise BackupError(
                        f"Arkivet «{archive.name}» inneholder «{info.name}», som ikke hører hjemme i en "
                        "sikkerhetskopi fra tender. Ingenting er gjenopprettet."
                    )
                if info.name in seen:
                    raise BackupError(f"Arkivet «{archive.name}» har «{info.name}» to ganger.")
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(info)
                assert src is not None
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[info.name] = (digest.hexdigest(), size)
    except FileNotFoundError:
        raise BackupError(f"Finner ikke arkivet «{archive}».") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(DAMAGED.format(name=archive.name, why=type(exc).__name__)) from None
    if manifest_bytes is None:
        raise BackupError(
            f"Arkivet «{archive.name}» har ingen {MANIFEST}: det er ikke en sikkerhetskopi fra tender, eller "
            "det er avkortet. Ingenting er gjenopprettet."
        )
    manifest = _read_manifest(archive, manifest_bytes)
    listed = [*manifest["tables"], *manifest["files"]]
    names = set()
    for entry in listed:
        name = entry["member"]
        names.add(name)
        got = seen.get(name)
        if got is None:
            raise BackupError(
                f"Arkivet «{archive.name}» mangler «{name}», som manifestet lister. Det er avkortet eller "
                "endret. Ingenting er gjenopprettet."
            )
        if got != (entry["sha256"], entry["size"]):
            raise BackupError(
                f"«{name}» i arkivet «{archive.name}» stemmer ikke med SHA-256-summen i manifestet: arkivet "
                "er skadet eller endret. Ingenting er gjenopprettet."
            )
    extra = sorted(set(seen) - names)
    if extra:
        raise BackupError(
            f"Arkivet «{archive.name}» har «{extra[0]}», som manifestet ikke lister: det er endret. "
            "Ingenting er gjenopprettet."
        )
    return Staged(staging, manifest)


def _read_manifest(archive: Path, data: bytes) -> dict[str, Any]:
    bad = BackupError(f"Manifestet i arkivet «{archive.name}» kan ikke leses. Ingenting er gjenopprettet.")
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"Arkivet «{archive.name}» er ikke en sikkerhetskopi fra tender. Ingenting er gjenopprettet."
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Arkivet «{archive.name}» har formatversjon {manifest.get('format_version')!r}; denne versjonen "
            f"av tender leser formatversjon {FORMAT_VERSION}. Ingenting er gjenopprettet."
        )
    try:
        for entry in manifest["tables"]:
            _check_entry(entry, ("table", "member", "rows", "sha256", "size"))
        for entry in manifest["files"]:
            _check_entry(entry, ("path", "member", "sha256", "size"))
            if not _safe_member_name(entry["path"]) or entry["member"] != f"{FILES_DIR}/{entry['path']}":
                raise ValueError(entry["path"])
        if not isinstance(manifest["alembic_revision"], str):
            raise ValueError("alembic_revision")
    except (KeyError, TypeError, ValueError):
        raise bad from None
    return manifest


def _check_entry(entry: Any, keys: tuple[str, ...]) -> None:
    if not isinstance(entry, dict) or any(k not in entry for k in keys):
        raise ValueError(keys)


# -- the restore ---------------------------------------------------------------------------------------------
@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    audit_intact: bool
    audit_events: int
    audit_problem: str | None
    #: what does not match after the restore, in Norwegian (empty when everything does)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.audit_intact and not self.problems


def restore(archive: Path, *, force: bool = False) -> RestoreResult:
    """Bring a backup back into the configured database and storage folder.

    Refuses (BackupError) a damaged archive before writing anything, and a database that has rows or an
    storage folder that has stored files, unless ``force`` (which replaces them). The database gets its
    schema from the migrations when it has none; its revision must be the archive's."""
    from tender.extensions import db

    instance = storage_root(current_app)  # the stored files' folder
    instance.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=instance))
    try:
        staged = unpack(archive, staging)
        manifest = staged.manifest
        engine = db.engine
        _ensure_schema(manifest["alembic_revision"])
        tables = {t.name: t for t in _tables()}
        listed = [e["table"] for e in manifest["tables"]]
        if set(listed) != set(tables):
            raise BackupError(
                "Tabellene i arkivet er ikke de samme som i databasen, enda versjonen er den samme. "
                "Ingenting er gjenopprettet."
            )
        targets = [(instance / e["path"], staged.member(e["member"])) for e in manifest["files"]]
        with engine.connect() as connection, connection.begin():
            not_empty = [name for name, t in tables.items() if _has_content(connection, t)]
            if not_empty and not force:
                raise BackupError(
                    f"Databasen er ikke tom (tabellen «{not_empty[0]}» har rader). Gjenoppretting erstatter "
                    "alt; bruk --force hvis det er meningen. Ingenting er endret."
                )
            existing = [str(p) for p, _ in targets if p.exists()]
            if existing and not force:
                raise BackupError(
                    f"Lagringsmappen har allerede lagrede filer (f.eks. «{existing[0]}»). Bruk --force for å "
                    "erstatte dem. Ingenting er endret."
                )
            ordered = list(tables.values())
            _clear_forward_references(connection, ordered)
            for table in reversed(ordered):
                connection.execute(table.delete())
            members = {e["table"]: staged.member(e["member"]) for e in manifest["tables"]}
            forward = _forward_references(ordered)
            rows = 0
            pending: list[tuple[Table, list[dict[str, Any]]]] = []
            for table in ordered:
                count, later = _insert_rows(
                    connection, table, members[table.name], forward.get(table.name, [])
                )
                rows += count
                pending.append((table, later))
            for table, later in pending:
                _fill_forward_references(connection, table, later)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, list(tables.values()))
            _place_files(targets)
        return _verify(manifest, instance, rows)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _ensure_schema(revision: str) -> None:
    """Create the schema from the migrations in an empty database; refuse a revision other than the
    archive's."""
    from flask_migrate import upgrade

    from tender.extensions import db

    engine = db.engine
    if not inspect(engine).has_table("alembic_version"):
        upgrade()
    with engine.connect() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if current != revision:
        raise BackupError(
            f"Arkivet er laget med databaseversjon {revision}, men databasen her har versjon {current}. "
            "Gjenopprett med den versjonen av tender som laget sikkerhetskopien (og kjør deretter "
            "«tender db upgrade»). Ingenting er gjenopprettet."
        )


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _has_content(connection: Connection, table: Table) -> bool:
    """Whether the table holds anything a fresh database does not: the migrations write the audit chain's
    head at sequence 0, and that alone is still empty."""
    if table.name == "audit_head":
        return bool(connection.execute(select(func.count()).where(table.c.seq != 0)).scalar_one())
    return _count(connection, table) > 0


def _forward_references(tables: list[Table]) -> dict[str, list[str]]:
    """Per table, the nullable foreign-key columns that point at its own table or one loaded after it (the
    schema has cycles, e.g. a specification names its published version, which names the specification):
    rows go in with them empty, and :func:`_load_table`'s second pass fills them in."""
    position = {t.name: i for i, t in enumerate(tables)}
    forward: dict[str, list[str]] = {}
    for table in tables:
        names = sorted(
            {
                fk.parent.name
                for fk in table.foreign_keys
                if fk.parent.nullable and position[fk.column.table.name] >= position[table.name]
            }
        )
        if names:
            forward[table.name] = names
    return forward


def _clear_forward_references(connection: Connection, tables: list[Table]) -> None:
    """Empty the forward references, so every table can then be emptied children first."""
    for name, columns in _forward_references(tables).items():
        table = next(t for t in tables if t.name == name)
        connection.execute(table.update().values(dict.fromkeys(columns)))


def _insert_rows(
    connection: Connection, table: Table, path: Path, forward: list[str]
) -> tuple[int, list[dict[str, Any]]]:
    """Insert the table's rows from its member file with the ``forward`` columns empty; return the row
    count and, per row that has any of them, its primary key and their values (to fill in afterwards)."""
    with path.open("rb") as fh:
        header = json.loads(fh.readline())
        names = [c.name for c in table.columns]
        if header != names:
            raise BackupError(
                f"Kolonnene til tabellen «{table.name}» i arkivet stemmer ikke med databasen. Ingenting er "
                "gjenopprettet."
            )
        decoders = [_decoder(table.columns[n]) for n in names]
        keys = [c.name for c in table.primary_key.columns]
        later: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        count = 0
        pending_bytes = 0
        for line in fh:
            pending_bytes += len(line)
            row = {n: d(v) for n, d, v in zip(names, decoders, json.loads(line), strict=True)}
            held = {c: row[c] for c in forward if row[c] is not None}
            if held:
                later.append({**{f"pk_{k}": row[k] for k in keys}, **held})
                row.update(dict.fromkeys(held))
            batch.append(row)
            if len(batch) >= _BATCH or pending_bytes >= _BATCH_BYTES:
                connection.execute(table.insert(), batch)
                count += len(batch)
                batch = []
                pending_bytes = 0
        if batch:
            connection.execute(table.insert(), batch)
            count += len(batch)
    return count, later


def _fill_forward_references(connection: Connection, table: Table, later: list[dict[str, Any]]) -> None:
    keys = [c.name for c in table.primary_key.columns]
    for row in later:
        values = {c: v for c, v in row.items() if not c.startswith("pk_")}
        where = [table.c[k] == row[f"pk_{k}"] for k in keys]
        connection.execute(table.update().where(*where).values(values))


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Each serial/identity column's sequence continues after the highest restored value."""
    for table in tables:
        for column in table.primary_key.columns:
            if not column.autoincrement or column.type.python_type is not int:
                continue
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:table, :column), "
                    f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 1), '
                    f'(SELECT MAX("{column.name}") FROM "{table.name}") IS NOT NULL)'
                ),
                {"table": f'"{table.name}"', "column": column.name},
            )


def _place_files(targets: list[tuple[Path, Path]]) -> None:
    for target, staged in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _verify(manifest: dict[str, Any], instance: Path, rows: int) -> RestoreResult:
    """After the restore: the audit chain (as ``tender audit verify``), every table's row count against the
    manifest, every restored file against its hash, and each Noark sample's upload against its row."""
    from tender.audit import verify
    from tender.extensions import db
    from tender.noark.models import ExtractSample

    problems: list[str] = []
    tables = {t.name: t for t in _tables()}
    with db.engine.connect() as connection:
        for entry in manifest["tables"]:
            got = _count(connection, tables[entry["table"]])
            if got != entry["rows"]:
                problems.append(f"tabellen «{entry['table']}» har {got} rader, arkivet {entry['rows']}")
    for entry in manifest["files"]:
        path = instance / entry["path"]
        if not path.is_file() or _sha256_of(path) != entry["sha256"]:
            problems.append(f"filen «{entry['path']}» stemmer ikke med SHA-256-summen i arkivet")
    for sample in db.session.scalars(select(ExtractSample)):
        path = instance / sample.storage_key
        if not path.is_file() or _sha256_of(path) != sample.sha256:
            problems.append(f"prøveuttrekk {sample.id}: filen stemmer ikke med SHA-256-summen i databasen")
    report = verify()
    db.session.remove()
    return RestoreResult(
        tables=len(manifest["tables"]),
        rows=rows,
        files=len(manifest["files"]),
        audit_intact=report.intact,
        audit_events=report.events_checked,
        audit_problem=report.problem,
        problems=problems,
    )


# -- the commands --------------------------------------------------------------------------------------------
def _database_error(exc: Exception) -> str:
    """A database failure in words, without the driver's message (it may carry the URL and its password)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    kind = type(getattr(exc, "orig", exc)).__name__
    if isinstance(exc, IntegrityError):
        return f"Databasen avviste dataene i arkivet ({kind}). Ingenting er endret."
    if isinstance(exc, OperationalError):
        return f"Databasen kan ikke nås ({kind}). Ingenting er endret."
    return f"Databasen svarte med en feil ({kind}). Ingenting er endret."


@click.command("backup", help="Lag én konsistent sikkerhetskopi av databasen og de lagrede filene.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Arkivfilen (standard: tender-backup-<tidspunkt>.tar.gz i gjeldende mappe).",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    from tender.formatting import format_file_size

    if output is None:
        output = Path(f"tender-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz")
    try:
        result = backup(output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except (DBAPIError, SQLAlchemyError) as exc:
        raise click.ClickException(_database_error(exc)) from None
    manifest = result.manifest
    rows = sum(t["rows"] for t in manifest["tables"])
    log.info("backup written to %s by %s", result.path, _os_user())
    click.echo(
        f"Sikkerhetskopi skrevet til {result.path} ({format_file_size(result.size)}): "
        f"{len(manifest['tables'])} tabeller med {rows} rader og {len(manifest['files'])} lagrede filer, "
        f"databaseversjon {manifest['alembic_revision']}."
    )
    click.echo(f"SHA-256 for arkivet: {result.sha256}")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


@click.command("restore", help="Gjenopprett en sikkerhetskopi i en tom database og instansmappe.")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Erstatt innholdet i en database eller instansmappe som ikke er tom."
)
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    try:
        result = restore(archive, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except (DBAPIError, SQLAlchemyError) as exc:
        raise click.ClickException(_database_error(exc)) from None
    click.echo(
        f"Gjenopprettet {result.tables} tabeller med {result.rows} rader og {result.files} lagrede filer "
        f"fra {archive}."
    )
    if result.audit_intact:
        click.echo(f"Revisjonssporet er intakt: {result.audit_events} hendelser kontrollert.")
    else:
        click.echo(f"Revisjonssporet er BRUTT: {result.audit_problem}.", err=True)
    for problem in result.problems:
        click.echo(f"Avvik: {problem}.", err=True)
    if not result.ok:
        raise click.exceptions.Exit(1)
    click.echo("Alle tabeller har radene arkivet oppgir, og alle filer stemmer med SHA-256-summene.")
