"""Every route of the requests' opening and assessment (issue 12, points 4 and 5), tried anonymously and with
every role once the requests are opened; then before the participation deadline and after it before the
opening (nothing of a request for anyone, a real id answering as one that does not exist), and the vendors'
isolation (their own clarifications only; another vendor's → 404; no group page)."""

from __future__ import annotations

import re

import pytest

from tender.prequalification import assess_operations as ops
from tender.tenders.models import Role
from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, pq_setup, submitted_request
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_READ = {"lead": 200, "evaluator": 200, "observer": 200}
P = "/konkurranser/{t}/prekvalifisering"
R = P + "/foresporsler/{r}"

# route -> (method, path template, {who: expected status once opened}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "pq_assess.requests": ("GET", P + "/foresporsler", {**NOT_MEMBER, **GROUP_READ}, 403),
    # already opened: the confirmation is refused with a message, back to the page
    "pq_assess.open_requests": (
        "POST",
        P + "/foresporsler/apne",
        {**NOT_MEMBER, "lead": 302, "evaluator": 302, "observer": 302},
        403,
    ),
    "pq_assess.withdraw_opening": (
        "POST",
        P + "/foresporsler/apne/trekk",
        {**NOT_MEMBER, "lead": 302, "evaluator": 302, "observer": 302},
        403,
    ),
    "pq_assess.request_page": ("GET", R, {**NOT_MEMBER, **GROUP_READ}, 403),
    "pq_assess.document": ("GET", R + "/dokumenter/{d}", {**NOT_MEMBER, **GROUP_READ}, 403),
    # an empty form: the page comes back with the reasons (422), nothing changes
    "pq_assess.assess": ("POST", R + "/krav/{q}", {**NOT_MEMBER, "lead": 422, "evaluator": 422}, 403),
    "pq_assess.ask": ("POST", R + "/krav/{q}/avklaring", {**NOT_MEMBER, "lead": 422, "evaluator": 422}, 403),
    "pq_assess.exclusion": (
        "POST",
        R + "/avvisningsgrunner/{g}",
        {**NOT_MEMBER, "lead": 422, "evaluator": 422},
        403,
    ),
    "pq_assess.score": ("POST", R + "/poeng/{c}", {**NOT_MEMBER, "evaluator": 422}, 403),
    "pq_assess.consensus": ("POST", R + "/konsensus/{c}", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_assess.clarifications": ("GET", P + "/avklaringer", {**NOT_MEMBER, "vendor": 200}, 403),
    "pq_assess.answer": ("POST", P + "/avklaringer/{k}", {**NOT_MEMBER, "vendor": 422}, 403),
    "pq_assess.answer_document": (
        "GET",
        P + "/avklaringer/{k}/dokumenter/{kd}",
        {**NOT_MEMBER, "vendor": 200},
        403,
    ),
}

#: the routes that show or act on a request's content
SEALED = [
    "pq_assess.request_page",
    "pq_assess.document",
    "pq_assess.assess",
    "pq_assess.ask",
    "pq_assess.exclusion",
    "pq_assess.score",
    "pq_assess.consensus",
]
GROUP = ("lead", "evaluator", "observer", "signer")


@pytest.fixture
def world(db, create_tender, add_member, create_user, clock):
    s = pq_setup(db, create_tender, add_member, create_user)
    mine, theirs = submitted_request(db, s, 0), submitted_request(db, s, 1)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": s.signers[0],
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    ids = {
        "t": s.tender.id,
        "r": mine.id,
        "d": mine.documents[0].id,
        "q": s.requirements[0].id,
        "g": s.grounds[0].id,
        "c": s.criteria[0].id,
    }
    return s, who, ids, {"mine": mine, "theirs": theirs}


def _open_and_clarify(db, s, clock, ids, requests) -> dict[str, int]:
    clock.set(PQ_AFTER)
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0])
    found = {}
    for key, request in requests.items():
        asked = ops.ask_clarification(
            s.tender, request, s.requirements[1], question="Send attesten.", at=PQ_AFTER, actor=s.lead
        )
        vendor = request.vendor
        user = s.vendor_users[s.vendors.index(vendor)]
        ops.answer_clarification(
            s.tender,
            asked,
            vendor,
            answer="Vedlagt.",
            files=[ops.Upload(f"attest-{key}.pdf", "application/pdf", b"%PDF-1.4 attest")],
            at=PQ_AFTER,
            actor=user,
        )
        db.session.flush()
        found[key] = asked.id
        found[f"{key}_doc"] = asked.documents[0].id if asked.documents else 0
    db.session.commit()
    for key in list(found):
        if key.endswith("_doc") and not found[key]:
            from sqlalchemy import select

            from tender.prequalification.models import RequestDocument

            found[key] = db.session.scalar(
                select(RequestDocument.id).where(RequestDocument.clarification_id == found[key[:-4]])
            )
    return {
        **ids,
        "k": found["mine"],
        "kd": found["mine_doc"],
        "ok": found["theirs"],
        "okd": found["theirs_doc"],
    }


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives_once_the_requests_are_opened(
    endpoint, app, db, clock, isolated, world
) -> None:
    s, who, ids, requests = world
    values = _open_and_clarify(db, s, clock, ids, requests)
    try_everyone(app, ROUTES, endpoint, who, isolated, values)


