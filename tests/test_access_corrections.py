"""Access to the corrections pages, every route with every role. A correction being drafted is the group's:
a vendor sees nothing of it (not its number, reason or changes) until it is published."""

from __future__ import annotations

import pytest

from tests.evaluation_helpers import publish_spec, small_spec
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
LEAD_ONLY = {**NOT_MEMBER, "lead": 422}
#: the open (draft) correction: the group reads it, a vendor gets 404 as if there were none
DRAFT = {**NOT_MEMBER, "vendor": 404}
MARKER = "UTKASTMARKØR-RETTELSE-7Q"

# endpoint -> (method, path, {who: status}, default)
ROUTES = {
    "corrections.index": ("GET", "/konkurranser/{t}/rettelser", NOT_MEMBER, 200),
    "corrections.show": ("GET", "/konkurranser/{t}/rettelser/1", DRAFT, 200),
    "corrections.pdf": ("GET", "/konkurranser/{t}/rettelser/1/pdf", DRAFT, 200),
    # the lead's posts without their fields: refused with the reason (a correction is open, no new version)
    "corrections.start": ("POST", "/konkurranser/{t}/rettelser/ny", LEAD_ONLY, 403),
    "corrections.notice_days": ("POST", "/konkurranser/{t}/rettelser/innstilling", LEAD_ONLY, 403),
    "corrections.publish": ("POST", "/konkurranser/{t}/rettelser/kunngjor", LEAD_ONLY, 403),
    "corrections.cancel": ("POST", "/konkurranser/{t}/rettelser/avbryt", LEAD_ONLY, 403),
}


@pytest.fixture
def drafting(db, people, add_member):
    """The people's tender with its specification published and correction 1 being drafted: its reason and
    a changed requirement carry the marker."""
    from tender.clock import now
    from tender.corrections import operations as ops
    from tender.requirements import operations as spec_ops

    tender, who, membership = people
    publish_spec(db, tender, who["lead"], add_member, small_spec())
    ops.start_correction(tender, reason=f"Retting {MARKER}", at=now(), actor=who["lead"])
    row = spec_ops.specification_of(tender).requirements[0]
    spec_ops.update_requirement(
        tender,
        row,
        spec_ops.RequirementInput(
            chapter=row.chapter.key,
            number=row.number,
            kind=row.kind,
            text=f"Rettet tekst {MARKER}",
            answer_form=row.answer_form,
            unit=row.unit,
            criterion=row.criterion_key,
            weight=row.weight,
            documentation=row.documentation,
            source=row.source,
            municipalities=row.municipalities,
        ),
        expected_version=row.lock_version,
        actor=who["lead"],
    )
    db.session.commit()
    return tender, who, membership


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, drafting, isolated) -> None:
    tender, who, _ = drafting
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id})


def test_a_vendor_sees_nothing_of_a_correction_being_drafted(client, drafting, login_as) -> None:
    tender, who, _ = drafting
    login_as(who["vendor"])
    for path in ("rettelser", "rettelser/1", "rettelser/1/pdf", "mitt-tilbud", ""):
        response = client.get(f"/konkurranser/{tender.id}/{path}".rstrip("/"))
        assert MARKER not in response.get_data(as_text=True), path
    page = client.get(f"/konkurranser/{tender.id}/rettelser").get_data(as_text=True)
    assert "pågår" not in page and "Ingen rettelser er kunngjort." in page
    # the group sees it
    login_as(who["evaluator"])
    assert MARKER in client.get(f"/konkurranser/{tender.id}/rettelser").get_data(as_text=True)
