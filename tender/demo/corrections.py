"""The demo's correction (rettelse 1) of the published specification, for the ``negotiated`` stage.

The integrator calls :func:`publish_correction` after a new bid round was called (the bid deadline is then
ahead): the lead starts a correction with its reason, makes requirement 1.22's text more precise and adds one
informational requirement, freezes the draft; every municipality's signer approves the new version's hash;
the lead publishes it, deciding about the bid deadline when it is close (extended by a week). Everything goes
through the operations the pages use, in the name of the person who does it; a second call does nothing.
"""

from __future__ import annotations

from datetime import timedelta

from tender.clock import now
from tender.core import spec as core_spec
from tender.corrections import operations as corrections
from tender.demo import LEAD, _user
from tender.demo.stages import approve_everywhere
from tender.requirements import operations as spec_ops
from tender.requirements.models import SpecRequirement
from tender.tenders.models import Tender

REASON = (
    "Krav 1.22 presiseres: kommunene ber også om en beskrivelse av tilgangsstyring per kommune. "
    "Nytt informasjonskrav om overgangen fra dagens arkivsystemer."
)
#: the requirement whose text is corrected (found by its text, so a renumbered base spec still finds it)
CORRECTED = "organiserer seks kommuner"
CORRECTED_ADDITION = " Beskriv også hvordan tilgang styres per kommune."
ADDED_TEXT = (
    "Beskriv hvordan overgangen fra kommunenes nåværende sak-/arkivsystemer gjennomføres, med "
    "avlevering eller deponering av gamle data."
)


def publish_correction(tender: Tender) -> None:
    """Correct one requirement's text and add one, approved by every municipality and published (the
    deadline question decided when it is asked). Does nothing when the demo's correction is published."""
    if any(c.reason == REASON for c in corrections.corrections_of(tender)):
        return
    lead = _user(*LEAD)
    at = now()
    correction = corrections.open_correction(tender) or corrections.start_correction(
        tender, reason=REASON, at=at, actor=lead
    )
    spec = spec_ops.specification_of(tender)
    assert spec is not None  # the correction started: the specification is published
    if not any(r.text == ADDED_TEXT for r in spec.requirements):
        row = _corrected_row(spec.requirements)
        spec_ops.update_requirement(
            tender,
            row,
            _input(row, text=row.text.rstrip() + CORRECTED_ADDITION),
            expected_version=row.lock_version,
            actor=lead,
        )
        siblings = [r for r in spec.requirements if r.chapter_id == row.chapter_id]
        spec_ops.add_requirement(
            tender,
            spec_ops.RequirementInput(
                chapter=row.chapter.key,
                number=_next_number(row.chapter.number, [r.number for r in siblings]),
                kind=core_spec.Kind.INFORMASJON,
                text=ADDED_TEXT,
                answer_form=core_spec.AnswerForm.FRITEKST,
                unit=None,
                criterion=None,
                weight=None,
                documentation="",
                source="Rettelse 1",
                municipalities=(),
            ),
            actor=lead,
        )
    version = corrections.candidate_version(tender, spec)
    if version is None or spec_ops.draft_differs_from_latest(spec):
        version = spec_ops.freeze_version(tender, actor=lead, note="Rettelse 1")
    approve_everywhere(tender, version, "Rettelsen er gjennomgått for {}.")
    at = now()
    decision = corrections.DeadlineDecision(None)
    if corrections.deadline_question_due(tender, spec, at):
        assert tender.bid_deadline is not None  # the question is asked only before a deadline
        decision = corrections.DeadlineDecision(True, new_deadline=tender.bid_deadline + timedelta(days=7))
    corrections.publish_correction(tender, correction, decision=decision, at=at, actor=lead)


def _corrected_row(rows: list[SpecRequirement]) -> SpecRequirement:
    return next(
        (r for r in rows if CORRECTED in r.text),
        next(r for r in rows if r.kind is core_spec.Kind.INFORMASJON),
    )


def _next_number(chapter: str, numbers: list[str]) -> str:
    """The next free display number in the chapter ("1.23" after "1.22")."""
    last = max((int(n.rsplit(".", 1)[1]) for n in numbers if n.rsplit(".", 1)[-1].isdigit()), default=0)
    return f"{chapter}.{last + 1}"


def _input(row: SpecRequirement, *, text: str) -> spec_ops.RequirementInput:
    return spec_ops.RequirementInput(
        chapter=row.chapter.key,
        number=row.number,
        kind=row.kind,
        text=text,
        answer_form=row.answer_form,
        unit=row.unit,
        criterion=row.criterion_key,
        weight=row.weight,
        documentation=row.documentation,
        source=row.source,
        municipalities=row.municipalities,
    )
