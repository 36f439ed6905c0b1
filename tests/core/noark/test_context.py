"""The extract's context in the report (issue 15, point 3): arkivskaper, system name and type, archival
period and period separation as the extract's ADDML states them, and the counts ADDML (and the journal
headers) state against the counts found. The expected values are read off the sample files by hand."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tender.core.noark.addml import RecordCreator, read_addml
from tender.core.noark.safexml import parse_small
from tender.core.noark.validator import validate_path
from tests.noark_generator import ARKIVSKAPER, generate_extract

from .official import SAMPLES


def context_of(path: Path) -> dict[str, Any]:
    context: dict[str, Any] = validate_path(path).to_json()["context"]
    return context


def count(context: dict[str, Any], source: str, file: str | None, element: str) -> dict[str, Any]:
    rows = [
        r
        for r in context["counts"]
        if r["source"] == source and r["file"] == file and r["element"] == element
    ]
    assert len(rows) == 1, context["counts"]
    return rows[0]


def test_the_synthetic_sample_states_its_creator_system_period_and_sharp_separation() -> None:
    context = context_of(SAMPLES / "SYNTHETIC_v5_0_minimal")
    assert context["addml"] == "arkivuttrekk.xml"
    assert context["record_creators"] == [{"name": "Testkommune", "number": None}]
    assert context["system_name"] == "Syntetisk system"
    assert context["system_type"] == "Sakarkiv (Noark-5)"
    assert context["archive"] == "Syntetisk testarkiv"
    assert context["archival_period"] == {
        "start": "2020-01-01",
        "end": "2023-12-31",
        "start_raw": "2020-01-01",
        "end_raw": "2023-12-31",
    }
    assert context["period_separation"] == {"incoming": "skarpt", "outgoing": "skarpt"}


def test_the_synthetic_sample_s_stated_counts_all_agree_with_what_was_found() -> None:
    context = context_of(SAMPLES / "SYNTHETIC_v5_0_minimal")
    expected = {
        ("numberOfOccurrences", "arkivstruktur.xml", "mappe"): 3,
        ("numberOfOccurrences", "arkivstruktur.xml", "registrering"): 3,
        ("numberOfOccurrences", "endringslogg.xml", "endring"): 1,
        ("numberOfOccurrences", "loependeJournal.xml", "journalregistrering"): 3,
        ("numberOfOccurrences", "offentligJournal.xml", "journalregistrering"): 3,
        ("antallDokumentfiler", None, "dokumentfil"): 3,
        ("antallJournalposter", "loependeJournal.xml", "journalregistrering"): 3,
        ("antallJournalposter", "offentligJournal.xml", "journalregistrering"): 3,
    }
    got = {(r["source"], r["file"], r["element"]): r for r in context["counts"]}
    assert set(got) == set(expected)
    for key, n in expected.items():
        assert (got[key]["stated"], got[key]["found"], got[key]["agrees"]) == (n, n, True), key


def test_arkade_s_small_sample_gives_lewis_caroll_and_its_period_from_1863() -> None:
    context = context_of(SAMPLES / "arkade5_Small")
    assert context["record_creators"] == [{"name": "Lewis Caroll", "number": None}]
    assert context["system_name"] == "Utrolig dårlig arkiv"
    assert context["system_type"] == "Sakarkiv (Noark-5)"
    assert context["archive"] == "Alice in wonderland"
    assert (context["archival_period"]["start"], context["archival_period"]["end"]) == (
        "1863-03-27",
        "1865-12-11",
    )
    # written "skarp" in this file, and shown as written
    assert context["period_separation"] == {"incoming": "skarp", "outgoing": "skarp"}
    assert [(r["source"], r["element"], r["stated"], r["found"], r["agrees"]) for r in context["counts"]] == [
        ("numberOfOccurrences", "mappe", 1, 1, True),
        ("numberOfOccurrences", "registrering", 2, 2, True),
        ("antallDokumentfiler", "dokumentfil", 2, 2, True),
    ]


def test_kdrs_uttrekk1_gives_oslo_kommune_a_soft_separation_and_its_journals_counted_the_v3_0_way() -> None:
    context = context_of(SAMPLES / "kdrs_uttrekk1")
    assert context["record_creators"] == [{"name": "Oslo Kommune", "number": None}]
    assert (context["system_name"], context["system_type"]) == ("arkivlab", "Sakarkiv (Noark-5)")
    assert (context["archival_period"]["start"], context["archival_period"]["end"]) == (
        "2011-09-09",
        "2012-10-10",
    )
    assert context["period_separation"] == {"incoming": "mykt", "outgoing": "mykt"}
    assert count(context, "numberOfOccurrences", "arkivstruktur.xml", "mappe")["found"] == 2
    assert count(context, "numberOfOccurrences", "arkivstruktur.xml", "registrering")["found"] == 4
    # this ADDML (version 3.0) counts the journals' records as "registrering", as the v3.0 template did
    journal = count(context, "numberOfOccurrences", "loependeJournal.xml", "registrering")
    assert (journal["counted_as"], journal["stated"], journal["found"], journal["agrees"]) == (
        "journalregistrering",
        4,
        4,
        True,
    )
    assert count(context, "antallDokumentfiler", None, "dokumentfil")["stated"] == 4
    header = count(context, "antallJournalposter", "offentligJournal.xml", "journalregistrering")
    assert (header["stated"], header["found"]) == (4, 4)


def test_a_stated_count_that_differs_from_the_extract_is_shown_with_both_numbers(tmp_path: Path) -> None:
    clean = generate_extract(tmp_path / "clean", 4, 2, journaler=True)
    wrong = generate_extract(tmp_path / "wrong", 4, 2, journaler=True, errors={"wrong_count"})
    assert (
        count(context_of(clean.root), "numberOfOccurrences", "arkivstruktur.xml", "mappe")["agrees"] is True
    )
    row = count(context_of(wrong.root), "numberOfOccurrences", "arkivstruktur.xml", "mappe")
    assert (row["stated"], row["found"], row["agrees"]) == (5, 4, False)


def test_the_generated_extract_s_context_is_what_the_generator_wrote(tmp_path: Path) -> None:
    extract = generate_extract(tmp_path / "x", 3, 1)
    context = context_of(extract.root)
    assert context["record_creators"] == [{"name": ARKIVSKAPER[1], "number": None}]
    assert context["archival_period"]["start"] == extract.period[0].isoformat()
    assert context["archival_period"]["end"] == extract.period[1].isoformat()


def _blank_context(xml: str) -> str:
    xml = re.sub(r"<context>.*?</context>", "<context><additionalElements/></context>", xml, flags=re.S)
    return re.sub(r"<content>.*?</content>", "<content><additionalElements/></content>", xml, flags=re.S)


def test_fields_the_addml_does_not_give_are_none_in_the_json(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    shutil.copytree(SAMPLES / "SYNTHETIC_v5_0_minimal", extract)
    addml = extract / "arkivuttrekk.xml"
    text = addml.read_text(encoding="utf-8")
    text = _blank_context(text)
    text = re.sub(r'<property name="periode">.*?</property></properties></property>', "", text, flags=re.S)
    addml.write_text(text, encoding="utf-8")
    context = context_of(extract)
    assert context["record_creators"] == []
    assert context["system_name"] is None and context["system_type"] is None and context["archive"] is None
    assert context["archival_period"] == {"start": None, "end": None, "start_raw": None, "end_raw": None}
    assert context["period_separation"] == {"incoming": None, "outgoing": None}
    # the counts are still there: they are not part of the context section
    assert count(context, "numberOfOccurrences", "arkivstruktur.xml", "mappe")["agrees"] is True


def test_an_extract_without_addml_has_an_empty_context_and_the_journal_header_counts(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    shutil.copytree(SAMPLES / "SYNTHETIC_v5_0_minimal", extract)
    (extract / "arkivuttrekk.xml").unlink()
    context = context_of(extract)
    assert context["addml"] is None
    assert context["record_creators"] == [] and context["system_name"] is None
    assert [r["source"] for r in context["counts"]] == ["antallJournalposter", "antallJournalposter"]


def test_a_period_written_as_no_date_keeps_what_was_written(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    shutil.copytree(SAMPLES / "SYNTHETIC_v5_0_minimal", extract)
    addml = extract / "arkivuttrekk.xml"
    addml.write_text(
        addml.read_text(encoding="utf-8").replace("<value>2020-01-01</value>", "<value>januar 2020</value>"),
        encoding="utf-8",
    )
    period = context_of(extract)["archival_period"]
    assert (period["start"], period["start_raw"], period["end"]) == (None, "januar 2020", "2023-12-31")


ADDML_PROFILE = b"""<?xml version="1.0" encoding="utf-8"?>
<addml xmlns="http://www.arkivverket.no/standarder/addml" name="x"><dataset>
<reference>
 <context><additionalElements>
  <additionalElement name="agents"><additionalElements>
   <additionalElement name="agent">
    <properties><property name="role"><value>recordCreator</value></property>
     <property name="type"><value>institution</value></property></properties>
    <additionalElements>
     <additionalElement name="name"><value>Porsgrunn kommune</value></additionalElement>
     <additionalElement name="organisasjonsnummer"><value>939991034</value></additionalElement>
    </additionalElements>
   </additionalElement>
   <additionalElement name="agent">
    <properties><property name="role"><value>deliver</value></property></properties>
    <additionalElements><additionalElement name="name"><value>Avleverer AS</value></additionalElement>
    </additionalElements>
   </additionalElement>
  </additionalElements></additionalElement>
  <additionalElement name="system"><additionalElements>
   <additionalElement name="systemType"><value>Noark 5</value></additionalElement>
   <additionalElement name="name"><value>Sak 2000</value></additionalElement>
  </additionalElements></additionalElement>
 </additionalElements></context>
 <content><additionalElements>
  <additionalElement name="archivalPeriod"><additionalElements>
   <additionalElement name="startDate"><value>20040401</value></additionalElement>
   <additionalElement name="endDate"><value>20100331</value></additionalElement>
   <additionalElement name="period"><additionalElements>
    <additionalElement name="inboundPartition"><value>Skarpt</value></additionalElement>
    <additionalElement name="outboundPartition"><value>Mykt</value></additionalElement>
   </additionalElements></additionalElement>
  </additionalElements></additionalElement>
 </additionalElements></content>
