"""Who may ask in a prequalified tender follows who may take part, as for the bids: every candidate until the
selection is final, afterwards only the invited. A vendor left out still reads its own questions and the
published list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tender.errors import DomainError
from tender.prequalification import select_operations as select_ops
from tender.questions import operations as ops
from tests.prequalification_helpers import PQ_AFTER
from tests.prequalification_select_helpers import select_world


@pytest.fixture
def candidates(db, clock, create_tender, add_member, create_user):
    """Six candidates whose requests are opened and scored; the question deadline a week ahead."""
    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user, signers_approve=False)
    w.tender.questions_deadline = PQ_AFTER + timedelta(days=7)
    db.session.commit()
    return w


def _ask(client, forms, tender, text: str):
    url = f"/konkurranser/{tender.id}/sporsmal/mine"
    return forms.post(url, {"text": text}, page=url)


def test_before_the_selection_is_final_every_candidate_may_ask(client, forms, login_as, candidates) -> None:
    w = candidates
    login_as(w.s.vendor_users[4])
    assert _ask(client, forms, w.tender, "Et spørsmål før utvelgelsen").status_code == 302
    assert [q.original_text for q in ops.questions_of(w.tender)] == ["Et spørsmål før utvelgelsen"]


def test_after_the_final_selection_only_the_invited_may_ask_and_the_rest_keep_their_own_questions(
    db, client, forms, login_as, candidates, clock
) -> None:
    w = candidates
    login_as(w.s.vendor_users[4])
    assert _ask(client, forms, w.tender, "Spurt mens alle var med").status_code == 302
    select_ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser.", actor=w.s.lead)
    select_ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()

    # Elark (index 4) was not selected: no new question, by the page or by the operation
    page = client.get(f"/konkurranser/{w.tender.id}/sporsmal/mine").get_data(as_text=True)
    assert "Spurt mens alle var med" in page and "kan ikke stille spørsmål" in page
    assert _ask(client, forms, w.tender, "Et spørsmål etter utvelgelsen").status_code == 403
    vendor = next(
        v for v in w.tender.participating_vendors if v.id in w.tender.vendor_ids_of(w.s.vendor_users[4])
    )
    with pytest.raises(DomainError, match="kan ikke stille spørsmål"):
        ops.ask(w.tender, vendor, text="Direkte", at=clock(), actor=w.s.vendor_users[4])
    assert client.get(f"/konkurranser/{w.tender.id}/sporsmal").status_code == 200

    # an invited candidate asks as before
    login_as(w.s.vendor_users[0])
    assert _ask(client, forms, w.tender, "Et spørsmål fra en invitert").status_code == 302
    assert len(ops.questions_of(w.tender)) == 2
