"""Scoring and sign-off with the keyboard alone, in a real Chromium (issue 17, point 7): no mouse, no
``click``, ``fill`` or ``check`` — only Tab, Shift+Tab, Enter, Space, arrow keys and typing, as someone who
cannot use a mouse works. Every control the test stops on must show where the focus is (a visible outline
under ``:focus-visible``). The pages on the way are checked with axe-core too (tests/axe.py): they are the
ones the walk of the finished demo cannot see with their forms open (scoring, opening the consensus, the
rejection's confirmation, a municipality's sign-off).

The only thing done without the keyboard is opening the login page's address, as a person types it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests import axe
from tests.award_helpers import approved_recommendation
from tests.browser_helpers import wait_for_score_saved
from tests.conftest import PASSWORD
from tests.evaluation_helpers import BEFORE, Clock, live_setup, restore_clock
from tests.negotiation_helpers import negotiation_setup
from tests.prequalification_helpers import live_builders

pytestmark = pytest.mark.browser

#: the focused element, as the test needs to know it: its kind, its name, its form's name, whether its focus
#: is visible and whether it is checked
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return null; }
  const s = getComputedStyle(e);
  let name = e.getAttribute('aria-label') || '';
  if (!name && e.labels && e.labels.length) { name = e.labels[0].textContent; }
  if (!name) { name = e.innerText || e.value || ''; }
  const form = e.closest('form');
  return {
    tag: e.tagName.toLowerCase(), type: e.type || '', name: name.trim().replace(/\\s+/g, ' '),
    form: form ? (form.getAttribute('aria-label') || '') : '',
    visible: e.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    checked: !!e.checked, value: e.value === undefined ? '' : String(e.value),
  };
}"""

#: Tab presses before the test gives up looking for a control (a long page has a few dozen)
MAX_TABS = 200


def focused(page: Any) -> dict[str, Any] | None:
    return page.evaluate(FOCUSED)


def tab_to(page: Any, name: str, *, form: str | None = None, exact: bool = True, back: bool = False) -> None:
    """Press Tab (Shift+Tab with ``back``) until the focus is on the control called ``name`` (in the form
    called ``form``); the focus must be visible there.

    The focus must not leave the page on the way. Past the page's last control a browser takes the focus to
    its own bar, and the next Tab brings it back to the top. Headless Chromium has no bar: CI's one failure
    was «Logg ut» reached that way after the last score, focused but not shown as focused (``:focus-visible``
    also needs the frame to have the focus, and the keystroke that brings it back can race the browser's
    note that the page lost it; not once in some 170 wraps tried here). A control at the other end of
    the page is reached the other way (``back``), as someone at the bottom of a page reaches its top with
    Shift+Tab."""
    seen = []
    inside = focused(page) is not None
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        if now is None:
            if inside or seen:
                way = "Tab" if back else "Shift+Tab"
                raise AssertionError(
                    f"fokus forlot siden før «{name}» ({form}); den nås med {way}: fokus var på {seen[-30:]}"
                )
            continue
        seen.append(now["name"][:40])
        hit = now["name"] == name if exact else name in now["name"]
        if hit and (form is None or now["form"] == form):
            assert now["visible"], f"fokus på «{name}» er ikke synlig: {now}"
            return
    raise AssertionError(f"kom ikke til «{name}» ({form}) med tastaturet; fokus var på: {seen[-30:]}")


def type_into(page: Any, name: str, text: str, *, form: str | None = None) -> None:
    tab_to(page, name, form=form)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def press_button(page: Any, name: str, *, form: str | None = None, key: str = "Enter") -> None:
    tab_to(page, name, form=form)
    page.keyboard.press(key)


