"""The synthetic extract generator (tests/noark_generator.py): valid v5.0, correct ADDML, plantable errors.

An independent little checker built on lxml tells which planted-error kinds an extract shows, so each
kind can be shown to be present when planted and absent otherwise.
"""

from __future__ import annotations

import hashlib
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from tender.core.noark.source import open_extract
from tests.noark_generator import ERROR_KINDS, GeneratedExtract, generate_extract

XSD = Path(__file__).resolve().parents[3].parent / "shared" / "noark5" / "xsd"
N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"
ADDML = "{http://www.arkivverket.no/standarder/addml}"
_SCHEMAS: dict[Path, etree.XMLSchema] = {}


def _schema(path: Path) -> etree.XMLSchema:
    if path not in _SCHEMAS:
        _SCHEMAS[path] = etree.XMLSchema(etree.parse(str(path)))
    return _SCHEMAS[path]


def _schema_errors(xml: Path, xsd: Path) -> list[str]:
    schema = _schema(xsd)
    schema.validate(etree.parse(str(xml)))
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def _generate(tmp_path: Path, errors: set[str] = frozenset(), **kw: object) -> GeneratedExtract:  # type: ignore[assignment]
    options: dict[str, object] = {"n_mapper": 6, "registreringer_per_mappe": 3, "seed": 7, "journaler": True}
    options.update(kw)
    return generate_extract(tmp_path / "uttrekk", errors=errors, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the independent checker


def _addml(root: Path) -> etree._ElementTree:
    return etree.parse(str(root / "arkivuttrekk.xml"))


def _addml_checksums(root: Path) -> dict[str, str]:
    """File name -> SHA-256 as arkivuttrekk.xml states it."""
    result = {}
    for file_prop in _addml(root).iter(f"{ADDML}property"):
        if file_prop.get("name") != "file":
            continue
        name = file_prop.findtext(f".//{ADDML}property[@name='name']/{ADDML}value")
        value = file_prop.findtext(
            f".//{ADDML}property[@name='checksum']//{ADDML}property[@name='value']/{ADDML}value"
        )
        if name and value:
            result[name] = value
    return result


def _addml_counts(root: Path) -> dict[tuple[str, str], int]:
    """(data object, element) -> count as arkivuttrekk.xml states it."""
    result = {}
    for data_object in _addml(root).iter(f"{ADDML}dataObject"):
        for count in data_object.findall(
            f"./{ADDML}properties/{ADDML}property[@name='info']/{ADDML}properties/{ADDML}property"
        ):
            element = count.findtext(f"{ADDML}value")
            value = count.findtext(f".//{ADDML}property[@name='value']/{ADDML}value")
            result[(data_object.get("name") or "", element or "")] = int(value or -1)
    return result


def _documents(root: Path) -> list[tuple[str, str, int]]:
    """(referanseDokumentfil, sjekksum, filstoerrelse) of every dokumentobjekt."""
    tree = etree.parse(str(root / "arkivstruktur.xml"))
    return [
        (
            d.findtext(f"{N5}referanseDokumentfil") or "",
            d.findtext(f"{N5}sjekksum") or "",
            int(d.findtext(f"{N5}filstoerrelse") or -1),
        )
        for d in tree.iter(f"{N5}dokumentobjekt")
    ]


def _deviations(root: Path) -> set[str]:
    """Which ERROR_KINDS this extract shows, judged without the generator's help."""
    found: set[str] = set()
    errors = _schema_errors(root / "arkivstruktur.xml", XSD / "v5.0" / "arkivstruktur.xsd")
    if any("tittel" in e and ("Expected is" in e or "Missing child element" in e) for e in errors):
        found.add("missing_mandatory")
    if any("journaldato" in e for e in errors):
        found.add("bad_date")
    tree = etree.parse(str(root / "arkivstruktur.xml"))
    ids = Counter(e.text for e in tree.iter(f"{N5}systemID"))
    if any(n > 1 for n in ids.values()):
        found.add("duplicate_systemid")
    if (
        _addml_checksums(root)["arkivstruktur.xml"]
        != hashlib.sha256((root / "arkivstruktur.xml").read_bytes()).hexdigest()
    ):
        found.add("wrong_checksum")
    if _addml_counts(root)[("arkivstruktur", "mappe")] != len(list(tree.iter(f"{N5}mappe"))):
        found.add("wrong_count")
    if _addml(root).findtext(f".//{ADDML}property[@name='type']//{ADDML}value[.='5.0']") is None:
        found.add("unknown_addml_version")
    on_disk = {p.relative_to(root).as_posix() for p in (root / "dokumenter").rglob("*") if p.is_file()}
    referenced = set()
    for path, sjekksum, size in _documents(root):
        referenced.add(path)
        if path not in on_disk:
            found.add("missing_document_file")
            continue
        data = (root / path).read_bytes()
        if not data:
            found.add("empty_document_file")
        if hashlib.sha256(data).hexdigest() != sjekksum or len(data) != size:
            found.add("wrong_document_checksum")
    if on_disk - referenced:
        found.add("unreferenced_file")
    if (root / "loependeJournal.xml").is_file():
        found |= _journal_deviations(root, tree)
    return found | _rule_deviations(tree)


def _journal_deviations(root: Path, tree: etree._ElementTree) -> set[str]:
    """The journal kinds: each journal entry against the journalpost of arkivstruktur.xml with its systemID
    (systemIDs used twice and dates that are no xs:date are other kinds' business)."""
    found: set[str] = set()
    counts = Counter(e.text for e in tree.iter(f"{N5}systemID"))
    records = {}
    for r in tree.iter(f"{N5}registrering"):
        if r.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "journalpost":
            mappe = r.getparent()
            assert mappe is not None
            records[r.findtext(f"{N5}systemID")] = (r, mappe)
    arkivdel = tree.find(f".//{N5}arkivdel")
    assert arkivdel is not None
    period = (
        arkivdel.findtext(f"{N5}arkivperiodeStartDato"),
        arkivdel.findtext(f"{N5}arkivperiodeSluttDato"),
    )
    for name in ("loependeJournal", "offentligJournal"):
        ns = f"{{http://www.arkivverket.no/standarder/noark5/{name}}}"
        journal = etree.parse(str(root / f"{name}.xml"))
        head = (journal.findtext(f".//{ns}journalStartDato"), journal.findtext(f".//{ns}journalSluttDato"))
        if head != period:
            found.add("journal_period_differs")
        seen = set()
        for entry in journal.iter(f"{ns}journalregistrering"):
            system_id = entry.findtext(f"{ns}journalpost/{ns}systemID")
            seen.add(system_id)
            if system_id not in records:
                found.add("journal_entry_not_in_structure")
                continue
            if counts[system_id] > 1:
                continue
            record, mappe = records[system_id]
            date = entry.findtext(f"{ns}journalpost/{ns}journaldato")
            if date != record.findtext(f"{N5}journaldato") and "." not in (
                record.findtext(f"{N5}journaldato") or ""
            ):
                found.add("journal_date_differs")
            tittel = entry.findtext(f"{ns}journalpost/{ns}tittel")
            if tittel is not None and tittel != record.findtext(f"{N5}tittel"):
                found.add("journal_title_differs")
            if entry.findtext(f"{ns}saksmappe/{ns}sakssekvensnummer") != mappe.findtext(
                f"{N5}sakssekvensnummer"
            ):
                found.add("journal_case_number_differs")
        if set(records) - seen:
            found.add("journal_entry_missing")
    return found


def _rule_deviations(tree: etree._ElementTree) -> set[str]:
    """Which of the generator's RULE_KINDS this arkivstruktur.xml shows."""
    found: set[str] = set()
    xsi_type = "{http://www.w3.org/2001/XMLSchema-instance}type"
    for el in tree.iter(f"{N5}*"):
        if len(el) == 0 and el.text and not el.text.strip():
            found.add("blank_value")
    if any(s.text != "Avsluttet periode" for s in tree.iter(f"{N5}arkivdelstatus")):
        found.add("open_arkivdel")
    for reg in tree.iter(f"{N5}registrering"):
        if reg.get(xsi_type) != "journalpost":
            continue
        types = {k.findtext(f"{N5}korrespondanseparttype") for k in reg.findall(f"{N5}korrespondansepart")}
        wanted = {"Inngående dokument": "Avsender", "Utgående dokument": "Mottaker"}
        if wanted.get(reg.findtext(f"{N5}journalposttype") or "", "") not in types | {""}:
            found.add("wrong_korrespondansepart")
    for skjerming in tree.iter(f"{N5}skjerming"):
        screened = [m.text or "" for m in skjerming.findall(f"{N5}skjermingMetadata")]
        parent = skjerming.getparent()
        if any("utvalgte ord" in m for m in screened) and parent.find(f"{N5}offentligTittel") is None:
            found.add("missing_offentlig_tittel")
    for done in tree.iter(f"{N5}utfoertKassasjon"):
        parent = done.getparent()
        if parent.find(f"{N5}dokumentobjekt") is not None:
            found.add("kassert_document_kept")
        if parent.findtext(f"{N5}kassasjon/{N5}kassasjonsvedtak") == "Bevares":
            found.add("kassert_but_preserved")
    return found


# --------------------------------------------------------------------------- a clean extract


def test_a_clean_extract_is_valid_against_the_official_v5_0_schemas(tmp_path: Path) -> None:
    root = _generate(tmp_path).root
    for name in ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"):
        assert _schema_errors(root / f"{name}.xml", XSD / "v5.0" / f"{name}.xsd") == [], name


def test_a_clean_extract_has_an_addml_valid_against_addml_8_3(tmp_path: Path) -> None:
    root = _generate(tmp_path).root
    assert _schema_errors(root / "arkivuttrekk.xml", XSD / "addml" / "addml_v8.3.xsd") == []


def test_a_clean_extract_shows_none_of_the_error_kinds(tmp_path: Path) -> None:
    assert _deviations(_generate(tmp_path).root) == set()


def test_addml_checksums_match_every_listed_file(tmp_path: Path) -> None:
    root = _generate(tmp_path, schema_dir=XSD / "v5.0", addml_xsd=XSD / "addml" / "addml_v8.3.xsd").root
    checksums = _addml_checksums(root)
    assert set(checksums) == {
        "arkivstruktur.xml",
        "endringslogg.xml",
        "loependeJournal.xml",
        "offentligJournal.xml",
        "arkivstruktur.xsd",
        "endringslogg.xsd",
        "loependeJournal.xsd",
        "offentligJournal.xsd",
        "metadatakatalog.xsd",
    }
    for name, value in checksums.items():
        assert value == hashlib.sha256((root / name).read_bytes()).hexdigest(), name


def test_addml_counts_match_the_elements_in_the_files(tmp_path: Path) -> None:
    info = _generate(tmp_path)
    counts = _addml_counts(info.root)
    arkivstruktur = etree.parse(str(info.root / "arkivstruktur.xml"))
    journal = etree.parse(str(info.root / "loependeJournal.xml"))
    endringslogg = etree.parse(str(info.root / "endringslogg.xml"))
    assert counts[("arkivstruktur", "mappe")] == len(list(arkivstruktur.iter(f"{N5}mappe"))) == 6
    assert (
        counts[("arkivstruktur", "registrering")] == len(list(arkivstruktur.iter(f"{N5}registrering"))) == 18
    )
    assert (
        counts[("loependeJournal", "journalregistrering")]
        == len(journal.getroot()) - 1
        == info.n_journalposter
    )
    assert counts[("endringslogg", "endring")] == len(endringslogg.getroot()) == info.n_endringer


def test_addml_states_the_number_of_document_files_and_the_archival_period(tmp_path: Path) -> None:
    info = _generate(tmp_path)
    addml = _addml(info.root)
    antall = addml.findtext(f".//{ADDML}property[@name='antallDokumentfiler']/{ADDML}value")
    assert int(antall or -1) == len(list((info.root / "dokumenter").iterdir())) == 18
    start = addml.findtext(f".//{ADDML}property[@name='startDate']/{ADDML}value")
    end = addml.findtext(f".//{ADDML}property[@name='endDate']/{ADDML}value")
    arkivdel = etree.parse(str(info.root / "arkivstruktur.xml")).find(f".//{N5}arkivdel")
    assert arkivdel is not None
    assert (start, end) == (
        arkivdel.findtext(f"{N5}arkivperiodeStartDato"),
        arkivdel.findtext(f"{N5}arkivperiodeSluttDato"),
    )
    journaldatoer = [
        e.text or "" for e in etree.parse(str(info.root / "arkivstruktur.xml")).iter(f"{N5}journaldato")
    ]
    assert journaldatoer and all(str(start) <= d <= str(end) for d in journaldatoer)


def test_document_files_are_pdfs_whose_checksums_and_sizes_match_the_metadata(tmp_path: Path) -> None:
    root = _generate(tmp_path, document_size=5000).root
    for path, sjekksum, size in _documents(root):
        data = (root / path).read_bytes()
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (sjekksum, size)
        assert 4500 < size < 5500


def test_only_the_first_max_dokumentfiler_registreringer_get_documents(tmp_path: Path) -> None:
    info = _generate(tmp_path, max_dokumentfiler=4)
    assert info.n_dokumentobjekter == info.n_dokumentfiler == len(_documents(info.root)) == 4
    assert _deviations(info.root) == set()


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    a = generate_extract(tmp_path / "a", 3, 2, seed=1)
    b = generate_extract(tmp_path / "b", 3, 2, seed=1)
    c = generate_extract(tmp_path / "c", 3, 2, seed=2)
    assert a.checksums == b.checksums
    assert a.checksums["arkivstruktur.xml"] != c.checksums["arkivstruktur.xml"]


def test_the_extract_reads_back_through_the_source_layer_with_the_same_checksums(tmp_path: Path) -> None:
    info = _generate(tmp_path)
    with open_extract(info.root) as source:
        digests = source.hash_files(source.list_files())
        assert source.findings == []
    assert {p: d.sha256 for p, d in digests.items()} == info.checksums


def test_the_generator_writes_in_constant_memory(tmp_path: Path) -> None:
    def peak(n_mapper: int, name: str) -> int:
        tracemalloc.start()
        try:
            generate_extract(tmp_path / name, n_mapper, 3, dokumenter=False, journaler=True)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(20, "small"), peak(600, "large")
    assert (tmp_path / "large" / "arkivstruktur.xml").stat().st_size > 25 * (
        tmp_path / "small" / "arkivstruktur.xml"
    ).stat().st_size
    # thirty times the data, (almost) the same memory: nothing grows with the extract
    assert large < small + 256 * 1024, (small, large)


# --------------------------------------------------------------------------- planted errors


@pytest.mark.parametrize("kind", sorted(ERROR_KINDS))
def test_each_planted_error_shows_up_and_nothing_else_does(tmp_path: Path, kind: str) -> None:
    info = _generate(tmp_path, {kind})
    assert _deviations(info.root) == {kind}
    assert set(info.planted) == {kind}


def test_all_errors_can_be_planted_at_once(tmp_path: Path) -> None:
    info = _generate(tmp_path, set(ERROR_KINDS))
    assert _deviations(info.root) == set(ERROR_KINDS)


def test_a_planted_duplicate_names_the_systemid_that_occurs_twice(tmp_path: Path) -> None:
    info = _generate(tmp_path, {"duplicate_systemid"})
    tree = etree.parse(str(info.root / "arkivstruktur.xml"))
    ids = Counter(e.text for e in tree.iter(f"{N5}systemID"))
    assert ids[info.planted["duplicate_systemid"].detail] == 2


def test_a_planted_missing_mandatory_element_is_in_the_middle_of_the_file(tmp_path: Path) -> None:
    info = _generate(tmp_path, {"missing_mandatory"}, n_mapper=20)
    errors = _schema_errors(info.root / "arkivstruktur.xml", XSD / "v5.0" / "arkivstruktur.xsd")
    [line] = {int(e.split(":")[0]) for e in errors}
    total_lines = (info.root / "arkivstruktur.xml").read_text().count("\n")
    assert total_lines / 4 < line < total_lines * 3 / 4


def test_unknown_error_kinds_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown"):
        generate_extract(tmp_path / "x", 2, 2, errors={"typo"})


def test_document_errors_without_documents_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="document files"):
        generate_extract(tmp_path / "x", 2, 2, dokumenter=False, errors={"missing_document_file"})
