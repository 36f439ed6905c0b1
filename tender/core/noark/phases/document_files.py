"""Phase 6: the document files, hashed straight from the container and joined with the document objects
of arkivstruktur.xml (existence, checksum, size, format, files nobody refers to)."""

from __future__ import annotations

from typing import Any

from ..content import FILE as ARKIVSTRUKTUR_XML
from ..content import ArkivstrukturHandler
from ..documents import (
    ARCHIVE_FAMILIES,
    DOCUMENT_FOLDERS,
    declared_family,
    extension_family,
    is_document_path,
    is_sha256_name,
    parse_size,
    sniff,
)
from ..findings import Severity
from ..store import Store
from .context import Run, sha256_equal


def check_documents(run: Run, store: Store) -> None:
    arkiv: ArkivstrukturHandler | None = run.handlers.get("arkivstruktur")
    folders = sorted({p.split("/", 1)[0] for p in run.files if is_document_path(p)})
    doc_files = [p for p in run.files if is_document_path(p)]
    store.flush()
    referenced = [str(r[0]) for r in store.db.execute("SELECT DISTINCT path FROM docobj")]
    outside = [p for p in referenced if p in run.fileset and not is_document_path(p)]
    run.out.ran("N5V-DOC-08", "N5V-STRUCT-09")
    if not folders:
        if referenced:
            run.add(
                "N5V-DOC-08",
                Severity.ERROR,
                f"Uttrekket har ingen dokumentmappe ({DOCUMENT_FOLDERS[0]}/), men dokumentobjektene viser "
                f"til {len(referenced)} filer.",
                f"The extract has no documents folder ({DOCUMENT_FOLDERS[0]}/), but the document objects "
                f"refer to {len(referenced)} files.",
            )
        else:
            run.add(
                "N5V-DOC-08",
                Severity.INFO,
                "Uttrekket har ingen dokumentmappe og ingen dokumentobjekter.",
                "The extract has no documents folder and no document objects.",
            )
    _count_documents(run, doc_files)
    # hash every document file and every referenced file, straight from the container
    wanted = doc_files + outside
    total_bytes = sum(run.source.size(p) for p in wanted)
    for path, d in run.source.iter_digests(wanted, lambda n: run.progress("documents", n, total_bytes)):
        store.add_file(path, d.sha256, d.size, sniff(d.first_bytes))
    run.input_findings()
    if arkiv is None:
        return
    run.out.ran(
        "N5V-DOC-01", "N5V-DOC-02", "N5V-DOC-03", "N5V-DOC-04", "N5V-DOC-05", "N5V-DOC-06", "N5V-DOC-07"
    )
    detected: dict[str, int] = {}
    for doc in store.docobjects():
        _document(run, doc, detected)
    unreferenced = 0
    for path, size in store.unreferenced_files():
        if not is_document_path(path):
            continue
        unreferenced += 1
        run.add(
            "N5V-DOC-05",
            Severity.ERROR,
            f"Dokumentfilen {path} ({size} byte) er ikke referert fra noe dokumentobjekt.",
            f"The document file {path} ({size} bytes) is not referenced by any document object.",
            path,
        )
    multi = 0
    for path, count, lines in store.multi_referenced_files():
        multi += 1
        run.add(
            "N5V-DOC-07",
            Severity.INFO,
            f"{path} er referert fra {count} dokumentobjekter (linje {', '.join(map(str, lines))}).",
            f"{path} is referenced by {count} document objects (lines {', '.join(map(str, lines))}).",
            ARKIVSTRUKTUR_XML,
            lines[0],
            "referanseDokumentfil",
            "M218",
        )
    run.statistics["documents"] = {
        "folders": folders,
        "files": len(doc_files),
        "bytes": sum(run.source.size(p) for p in doc_files),
        "document_objects": int(store.db.execute("SELECT count(*) FROM docobj").fetchone()[0]),
        "unreferenced_files": unreferenced,
        "multiply_referenced_files": multi,
        "detected_formats": dict(sorted(detected.items())),
    }


def _count_documents(run: Run, doc_files: list[str]) -> None:
    if run.addml is None:
        return
    declared = run.addml.document_count
    where = run.addml.path
    if declared is None:
        raw = run.addml.document_count_raw
        run.add(
            "N5V-STRUCT-09",
            Severity.ERROR,
            "arkivuttrekk.xml oppgir ikke antallDokumentfiler som et heltall"
            + (f" («{raw}»)" if raw is not None else "")
            + f"; uttrekket har {len(doc_files)} dokumentfiler.",
            "arkivuttrekk.xml does not state antallDokumentfiler as an integer"
            + (f" ('{raw}')" if raw is not None else "")
            + f"; the extract has {len(doc_files)} document files.",
            where,
            run.addml.document_count_line,
        )
    elif declared != len(doc_files):
        run.add(
            "N5V-STRUCT-09",
            Severity.ERROR,
            f"arkivuttrekk.xml oppgir {declared} dokumentfiler (antallDokumentfiler), men uttrekket har "
            f"{len(doc_files)}.",
            f"arkivuttrekk.xml states {declared} document files (antallDokumentfiler), but the extract has "
            f"{len(doc_files)}.",
            where,
            run.addml.document_count_line,
        )


