"""The lifecycle's last three stages read from the award's rows (issue 14, point 5): a recommendation is the
award stage, the notices start the standstill, its end opens the contract stage, the contract ends it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.award_helpers import approved_recommendation
from tests.negotiation_helpers import negotiation_setup
from tests.test_award_contract import ENDS, SIGNED_PDF
from tests.test_award_notices import ISSUED


def _standing(tender: Any) -> Any:
    from tender.clock import now
    from tender.lifecycle.operations import standing_of

    return standing_of(tender, now())


def test_the_award_the_standstill_and_the_contract_follow_each_other_with_their_steps(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any
) -> None:
    from tender.core.lifecycle import Stage

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    assert _standing(s.tender).stage is Stage.CONSENSUS
    assert "Innstillingen til tildeling er ikke laget." in [x.text for x in _standing(s.tender).steps]

    approved_recommendation(s.tender, approve=1)
    db.session.commit()
    found = _standing(s.tender)
    assert found.stage is Stage.AWARD
    assert [x.text for x in found.steps] == ["Porsgrunn har ikke godkjent innstillingen."]
    assert found.steps[0].municipality == "Porsgrunn"


def test_once_approved_the_notices_start_the_standstill_and_its_end_the_contract_stage(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any
) -> None:
    from tender.award import notice_operations as ops
    from tender.core.lifecycle import Stage

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    approved_recommendation(s.tender)
    db.session.commit()
    found = _standing(s.tender)
    assert found.stage is Stage.AWARD
    assert [x.text for x in found.steps] == [
        "Alle kommunene har godkjent innstillingen; meddelelsene om tildeling kan sendes."
    ]
    clock.set(ISSUED)
    ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    assert _standing(s.tender).stage is Stage.STANDSTILL
    clock.set(ENDS - timedelta(seconds=1))
    assert _standing(s.tender).stage is Stage.STANDSTILL
    clock.set(ENDS)
    found = _standing(s.tender)
    assert found.stage is Stage.CONTRACT
    assert [x.text for x in found.steps] == ["Den signerte kontrakten er ikke registrert."]
    ops.record_contract(
        s.tender,
        filename="kontrakt.pdf",
        data=SIGNED_PDF,
        signed_at=ENDS,
        signed_for_municipalities="Kari Rådmann (Skien)",
        signed_for_vendor="Anne Direktør",
        actor=s.lead,
    )
    db.session.commit()
    found = _standing(s.tender)
    assert found.stage is Stage.CONTRACT and found.steps == ()
