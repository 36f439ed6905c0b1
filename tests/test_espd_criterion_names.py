"""Every criterion the lead can pick has a Norwegian name, whichever of its names the tender or file uses."""

from __future__ import annotations

from tender.core.espd import KNOWN_CRITERIA
from tender.web import espd_messages
from tender.web.espd_messages import criterion_choices, criterion_name
from tests.test_telltale_words import findings


def test_every_known_criterion_has_a_norwegian_name_under_each_of_its_names() -> None:
    for criterion in KNOWN_CRITERIA:
        names = {criterion_name(n) for n in criterion.names}
        assert len(names) == 1 and None not in names, criterion
        [name] = names
        assert name and findings(name) == [], (criterion, name)
    assert set(espd_messages.CRITERION_NAMES) == {c.dotted for c in KNOWN_CRITERIA}


def test_no_two_criteria_share_a_norwegian_name() -> None:
    names = [criterion_name(c.uuid) for c in KNOWN_CRITERIA]
    assert len(set(names)) == len(names)


def test_the_names_the_lead_expects_are_there_from_any_generations_code() -> None:
    assert criterion_name("CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION") == (
        "Deltakelse i en kriminell organisasjon"
    )
    assert criterion_name(" corruption ") == "Korrupsjon"
    assert criterion_name("fraud") == "Bedrageri"
    assert criterion_name("b61bbeb7-690e-4a40-bc68-d6d4ecfaa3d4") == "Betaling av skatt"
    assert criterion_name("socsec-pay") == "Betaling av trygdeavgifter"
    assert criterion_name("bankruptcy") == "Konkurs"
    assert criterion_name("CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY") == (
        "Generell årlig omsetning"
    )
    assert criterion_name("3a18a175-1863-4b1d-baef-588ce61960ca") == "Referanser – varer"
    assert criterion_name("5e506c16-26ab-4e32-bb78-b27f87dc0565") == "Referanser – tjenester"
    assert criterion_name("grenland-arch") is None and criterion_name(None) is None


def test_the_select_offers_every_criterion_by_uuid_in_taxonomy_order() -> None:
    choices = criterion_choices()
    assert [value for value, _ in choices] == [c.uuid for c in KNOWN_CRITERIA]
    assert choices[0] == ("005eb9ed-1347-4ca3-bb29-9bc0db64e1ab", "Deltakelse i en kriminell organisasjon")
