"""``tender espd read FILE [--json]``: what the reader read, in Norwegian or as JSON; exit 2 with the reason
and the line for a file it cannot read. No database and no app are needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tender.core.espd import MAX_BYTES
from tender.reports.espd_commands import espd_group

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "espd"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(espd_group, ["read", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_response_is_printed_in_norwegian_with_operator_procurement_and_each_criterions_answers() -> None:
    code, out, err = run(str(FIXTURES / "espd-response-v2.1.1-extended.xml"))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "Versjon: 2.1.1 (ESPD-EDMv2.1.1-EXTENDED)" in lines
    assert "  Navn: Kommunearkiv Skytjenester AS" in lines
    assert "  Organisasjonsnummer: 924681357" in lines
    assert "  MVA-nummer: NO 924 681 357 MVA" in lines
    assert "  Identifikator: SE556677889901" in lines
    assert "  Kontaktperson: Ingrid Berg, ingrid.berg@kommunearkiv.no, +47 35 90 11 22" in lines
    assert "  Referanse: 2026/0417" in lines and "  Oppdragsgiver: Skien kommune" in lines
    assert "  Tittel: Felles sak- og arkivsystem for Grenland" in lines
    headings = [line for line in lines if line and line == line.upper() and not line.startswith(" ")]
    assert headings == [
        "UTELUKKELSESGRUNNER",
        "EGNETHET",
        "ØKONOMISK OG FINANSIELL KAPASITET",
        "TEKNISK OG FAGLIG KVALIFIKASJON",
        "ANDRE",
        "SVAR UTEN KRITERIUM I FILEN",
    ]
    assert "  Bankruptcy [CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY]" in lines
    assert (
        lines[lines.index("  Bankruptcy [CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY]") + 1]
        == "    (ikke besvart)"
    )
    assert "    - Your answer: Nei" in lines
    assert "    - Amount: 23\u00a0100\u00a0000,00\u00a0kr" in lines
    assert "    - Start and end of the financial year: 1. januar 2025–31. desember 2025" in lines
    assert "    - Proportion subcontracted: 25\u00a0%" in lines
    assert (
        "    - Evidence supplied: Firmaattest – 211e-ev-1 – https://www.brreg.no/firmaattest/924681357, "
        "utstedt av Brønnøysundregistrene"
    ) in lines


def test_json_prints_the_same_with_the_documented_keys() -> None:
    code, out, _err = run(str(FIXTURES / "espd-response-v4.0.0.xml"), "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["format"], data["format_version"], data["version"]) == ("tender-espd-response", 1, "4.0.0")
    assert data["economic_operator"]["name"] == "Telemark IT-tjenester AS"
    assert data["economic_operator"]["orgnr"] == "927384655"
    assert data["economic_operator"]["identifiers"] == [
        {"value": "927384655", "scheme": "NO:ORGNR", "kind": "orgnr", "orgnr": "927384655"}
    ]
    assert data["procurement"]["reference"] == "2026/0417"
    assert [c["category"] for c in data["criteria"]][:4] == [
        "exclusion",
        "exclusion",
        "exclusion",
        "suitability",
    ]
    crime = data["criteria"][0]
    assert (crime["type_code"], crime["answers"][0]["kind"], crime["answers"][0]["indicator"]) == (
        "crime-org",
        "indicator",
        False,
    )
    assert crime["answers"][2]["evidence"]["issuer"] == "Skatteetaten"


def test_a_file_that_is_not_xml_exits_2_with_the_norwegian_reason_and_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "espd.xml"
    bad.write_text('<?xml version="1.0"?>\n<QualificationApplicationResponse>\n<a>\n</b>\n', encoding="utf-8")
    code, out, err = run(str(bad))
    assert (code, out) == (2, "")
    assert err.strip() == f"{bad}: Filen er ikke gyldig XML (linje 4)."
    assert "Traceback" not in err


def test_a_request_exits_2_saying_it_is_a_request(tmp_path: Path) -> None:
    request = tmp_path / "request.xml"
    request.write_bytes(
        b'<QualificationApplicationRequest xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
        b'QualificationApplicationRequest-2"/>'
    )
    code, _out, err = run(str(request))
    assert code == 2 and "ESPD-forespørsel" in err and "ikke et ESPD-svar" in err and "(linje 1)" in err


def test_an_external_entity_exits_2_and_the_named_file_never_appears(tmp_path: Path) -> None:
    xxe = tmp_path / "xxe.xml"
    xxe.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<QualificationApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
        b'QualificationApplicationResponse-2">&x;</QualificationApplicationResponse>'
    )
    code, out, err = run(str(xxe), "--json")
    assert code == 2 and out == "" and "root:" not in err
    assert "dokumenttypedeklarasjon" in err and "(linje 2)" in err


def test_a_file_over_the_limit_exits_2_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "stor.xml"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    code, _out, err = run(str(big))
    assert code == 2 and "Filen er for stor" in err and "10\u00a0MB" in err


def test_a_missing_file_exits_2_in_norwegian(tmp_path: Path) -> None:
    code, _out, err = run(str(tmp_path / "finnes-ikke.xml"))
    assert (
        code == 2 and err.strip() == f"Finner ikke eller kan ikke lese filen {tmp_path / 'finnes-ikke.xml'}."
    )


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xml")))
def test_every_fixture_is_read_by_the_command(name: str) -> None:
    code, out, _err = run(str(FIXTURES / name))
    assert code == 0 and "Referanse: 2026/0417" in out


def test_the_command_is_registered_on_the_tender_command_line(runner) -> None:
    result = runner.invoke(args=["espd", "read", str(FIXTURES / "espd-response-v1.xml")])
    assert result.exit_code == 0, result.output
    assert "  Navn: Arkivhuset Norge AS" in result.output
