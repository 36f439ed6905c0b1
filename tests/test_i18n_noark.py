"""A vendor who chose English (tender.i18n) reads its own Noark 5 sample pages and the report in English: the
Arkade tests by their English names, the findings in the validator's English wording; another vendor's
samples are not on them."""

from __future__ import annotations

import re

import pytest

from tests.test_noark_tasks import zipped_extract
from tests.test_noark_web import noark_world, uploaded


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


def test_a_vendor_reads_its_noark_report_in_english(
    client, forms, login_as, db, world, duplicate_zip
) -> None:
    from tender.core.noark.checks import ARKADE

    other = uploaded(client, forms, login_as, db, world, 1, duplicate_zip, filename="andres-uttrekk.zip")
    sample = uploaded(client, forms, login_as, db, world, 0, duplicate_zip)
    answer = forms.post("/sprak", {"language": "en", "next": "/"}, page=world.base + "/mine-prover")
    assert answer.status_code == 302

    mine = client.get(world.base + "/mine-prover").get_data(as_text=True)
    assert '<html lang="en">' in mine and "Your samples" in mine and "Upload and check" in mine
    assert "Invalid" in mine and "andres-uttrekk.zip" not in mine and world.vendors[1].name not in mine

    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    assert '<html lang="en">' in html and "Tests with errors" in html and "Tester med feil" not in html
    n547 = _row(html, "N5.47")
    assert ARKADE["N5.47"].name_en in n547 and ARKADE["N5.47"].name_no not in n547
    assert "<strong>Errors</strong>" in n547 and "Error:" in n547 and "Our checks: N5V-CONTENT-04" in n547
    assert "brukes 2 ganger" not in n547  # the Norwegian finding is not shown beside the English one
    assert "Coverage: partial" in _row(html, "N5.28")
    assert client.get(f"{world.base}/prover/{other.id}").status_code in (403, 404)
