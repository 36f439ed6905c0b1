"""Phase 1: read the ADDML description (arkivuttrekk.xml) and settle the Noark version.

The version comes from ``info/type/version`` and from the ``arkivstruktur.xsd`` (else
``metadatakatalog.xsd``) the extract lists and bundles, recognised by content (never from namespaces):
recognised official schemas win, as in Arkade, which validates against the schemas the extract carries;
a missing or unknown statement, and a statement that contradicts the schemas, are findings; with
neither, v5.0 is used. Leaves ``run.addml``,
``run.stated_version``, ``run.version_decision`` and ``run.version``.
"""

from __future__ import annotations

from lxml import etree

from ..addml import ADDML_NAMES, Addml, VersionDecision, decide_version, probe_choice, read_addml
from ..findings import Severity
from ..safexml import UnsafeXml, parse_small
from ..source import UnreadableExtract
from .context import MAX_ADDML_BYTES, Run
from .schemas import bundled_versions, our_schema, probe_versions
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
    if addml is None:
        run.version_decision = decide_version(None, None)
        run.version = run.version_decision.version
        return
    schema_path, bundled = bundled_versions(run)
    decision = decide_version(stated, bundled)
    probed: dict[str, int] = {}
    if decision.basis == "default":
        # nothing usable said about the version: the data say which schema they were written for
        probed = probe_versions(run)
        chosen = probe_choice(stated, probed)
        if chosen != decision.version:
            decision = VersionDecision(chosen, "data", stated, None, None)
    run.version_decision = decision
    run.version = decision.version
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
    v = decision.version
    carries_no = f"{schema_path} som følger med uttrekket, er det offisielle skjemaet for Noark 5 v{v}"
    carries_en = f"the {schema_path} the extract carries is the official Noark 5 v{v} schema"
    if decision.contradiction:
        # Two statements about what the extract is that cannot both be true. Arkade validates against
        # the schemas the extract lists and bundles, so we do too; which of the two is wrong only the
        # producer can say, and the receiving archive cannot take the extract in before it is settled.
        run.add(
            "N5V-STRUCT-02",
            Severity.ERROR,
            f"arkivuttrekk.xml oppgir Noark 5 versjon {stated}, men {carries_no}. Uttrekket kontrolleres "
            f"mot v{v}, slik Arkade gjør (den bruker skjemaene uttrekket har med); enten versjonen i "
            "arkivuttrekk.xml eller skjemaene er feil.",
            f"arkivuttrekk.xml states Noark 5 version {stated}, but {carries_en}. The extract is checked "
            f"against v{v}, as Arkade does (it uses the schemas the extract carries); either the version "
            "in arkivuttrekk.xml or the schemas are wrong.",
            file,
            line,
        )
    elif stated is None or decision.stated_version is None:
        # A missing version, or one with no published schemas (e.g. "3.0", superseded in 2013 by v3.1,
        # which only made two of its elements optional), is a fault of the description only: a warning,
        # as Arkade gives it. When the extract carries official schemas, they say what it is, and it is
        # checked in full against them; otherwise v5.0 is a guess, and the finding says so.
        missing = stated is None or not stated.strip()
        said_no = (
            "oppgir ikke Noark-versjon (info/type/version)"
            if missing
            else f"oppgir Noark-versjon «{stated}», som det ikke finnes publiserte skjemaer for "
            "(de finnes for 3.1, 4.0 og 5.0)"
        )
        said_en = (
            "does not state the Noark version (info/type/version)"
            if missing
            else f"states Noark version '{stated}', which has no published schemas (3.1, 4.0 and 5.0 have)"
        )
        if decision.bundled is not None:
            tail_no, tail_en = (
                f"; {carries_no}, og uttrekket kontrolleres mot v{v}.",
                f"; {carries_en}, and the extract is checked against v{v}.",
            )
        elif decision.basis == "data":
            tail_no, tail_en = (
                "; uttrekket har ikke med noe offisielt skjema vi kjenner igjen, men begynnelsen av "
                f"arkivstruktur.xml passer med skjemaet for v{v} ({probed[v]} skjemafeil mot "
                f"{probed['5.0']} for v5.0), og uttrekket kontrolleres mot v{v}.",
                "; the extract carries no official schema we recognise, but the start of arkivstruktur.xml "
                f"fits the v{v} schema ({probed[v]} schema errors against {probed['5.0']} for v5.0), and "
                f"the extract is checked against v{v}.",
            )
        else:
            tail_no, tail_en = (
                "; uttrekket har ikke med noe offisielt skjema vi kjenner igjen, og kontrolleres derfor mot "
                f"v{v}.",
                "; the extract carries no official schema we recognise, and is therefore checked against "
                f"v{v}.",
            )
        run.add(
            "N5V-STRUCT-02",
            Severity.WARNING,
            f"arkivuttrekk.xml {said_no}{tail_no}",
            f"arkivuttrekk.xml {said_en}{tail_en}",
            file,
            line,
        )
    elif stated.strip() != v:
        run.add(
            "N5V-STRUCT-02",
            Severity.INFO,
            f"Versjon «{stated}» er vedlikeholdsutgaven av Noark 5 v{v}; kontrolleres mot v{v}.",
            f"Version '{stated}' is the maintenance release of Noark 5 v{v}; checked against v{v}.",
            file,
            line,
        )
    else:
        also_no = f", og {carries_no}" if decision.bundled is not None else ""
        also_en = f", and {carries_en}" if decision.bundled is not None else ""
        run.add(
            "N5V-STRUCT-02",
            Severity.INFO,
            f"Uttrekket oppgir Noark 5 versjon {stated}{also_no}; det kontrolleres mot skjemaene for v{v}.",
            f"The extract states Noark 5 version {stated}{also_en}; it is checked against the v{v} schemas.",
            file,
            line,
        )
