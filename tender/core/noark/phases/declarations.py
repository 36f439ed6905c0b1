"""Phase 4: what ADDML declares against what the extract holds: the listed files and their SHA-256
checksums, the element counts (numberOfOccurrences) and the content flags."""

from __future__ import annotations

from typing import Final

from ..addml import FileDecl
from ..documents import is_sha256_name
from ..findings import Severity
from ..report import FileEntry
from ..schema import element_infos
from .context import Run, sha256_equal
from .xmlfiles import XML_KEYS

#: the elements a count in ADDML may name for each journal / log file, and the one usually meant
_FILE_ELEMENTS: Final = {
    "endringslogg": ("endring", "endringslogg"),
    "loependeJournal": (
        "journalregistrering",
        "journalhode",
        "journalpost",
        "saksmappe",
        "klasse",
        "korrespondansepart",
    ),
    "offentligJournal": (
        "journalregistrering",
        "journalhode",
        "journalpost",
        "saksmappe",
        "klasse",
        "korrespondansepart",
    ),
}
_MAIN_ELEMENT: Final = {
    "endringslogg": "endring",
    "loependeJournal": "journalregistrering",
    "offentligJournal": "journalregistrering",
}


def check_listed_files(run: Run) -> None:
    if run.addml is None:
        run.out.skip("N5V-STRUCT-03", "arkivuttrekk.xml mangler", "arkivuttrekk.xml is missing")
        run.out.skip("N5V-STRUCT-04", "arkivuttrekk.xml mangler", "arkivuttrekk.xml is missing")
        return
    run.out.ran("N5V-STRUCT-03", "N5V-STRUCT-04")
    decls: list[FileDecl] = []
    seen: set[str] = set()
    for obj in run.addml.data_objects:
        for decl in ([obj.file] if obj.file else []) + [s.file for s in obj.schemas]:
            if decl.name in seen:
                continue  # a schema (metadatakatalog.xsd) is listed again; only the first needs a checksum
            seen.add(decl.name)
            decls.append(decl)
    to_hash: list[str] = []
    for decl in decls:
        path, exact = run.find(decl.name)
        if path is None:
            run.add(
                "N5V-STRUCT-03",
                Severity.ERROR,
                f"{decl.name} er oppført i arkivuttrekk.xml (linje {decl.line}), men finnes ikke i "
                "uttrekket.",
                f"{decl.name} is listed in arkivuttrekk.xml (line {decl.line}) but is not in the extract.",
                run.addml.path,
                decl.line,
            )
            continue
        if not exact:
            run.add(
                "N5V-STRUCT-03",
                Severity.ERROR,
                f"{decl.name} er oppført i arkivuttrekk.xml, men filen heter «{path}».",
                f"{decl.name} is listed in arkivuttrekk.xml, but the file is called '{path}'.",
                run.addml.path,
                decl.line,
            )
        if path not in run.scans:
            to_hash.append(path)
    digests = run.source.hash_files(to_hash) if to_hash else {}
    run.input_findings()
    for decl in decls:
        path, _exact = run.find(decl.name)
        if path is None:
            continue
        actual = (
            run.scans[path].sha256
            if path in run.scans
            else (digests[path].sha256 if path in digests else None)
        )
        if path not in run.scans and path in digests:
            role = "schema" if path.endswith(".xsd") else "file"
            run.file_entries.append(FileEntry(path, role, digests[path].size, digests[path].sha256))
        _checksum(run, decl, path, actual)


def _checksum(run: Run, decl: FileDecl, path: str, actual: str | None) -> None:
    assert run.addml is not None
    where, line = run.addml.path, decl.line
    cs = decl.checksum
    if cs is None:
        run.add(
            "N5V-STRUCT-04",
            Severity.ERROR,
            f"arkivuttrekk.xml har ingen sjekksum for {decl.name} (linje {line}).",
            f"arkivuttrekk.xml has no checksum for {decl.name} (line {line}).",
            where,
            line,
        )
        return
    if not cs.algorithm:
        run.add(
            "N5V-STRUCT-04",
            Severity.ERROR,
            f"Sjekksummen for {decl.name} i arkivuttrekk.xml oppgir ikke algoritme (ventet SHA-256).",
            f"The checksum of {decl.name} in arkivuttrekk.xml names no algorithm (expected SHA-256).",
            where,
            cs.line or line,
        )
        return
    if not is_sha256_name(cs.algorithm):
        run.add(
            "N5V-STRUCT-04",
            Severity.ERROR,
            f"Sjekksummen for {decl.name} bruker algoritmen «{cs.algorithm}»; standarden krever SHA-256.",
            f"The checksum of {decl.name} uses the algorithm '{cs.algorithm}'; the standard requires "
            "SHA-256.",
            where,
            cs.line or line,
        )
        return
    if not cs.value:
        run.add(
            "N5V-STRUCT-04",
            Severity.ERROR,
            f"Sjekksummen for {decl.name} i arkivuttrekk.xml mangler verdi.",
            f"The checksum of {decl.name} in arkivuttrekk.xml has no value.",
            where,
            cs.line or line,
        )
        return
    if actual is None:
        return
    if not sha256_equal(cs.value, actual):
        run.add(
            "N5V-STRUCT-04",
            Severity.ERROR,
            f"SHA-256 for {path} stemmer ikke med arkivuttrekk.xml: oppgitt {cs.value.lower()}, beregnet "
            f"{actual}.",
            f"SHA-256 of {path} does not match arkivuttrekk.xml: stated {cs.value.lower()}, computed "
            f"{actual}.",
            where,
            cs.line or line,
        )


