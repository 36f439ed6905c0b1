"""The procurement protocol's downloads, tried anonymously and with every role: the lead alone until the
notices of award (the protocol holds the whole audit trail and every individual score), then also the
municipalities' signers, who file the case; every other member 403, vendors included; non-members 404, as
everywhere."""

from __future__ import annotations

import pytest

from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_LEAD = {
    ANON: 302,
    OUTSIDER: 404,
    ADMIN: 404,
    "evaluator": 403,
    "observer": 403,
    "signer": 403,
    "vendor": 403,
}

ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "protocol.protocol_json": ("GET", "/konkurranser/{t}/protokoll.json", NOT_LEAD, 200),
    "protocol.protocol_pdf": ("GET", "/konkurranser/{t}/protokoll.pdf", NOT_LEAD, 200),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, isolated) -> None:
    tender, who, _ = people
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id})


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_after_the_notices_of_award_a_signer_downloads_the_protocol_too(
    endpoint, app, db, people, isolated
) -> None:
    from tests.test_access_archive import issue_notices

    tender, who, _ = people
    issue_notices(db, tender)
    after = {k: (m, u, {**expected, "signer": 200}, other) for k, (m, u, expected, other) in ROUTES.items()}
    try_everyone(app, after, endpoint, who, isolated, {"t": tender.id})
