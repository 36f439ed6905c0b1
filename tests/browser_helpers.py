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


def fill_and_save(page: Any, form_name: str, values: dict[str, str], button: str, said: str) -> None:
    """Fill the form named ``form_name`` (a select by its option's text), press ``button`` and wait for the
    new page to say ``said``."""
    form = page.get_by_role("form", name=form_name)
    for label, value in values.items():
        control = form.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    # the same message stays on the page from the last save: wait for the new page, not for the old one
    with page.expect_navigation():
        form.get_by_role("button", name=button).click()
    page.get_by_text(said).first.wait_for()


def add_selection_criterion(page: Any, name: str, weight: str, descriptors: str) -> None:
    """The lead adds a prequalification selection criterion on the setup page."""
    details = page.locator(
        "details", has=page.locator("summary", has_text="Legg til et utvelgelseskriterium")
    )
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    details.get_by_label("Navn").fill(name)
    details.get_by_label("Vekt (%)").fill(weight)
    details.get_by_label("Skala 0–10: hva poengene betyr").fill(descriptors)
    details.get_by_role("button", name="Legg til kriteriet").click()
    page.get_by_text(f"Utvelgelseskriteriet «{name}» er lagt til.").wait_for()


def wait_for_score_saved(page: Any, form_name: str) -> None:
    """After "Lagre poeng" or "Lagre konsensus" on the form named "Poeng for V på C" or "Konsensus for V på
    C": wait for that save's own message. A generic "er lagret" would be met at once by the previous save's
    message, still on the page until the post returns, and the next click would race the navigation."""
    kind, _, rest = form_name.partition(" for ")
    vendor, criterion = rest.rsplit(" på ", 1)
    subject = {"Poeng": "Poengene", "Konsensus": "Konsensuspoengene"}[kind]
    page.get_by_text(f"{subject} for {vendor} på «{criterion}» er lagret.").wait_for()
