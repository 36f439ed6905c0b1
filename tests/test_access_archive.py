"""The archive package's routes, tried anonymously and with every role. The package holds every bid as
received, so before the award only the lead builds it; once the notices of award are issued a municipality's
signer builds it for the municipality it signs for (to file in its own archive), never for another. Vendors,
evaluators and observers never; non-members 404, as everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}

ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "archive.page": ("GET", "/konkurranser/{t}/arkivpakke", {**NOT_MEMBER, "lead": 200}, 403),
    "archive.download": ("GET", "/konkurranser/{t}/arkivpakke.zip", {**NOT_MEMBER, "lead": 200}, 403),
}

#: after the notices of award: the signer too, for its own municipality (the one it signs for is the choice)
AFTER_NOTICES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "own": (
        "GET",
        "/konkurranser/{t}/arkivpakke.zip?kommune={own}",
        {**NOT_MEMBER, "lead": 200, "signer": 200},
        403,
    ),
    "none": ("GET", "/konkurranser/{t}/arkivpakke.zip", {**NOT_MEMBER, "lead": 200, "signer": 200}, 403),
    "other": ("GET", "/konkurranser/{t}/arkivpakke.zip?kommune={other}", {**NOT_MEMBER, "lead": 200}, 403),
    "page": ("GET", "/konkurranser/{t}/arkivpakke", {**NOT_MEMBER, "lead": 200, "signer": 200}, 403),
}


def issue_notices(db, tender) -> None:
    """The rows the notices part writes when the notices of award go out (a frozen recommendation the bound
    municipalities approved, and the issue)."""
    from tender.award.models import NoticeIssue, Recommendation, RecommendationState

    digest = "b" * 64
    rec = Recommendation(
        tender_id=tender.id, number=1, round_no=1, state=RecommendationState.FROZEN, content_sha256=digest
    )
    db.session.add(rec)
    db.session.flush()
    at = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    db.session.add(
        NoticeIssue(
            tender_id=tender.id,
            recommendation_id=rec.id,
            content_sha256=digest,
            issued_at=at,
            issued_by_name="Lena Leder",
            standstill_days=10,
            standstill_ends_at=datetime(2026, 12, 30, 23, 59, tzinfo=UTC),
        )
    )
    db.session.commit()


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, isolated) -> None:
    tender, who, _ = people
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id})


@pytest.mark.parametrize("case", sorted(AFTER_NOTICES))
def test_after_the_notices_a_signer_builds_the_package_for_its_own_municipality_only(
    case, app, db, people, isolated
) -> None:
    tender, who, _ = people
    issue_notices(db, tender)
    own, other = tender.participating_municipalities[:2]
    try_everyone(app, AFTER_NOTICES, case, who, isolated, {"t": tender.id, "own": own.id, "other": other.id})