def date_order(page: Any) -> str:
    """The order a date field of this browser takes its parts in when typed (``strftime`` style): Chromium in
    Norwegian shows dd.mm.åååå, one in American English mm/dd/yyyy. Asked of a blank page of the same
    browser, so the form under test is not touched."""
    probe = page.context.new_page()
    try:
        probe.set_content('<input type="date" aria-label="Dato">')
        probe.keyboard.press("Tab")
        probe.keyboard.type("01022003")
        value = probe.evaluate("document.querySelector('input').value")
    finally:
        probe.close()
    orders = {"2003-02-01": "%d%m%Y", "2003-01-02": "%m%d%Y"}
    assert value in orders, f"ukjent rekkefølge i datofeltet: {value!r}"
    return orders[value]


def log_in(page: Any, url: str, email: str) -> None:
    page.goto(url + "/logg-inn")
    type_into(page, "E-postadresse", email)
    type_into(page, "Passord", PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mine konkurranser").wait_for()


def log_out(page: Any) -> None:
    """From anywhere in the page's content up to «Logg ut» in the header, with Shift+Tab."""
    tab_to(page, "Logg ut", back=True)
    page.keyboard.press("Enter")
    page.get_by_text("Du er logget ut.").wait_for()


def follow(page: Any, link: str, heading: str, *, exact: bool = True, back: bool = False) -> None:
    """Tab to a link, press Enter, and wait for the page it leads to: its navigation first (a heading name
    is matched in part, and the page being left may have one that matches, so the next Tab would race the
    load), then its heading."""
    tab_to(page, link, exact=exact, back=back)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name=heading).first.wait_for()


def no_serious_violations(page: Any, where: str) -> None:
    found = axe.check(page)
    assert not axe.blocking(found), "alvorlige brudd på WCAG 2.1 AA:\n" + axe.report({where: found})


def test_an_evaluator_scores_and_the_lead_sets_the_consensus_with_the_keyboard_alone(
    live_server, page
) -> None:
    w = live_setup(live_server.app, evaluators=1, vendors=2, leaves=1)
    try:
        url = live_server.url
        evaluator = w.evaluators[0]
        a, b = w.vendor_names
        criteria = ("Arkivfunksjonalitet", "Gjennomføring")

        # the evaluator: from the list of tenders to "Mine poeng", every score with its justification
        log_in(page, url, evaluator.email)
        follow(page, w.title, w.title, exact=False)
        follow(page, "Mine poeng", "Mine poeng")
        no_serious_violations(page, "Mine poeng (evaluator)")
        for vendor in (a, b):
            for n, criterion in enumerate(criteria):
                form = f"Poeng for {vendor} på {criterion}"
                type_into(page, "Poeng", str(6 + n), form=form)
                type_into(
                    page, "Begrunnelse", f"Godt beskrevet i tilbudet fra {vendor} ({criterion}).", form=form
                )
                press_button(page, "Lagre poeng", form=form)
                wait_for_score_saved(page, form)
                # back on the form just saved: the address names it, and the next Tab starts there
                assert page.url.endswith("#" + page.locator(f"form[aria-label='{form}']").get_attribute("id"))
        log_out(page)

        # the lead: opens the consensus phase through its confirmation, then sets the consensus
        log_in(page, url, w.lead.email)
        follow(page, w.title, w.title, exact=False)
        follow(page, "Konsensus", "Konsensus")
        follow(page, "Åpne konsensusfasen …", "Åpne konsensusfasen", exact=False)
        no_serious_violations(page, "Åpne konsensusfasen (prosjektleder)")
        tab_to(page, "Jeg har sett listen over manglende poeng og vil åpne konsensusfasen nå")
        page.keyboard.press("Space")
        assert focused(page)["checked"]
        press_button(page, "Åpne konsensusfasen")
        page.get_by_text("Konsensusfasen er åpnet").wait_for()
        no_serious_violations(page, "Konsensus (prosjektleder)")
        for vendor in (a, b):
            for n, criterion in enumerate(criteria):
                form = f"Konsensus for {vendor} på {criterion}"
                type_into(page, "Poeng", str(7 + n), form=form)
                type_into(page, "Begrunnelse", "Samlet vurdering i møtet.", form=form)
                press_button(page, "Lagre konsensus", form=form)
                wait_for_score_saved(page, form)
        # from the last consensus form at the bottom of the page up to the tender's tabs
        follow(page, "Evalueringsmatrise", "Evalueringsmatrise", back=True)
        assert page.get_by_text("Vinner:").is_visible()

        # the rejection's confirmation page, reached from a bid's page with the keyboard (not confirmed)
        follow(page, "Tilbud", "Tilbud")
        follow(page, a, a, exact=False)
        no_serious_violations(page, "Tilbudet (prosjektleder)")
        type_into(page, "Begrunnelse for avvisning", "Prøver bekreftelsessiden.")
        press_button(page, "Avvis tilbudet …")
        page.get_by_role("heading", name=f"Avvise tilbudet fra {a}?").wait_for()
        no_serious_violations(page, "Bekreft avvisning (prosjektleder)")
    finally:
        restore_clock(live_server.app)

    from tender.evaluation.models import ConsensusScore, IndividualScoreRow
    from tender.extensions import db

    with live_server.app.app_context():
        individual = (
            db.session.query(IndividualScoreRow).filter(IndividualScoreRow.bid_id.in_(w.bid_ids)).all()
        )
        consensus = db.session.query(ConsensusScore).filter(ConsensusScore.bid_id.in_(w.bid_ids)).all()
        assert len(individual) == 4 and all(s.justification for s in individual)
        assert sorted(s.score for s in consensus) == [Decimal(7), Decimal(7), Decimal(8), Decimal(8)]


