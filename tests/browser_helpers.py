"""Steps several browser tests take the same way, as a person would. Not a conftest: tests import them."""

from __future__ import annotations

from typing import Any


def register_as_vendor(
    page: Any, announcement_url: str, *, orgnr: str, name: str, email: str, password: str, company: str = ""
) -> None:
    """Register from a tender's announcement page, up to "Sjekk e-posten din". ``company`` is typed only for a
    company new to the system (the page asks for it then)."""
    page.goto(announcement_url)
    page.get_by_role("heading", name="Registrer deg som leverandør").wait_for()
    page.get_by_label("Organisasjonsnummer").fill(orgnr)
    if company:
        page.get_by_label("Firmanavn (hvis firmaet er nytt for oss)").fill(company)
    page.get_by_label("Ditt navn").fill(name)
    page.get_by_label("Din e-postadresse").fill(email)
    page.get_by_label("Velg passord").fill(password)
    page.get_by_label("Gjenta passordet").fill(password)
    page.get_by_role("button", name="Registrer").click()
    page.get_by_role("heading", name="Sjekk e-posten din").wait_for()


def log_in(page: Any, url: str, who: Any, password: str | None = None) -> None:
    """Log in from the login page as a person does (``who``: a user or an e-mail address), up to the
    list of one's tenders."""
    from tests.conftest import PASSWORD

    page.goto(url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(who if isinstance(who, str) else who.email)
    page.get_by_label("Passord").fill(password or PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Mine konkurranser").wait_for()


def log_out(page: Any) -> None:
    """Log out with the button in the header, up to the page that says so."""
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_text("Du er logget ut.").wait_for()
