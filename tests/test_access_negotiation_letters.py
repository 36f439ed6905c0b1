"""The reduced vendor's letter page, tried anonymously and with every role, on a competitive negotiation
where vendor C was let go after round 1: C's users read it; the group reads the letters on the negotiation
page instead (403 here); a vendor still in the competition gets 404, as if no letter existed."""

from __future__ import annotations

import pytest

from tender.negotiation import operations as neg
from tender.tenders.models import Role
from tests.evaluation_helpers import AFTER
from tests.negotiation_helpers import decide_to_negotiate, negotiation_setup
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
N = "/konkurranser/{t}/forhandling"

#: C reduced; "vendor" is C's user: route -> (method, path, {who: expected status}, default for members)
GROUP_READ = {"lead": 200, "evaluator": 200, "observer": 200}
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "negotiation.letters": ("GET", N + "/brev", {**NOT_MEMBER, "vendor": 200}, 403),
    # C's letter as PDF: C's user and the group that sees the negotiation
    "negotiation.letter_pdf": ("GET", N + "/brev/{l}.pdf", {**NOT_MEMBER, **GROUP_READ, "vendor": 200}, 403),
}
#: the same, "vendor" being A's user (still in the competition): no letter, 404 (C's letter too)
ROUTES_KEPT = {
    "negotiation.letters": ("GET", N + "/brev", {**NOT_MEMBER, "vendor": 404}, 403),
    "negotiation.letter_pdf": ("GET", N + "/brev/{l}.pdf", {**NOT_MEMBER, **GROUP_READ, "vendor": 404}, 403),
}
#: before any reduction, "vendor" being C's user: no letter yet, 404 (the id no letter has yet: the group too)
ROUTES_BEFORE = {
    "negotiation.letters": ("GET", N + "/brev", {**NOT_MEMBER, "vendor": 404}, 403),
    "negotiation.letter_pdf": (
        "GET",
        N + "/brev/{l}.pdf",
        {**NOT_MEMBER, **{k: 404 for k in GROUP_READ}, "vendor": 404},
        403,
    ),
}


def _world(db, create_tender, add_member, create_user, clock, *, reduce: bool):
    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    if reduce:
        decide_to_negotiate(db, s)
        neg.reduce(
            s.tender,
            {s.vendors[2].id: "Lavest rangert."},
            note="De to beste går videre.",
            at=AFTER,
            actor=s.lead,
        )
        db.session.commit()
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": signer,
        "observer": s.observer,
    }
    from tender.negotiation.models import ReductionLeaving

    leaving = db.session.query(ReductionLeaving).order_by(ReductionLeaving.id.desc()).first()
    return s, who, {"t": s.id, "l": leaving.id if leaving is not None else 1}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_the_reduced_vendor_alone_reads_the_letter_page(
    endpoint, app, db, create_tender, add_member, create_user, clock, isolated
) -> None:
    s, who, values = _world(db, create_tender, add_member, create_user, clock, reduce=True)
    try_everyone(app, ROUTES, endpoint, {**who, "vendor": s.vendor_users[2]}, isolated, values)


@pytest.mark.parametrize("endpoint", sorted(ROUTES_KEPT))
def test_a_vendor_still_in_the_competition_gets_404(
    endpoint, app, db, create_tender, add_member, create_user, clock, isolated
) -> None:
    s, who, values = _world(db, create_tender, add_member, create_user, clock, reduce=True)
    try_everyone(app, ROUTES_KEPT, endpoint, {**who, "vendor": s.vendor_users[0]}, isolated, values)


@pytest.mark.parametrize("endpoint", sorted(ROUTES_BEFORE))
def test_before_a_reduction_nobody_has_a_letter(
    endpoint, app, db, create_tender, add_member, create_user, clock, isolated
) -> None:
    s, who, values = _world(db, create_tender, add_member, create_user, clock, reduce=False)
    try_everyone(app, ROUTES_BEFORE, endpoint, {**who, "vendor": s.vendor_users[2]}, isolated, values)