def test_a_municipality_signer_signs_off_the_recommendation_with_the_keyboard_alone(
    live_server, page
) -> None:
    from tender.award.models import AwardSignOff, SignOffDecision
    from tender.extensions import db
    from tender.formatting import OSLO
    from tender.tenders.models import Role

    app = live_server.app
    b = live_builders(db, title="Tastaturgodkjenning", case_reference="2026/0716")
    clock = Clock(BEFORE)  # the bids go in before the deadline
    app.config["CLOCK"] = clock
    try:
        with app.app_context():
            s = negotiation_setup(db, b.create_tender, b.add_member, b.create_user, clock)
            rec = approved_recommendation(s.tender, approve=0)  # frozen, no municipality has decided
            db.session.commit()
            municipality = s.tender.bound_municipalities[0]
            signer = next(
                m.user.email
                for m in s.tender.memberships
                if m.role is Role.SIGNER and m.municipality_id == municipality.id
            )
            title, name, rec_id = s.tender.title, municipality.name, rec.id
        today = clock().astimezone(OSLO).date()

        log_in(page, live_server.url, signer)
        follow(page, title, title, exact=False)
        follow(page, "Innstilling", "Innstilling", exact=False)
        follow(page, "Les innstillingen og ta stilling", f"Vedtak for {name}")
        no_serious_violations(page, "Innstillingen (signatar)")
        form = f"Vedtak for {name}"
        # the decision: into the radio group with Tab, onto «Godkjent» with the arrow keys, Space to choose
        tab_to(page, "Godkjent", form=form)
        page.keyboard.press("Space")
        assert focused(page)["checked"]
        tab_to(page, "Vedtatt av", form=form)
        page.keyboard.type("Formannskapet")  # a closed select picks the option typed
        assert focused(page)["value"] == "formannskap"
        tab_to(page, "Vedtaksdato", form=form)
        # a date field takes its parts (day, month, year) in the order the browser's own language shows them
        page.keyboard.type(today.strftime(date_order(page)))
        assert focused(page)["value"] == today.isoformat()
        type_into(page, "Saksnummer i kommunens arkiv", "2026/4711", form=form)
        press_button(page, "Registrer vedtaket", form=form)
        page.get_by_text(f"{name} har godkjent innstillingen.").wait_for()
        no_serious_violations(page, "Innstillingen etter vedtaket (signatar)")
    finally:
        restore_clock(app)

    with app.app_context():
        decided = db.session.query(AwardSignOff).filter_by(recommendation_id=rec_id).one()
        assert decided.decision is SignOffDecision.APPROVED
        assert decided.decision_date == today and decided.case_number == "2026/4711"
        assert decided.body.value == "formannskap"
