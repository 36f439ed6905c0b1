"""Every route of questions and answers, tried anonymously and with every role. The published list is every
member's; a vendor's own questions are the vendor users'; the questions as typed, with their askers, are the
group's; the lead publishes, a signer approves. Another vendor's question is not found (404), whatever the
route."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_ONLY = {**NOT_MEMBER, "vendor": 403}
VENDOR_ONLY = {**NOT_MEMBER, "vendor": 200}

# route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "questions.index": ("GET", "/konkurranser/{t}/sporsmal", NOT_MEMBER, 200),
    "questions.pdf": ("GET", "/konkurranser/{t}/sporsmal/sporsmal-og-svar.pdf", NOT_MEMBER, 200),
    "questions.mine": ("GET", "/konkurranser/{t}/sporsmal/mine", VENDOR_ONLY, 403),
    "questions.own": ("GET", "/konkurranser/{t}/sporsmal/mine/{q}", VENDOR_ONLY, 403),
    "questions.own_attachment": ("GET", "/konkurranser/{t}/sporsmal/mine/{q}/vedlegg", VENDOR_ONLY, 403),
    "questions.group": ("GET", "/konkurranser/{t}/sporsmal/alle", GROUP_ONLY, 200),
    "questions.question": ("GET", "/konkurranser/{t}/sporsmal/alle/{q}", GROUP_ONLY, 200),
    "questions.attachment": ("GET", "/konkurranser/{t}/sporsmal/alle/{q}/vedlegg", GROUP_ONLY, 200),
    # the setting posted without a choice is refused in words (the choice is saved: tests/test_questions.py)
    "questions.settings": (
        "POST",
        "/konkurranser/{t}/sporsmal/innstillinger",
        {**NOT_MEMBER, "lead": 422},
        403,
    ),
    # the question has no answer yet: the signer's approval and the lead's publication are refused in words
    "questions.approve": (
        "POST",
        "/konkurranser/{t}/sporsmal/alle/{q}/godkjenn",
        {**NOT_MEMBER, "signer": 422},
        403,
    ),
    "questions.publish": (
        "POST",
        "/konkurranser/{t}/sporsmal/alle/{q}/publiser",
        {**NOT_MEMBER, "lead": 422},
        403,
    ),
}


@pytest.fixture
def asked(db, people):
    """A question with an attachment from the people's vendor, before the question deadline."""
    from tender.db_types import utcnow
    from tender.questions import operations as ops

    tender, who, _ = people
    now = utcnow()
    tender.questions_deadline = now + timedelta(days=10)
    question = ops.ask(
        tender,
        tender.participating_vendors[0],
        text="Hvor mange brukere skal løsningen ha?",
        attachment=("vedlegg.pdf", "application/pdf", b"%PDF-1.4 vedlegg"),
        at=now,
        actor=who["vendor"],
    )
    db.session.commit()
    return question


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, asked, isolated) -> None:
    tender, who, _ = people
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id, "q": asked.id})


@pytest.mark.parametrize("endpoint", sorted(e for e in ROUTES if "{q}" in ROUTES[e][1]))
def test_another_vendors_question_is_not_found_by_any_route_that_names_a_question(
    endpoint, app, db, people, asked, isolated, create_user, add_member
) -> None:
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Role

    tender, who, _ = people
    rival = tender_ops.register_vendor(tender, name="Konkurrent AS", organisasjonsnummer="912345688")
    db.session.commit()
    rival_user = add_member(tender, Role.VENDOR, vendor=rival)
    method, template, expected, default = ROUTES[endpoint]
    # the rival vendor's user is, for this question, what a vendor is for a question that does not exist
    routes = {
        endpoint: (
            method,
            template,
            {**expected, "vendor": 404 if expected.get("vendor") == 200 else 403},
            default,
        )
    }
    people_now = {**who, "vendor": rival_user}
    try_everyone(app, routes, endpoint, people_now, isolated, {"t": tender.id, "q": asked.id})


def test_a_question_id_from_another_tender_is_not_found_by_the_group(
    client, db, people, asked, login_as, create_tender
) -> None:
    tender, who, _ = people
    other = create_tender(title="En annen konkurranse")
    login_as(other.memberships[0].user)
    for path in ("", "/vedlegg"):
        assert client.get(f"/konkurranser/{other.id}/sporsmal/alle/{asked.id}{path}").status_code == 404
