"""The prequalification's letters and report (issue 12 point 7): PDFs in Norwegian, read back with
``pdftotext``; the letters made for sending leave their hashes in the audit trail."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest
from sqlalchemy import select

from tests.prequalification_helpers import PQ_AFTER, pq_setup
from tests.prequalification_letters_helpers import (
    EXCLUSION_REASON,
    NOT_MET_JUSTIFICATION,
    NOT_SELECTED,
    NOT_SELECTED_REASON,
    REJECTED,
    TIE_REASON,
    final_selection,
    score_justification,
)

#: words that would tell a Norwegian reader the document was not finished (as tests/test_telltale_words.py)
TELLTALE = re.compile(
    r"\b(deadline|save|error|weights|not|must|submitted|draft|invalid|valid|queued|none|invited|rejected|"
    r"selected|score|total|rank|true|false)\b",
    re.IGNORECASE,
)


def pdftotext(data: bytes) -> str:
    assert data[:4] == b"%PDF"
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    # pdftotext breaks lines where the PDF does; the checks read words, not the layout
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


@pytest.fixture
def final(db, clock, create_tender, add_member, create_user):
    s = pq_setup(db, create_tender, add_member, create_user)
    clock.set(PQ_AFTER)
    return final_selection(db, s)


def _letter(final, index: int) -> str:
    from tender.prequalification import letters_operations as ops

    return pdftotext(ops.letter_pdf(final.s.tender, final.requests[index]))


def test_the_invited_vendor_reads_an_invitation_with_the_tender_its_reference_the_date_and_the_municipalities(
    final,
) -> None:
    text = _letter(final, 0)
    tender = final.s.tender
    assert "Invitasjon til å gi tilbud" in text
    assert tender.title in text
    assert tender.case_reference in text
    assert "Dato: 25. november 2026" in text  # the final selection's day in Oslo
    for municipality in tender.participating_municipalities:
        assert municipality.name in text
    assert "Arkivus AS er kvalifisert og er valgt ut som én av 4 leverandører" in text
    assert "Tilbudsfristen er 15. desember 2026 kl. 13.00" in text  # 12.00 UTC is 13.00 in Oslo
    assert "8,15" in text  # its own weighted total, Norwegian style
    assert TELLTALE.search(text) is None, TELLTALE.search(text)


def test_the_rejected_vendor_reads_the_requirement_not_met_and_the_ground_for_exclusion_with_the_groups_words(
    final,
) -> None:
    text = _letter(final, REJECTED)
    assert "Avvisning av forespørsel om å delta" in text
    assert "Forespørselen fra Fjordsak AS er avvist" in text
    assert "Kvalifikasjonskrav som ikke er oppfylt" in text
    assert "Leverandøren skal ha tilstrekkelig økonomisk og finansiell kapasitet." in text
    assert NOT_MET_JUSTIFICATION in text
    assert "Avvisningsgrunner som foreligger" in text
    assert "Leverandøren er konkurs, under akkord eller avvikling." in text
    assert EXCLUSION_REASON in text
    # requirements it met and grounds that do not apply are not reasons
    assert "lovlig registrert" not in text
    assert "kriminell organisasjon" not in text
    # nor does a rejection show anyone's scores, nor the selection's reason that repeats the findings
    assert "Arkivus" not in text
    assert "Oppdragsgivers begrunnelse" not in text
    assert TELLTALE.search(text) is None, TELLTALE.search(text)


def test_the_vendor_not_selected_reads_its_scores_beside_the_selected_candidates_with_names_totals_and_ranks(
    final,
) -> None:
    text = _letter(final, NOT_SELECTED)
    assert "Melding om at dere ikke er valgt ut til å gi tilbud" in text
    assert "Elark AS oppfyller kvalifikasjonskravene, men er ikke blant de 4 best rangerte" in text
    assert "Relevante referanser (40 %)" in text
    assert "Kompetanse i leveranseteamet (35 %)" in text
    # its own line: 5, 6, 9 → 6,35, rank 5; then the selected ones' lines in rank order
    assert re.search(r"Elark AS \(dere\) 5 6 9 6,35 5\b", text), text
    for line in (
        r"Arkivus AS 9 8 7 8,15 1\b",
        r"Bokskapet Systemer AS 8 8 8 8,00 2\b",
        r"Casefile Norge AS 7 7 9 7,50 3\b",
        r"Dokumenta AS 6 7 6 6,35 4\b",
    ):
        assert re.search(line, text), line
    assert text.index("Arkivus AS 9") < text.index("Dokumenta AS 6")
    assert "Fjordsak" not in text  # the rejected vendor is nobody's business here
    assert "Begrunnelse for poengene deres" in text
    assert score_justification("Elark AS", "Relevante referanser", "5") in text
    assert "Oppdragsgivers begrunnelse " + NOT_SELECTED_REASON in text
    assert TELLTALE.search(text) is None, TELLTALE.search(text)


def test_the_same_final_selection_gives_the_same_letter_bytes(final) -> None:
    from tender.prequalification import letters_operations as ops

    first = ops.letter_pdf(final.s.tender, final.requests[NOT_SELECTED])
    assert ops.letter_pdf(final.s.tender, final.requests[NOT_SELECTED]) == first


def test_making_the_letters_for_sending_writes_each_vendors_letter_hash_to_the_audit_trail(db, final) -> None:
    from tender.audit import AuditEvent
    from tender.prequalification import letters_operations as ops

    made = ops.generate_letters(final.s.tender, actor=final.s.lead)
    db.session.commit()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "prequalification.letter").order_by(AuditEvent.seq)
    ).all()
    assert len(events) == 6 == len(made)
    by_vendor = {e.payload["vendor"]: e.payload for e in events}
    for request in final.requests:
        payload = by_vendor[request.vendor.name]
        letter = ops.letter_pdf(final.s.tender, request)
        assert payload["sha256"] == hashlib.sha256(letter).hexdigest()
        assert payload["organisasjonsnummer"] == request.vendor.organisasjonsnummer
    assert by_vendor["Fjordsak AS"]["outcome"] == "Avvist"
    assert by_vendor["Elark AS"]["outcome"] == "Ikke valgt ut"
    assert by_vendor["Arkivus AS"]["outcome"] == "Invitert til å gi tilbud"


def test_no_letter_is_made_before_the_selection_is_final(
    db, clock, create_tender, add_member, create_user
) -> None:
    from tender.errors import DomainError
    from tender.prequalification import letters_operations as ops

    s = pq_setup(db, create_tender, add_member, create_user)
    clock.set(PQ_AFTER)
    pending = final_selection(db, s, final=False)
    with pytest.raises(DomainError, match="ikke endelig"):
        ops.generate_letters(s.tender, actor=s.lead)
    with pytest.raises(DomainError):
        ops.letter_pdf(s.tender, pending.requests[0])


def test_the_report_holds_setup_opening_assessments_clarifications_scores_ranking_tie_proposal_and_outcome(
    final,
) -> None:
    from tender.prequalification import letters_operations as ops
    from tender.prequalification.letters_pdf import render_report

    text = pdftotext(render_report(ops.report_content(final.s.tender)))
    setup_hash = final.proposal.record["setup_hash"]
    assert "Prekvalifiseringsrapport" in text
    assert setup_hash[:32] in text.replace(" ", "")
    # two hours after the deadline, Oslo time, by the two who confirmed
    assert f"Åpnet 20. november 2026 kl. 15.00.01 av {final.s.lead.name}, Evaluator 1." in text
    for request in final.requests:
        assert request.receipt_sha256 in text.replace(" ", "")
        assert f"Vurdering: {request.vendor.name}" in text
    assert NOT_MET_JUSTIFICATION in text and EXCLUSION_REASON in text
    assert "Bekreft at referansen fra Telemark fylkeskommune gjelder Noark 5-kjerne." in text
    assert "Ja, referansen gjelder Noark 5-kjerne med arkivdel for 900 brukere." in text
    assert score_justification("Casefile Norge AS", "Økonomisk soliditet", "9") in text
    assert "Rekkefølge: Dokumenta AS, Elark AS" in text and TIE_REASON in text
    assert "Forslag 1" in text and final.proposal.sha256 in text.replace(" ", "")
    for signer in final.s.signers:
        assert signer.name in text
    assert "Godkjent" in text
    assert "Inviteres: Arkivus AS, Bokskapet Systemer AS, Casefile Norge AS, Dokumenta AS" in text
    assert "Elark AS Ikke valgt ut" in text and "Fjordsak AS Avvist" in text
    assert TELLTALE.search(text) is None, TELLTALE.search(text)


def test_where_a_request_has_no_outcome_yet_the_record_decides_it(db, final) -> None:
    from fractions import Fraction

    from tender.prequalification import letters_operations as ops
    from tender.prequalification.models import RequestOutcome

    record = ops.SelectionRecord.read(final.proposal.record)
    assert record.entry(final.requests[0].id).total == Fraction(815, 100)
    assert record.entry(final.requests[REJECTED].id) is None
    for request in final.requests:
        request.outcome = None
    db.session.commit()
    outcomes = [ops.outcome_of(r, record) for r in final.requests]
    assert outcomes == [RequestOutcome.INVITED] * 4 + [RequestOutcome.NOT_SELECTED, RequestOutcome.REJECTED]
    assert "Avvisning av forespørsel om å delta" in _letter(final, REJECTED)
