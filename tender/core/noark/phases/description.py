"""Phase 1: read the ADDML description (arkivuttrekk.xml) and settle the Noark version.

The version comes from ``info/type/version`` only (never from namespaces); an unknown version is a
finding and v5.0 is used. Leaves ``run.addml``, ``run.stated_version`` and ``run.version``.
"""

from __future__ import annotations

from lxml import etree

from ..addml import ADDML_NAMES, Addml, read_addml, resolve_version
from ..findings import Severity
from ..safexml import UnsafeXml, parse_small
from ..source import UnreadableExtract
from .context import MAX_ADDML_BYTES, Run
from .schemas import our_schema
from .xmlfiles import scan_bytes


def read_description(run: Run) -> None:
    run.out.ran("N5V-STRUCT-01", "N5V-STRUCT-02", "N5V-STRUCT-08")
    path = None
    for name in ADDML_NAMES:
        found, exact = run.find(name)
        if found is not None:
            path = found
            if not exact:
                run.add(
                    "N5V-STRUCT-08",
                    Severity.ERROR,
                    f"Filen heter «{found}»; navnet skal være «{name}» med små bokstaver.",
                    f"The file is called '{found}'; the name must be '{name}' in lower case.",
                    found,
                )
            break
    if path is None:
        run.add(
            "N5V-STRUCT-01",
            Severity.ERROR,
            "Uttrekket mangler arkivuttrekk.xml (eller addml.xml). Uten den kan verken versjon, sjekksummer "
            "eller antall kontrolleres; strukturen kontrolleres mot Noark 5 v5.0.",
            "The extract has no arkivuttrekk.xml (or addml.xml). Without it neither version, checksums nor "
            "counts can be checked; the structure is checked against Noark 5 v5.0.",
        )
        _version(run, None)
        return
    size = run.source.size(path)
    if size > MAX_ADDML_BYTES:
        run.add(
            "N5V-STRUCT-01",
            Severity.ERROR,
            f"{path} er {size} byte; en ADDML-beskrivelse er aldri så stor, og den er ikke lest.",
            f"{path} is {size} bytes; an ADDML description is never that large, and it was not read.",
            path,
        )
        _version(run, None)
        return
    try:
        with run.source.open(path) as stream:
            data = stream.read()
    except UnreadableExtract as exc:
        run.out.add(exc.as_finding())
        _version(run, None)
        return
    scan_bytes(run, data, path, "addml", our_schema(run, "addml"), None, "addml")
    try:
        root = parse_small(data)
    except (etree.XMLSyntaxError, UnsafeXml):
        run.add(
            "N5V-STRUCT-01",
            Severity.ERROR,
            f"{path} kan ikke leses som XML; versjon, sjekksummer og antall kan ikke kontrolleres.",
            f"{path} cannot be read as XML; version, checksums and counts cannot be checked.",
            path,
        )
        _version(run, None)
        return
    run.addml = read_addml(root, path)
    _version(run, run.addml)


def _version(run: Run, addml: Addml | None) -> None:
    stated = addml.stated_version if addml else None
    run.stated_version = stated
    run.version, understood = resolve_version(stated)
    if addml is None:
        return
    file, line = addml.path, addml.version_line
    if addml.noark_type is not None and addml.noark_type.strip().lower() != "noark 5":
        run.add(
            "N5V-STRUCT-02",
            Severity.WARNING,
            f"arkivuttrekk.xml oppgir type «{addml.noark_type}»; ventet «Noark 5».",
            f"arkivuttrekk.xml states the type '{addml.noark_type}'; expected 'Noark 5'.",
            file,
            line,
        )
    if stated is None:
        run.add(
            "N5V-STRUCT-02",
            Severity.WARNING,
            "arkivuttrekk.xml oppgir ikke Noark-versjon (info/type/version); uttrekket kontrolleres mot "
            "v5.0.",
            "arkivuttrekk.xml does not state the Noark version (info/type/version); the extract is checked "
            "against v5.0.",
            file,
            line,
        )
    elif not understood:
        run.add(
            "N5V-STRUCT-02",
            Severity.WARNING,
            f"arkivuttrekk.xml oppgir Noark-versjon «{stated}», som vi ikke har skjemaer for (3.1, 4.0, "
            "5.0); uttrekket kontrolleres mot v5.0.",
            f"arkivuttrekk.xml states Noark version '{stated}', which we have no schemas for (3.1, 4.0, "
            "5.0); the extract is checked against v5.0.",
            file,
            line,
        )
    elif stated.strip() != run.version:
        run.add(
            "N5V-STRUCT-02",
            Severity.INFO,
            f"Versjon «{stated}» er vedlikeholdsutgaven av Noark 5 v{run.version}; kontrolleres mot "
            f"v{run.version}.",
            f"Version '{stated}' is the maintenance release of Noark 5 v{run.version}; checked against "
            f"v{run.version}.",
            file,
            line,
        )
    else:
        run.add(
            "N5V-STRUCT-02",
            Severity.INFO,
            f"Uttrekket oppgir Noark 5 versjon {stated}, og kontrolleres mot skjemaene for v{run.version}.",
            f"The extract states Noark 5 version {stated} and is checked against the v{run.version} schemas.",
            file,
            line,
        )
