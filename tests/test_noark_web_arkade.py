"""The Noark report page in Arkade's terms, through the web: the findings by Arkade test with their results,
the tests with errors linked at the top, our own checks apart, and the report downloaded in the structure of
Arkade's own test report (validated against ../shared/noark5/reference/testReport.xsd)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from tests.test_noark_tasks import zipped_extract
from tests.test_noark_web import noark_world, post_upload, samples, uploaded

XSD = Path(__file__).resolve().parents[1] / ".." / "shared" / "noark5" / "reference" / "testReport.xsd"


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member):
    return noark_world(db, clock, create_tender, create_user, add_member)


@pytest.fixture(scope="module")
def duplicate_zip(tmp_path_factory) -> bytes:
    return zipped_extract(tmp_path_factory.mktemp("dup"), errors={"duplicate_systemid"}).read_bytes()


def _row(html: str, test: str) -> str:
    match = re.search(rf'<tr id="arkade-{re.escape(test)}".*?</tr>', html, re.S)
    assert match, test
    return match.group(0)


def test_the_report_page_shows_each_arkade_test_with_its_result_and_links_the_failed_ones(
    client, forms, login_as, db, world, duplicate_zip
) -> None:
    sample = uploaded(client, forms, login_as, db, world, 0, duplicate_zip)
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    failed = html[html.index("Tester med feil") : html.index("Arkade-tester (N5.01–N5.64)")]
    assert 'href="#arkade-N5.47"' in failed and 'href="#arkade-N5.04"' not in failed
    n547 = _row(html, "N5.47")
    assert "<strong>Feil</strong>" in n547 and "Systemidentifikasjoner" in n547 and "brukes 2 ganger" in n547
    assert "Våre kontroller: N5V-CONTENT-04" in n547
    assert "Bestått" in _row(html, "N5.04") and "Antall arkiv: 1" in _row(html, "N5.04")
    # a partial coverage says what is missing
    assert "Dekning: delvis" in _row(html, "N5.28") and "antallDokumentfiler leses ved navn" in _row(
        html, "N5.28"
    )
    assert html.index('id="arkade-N5.47"') < html.index("Kontroller som Arkade ikke har")


def test_the_report_downloads_in_arkades_format_and_validates_against_its_schema(
    client, forms, login_as, db, world, duplicate_zip
) -> None:
    sample = uploaded(client, forms, login_as, db, world, 0, duplicate_zip)
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    assert "Last ned rapporten i Arkades format (XML)" in html
    response = client.get(f"{world.base}/prover/{sample.id}/rapport-arkade.xml", buffered=True)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert f"noark-rapport-{sample.id}-arkade.xml" in response.headers["Content-Disposition"]
    doc = etree.fromstring(response.data)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(doc), schema.error_log
    assert doc.xpath("//ExecutedTest[TestId='N5.47']/NumberOfErrors/text()") == ["1"]
    assert doc.findtext("Summary/NumberOfErrors") == str(sample.error_count)


def test_a_sample_still_in_the_queue_has_no_arkade_report_yet(
    client, forms, login_as, db, world, valid_zip
) -> None:
    from tender.noark.models import SampleStatus

    login_as(world.sellers[0])
    assert post_upload(client, forms, world, valid_zip, "uttrekk.zip").status_code == 302
    [sample] = samples(db)
    assert sample.status is SampleStatus.QUEUED
    assert client.get(f"{world.base}/prover/{sample.id}/rapport-arkade.xml").status_code == 404


def test_a_file_that_is_no_extract_still_downloads_a_valid_arkade_report_with_its_one_finding(
    client, forms, login_as, db, world
) -> None:
    from tender.noark.models import Verdict

    sample = uploaded(
        client, forms, login_as, db, world, 0, b"%PDF-1.4 not an extract" * 100, "uttrekk.tar.gz"
    )
    assert sample.verdict is Verdict.UNREADABLE
    response = client.get(f"{world.base}/prover/{sample.id}/rapport-arkade.xml", buffered=True)
    assert response.status_code == 200
    doc = etree.fromstring(response.data)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(doc), schema.error_log
    assert doc.findtext("Summary/NumberOfErrors") == "1"
