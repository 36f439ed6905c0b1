"""The assessment page numbers the requirements as the vendor's request page does (1, 2, 3 … in order), not by
their place within their group: with the standard requirements four of them are each the first of their
group, and the page showed four "1." rows with four forms all named "Vurdering av krav 1" (found by the
Grenland journey, tests/test_browser_prequalification_journey.py)."""

from __future__ import annotations

import re

from tender.core.scoring import RequirementStatus
from tender.prequalification import assess_operations as ops
from tests.prequalification_helpers import PQ_AFTER, pq_setup, submitted_request


def test_the_assessment_page_numbers_requirements_in_order_whatever_their_place_in_their_group(
    db, create_tender, add_member, create_user, clock, client, login_as
) -> None:
    s = pq_setup(db, create_tender, add_member, create_user)
    for r in s.requirements:  # each the first of its group, as the setup numbers them
        r.position = 1
    request = submitted_request(db, s, 0)
    clock.set(PQ_AFTER)
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0])
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    ops.assess_requirement(
        s.tender,
        request,
        s.requirements[3],
        status=RequirementStatus.CLARIFY,
        justification="Referansene må avklares.",
        at=PQ_AFTER,
        actor=s.evaluators[0],
    )
    db.session.commit()
    login_as(s.evaluators[0])
    html = client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler/{request.id}").get_data(
        as_text=True
    )
    labels = re.findall(r'aria-label="(Vurdering av krav \d+)"', html)
    assert labels == [f"Vurdering av krav {n}" for n in range(1, 5)]
    assert re.findall(r'aria-label="(Avklaring om krav \d+)"', html) == ["Avklaring om krav 4"]
    rows = re.findall(r'<th scope="row">(\d+)\. ', html)
    assert rows == ["1", "2", "3", "4"]
