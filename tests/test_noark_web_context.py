"""The extract's context (arkivskaper, system, archival period, period separation, and the counts stated
against those found) at the top of the report: in the text output of ``tender noark validate`` and on the
report page. Missing fields read "ikke oppgitt"."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tender.noark.commands import noark_group
from tender.noark.report_view import build_context_view, build_report_view
from tests.noark_generator import ARKIVSKAPER
from tests.test_noark_tasks import zipped_extract
from tests.test_noark_web import World, noark_world, uploaded

SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "noark5" / "samples"


def text_report(path: Path, *args: str) -> str:
    result = CliRunner().invoke(noark_group, ["validate", *args, str(path)])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_the_text_report_starts_with_the_synthetic_sample_s_context_in_norwegian() -> None:
    out = text_report(SAMPLES / "SYNTHETIC_v5_0_minimal")
    context = out[out.index("KONTEKST (fra arkivuttrekk.xml)") :]
    assert out.index("KONTEKST") < out.index("GYLDIG")
    assert "  Arkivskaper: Testkommune\n" in context
    assert "  System: Syntetisk system, systemtype: Sakarkiv (Noark-5)\n" in context
    assert "  Arkiv: Syntetisk testarkiv\n" in context
    assert "  Arkivperiode: 1. januar 2020 – 31. desember 2023\n" in context
    assert "  Periodeskille: inngående skarpt, utgående skarpt\n" in context
    assert (
        "    mappe i arkivstruktur.xml: oppgitt 3, funnet 3 ✓ (arkivuttrekk.xml, numberOfOccurrences)"
        in context
    )
    assert (
        "    dokumentfil i uttrekket: oppgitt 3, funnet 3 ✓ (arkivuttrekk.xml, antallDokumentfiler)"
        in context
    )
    assert (
        "    journalregistrering i loependeJournal.xml: oppgitt 3, funnet 3 ✓ "
        "(journalhodet, antallJournalposter)" in context
    )


def test_the_english_text_report_gives_arkade_s_small_sample_s_context() -> None:
    out = text_report(SAMPLES / "arkade5_Small", "--lang", "en")
    assert "CONTEXT (from arkivuttrekk.xml)" in out
    assert "  Record creator: Lewis Caroll\n" in out
    assert "  System: Utrolig dårlig arkiv, system type: Sakarkiv (Noark-5)\n" in out
    assert "  Archival period: 1863-03-27 – 1865-12-11\n" in out
    assert "  Period separation: incoming skarp, outgoing skarp\n" in out
    assert "    registrering in arkivstruktur.xml: stated 2, found 2 ✓" in out


def test_the_text_report_shows_kdrs_uttrekk1_s_journals_counted_as_journal_records() -> None:
    out = text_report(SAMPLES / "kdrs_uttrekk1")
    assert (
        "  Arkivskaper: Oslo Kommune\n" in out and "  Periodeskille: inngående mykt, utgående mykt\n" in out
    )
    assert "  Arkivperiode: 9. september 2011 – 10. oktober 2012\n" in out
    assert "    registrering (= journalregistrering) i loependeJournal.xml: oppgitt 4, funnet 4 ✓" in out


def test_a_count_that_does_not_match_is_marked_with_both_numbers(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    extract = zipped_extract(tmp_path / "x", errors={"wrong_count"})
    out = text_report(extract)
    assert (
        "    mappe i arkivstruktur.xml: oppgitt 4, funnet 3 ≠ AVVIK (arkivuttrekk.xml, numberOfOccurrences)"
        in out
    )


def test_fields_the_extract_does_not_state_read_ikke_oppgitt(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    shutil.copytree(SAMPLES / "SYNTHETIC_v5_0_minimal", extract)
    addml = extract / "arkivuttrekk.xml"
    text = addml.read_text(encoding="utf-8")
    text = re.sub(r"<context>.*?</context>", "<context><additionalElements/></context>", text, flags=re.S)
    text = re.sub(r"<content>.*?</content>", "<content><additionalElements/></content>", text, flags=re.S)
    text = re.sub(r'<property name="periode">.*?</property></properties></property>', "", text, flags=re.S)
    addml.write_text(text, encoding="utf-8")
    out = text_report(extract)
    assert "  Arkivskaper: ikke oppgitt\n" in out
    assert "  System: ikke oppgitt, systemtype: ikke oppgitt\n" in out
    assert "  Arkivperiode: ikke oppgitt – ikke oppgitt\n" in out
    assert "  Periodeskille: inngående ikke oppgitt, utgående ikke oppgitt\n" in out


def test_an_extract_without_arkivuttrekk_xml_says_so_in_the_context(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    shutil.copytree(SAMPLES / "SYNTHETIC_v5_0_minimal", extract)
    (extract / "arkivuttrekk.xml").unlink()
    out = text_report(extract)
    assert "KONTEKST: uttrekket har ingen arkivuttrekk.xml" in out and "  Arkivskaper: ikke oppgitt\n" in out


# -- the report page ---------------------------------------------------------------------------------------
def test_a_report_stored_before_the_context_existed_shows_no_context_and_no_error() -> None:
    view = build_report_view({"verdict": {"valid": True}, "extract": {}, "checks": []}, 20)
    assert view.context is None


def test_the_page_s_context_says_ikke_oppgitt_for_what_is_missing_and_keeps_a_period_that_is_no_date() -> (
    None
):
    context = build_context_view(
        {
            "context": {
                "addml": "arkivuttrekk.xml",
                "record_creators": [{"name": "Skien kommune", "number": "938583986"}],
                "system_name": None,
                "system_type": "",
                "archive": None,
                "archival_period": {
                    "start": None,
                    "end": "2023-12-31",
                    "start_raw": "jan 2020",
                    "end_raw": "x",
                },
                "period_separation": {"incoming": "skarpt", "outgoing": None},
                "counts": [
                    {
                        "source": "antallDokumentfiler",
                        "file": None,
                        "element": "dokumentfil",
                        "counted_as": "dokumentfil",
                        "stated": 12000,
                        "stated_raw": "12000",
                        "found": None,
                        "agrees": None,
                    }
                ],
            }
        }
    )
    assert context is not None
    assert context.record_creators == "Skien kommune (nr. 938583986)"
    assert (context.system_name, context.system_type, context.archive) == ("ikke oppgitt",) * 3
    assert (context.period_start, context.period_end) == ("«jan 2020» (ikke en dato)", "31. desember 2023")
    assert (context.incoming, context.outgoing) == ("skarpt", "ikke oppgitt")
    [row] = context.counts
    assert (row.where, row.stated, row.found, row.agrees) == (
        "hele uttrekket",
        "12\N{NO-BREAK SPACE}000",
        "ikke talt",
        None,
    )


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member) -> World:
    return noark_world(db, clock, create_tender, create_user, add_member)


@pytest.fixture(scope="module")
def wrong_count_zip(tmp_path_factory: Any) -> bytes:
    return zipped_extract(tmp_path_factory.mktemp("wrong"), errors={"wrong_count"}).read_bytes()


def test_the_report_page_shows_the_context_at_the_top_with_the_counts_stated_against_those_found(
    client, forms, login_as, db, world, wrong_count_zip
) -> None:
    sample = uploaded(client, forms, login_as, db, world, 0, wrong_count_zip)
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    top = html[
        html.index('<section id="kontekst"') : html.index("</section>", html.index('<section id="kontekst"'))
    ]
    # at the top: before the findings
    assert html.index('<section id="kontekst"') < html.index('<h3 id="arkade-failed">Tester med feil</h3>')
    assert "Uttrekkets kontekst (fra arkivuttrekk.xml)" in top
    assert f'<th scope="row">Arkivskaper</th><td>{ARKIVSKAPER[1]}</td>' in top
    assert '<th scope="row">System</th><td>Syntetisk saksbehandlingssystem</td>' in top
    assert '<th scope="row">Systemtype</th><td>Sakarkiv (Noark-5)</td>' in top
    assert "inngående: skarpt, utgående: skarpt" in top
    assert re.search(r"<th scope=\"row\">Arkivperiode</th><td>\d+\. \w+ \d{4} – \d+\. \w+ \d{4}</td>", top)
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td class=\"num\">(.*?)</td>"
        r"\s*<td class=\"num\">(.*?)</td>\s*<td>(.*?)</td>",
        top,
    )
    assert (
        "mappe",
        "arkivstruktur.xml",
        "arkivuttrekk.xml (numberOfOccurrences)",
        "4",
        "3",
        "<strong>nei</strong>",
    ) in rows
    assert (
        "registrering",
        "arkivstruktur.xml",
        "arkivuttrekk.xml (numberOfOccurrences)",
        "6",
        "6",
        "ja",
    ) in rows
