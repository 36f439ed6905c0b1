"""Every bid and evaluation route, tried anonymously and with every role, after the deadline with the bids
opened; then sealing (before the deadline, and after it but before the opening) and vendor isolation."""

from __future__ import annotations

import pytest

from tender.bids import operations as bid_ops
from tender.evaluation_model import operations as model_ops
from tender.tenders.models import Role
from tests.evaluation_helpers import (
    AFTER,
    BEFORE,
    DEADLINE,
    build_model,
    open_all,
    setup_tender,
    submit_bid,
)

ANON, OUTSIDER, ADMIN = "anonym", "utenforstående", "admin"
WHO = [ANON, OUTSIDER, ADMIN, *[r.value for r in Role]]
NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_READ = {"lead": 200, "evaluator": 200, "observer": 200}
E = "/konkurranser/{t}/evaluering"
V = "/konkurranser/{t}/mitt-tilbud"

# route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "evaluation_model.model": ("GET", E, {**NOT_MEMBER, **GROUP_READ}, 403),
    "evaluation_model.settings": ("POST", E + "/innstillinger", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation_model.add_criterion": ("POST", E + "/kriterier", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation_model.change_weight": ("POST", E + "/kriterier/arkiv/vekt", {**NOT_MEMBER, "lead": 302}, 403),
    # the model is locked here: the lead's change is refused with a message on the page it returns to
    "evaluation_model.change_min_score": (
        "POST",
        E + "/kriterier/arkiv/minstepoeng",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "evaluation_model.delete_criterion": (
        "POST",
        E + "/kriterier/arkiv/slett",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "evaluation_model.assign_evaluator": (
        "POST",
        E + "/kriterier/arkiv/evaluatorer",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "evaluation_model.unassign_evaluator": (
        "POST",
        E + "/kriterier/arkiv/evaluatorer/{u}/fjern",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "evaluation_model.add_price_item": ("POST", E + "/prisskjema", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation_model.price_evaluation": (
        "POST",
        E + "/prisskjema/evaluert-pris",
        {**NOT_MEMBER, "lead": 422},
        403,
    ),
    "evaluation_model.delete_price_item": (
        "POST",
        E + "/prisskjema/{i}/slett",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "evaluation_model.freeze": ("POST", E + "/las", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation.bids": ("GET", E + "/tilbud", {**NOT_MEMBER, **GROUP_READ}, 403),
    "evaluation.open_bids": (
        "POST",
        E + "/tilbud/apne",
        {**NOT_MEMBER, "lead": 302, "evaluator": 302, "observer": 302},
        403,
    ),
    "evaluation.withdraw_opening": (
        "POST",
        E + "/tilbud/apne/trekk",
        {**NOT_MEMBER, "lead": 302, "evaluator": 302, "observer": 302},
        403,
    ),
    "evaluation.opening_persons": ("POST", E + "/tilbud/apning", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation.bid": ("GET", E + "/tilbud/{b}", {**NOT_MEMBER, **GROUP_READ}, 403),
    "evaluation.attachment": ("GET", E + "/tilbud/{b}/vedlegg/{a}", {**NOT_MEMBER, **GROUP_READ}, 403),
    "evaluation.check_requirement": (
        "POST",
        E + "/tilbud/{b}/minstekrav/R0001",
        {**NOT_MEMBER, "lead": 302, "evaluator": 302},
        403,
    ),
    "evaluation.check_requirements": (
        "POST",
        E + "/tilbud/{b}/minstekrav",
        {**NOT_MEMBER, "lead": 422, "evaluator": 422},
        403,
    ),
    "evaluation.reject_confirm": (
        "GET",
        E + "/tilbud/{b}/avvis/bekreft?reason=Mangler",
        {**NOT_MEMBER, "lead": 200},
        403,
    ),
    # without the confirmation ticked the confirmation page comes back (422) and nothing changes
    "evaluation.reject": ("POST", E + "/tilbud/{b}/avvis", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation.undo_rejection": (
        "POST",
        E + "/tilbud/{b}/angre-avvisning",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "evaluation.scores": ("GET", E + "/poeng", {**NOT_MEMBER, "evaluator": 200}, 403),
    "evaluation.save_score": ("POST", E + "/poeng/{b}/arkiv", {**NOT_MEMBER, "evaluator": 422}, 403),
    "evaluation.consensus": ("GET", E + "/konsensus", {**NOT_MEMBER, "lead": 200}, 403),
    "evaluation.confirm_consensus": ("GET", E + "/konsensus/apne", {**NOT_MEMBER, "lead": 200}, 403),
    # without the confirmation ticked the page comes back (422) and nothing changes
    "evaluation.open_consensus": ("POST", E + "/konsensus/apne", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation.save_consensus": ("POST", E + "/konsensus/{b}/arkiv", {**NOT_MEMBER, "lead": 422}, 403),
    "evaluation.matrix": ("GET", E + "/matrise", {**NOT_MEMBER, **GROUP_READ}, 403),
    "evaluation.sensitivity_page": ("GET", E + "/matrise/folsomhet", {**NOT_MEMBER, **GROUP_READ}, 403),
    "evaluation.matrix_xlsx": (
        "GET",
        E + "/matrise.xlsx",
        {**NOT_MEMBER, "lead": 302, "evaluator": 302, "observer": 302},
        403,
    ),
    "evaluation.case_json": ("GET", E + "/sak.json", {**NOT_MEMBER, **GROUP_READ}, 403),
    "evaluation.tie_break": ("POST", E + "/uavgjort", {**NOT_MEMBER, "lead": 302}, 403),
    "bids.show": ("GET", V, {**NOT_MEMBER, "vendor": 200}, 403),
    "bids.save": ("POST", V, {**NOT_MEMBER, "vendor": 409}, 403),
    "bids.submit": ("POST", V + "/lever", {**NOT_MEMBER, "vendor": 409}, 403),
    "bids.receipt": ("GET", V + "/kvittering", {**NOT_MEMBER, "vendor": 200}, 403),
    "bids.upload": ("POST", V + "/vedlegg", {**NOT_MEMBER, "vendor": 422}, 403),
    "bids.download": ("GET", V + "/vedlegg/{a}", {**NOT_MEMBER, "vendor": 200}, 403),
    "bids.answer_form": ("GET", V + "/svarskjema.xlsx", {**NOT_MEMBER, "vendor": 200}, 403),
    "bids.specification_pdf": ("GET", V + "/kravspesifikasjon.pdf", {**NOT_MEMBER, "vendor": 200}, 403),
    "bids.upload_answers": ("POST", V + "/svarskjema", {**NOT_MEMBER, "vendor": 422}, 403),
    "bids.delete_attachment": ("POST", V + "/vedlegg/{a}/slett", {**NOT_MEMBER, "vendor": 302}, 403),
}

#: the routes that show or act on bid content: refused to everyone before the deadline and before the opening
SEALED = [
    "evaluation.bid",
    "evaluation.attachment",
    "evaluation.check_requirement",
    "evaluation.check_requirements",
    "evaluation.reject_confirm",
    "evaluation.reject",
    "evaluation.confirm_consensus",
    "evaluation.scores",
    "evaluation.save_score",
    "evaluation.consensus",
    "evaluation.open_consensus",
    "evaluation.save_consensus",
    "evaluation.matrix",
    "evaluation.sensitivity_page",
    "evaluation.matrix_xlsx",
    "evaluation.case_json",
    "evaluation.tie_break",
]


@pytest.fixture
def world(db, create_tender, add_member, create_user, clock):
    s = setup_tender(db, create_tender, add_member, create_user, evaluators=1)
    bid = bid_ops.ensure_bid(s.tender, s.vendors[0], at=BEFORE, actor=s.vendor_users[0])
    attachment = bid_ops.add_attachment(
        s.tender,
        bid,
        filename="losning.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.4 A",
        at=BEFORE,
        actor=s.vendor_users[0],
    )
    submit_bid(db, s, 0)
    other = bid_ops.ensure_bid(s.tender, s.vendors[1], at=BEFORE, actor=s.vendor_users[1])
    other_file = bid_ops.add_attachment(
        s.tender,
        other,
        filename="b.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.4 B",
        at=BEFORE,
        actor=s.vendor_users[1],
    )
    submit_bid(db, s, 1)
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": signer,
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    ids = {"t": s.id, "b": bid.id, "a": attachment.id, "i": s.items[0].id, "u": s.evaluators[0].id}
    return s, who, ids, {"bid": other, "attachment": other_file}


def _request(client, forms, person, method, path):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": forms.token("/" if person != ANON else "/logg-inn")})


# One tender per route, every person tried in turn (a fresh tender per person would take minutes): the
# requests the table expects to succeed change nothing that a later person's answer depends on.
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(
    endpoint, client, forms, login_as, db, clock, world
) -> None:
    s, who, ids, _ = world
    open_all(db, s, clock)
    method, template, expected, default = ROUTES[endpoint]
    path = template.format(**ids)
    wrong = []
    for person in WHO:
        client.post("/logg-ut", data={"csrf_token": forms.token("/")})
        if person != ANON:
            login_as(who[person])
        got = _request(client, forms, person, method, path).status_code
        if got != expected.get(person, default):
            wrong.append(f"{person} {method} {path}: {got}, expected {expected.get(person, default)}")
    assert wrong == []


@pytest.mark.parametrize("endpoint", SEALED)
def test_no_one_sees_bid_content_one_second_before_the_deadline(
    endpoint, client, forms, login_as, clock, world
) -> None:
    s, who, ids, _ = world
    clock.set(BEFORE)
    method, template, _, _ = ROUTES[endpoint]
    got = {}
    for person in ["lead", "evaluator", "observer", "signer", "vendor"]:
        login_as(who[person])
        got[person] = _request(client, forms, person, method, template.format(**ids)).status_code
    assert got == {"lead": 403, "evaluator": 403, "observer": 403, "signer": 403, "vendor": 403}


@pytest.mark.parametrize("endpoint", SEALED)
def test_bid_content_stays_sealed_after_the_deadline_until_the_bids_are_opened(
    endpoint, client, forms, login_as, clock, world
) -> None:
    s, who, ids, _ = world
    clock.set(DEADLINE)
    method, template, _, _ = ROUTES[endpoint]
    for person in ("lead", "evaluator"):
        login_as(who[person])
        assert _request(client, forms, person, method, template.format(**ids)).status_code == 403, person


def test_the_bids_page_before_the_deadline_names_no_bidder(client, login_as, clock, world) -> None:
    s, who, ids, _ = world
    clock.set(BEFORE)
    login_as(who["lead"])
    html = client.get(f"/konkurranser/{s.id}/evaluering/tilbud").get_data(as_text=True)
    assert "forseglet" in html and "Leverandør A AS" not in html and "Leverandør B AS" not in html


def test_the_lead_cannot_open_the_bids_one_second_before_the_deadline(
    client, forms, login_as, clock, world
) -> None:
    s, who, _, _ = world
    clock.set(BEFORE)
    login_as(who["lead"])
    assert forms.post(f"/konkurranser/{s.id}/evaluering/tilbud/apne", {}).status_code == 403
    assert bid_ops.opening_of(s.tender) is None


def test_a_vendor_gets_404_for_another_vendors_file_links(client, forms, login_as, clock, world) -> None:
    s, who, ids, other = world
    login_as(who["vendor"])
    base = f"/konkurranser/{s.id}/mitt-tilbud/vedlegg/{other['attachment'].id}"
    assert client.get(base).status_code == 404
    assert forms.post(base + "/slett", {}).status_code == 404
    assert client.get(f"/konkurranser/{s.id}/mitt-tilbud/vedlegg/999999").status_code == 404
    html = client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    assert "b.pdf" not in html and "Leverandør B AS" not in html


def test_a_vendor_gets_nothing_of_another_vendors_bid_through_the_evaluation_routes(
    client, forms, login_as, db, clock, world
) -> None:
    s, who, ids, other = world
    open_all(db, s, clock)
    login_as(who["vendor"])
    for path in (
        f"/konkurranser/{s.id}/evaluering/tilbud/{other['bid'].id}",
        f"/konkurranser/{s.id}/evaluering/tilbud/{other['bid'].id}/vedlegg/{other['attachment'].id}",
        f"/konkurranser/{s.id}/evaluering/matrise",
        f"/konkurranser/{s.id}/evaluering/sak.json",
    ):
        response = client.get(path)
        assert response.status_code in (403, 404) and b"Leverand\xc3\xb8r B" not in response.data


def test_a_file_link_of_another_tender_gives_404_even_to_the_lead(
    client, login_as, db, clock, world, create_tender
) -> None:
    s, who, ids, _ = world
    open_all(db, s, clock)
    # the lead leads a second tender too, whose bids are opened as well: only the tender in the URL differs
    mine = create_tender(s.lead, title="Annen konkurranse", bid_deadline=DEADLINE)
    build_model(mine, s.lead)
    model_ops.freeze(mine, at=BEFORE, actor=s.lead)
    bid_ops.set_opening_persons(mine, 1, at=BEFORE, actor=s.lead)
    assert bid_ops.confirm_opening(mine, at=AFTER, actor=s.lead) is not None
    db.session.commit()
    login_as(who["lead"])
    link = f"/evaluering/tilbud/{ids['b']}/vedlegg/{ids['a']}"
    own = client.get(f"/konkurranser/{s.id}{link}")
    assert own.status_code == 200 and own.data == b"%PDF-1.4 A"  # the link itself works, in its own tender
    assert client.get(f"/konkurranser/{mine.id}{link}").status_code == 404
    assert client.get(f"/konkurranser/{mine.id}/evaluering/tilbud/{ids['b']}").status_code == 404
