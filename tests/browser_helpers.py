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