def _document(run: Run, doc: Any, detected: dict[str, int]) -> None:
    file, line = ARKIVSTRUKTUR_XML, doc.line
    if not doc.file_exists:
        if doc.excluded:
            return  # units with status "Utgår" keep their metadata but not their files
        run.add(
            "N5V-DOC-01",
            Severity.ERROR,
            f"M218 referanseDokumentfil «{doc.raw}» på linje {line} viser til en fil som ikke finnes i "
            "uttrekket.",
            f"M218 referanseDokumentfil '{doc.raw}' on line {line} refers to a file that is not in the "
            "extract.",
            file,
            line,
            "referanseDokumentfil",
            "M218",
        )
        return
    if doc.file_sniffed:
        detected[doc.file_sniffed] = detected.get(doc.file_sniffed, 0) + 1
    # checksum
    if not doc.checksum:
        run.add(
            "N5V-DOC-02",
            Severity.ERROR,
            f"M705 sjekksum mangler for {doc.path} (linje {line}).",
            f"M705 sjekksum is missing for {doc.path} (line {line}).",
            file,
            line,
            "sjekksum",
            "M705",
        )
    elif doc.algorithm is not None and not is_sha256_name(doc.algorithm):
        run.add(
            "N5V-DOC-02",
            Severity.ERROR,
            f"M706 sjekksumAlgoritme er «{doc.algorithm}» for {doc.path} (linje {line}); skal være SHA256.",
            f"M706 sjekksumAlgoritme is '{doc.algorithm}' for {doc.path} (line {line}); must be SHA256.",
            file,
            line,
            "sjekksumAlgoritme",
            "M706",
        )
    elif not sha256_equal(doc.checksum, doc.file_sha256):
        run.add(
            "N5V-DOC-02",
            Severity.ERROR,
            f"M705 sjekksum for {doc.path} (linje {line}) stemmer ikke med filen: oppgitt "
            f"{doc.checksum.lower()}, beregnet {doc.file_sha256}.",
            f"M705 sjekksum of {doc.path} (line {line}) does not match the file: stated "
            f"{doc.checksum.lower()}, computed {doc.file_sha256}.",
            file,
            line,
            "sjekksum",
            "M705",
        )
    # size
    if doc.size is not None:
        size = parse_size(doc.size)
        if size is None:
            run.add(
                "N5V-DOC-03",
                Severity.ERROR,
                f"M707 filstoerrelse «{doc.size}» for {doc.path} (linje {line}) er ikke et antall byte; "
                f"filen er {doc.file_size} byte.",
                f"M707 filstoerrelse '{doc.size}' for {doc.path} (line {line}) is not a number of bytes; the "
                f"file has {doc.file_size} bytes.",
                file,
                line,
                "filstoerrelse",
                "M707",
            )
        elif size != doc.file_size:
            run.add(
                "N5V-DOC-03",
                Severity.ERROR,
                f"M707 filstoerrelse for {doc.path} (linje {line}) er {size} byte, men filen er "
                f"{doc.file_size} byte.",
                f"M707 filstoerrelse of {doc.path} (line {line}) is {size} bytes, but the file has "
                f"{doc.file_size} bytes.",
                file,
                line,
                "filstoerrelse",
                "M707",
            )
    # empty
    if doc.file_size == 0:
        run.add(
            "N5V-DOC-06",
            Severity.WARNING,
            f"Dokumentfilen {doc.path} (linje {line}) er tom (0 byte).",
            f"The document file {doc.path} (line {line}) is empty (0 bytes).",
            file,
            line,
            "referanseDokumentfil",
            "M218",
        )
        return
    # format: declared value, file name and content must agree
    declared = declared_family(doc.format)
    by_name = extension_family(doc.path)
    content = doc.file_sniffed
    if declared is not None and content not in (None, "text") and declared != content:
        run.add(
            "N5V-DOC-04",
            Severity.ERROR,
            f"M701 format er «{doc.format}» for {doc.path} (linje {line}), men filens innhold er "
            f"{content.upper()}.",
            f"M701 format is '{doc.format}' for {doc.path} (line {line}), but the file's content is "
            f"{content.upper()}.",
            file,
            line,
            "format",
            "M701",
        )
    elif declared is not None and by_name is not None and declared != by_name:
        run.add(
            "N5V-DOC-04",
            Severity.ERROR,
            f"M701 format er «{doc.format}» for {doc.path} (linje {line}), men filnavnet har endelsen til "
            f"{by_name.upper()}.",
            f"M701 format is '{doc.format}' for {doc.path} (line {line}), but the file name has the "
            f"extension of {by_name.upper()}.",
            file,
            line,
            "format",
            "M701",
        )
    elif content is not None and content not in ARCHIVE_FAMILIES:
        run.add(
            "N5V-DOC-04",
            Severity.WARNING,
            f"{doc.path} (linje {line}) er {content.upper()}, som ikke er et arkivformat.",
            f"{doc.path} (line {line}) is {content.upper()}, which is not an archival format.",
            file,
            line,
            "format",
            "M701",
        )