</reference></dataset></addml>
"""


def test_the_layout_of_arkivverket_s_addml_profile_is_read_too() -> None:
    addml = read_addml(parse_small(ADDML_PROFILE), "addml.xml")
    assert addml.creators == (RecordCreator("Porsgrunn kommune", "939991034"),)
    assert addml.record_creators == ("Porsgrunn kommune",)
    assert (addml.system_name, addml.system_type) == ("Sak 2000", "Noark 5")
    assert (str(addml.period_start), str(addml.period_end)) == ("2004-04-01", "2010-03-31")
    assert (addml.incoming_separation, addml.outgoing_separation) == ("Skarpt", "Mykt")
    assert not addml.sharp_separation


@pytest.mark.parametrize("name", ["orgnr", "organisationNumber", "number"])
def test_a_record_creator_s_number_given_as_a_property_is_read(name: str) -> None:
    xml = (
        '<addml xmlns="http://www.arkivverket.no/standarder/addml"><dataset><reference><context>'
        '<additionalElements><additionalElement name="recordCreators"><additionalElements>'
        '<additionalElement name="recordCreator"><value>Skien kommune</value><properties>'
        f'<property name="{name}"><value>938583986</value></property></properties></additionalElement>'
        '<additionalElement name="recordCreator"><value>Bamble kommune</value></additionalElement>'
        "</additionalElements></additionalElement></additionalElements></context></reference></dataset></addml>"
    ).encode()
    addml = read_addml(parse_small(xml), "arkivuttrekk.xml")
    assert addml.creators == (RecordCreator("Skien kommune", "938583986"), RecordCreator("Bamble kommune"))