def check_counts(run: Run) -> None:
    if run.addml is None:
        return
    arkiv = run.handlers.get("arkivstruktur")
    for key in XML_KEYS:
        handler = run.handlers.get(key)
        obj = run.addml.data_object(key)
        if handler is None or obj is None:
            continue
        if not handler.complete:
            for cid in ("N5V-CONTENT-01", "N5V-CONTENT-02", "N5V-CONTENT-03"):
                run.out.skip(
                    cid, f"{key}.xml kunne ikke leses helt", f"{key}.xml could not be read to the end"
                )
            continue
        declared = {c.element: c for c in obj.counts}
        if key == "arkivstruktur":
            for element, cid in (("mappe", "N5V-CONTENT-01"), ("registrering", "N5V-CONTENT-02")):
                run.out.ran(cid)
                if element not in declared:
                    run.add(
                        cid,
                        Severity.WARNING,
                        f"arkivuttrekk.xml oppgir ikke antall {element} (numberOfOccurrences) for "
                        f"arkivstruktur.xml; filen har {handler.count(element)}.",
                        f"arkivuttrekk.xml does not state the number of {element} (numberOfOccurrences) for "
                        f"arkivstruktur.xml; the file has {handler.count(element)}.",
                        run.addml.path,
                    )
        known = element_infos(run.version)
        for element, decl in declared.items():
            cid = (
                {"mappe": "N5V-CONTENT-01", "registrering": "N5V-CONTENT-02"}.get(element, "N5V-CONTENT-03")
                if key == "arkivstruktur"
                else "N5V-CONTENT-03"
            )
            run.out.ran(cid)
            actual = handler.count(element)
            if key != "arkivstruktur" and element not in _FILE_ELEMENTS.get(key, ()) and element in known:
                # e.g. "registrering" counted in a journal, whose records are "journalregistrering"
                main = _MAIN_ELEMENT[key]
                run.add(
                    cid,
                    Severity.WARNING,
                    f"arkivuttrekk.xml teller «{element}» i {key}.xml, men den filen har ikke slike "
                    f"elementer; mente dere «{main}» (filen har {handler.count(main)})?",
                    f"arkivuttrekk.xml counts '{element}' in {key}.xml, but that file has no such elements; "
                    f"was '{main}' meant (the file has {handler.count(main)})?",
                    run.addml.path,
                    decl.line,
                    element,
                )
                continue
            if decl.value is None:
                run.add(
                    cid,
                    Severity.ERROR,
                    f"Antallet {element} i arkivuttrekk.xml («{decl.raw}») for {key}.xml er ikke et heltall.",
                    f"The number of {element} in arkivuttrekk.xml ('{decl.raw}') for {key}.xml is not an "
                    "integer.",
                    run.addml.path,
                    decl.line,
                    element,
                )
            elif decl.value != actual:
                run.add(
                    cid,
                    Severity.ERROR,
                    f"arkivuttrekk.xml oppgir {decl.value} {element} i {key}.xml, men filen har {actual}.",
                    f"arkivuttrekk.xml states {decl.value} {element} in {key}.xml, but the file has "
                    f"{actual}.",
                    run.addml.path,
                    decl.line,
                    element,
                )
    _ = arkiv


def check_flags(run: Run) -> None:
    arkiv = run.handlers.get("arkivstruktur")
    if arkiv is None or not arkiv.complete:
        return
    if run.addml is None:
        return
    rules = (
        ("N5V-CONTENT-16", "inneholderSkjermetInformasjon", "skjerming", "skjerminger", "restrictions"),
        (
            "N5V-CONTENT-17",
            "inneholderDokumenterSomSkalKasseres",
            "kassasjon",
            "kassasjonsvedtak",
            "disposal resolutions",
        ),
        (
            "N5V-CONTENT-18",
            "omfatterDokumenterSomErKassert",
            "utfoertKassasjon",
            "utførte kassasjoner",
            "performed disposals",
        ),
        (
            "N5V-CONTENT-22",
            "inneholderVirksomhetsspesifikkeMetadata",
            "virksomhetsspesifikkeMetadata",
            "virksomhetsspesifikke metadata",
            "business-specific metadata",
        ),
    )
    for cid, flag, element, what_no, what_en in rules:
        run.out.ran(cid)
        stated = run.addml.flags.get(flag)
        found = arkiv.count(element)
        if stated is True and found == 0:
            run.add(
                cid,
                Severity.ERROR,
                f"arkivuttrekk.xml sier {flag}=true, men arkivstruktur.xml har ingen {what_no}.",
                f"arkivuttrekk.xml says {flag}=true, but arkivstruktur.xml has no {what_en}.",
                run.addml.path,
            )
        elif not stated and found > 0:
            said = "false" if stated is False else "ingenting"
            said_en = "false" if stated is False else "nothing"
            run.add(
                cid,
                Severity.ERROR,
                f"arkivuttrekk.xml sier {flag}={said}, men arkivstruktur.xml har {found} {what_no}.",
                f"arkivuttrekk.xml says {flag}={said_en}, but arkivstruktur.xml has {found} {what_en}.",
                run.addml.path,
            )
