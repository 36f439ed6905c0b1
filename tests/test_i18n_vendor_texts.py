# ruff: noqa: F811 (the fixtures of tests/test_vendors.py, imported, are parameters by the same names)
"""The vendors' pages in English, the texts made outside the templates (issue 17, point 7): texts with values
made by operations, the public timeline's entries, the clarification page, and the language a new vendor
account gets from the page it registered on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tender.i18n import COOKIE
from tests.test_i18n import _texts_in_code
from tests.test_vendors import VENDOR_B, _register, mail_on, world  # noqa: F401 (fixtures)


def test_every_wording_with_values_in_vendor_messages_is_still_made_by_the_code() -> None:
    from tender.web import vendor_messages

    constants, patterns = _texts_in_code()
    stale = []
    for wording in vendor_messages.PATTERNS:
        example = re.sub(r"%\(\w+\)[sd]", "X", wording)
        if example not in constants and not any(p.fullmatch(example) for p in patterns):
            stale.append(wording)
    assert stale == []


@pytest.mark.parametrize(
    ("norwegian", "english"),
    [
        (
            "For mange mislykkede innlogginger. Vent 4 sekunder og prøv igjen.",
            "Too many failed logins. Wait 4 seconds and try again.",
        ),
        (
            "Besvart: publisert som nr. 3 3. desember 2026 kl. 08.44",
            "Answered: published as no. 3 on 3 December 2026 at 08:44",
        ),
        (
            "Dokumentasjon mangler för kvalifikasjonskrav 2: Referanser",  # not a known wording: as it is
            "Dokumentasjon mangler för kvalifikasjonskrav 2: Referanser",
        ),
        (
            "Dokumentasjon mangler for kvalifikasjonskrav 2: Tre referanser fra kommuner",
            "Documentation is missing for qualification requirement 2: Tre referanser fra kommuner",
        ),
        ("R0012: svaret må være et tall, ikke «mange».", "R0012: the answer must be a number, not “mange”."),
        ("Filen er ikke gyldig XML (linje 3).", "The file is not valid XML (line 3)."),
        (
            "ark «Krav», rad 12: Krav-ID «R0099» finnes ikke i den kunngjorte kravspesifikasjonen.",
            "sheet “Krav”, row 12: Requirement ID “R0099” does not exist in the announced requirements "
            "specification.",
        ),
        (
            "Filen er et ESPD-svar for en annen anskaffelse (2025/0001), ikke for denne (2026/0417).",
            "The file is an ESPD response for another procurement (2025/0001), not for this one (2026/0417).",
        ),
        (
            "Organisasjonsnummeret må bestå av nøyaktig ni sifre.",
            "The organisation number must consist of exactly nine digits.",
        ),
        (
            "Tilbudsfristen ble forlenget til 1. mars 2027 kl. 12.00.",
            "The bid deadline was extended to 1 March 2027 at 12:00.",
        ),
        (
            "Kvalifikasjonskrav 2 er ikke besvart i ESPD-svarene: Generell årlig omsetning",
            "Qualification requirement 2 is not answered in the ESPD answers: General yearly turnover",
        ),
        (
            "Fristen for spørsmål var 1. mars 2027 kl. 12.00. Spørsmålet er ikke tatt imot.",
            "The deadline for questions was 1 March 2027 at 12:00. The question was not received.",
        ),
        # numbers written the Norwegian way (tender.formatting: a no-break space between thousands, a
        # decimal comma) are written again the English way; a requirement's number stays as it is
        (
            "Teksten er for lang: høyst 10\u00a0000 tegn, og denne har 12\u00a0345.",
            "The text is too long: at most 10,000 characters, and this one has 12,345.",
        ),
        ("Filen er større enn 2,5 MB.", "The file is larger than 2.5 MB."),
        ("Filen er større enn 1\u00a0234,75 MB.", "The file is larger than 1,234.75 MB."),
        (
            "1.2: svaret må være et tall, ikke «1\u00a0000,5».",
            "1.2: the answer must be a number, not “1\u00a0000,5”.",
        ),
    ],
)
def test_a_text_with_values_is_worded_in_english_on_a_vendors_english_page_and_kept_on_a_norwegian_one(
    app, norwegian: str, english: str
) -> None:
    from tender.i18n import translated

    with app.test_request_context("/logg-inn", headers={"Cookie": f"{COOKIE}=en"}):
        assert translated(norwegian) == english
    with app.test_request_context("/logg-inn", headers={"Cookie": f"{COOKIE}=nb"}):
        assert translated(norwegian) == norwegian


def test_a_new_vendor_account_gets_the_language_of_the_page_it_registered_on(
    client,
    forms,
    db,
    world,
    mail_on,
) -> None:
    from sqlalchemy import select

    from tender.auth.models import User

    tender, *_ = world
    client.set_cookie(COOKIE, "en")
    page = f"/kunngjoring/{tender.announcement_token}"
    assert _register(forms, tender, orgnr=VENDOR_B[1], page=page).status_code == 200
    body = mail_on[-1].get_payload(decode=True).decode("utf-8")
    link = re.search(r"http://localhost(/leverandor/bekreft/[A-Za-z0-9_-]+\?lang=en)\b", body)
    assert link, body
    client.set_cookie(COOKIE, "nb")  # the link opened in a browser that reads Norwegian
    assert forms.post(link.group(1), {}, page=link.group(1)).status_code == 200
    user = db.session.scalars(select(User).where(User.email == "nora@arkivleverandoren.no")).one()
    assert user.language == "en"


def test_a_vendor_account_registered_on_a_norwegian_page_gets_norwegian(
    client,
    forms,
    db,
    world,
    mail_on,
) -> None:
    from sqlalchemy import select

    from tender.auth.models import User

    tender, *_ = world
    _register(forms, tender, orgnr=VENDOR_B[1])
    body = mail_on[-1].get_payload(decode=True).decode("utf-8")
    link = re.search(r"http://localhost(/leverandor/bekreft/[A-Za-z0-9_-]+\?lang=nb)\b", body)
    assert link, body
    forms.post(link.group(1), {}, page=link.group(1))
    user = db.session.scalars(select(User).where(User.email == "nora@arkivleverandoren.no")).one()
    assert user.language == "nb"


@pytest.fixture
def noark(db, clock, create_tender, create_user, add_member):
    from tests.test_noark_web import noark_world

    return noark_world(db, clock, create_tender, create_user, add_member)


@pytest.fixture(scope="module")
def extract_zip(tmp_path_factory) -> bytes:
    from tests.test_noark_tasks import zipped_extract

    return zipped_extract(tmp_path_factory.mktemp("progress")).read_bytes()


def _status_labels(html: str) -> dict[str, str]:
    import html as html_module
    import json

    match = re.search(r"data-status-labels='([^']*)'", html)
    assert match, html
    return json.loads(html_module.unescape(match.group(1)))


def test_the_noark_progress_script_gets_the_status_labels_in_the_pages_language(
    client, forms, login_as, db, noark, extract_zip
) -> None:
    from tests.test_noark_web import post_upload

    login_as(noark.sellers[0])
    assert post_upload(client, forms, noark, extract_zip, "uttrekk.zip").status_code == 302  # queued
    page = noark.base + "/mine-prover"
    norwegian = _status_labels(client.get(page).get_data(as_text=True))
    assert norwegian == {"queued": "I kø", "running": "Kontrolleres", "done": "Ferdig", "failed": "Feilet"}
    forms.post("/sprak", {"language": "en", "next": "/"}, page=page)
    english = _status_labels(client.get(page).get_data(as_text=True))
    assert english["queued"] != "I kø" and english["running"] != "Kontrolleres"
    assert set(english) == set(norwegian) and all(english.values())
    script = (Path(__file__).resolve().parent.parent / "tender/static/noark-progress.js").read_text()
    assert "data-status-labels" in script and "I kø" not in script and "Kontrolleres" not in script


@pytest.mark.parametrize(
    "code,values", [("doctype_forbidden", {}), ("unsupported_version", {"version": None})]
)
def test_an_espd_refusal_with_its_line_is_in_english_on_an_english_page(app, code, values) -> None:
    """The ESPD reader's refusals that know their line (tender.web.espd_messages.message adds "(linje N)"):
    the refusal's own English text, then the line; on a Norwegian page as it was made."""
    from tender.core.espd import EspdError
    from tender.i18n import translated
    from tender.web.espd_messages import message

    made = message(EspdError(code, values, line=7))
    assert made.endswith(" (linje 7).")
    with app.test_request_context("/logg-inn", headers={"Cookie": f"{COOKIE}=en"}):
        english = translated(made)
    assert english.endswith(" (line 7).") and "linje" not in english
    assert english != made and not any(word in english for word in (" og ", " ikke ", "Filen"))
    with app.test_request_context("/logg-inn", headers={"Cookie": f"{COOKIE}=nb"}):
        assert translated(made) == made
