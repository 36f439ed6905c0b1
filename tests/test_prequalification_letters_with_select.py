"""The letters, the report and the matrix from a selection made by pq-select's own operations (the tie
decided, the proposal approved by both signers): the record the selection part stores is read as it is."""

from __future__ import annotations

import re
import subprocess

import pytest

from tender.prequalification import letters_operations as letters
from tender.prequalification import select_operations as ops
from tests.prequalification_helpers import PQ_AFTER
from tests.prequalification_select_helpers import select_world


def _text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


@pytest.fixture
def w(db, clock, create_tender, add_member, create_user):
    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user)
    ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser, det tyngste kriteriet.", actor=w.s.lead)
    db.session.commit()
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    for i, signer in enumerate(w.s.signers):
        ops.decide_approval(
            w.tender,
            p,
            w.tender.participating_municipalities[i],
            approve=True,
            comment="",
            sha256=p.sha256,
            signer=signer,
        )
        db.session.commit()
    assert p.final_at is not None
    return w


def test_the_letters_report_and_matrix_read_the_selection_parts_own_record(w) -> None:
    invited = _text(letters.letter_pdf(w.tender, w.requests[0]))
    assert "Invitasjon til å gi tilbud" in invited and "9,00" in invited
    not_selected = _text(letters.letter_pdf(w.tender, w.requests[4]))
    assert "Elark AS (dere) 6 6 6 6,00 5" in not_selected
    assert "Dokumenta AS 6 6 6 6,00 4" in not_selected
    assert "Rangert som nr. 5 med 6 poeng" in not_selected
    rejected = _text(letters.letter_pdf(w.tender, w.requests[5]))
    assert "Kvalifikasjonskrav som ikke er oppfylt" in rejected
    report = _text(letters.letter_pdf(w.tender, w.requests[5]))
    assert report
    from tender.prequalification.letters_pdf import render_report

    text = _text(render_report(letters.report_content(w.tender)))
    assert (
        "Best på referanser, det tyngste kriteriet." in text and "Rekkefølge: Dokumenta AS, Elark AS" in text
    )
    content = letters.matrix_content(w.tender)
    assert [r.rank for r in content.requests] == [1, 2, 3, 4, 5, None]