def _normalised(response) -> str:
    """The page without what differs per response anyway (the CSRF token, the script nonce)."""
    text = response.get_data(as_text=True)
    return re.sub(r'(nonce|content|value)="[^"]*"', "", text)


def _get_or_post(client, forms, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return forms.post(path, {})


@pytest.mark.parametrize("moment", [PQ_BEFORE, PQ_AFTER], ids=["før fristen", "etter fristen, før åpningen"])
@pytest.mark.parametrize("endpoint", SEALED)
def test_before_the_opening_no_one_reaches_a_request_and_a_real_id_answers_as_a_missing_one(
    endpoint, moment, client, forms, login_as, clock, world
) -> None:
    s, who, ids, _ = world
    clock.set(moment)
    method, template, _, _ = ROUTES[endpoint]
    for person in (*GROUP, "vendor"):
        login_as(who[person])
        real = _get_or_post(client, forms, method, template.format(**ids))
        missing = _get_or_post(client, forms, method, template.format(**{**ids, "r": 99999, "d": 99999}))
        assert (real.status_code, missing.status_code) == (403, 403), (person, endpoint)
        assert _normalised(real) == _normalised(missing)
    assert ops.opening_of(s.tender) is None


@pytest.mark.parametrize("moment", [PQ_BEFORE, PQ_AFTER], ids=["før fristen", "etter fristen, før åpningen"])
def test_the_requests_page_before_the_opening_shows_the_deadline_and_no_count_nor_any_vendor(
    moment, client, login_as, clock, world
) -> None:
    s, who, ids, requests = world
    clock.set(moment)
    for person in ("lead", "evaluator", "observer"):
        login_as(who[person])
        html = client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler").get_data(as_text=True)
        assert "20. november 2026" in html and "forseglet" in html
        for v in s.vendors:
            assert v.name not in html and v.organisasjonsnummer not in html
        assert "Ingen forespørsler" not in html and "2 forespørsler" not in html and "Leverte" not in html


def test_one_second_before_the_deadline_nobody_can_open_the_requests(
    client, forms, login_as, clock, world
) -> None:
    s, who, ids, _ = world
    clock.set(PQ_BEFORE)
    login_as(who["lead"])
    assert (
        forms.post(f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler/apne", {}).status_code == 403
    )
    clock.set(PQ_AFTER)
    response = forms.post(f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler/apne", {})
    assert response.status_code == 302 and ops.opening_of(s.tender) is None  # one of two confirmations


def test_a_vendor_gets_404_for_another_vendors_clarification(
    client, forms, login_as, db, clock, world
) -> None:
    s, who, ids, requests = world
    values = _open_and_clarify(db, s, clock, ids, requests)
    login_as(who["vendor"])
    base = f"/konkurranser/{s.tender.id}/prekvalifisering/avklaringer"
    assert client.get(f"{base}/{values['ok']}/dokumenter/{values['okd']}").status_code == 404
    assert forms.post(f"{base}/{values['ok']}", {"s{}-answer".format(values["ok"]): "Hei"}).status_code == 404
    assert client.get(f"{base}/{values['k']}/dokumenter/{values['okd']}").status_code == 404
    html = client.get(base).get_data(as_text=True)
    assert "attest-mine.pdf" in html and "attest-theirs.pdf" not in html


def test_a_vendor_user_reaches_no_group_page_even_after_the_opening(
    client, forms, login_as, db, clock, world
) -> None:
    s, who, ids, requests = world
    values = _open_and_clarify(db, s, clock, ids, requests)
    login_as(who["vendor"])
    for endpoint in ROUTES:
        if endpoint.startswith("pq_assess.") and endpoint not in (
            "pq_assess.clarifications",
            "pq_assess.answer",
            "pq_assess.answer_document",
        ):
            method, template, _, _ = ROUTES[endpoint]
            assert _get_or_post(client, forms, method, template.format(**values)).status_code == 403, endpoint


def test_every_role_is_in_the_table() -> None:
    assert {r.value for r in Role} <= {"lead", "evaluator", "observer", "signer", "vendor"}
