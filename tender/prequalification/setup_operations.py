"""The lead's prequalification setup: whether the tender has one, the announced numbers of candidates, the
qualification requirements per group, the grounds for exclusion, the selection criteria, and the freeze that
publishes it all with the SHA-256 of its canonical JSON (``tender.core.prequalification``).

Every function that changes state checks that the setup is still open for changes (not frozen, the
participation and bid deadlines still ahead), flushes and writes the audit trail; the caller commits once.
No Prequalification row means the tender has no prequalification: a row is made only when the lead saves the
setup, so tenders made before this existed are unaffected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from tender import audit
from tender.core import prequalification as core
from tender.core.scoring import Problem
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_datetime
from tender.prequalification.models import (
    ExclusionGround,
    Prequalification,
    QualificationCategory,
    QualificationRequirement,
    SelectionCriterion,
)
from tender.prequalification.queries import criteria_of, grounds_of, requirements_of, setup_of
from tender.tenders.models import Tender
from tender.web import prequalification_messages as pq_messages
from tender.web.espd_messages import criterion_name

# -- the ESPD criteria a requirement or a ground may point to ----------------------------------------------
# The list and the names are the ESPD taxonomy's (tender.core.espd.KNOWN_CRITERIA, named in
# tender.web.espd_messages): the ones an imported ESPD response is read and lined up by.
ESPD_CODE_MAX = 200


def espd_label(code: str | None) -> str:
    """The Norwegian name of the ESPD criterion any of whose names (dotted code, short code, UUID) ``code``
    is; "" for a code of the lead's own, or none."""
    return criterion_name(code) or ""


# -- the standard sets -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RequirementInput:
    category: QualificationCategory
    text: str
    documentation: str = ""
    espd_criterion: str | None = None


@dataclass(frozen=True)
class GroundInput:
    mandatory: bool
    text: str
    espd_criterion: str | None = None


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: Decimal
    description: str = ""
    descriptors: str = ""


_R = QualificationCategory
#: the usual set for a Noark 5 archive system (as in Grenland), filled in by "Legg inn standardkrav"
STANDARD_REQUIREMENTS: tuple[RequirementInput, ...] = (
    RequirementInput(
        _R.REGISTRATION,
        "Leverandøren skal være et lovlig etablert foretak.",
        "Firmaattest (registreringsattest fra Foretaksregisteret), ikke eldre enn seks måneder.",
        "CRITERION.SELECTION.SUITABILITY.TRADE_REGISTER_ENROLMENT",
    ),
    RequirementInput(
        _R.TAX,
        "Leverandøren skal ha ordnede forhold med hensyn til skatt og merverdiavgift.",
        "Skatteattest for skatt og merverdiavgift, ikke eldre enn seks måneder.",
        "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES",
    ),
    RequirementInput(
        _R.ECONOMIC,
        "Leverandøren skal ha tilstrekkelig økonomisk og finansiell kapasitet til å gjennomføre kontrakten.",
        "Årsregnskap med revisjonsberetning for de to siste år.",
        "CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY",
    ),
    RequirementInput(
        _R.TECHNICAL,
        "Leverandøren skal ha levert det tilbudte systemet til kommuner som bruker det på Noark 5.",
        "Referanser fra minst tre kommuner som bruker systemet på Noark 5, med kontaktperson.",
        # the ESPD taxonomy's code (tender.core.espd.taxonomy), so real responses are found by it
        "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SERVICES_DELIVERY_PERFORMANCE",
    ),
    RequirementInput(
        _R.TECHNICAL,
        "Det tilbudte systemet skal være godkjent av Arkivverket etter Noark 5.",
        "Arkivverkets godkjenning av produktet, eller Noark 5-testrapport.",
        "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.CERTIFICATES.QUALITY_ASSURANCE"
        ".QA_INSTITUTES_CERTIFICATE",
    ),
    RequirementInput(
        _R.TECHNICAL,
        "Systemet skal kunne produsere et gyldig Noark 5 arkivuttrekk.",
        "Et Noark 5 uttrekk fra systemet (prøveuttrekk).",
        None,
    ),
)

#: FOA § 24-2 (1): the grounds that must exclude, filled in by "Legg inn obligatoriske avvisningsgrunner"
MANDATORY_GROUNDS: tuple[GroundInput, ...] = (
    GroundInput(
        True,
        "Rettskraftig dom eller vedtatt forelegg for deltakelse i en kriminell organisasjon.",
        "CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION",
    ),
    GroundInput(
        True,
        "Rettskraftig dom eller vedtatt forelegg for korrupsjon.",
        "CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION",
    ),
    GroundInput(
        True,
        "Rettskraftig dom eller vedtatt forelegg for bedrageri.",
        "CRITERION.EXCLUSION.CONVICTIONS.FRAUD",
    ),
    GroundInput(
        True,
        "Rettskraftig dom eller vedtatt forelegg for hvitvasking av penger eller finansiering av terrorisme.",
        "CRITERION.EXCLUSION.CONVICTIONS.MONEY_LAUNDERING",
    ),
    GroundInput(
        True,
        "Rettskraftig dom eller vedtatt forelegg for terrorhandlinger eller straffbare handlinger med "
        "tilknytning til terrorvirksomhet.",
        "CRITERION.EXCLUSION.CONVICTIONS.TERRORIST_OFFENCES",
    ),
    GroundInput(
        True,
        "Rettskraftig dom eller vedtatt forelegg for barnearbeid eller annen menneskehandel.",
        "CRITERION.EXCLUSION.CONVICTIONS.CHILD_LABOUR-HUMAN_TRAFFICKING",
    ),
    GroundInput(
        True,
        "Leverandøren har ikke oppfylt sine forpliktelser til å betale skatter og avgifter, "
        "fastslått ved rettskraftig dom eller endelig forvaltningsvedtak.",
        "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES",
    ),
    GroundInput(
        True,
        "Leverandøren har ikke oppfylt sine forpliktelser til å betale trygdeavgifter, "
        "fastslått ved rettskraftig dom eller endelig forvaltningsvedtak.",
        "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_SOCIAL_SECURITY",
    ),
)

#: FOA § 24-2 (2)/(3): grounds the group may add, offered on the page as suggestions
OPTIONAL_GROUNDS: tuple[GroundInput, ...] = (
    GroundInput(
        False,
        "Leverandøren er konkurs, under akkord eller avvikling, eller i en tilsvarende situasjon.",
        "CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY",
    ),
    GroundInput(
        False,
        "Leverandøren har begått alvorlige feil i yrkesutøvelsen som medfører tvil om integriteten.",
        "CRITERION.EXCLUSION.MISCONDUCT.MC_PROFESSIONAL",
    ),
    GroundInput(
        False,
        "Leverandøren har en interessekonflikt som ikke kan avhjelpes med mindre inngripende tiltak.",
        "CRITERION.EXCLUSION.CONFLICT_OF_INTEREST.PROCEDURE_PARTICIPATION",
    ),
    GroundInput(
        False,
        "Leverandøren har inngått avtaler med andre leverandører med sikte på å vri konkurransen.",
        "CRITERION.EXCLUSION.MISCONDUCT.MARKET_DISTORTION",
    ),
)


# -- reading -----------------------------------------------------------------------------------------------


def proposed_default(tender: Tender) -> bool:
    """Whether the procedure has a prequalification unless the lead says otherwise."""
    return core.has_prequalification_by_default(tender.procedure.value)


def legal_minimum(tender: Tender) -> int | None:
    return core.legal_minimum(tender.procedure.value)


def requirements_by_category(
    tender: Tender,
) -> list[tuple[QualificationCategory, list[QualificationRequirement]]]:
    rows = requirements_of(tender)
    return [(c, [r for r in rows if r.category is c]) for c in QualificationCategory]


def weight_sum(tender: Tender) -> Decimal:
    return sum((c.weight for c in criteria_of(tender)), Decimal(0))


def weight_sum_message(tender: Tender) -> str | None:
    """The core's Norwegian message when the selection criteria's weights do not sum to 100 % (None when
    they do, or when there are none yet)."""
    problems = core.check_selection_criteria(
        [core.SelectionCriterion(str(c.id), c.name, c.weight) for c in criteria_of(tender)]
    )
    return next((pq_messages.message(p) for p in problems if p.code == "selection_weight_sum"), None)


def requirement_in(tender: Tender, item_id: int) -> QualificationRequirement | None:
    row = db.session.get(QualificationRequirement, item_id)
    return row if row is not None and row.tender_id == tender.id else None


def ground_in(tender: Tender, item_id: int) -> ExclusionGround | None:
    row = db.session.get(ExclusionGround, item_id)
    return row if row is not None and row.tender_id == tender.id else None


def criterion_in(tender: Tender, item_id: int) -> SelectionCriterion | None:
    row = db.session.get(SelectionCriterion, item_id)
    return row if row is not None and row.tender_id == tender.id else None


def changes_refused(tender: Tender, now: datetime, *, settings: bool = False) -> str | None:
    """Why the setup cannot be changed now (None: it can). ``settings``: for the settings themselves,
    which may be saved before there is a setup (that makes it)."""
    setup = setup_of(tender)
    if setup is not None and setup.frozen_at is not None:
        return (
            f"Oppsettet er fryst {format_datetime(setup.frozen_at)} og kunngjort med konkurransen; "
            "det kan ikke endres."
        )
    if tender.participation_deadline is not None and now >= tender.participation_deadline:
        return "Fristen for forespørsel om å delta er passert; oppsettet kan ikke lenger endres."
    if tender.bid_deadline is not None and now >= tender.bid_deadline:
        return "Tilbudsfristen er passert; oppsettet kan ikke lenger endres."
    if not settings:
        if setup is None:
            return "Lagre først at konkurransen skal ha prekvalifisering."
        if not setup.enabled:
            return "Konkurransen har ikke prekvalifisering. Velg det i oppsettet og lagre først."
    return None


def _open_for_changes(tender: Tender, now: datetime, *, settings: bool = False) -> None:
    reason = changes_refused(tender, now, settings=settings)
    if reason is not None:
        raise DomainError(reason)


# -- the settings ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SettingsInput:
    enabled: bool
    minimum: int | None
    maximum: int | None
    signers_approve_selection: bool
    sample_demanded: bool


#: the form field a candidate-limit problem of the core is about, by its place
_LIMIT_FIELDS = {"minimum": "minimum_candidates", "maximum": "maximum_candidates"}


def limit_messages(problems: Sequence[Problem]) -> dict[str, list[str]]:
    """The core's problems with the candidate limits in its Norwegian wording, by the form field they are
    about ("" for the form)."""
    words: dict[str, list[str]] = {}
    for p in problems:
        words.setdefault(_LIMIT_FIELDS.get(p.place, ""), []).append(pq_messages.message(p))
    return words


def save_settings(tender: Tender, data: SettingsInput, *, now: datetime, actor: Any) -> Prequalification:
    """Make or change the setup's settings. The numbers are checked by the procedure's rules only when the
    tender has a prequalification (without one they mean nothing)."""
    _open_for_changes(tender, now, settings=True)
    if data.enabled:
        problems = core.check_candidate_limits(tender.procedure.value, data.minimum, data.maximum)
        if problems:
            reasons = limit_messages(problems)
            raise DomainError(next(iter(reasons.values()))[0], reasons=reasons)
    elif (data.minimum is not None and data.minimum < 1) or (data.maximum is not None and data.maximum < 1):
        raise DomainError("Antall kandidater må være minst 1.", field="minimum_candidates")
    setup = setup_of(tender)
    # without a prequalification the numbers may be left out: the stored (or the legal) minimum stays
    fallback = setup.minimum_candidates if setup is not None else legal_minimum(tender) or 3
    minimum = data.minimum if data.minimum is not None else fallback
    if data.maximum is not None and data.maximum < minimum:
        raise DomainError(
            f"Største antall kandidater ({data.maximum}) er lavere enn minste antall ({minimum}).",
            field="maximum_candidates",
        )
    created = setup is None
    if setup is None:
        setup = Prequalification(tender_id=tender.id)
        db.session.add(setup)
        before: dict[str, Any] = {}
    else:
        before = _settings(setup)
    setup.enabled = data.enabled
    setup.minimum_candidates = minimum
    setup.maximum_candidates = data.maximum
    setup.signers_approve_selection = data.signers_approve_selection
    setup.sample_demanded = data.sample_demanded
    db.session.flush()
    after = _settings(setup)
    changed = {k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v}
    if created or changed:
        audit.record(
            "prequalification.created" if created else "prequalification.changed",
            setup,
            tender_id=tender.id,
            payload=after if created else changed,
            actor=actor,
        )
    return setup


def _settings(setup: Prequalification) -> dict[str, Any]:
    return {
        "enabled": bool(setup.enabled),
        "minimum_candidates": setup.minimum_candidates,
        "maximum_candidates": setup.maximum_candidates,
        "signers_approve_selection": bool(setup.signers_approve_selection),
        "sample_demanded": bool(setup.sample_demanded),
    }


# -- requirements, grounds, criteria -----------------------------------------------------------------------
def _clean_code(code: str | None) -> str | None:
    value = (code or "").strip()
    if not value:
        return None
    if len(value) > ESPD_CODE_MAX or any(c.isspace() for c in value):
        raise DomainError(
            f"ESPD-kriteriet må være én kode uten mellomrom, høyst {ESPD_CODE_MAX} tegn.", field="espd_code"
        )
    return value


def _text(value: str, message: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise DomainError(message, field=field)
    return text


def _next_position(rows: Sequence[Any]) -> int:
    return max((r.position for r in rows), default=0) + 1


def add_requirement(
    tender: Tender, data: RequirementInput, *, now: datetime, actor: Any
) -> QualificationRequirement:
    _open_for_changes(tender, now)
    row = QualificationRequirement(
        tender_id=tender.id,
        category=data.category,
        position=_next_position([r for r in requirements_of(tender) if r.category is data.category]),
        text=_text(data.text, "Skriv kravet.", "text"),
        documentation=data.documentation.strip(),
        espd_criterion=_clean_code(data.espd_criterion),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "prequalification.requirement_added", row, tender_id=tender.id, payload=_requirement(row), actor=actor
    )
    return row


def update_requirement(
    tender: Tender, row: QualificationRequirement, data: RequirementInput, *, now: datetime, actor: Any
) -> QualificationRequirement:
    _open_for_changes(tender, now)
    before = _requirement(row)
    text = _text(data.text, "Skriv kravet.", "text")
    code = _clean_code(data.espd_criterion)
    if data.category is not row.category:
        # a requirement moved to another group goes last in it
        row.position = _next_position([r for r in requirements_of(tender) if r.category is data.category])
    row.category, row.text, row.documentation, row.espd_criterion = (
        data.category,
        text,
        data.documentation.strip(),
        code,
    )
    db.session.flush()
    _record_change("prequalification.requirement_changed", row, tender, before, _requirement(row), actor)
    return row


def delete_requirement(tender: Tender, row: QualificationRequirement, *, now: datetime, actor: Any) -> None:
    _open_for_changes(tender, now)
    payload = _requirement(row)
    audit.record(
        "prequalification.requirement_deleted", row, tender_id=tender.id, payload=payload, actor=actor
    )
    db.session.delete(row)
    db.session.flush()


def add_standard_requirements(tender: Tender, *, now: datetime, actor: Any) -> int:
    """The usual requirements for a Noark 5 archive system, into an empty list (never beside the lead's
    own: the lead would have to sort out doubles)."""
    _open_for_changes(tender, now)
    if requirements_of(tender):
        raise DomainError("Standardkravene kan bare legges inn når listen over kvalifikasjonskrav er tom.")
    for data in STANDARD_REQUIREMENTS:
        add_requirement(tender, data, now=now, actor=actor)
    return len(STANDARD_REQUIREMENTS)


def add_ground(tender: Tender, data: GroundInput, *, now: datetime, actor: Any) -> ExclusionGround:
    _open_for_changes(tender, now)
    row = ExclusionGround(
        tender_id=tender.id,
        position=_next_position(grounds_of(tender)),
        mandatory=data.mandatory,
        text=_text(data.text, "Beskriv avvisningsgrunnen.", "text"),
        espd_criterion=_clean_code(data.espd_criterion),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("prequalification.ground_added", row, tender_id=tender.id, payload=_ground(row), actor=actor)
    return row


def update_ground(
    tender: Tender, row: ExclusionGround, data: GroundInput, *, now: datetime, actor: Any
) -> ExclusionGround:
    _open_for_changes(tender, now)
    before = _ground(row)
    text = _text(data.text, "Beskriv avvisningsgrunnen.", "text")
    row.espd_criterion = _clean_code(data.espd_criterion)
    row.mandatory, row.text = data.mandatory, text
    db.session.flush()
    _record_change("prequalification.ground_changed", row, tender, before, _ground(row), actor)
    return row


def delete_ground(tender: Tender, row: ExclusionGround, *, now: datetime, actor: Any) -> None:
    _open_for_changes(tender, now)
    audit.record(
        "prequalification.ground_deleted", row, tender_id=tender.id, payload=_ground(row), actor=actor
    )
    db.session.delete(row)
    db.session.flush()


def missing_mandatory_grounds(tender: Tender) -> list[GroundInput]:
    """The mandatory grounds of FOA § 24-2 (1) whose ESPD criterion no ground of the tender has yet."""
    present = {g.espd_criterion for g in grounds_of(tender)}
    return [g for g in MANDATORY_GROUNDS if g.espd_criterion not in present]


def add_mandatory_grounds(tender: Tender, *, now: datetime, actor: Any) -> int:
    """The mandatory grounds not yet in the list, each with its ESPD criterion."""
    _open_for_changes(tender, now)
    missing = missing_mandatory_grounds(tender)
    if not missing:
        raise DomainError("Alle de obligatoriske avvisningsgrunnene står allerede i listen.")
    for data in missing:
        add_ground(tender, data, now=now, actor=actor)
    return len(missing)


def _weight(value: Decimal) -> Decimal:
    if value < 0:
        raise DomainError("Vekten kan ikke være negativ.", field="weight")
    if value > 100:
        raise DomainError("Vekten kan ikke være over 100 %.", field="weight")
    if value != value.quantize(Decimal("0.0001")):
        raise DomainError("Vekten kan ha høyst fire desimaler.", field="weight")
    return value


def add_criterion(tender: Tender, data: CriterionInput, *, now: datetime, actor: Any) -> SelectionCriterion:
    _open_for_changes(tender, now)
    name = _text(data.name, "Gi kriteriet et navn.", "name")
    if len(name) > 200:
        raise DomainError("Navnet kan ha høyst 200 tegn.", field="name")
    row = SelectionCriterion(
        tender_id=tender.id,
        position=_next_position(criteria_of(tender)),
        name=name,
        weight=_weight(data.weight),
        description=data.description.strip(),
        descriptors=data.descriptors.strip(),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "prequalification.criterion_added", row, tender_id=tender.id, payload=_criterion(row), actor=actor
    )
    return row


def update_criterion(
    tender: Tender, row: SelectionCriterion, data: CriterionInput, *, now: datetime, actor: Any
) -> SelectionCriterion:
    _open_for_changes(tender, now)
    before = _criterion(row)
    name = _text(data.name, "Gi kriteriet et navn.", "name")
    if len(name) > 200:
        raise DomainError("Navnet kan ha høyst 200 tegn.", field="name")
    row.weight = _weight(data.weight)
    row.name, row.description, row.descriptors = name, data.description.strip(), data.descriptors.strip()
    db.session.flush()
    _record_change("prequalification.criterion_changed", row, tender, before, _criterion(row), actor)
    return row


def delete_criterion(tender: Tender, row: SelectionCriterion, *, now: datetime, actor: Any) -> None:
    _open_for_changes(tender, now)
    audit.record(
        "prequalification.criterion_deleted", row, tender_id=tender.id, payload=_criterion(row), actor=actor
    )
    db.session.delete(row)
    db.session.flush()


T = TypeVar("T", QualificationRequirement, ExclusionGround, SelectionCriterion)


def move(tender: Tender, row: T, step: int, *, now: datetime, actor: Any) -> T:
    """Move an item one place up (step -1) or down (+1) among its siblings (a requirement within its group).
    Positions are renumbered 1, 2, 3, ... so that gaps left by deletions do not make a move do nothing."""
    _open_for_changes(tender, now)
    if isinstance(row, QualificationRequirement):
        siblings: list[Any] = [r for r in requirements_of(tender) if r.category is row.category]
        kind = "requirement"
    elif isinstance(row, ExclusionGround):
        siblings, kind = grounds_of(tender), "ground"
    else:
        siblings, kind = criteria_of(tender), "criterion"
    index = siblings.index(row)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(siblings):
        raise DomainError("Står allerede først." if step < 0 else "Står allerede sist.")
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    db.session.flush()
    audit.record(
        f"prequalification.{kind}_moved",
        row,
        tender_id=tender.id,
        payload={"from": index + 1, "to": target + 1},
        actor=actor,
    )
    return row


def _record_change(
    event: str, row: Any, tender: Tender, before: dict[str, Any], after: dict[str, Any], actor: Any
) -> None:
    changed = {k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v}
    if changed:
        audit.record(event, row, tender_id=tender.id, payload=changed, actor=actor)


def _requirement(row: QualificationRequirement) -> dict[str, Any]:
    return {
        "category": row.category.value,
        "text": row.text,
        "documentation": row.documentation,
        "espd_criterion": row.espd_criterion,
    }


def _ground(row: ExclusionGround) -> dict[str, Any]:
    return {"mandatory": bool(row.mandatory), "text": row.text, "espd_criterion": row.espd_criterion}


def _criterion(row: SelectionCriterion) -> dict[str, Any]:
    return {
        "name": row.name,
        "weight": str(row.weight),
        "description": row.description,
        "descriptors": row.descriptors,
    }


# -- the freeze --------------------------------------------------------------------------------------------
def core_setup(tender: Tender, setup: Prequalification) -> core.PrequalificationSetup:
    """The setup as the pure core sees it (ids are the rows' ids, which the assessment refers to). The
    deadline must be set: ``freeze_problems`` says so first."""
    assert tender.participation_deadline is not None
    return core.PrequalificationSetup(
        procedure=tender.procedure.value,
        requirements=tuple(
            core.QualificationRequirement(
                str(r.id), r.category.value, r.text, r.documentation, r.espd_criterion
            )
            for r in requirements_of(tender)
        ),
        exclusion_grounds=tuple(
            core.ExclusionGround(str(g.id), g.text, bool(g.mandatory), g.espd_criterion)
            for g in grounds_of(tender)
        ),
        criteria=tuple(
            core.SelectionCriterion(str(c.id), c.name, c.weight, c.description) for c in criteria_of(tender)
        ),
        # the 0–10 scale is described per criterion here (its descriptors), added to the canonical form below
        scale=(),
        minimum=setup.minimum_candidates,
        maximum=setup.maximum_candidates,
        deadline=tender.participation_deadline,
    )


def canonical_form(tender: Tender, setup: Prequalification) -> dict[str, Any]:
    """The core's canonical form of the setup, with what this tool announces beside it: each criterion's
    descriptors of the 0–10 scale, whether the municipalities approve the selection, and whether a Noark 5
    sample is demanded with the request."""
    from tender.core.spec.canonical import normalise_text

    form = core.setup_canonical_form(core_setup(tender, setup))
    descriptors = {str(c.id): c.descriptors for c in criteria_of(tender)}
    for criterion in form["criteria"]:
        criterion["descriptors"] = normalise_text(descriptors[criterion["id"]]) or None
    form["signers_approve_selection"] = bool(setup.signers_approve_selection)
    form["sample_demanded"] = bool(setup.sample_demanded)
    return form


def freeze_problems(tender: Tender, now: datetime) -> list[str]:
    """Everything that stops the setup from being frozen, in Norwegian (empty: it can be frozen)."""
    setup = setup_of(tender)
    if setup is None or not setup.enabled:
        return ["Konkurransen har ikke prekvalifisering. Velg det i oppsettet og lagre først."]
    if setup.frozen_at is not None:
        return [f"Oppsettet er allerede fryst {format_datetime(setup.frozen_at)}."]
    found: list[str] = []
    deadline = tender.participation_deadline
    if deadline is None:
        found.append(
            "Fristen for forespørsel om å delta er ikke satt. Sett den under «Rediger konkurransen» "
            "før oppsettet fryses."
        )
    elif now >= deadline:
        found.append("Fristen for forespørsel om å delta er passert; oppsettet kan bare fryses før fristen.")
    if tender.bid_deadline is not None and now >= tender.bid_deadline:
        found.append("Tilbudsfristen er passert; oppsettet kan ikke fryses.")
    limits = core.check_candidate_limits(
        tender.procedure.value, setup.minimum_candidates, setup.maximum_candidates
    )
    for messages in limit_messages(limits).values():
        found.extend(messages)
    if not requirements_of(tender):
        found.append("Legg inn minst ett kvalifikasjonskrav.")
    if not criteria_of(tender):
        found.append("Legg inn minst ett utvelgelseskriterium.")
    else:
        message = weight_sum_message(tender)
        if message:
            found.append(message)
    return found


def freeze(tender: Tender, *, now: datetime, actor: Any) -> Prequalification:
    """Freeze the setup: its canonical JSON and SHA-256 are kept, and the trail records the hash. After
    this nothing of the setup changes."""
    problems = freeze_problems(tender, now)
    if problems:
        raise DomainError("Oppsettet kan ikke fryses: " + " ".join(problems), reasons={"": problems})
    setup = setup_of(tender)
    assert setup is not None
    form = canonical_form(tender, setup)
    data = core.canonical_bytes(form)
    setup.frozen_json = data.decode("utf-8")
    setup.frozen_sha256 = core.sha256_hex(data)
    setup.frozen_at = now
    setup.frozen_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "prequalification.frozen",
        setup,
        tender_id=tender.id,
        payload={
            "sha256": setup.frozen_sha256,
            "requirements": len(form["requirements"]),
            "exclusion_grounds": len(form["exclusion_grounds"]),
            "criteria": len(form["criteria"]),
            "minimum_candidates": setup.minimum_candidates,
            "maximum_candidates": setup.maximum_candidates,
            "participation_deadline": form["deadline"],
        },
        actor=actor,
    )
    return setup


# -- the announcement --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Announced:
    """The frozen setup as the announcement page shows it: read from the frozen JSON itself, so what is
    shown is what the hash covers."""

    sha256: str
    frozen_at: datetime
    groups: list[tuple[str, list[dict[str, Any]]]]
    grounds: list[dict[str, Any]]
    criteria: list[dict[str, Any]]
    minimum: int
    maximum: int | None
    deadline: datetime | None
    sample_demanded: bool
    signers_approve_selection: bool


def announced_setup(tender: Tender) -> Announced | None:
    """The frozen setup of a tender with a prequalification, for the public announcement (None before it
    is frozen, or without a prequalification)."""
    setup = setup_of(tender)
    if setup is None or not setup.enabled or setup.frozen_at is None or not setup.frozen_json:
        return None
    form = json.loads(setup.frozen_json)
    groups = []
    for category in QualificationCategory:
        rows = [
            {**r, "espd_label": espd_label(r.get("espd_criterion"))}
            for r in form.get("requirements", [])
            if r.get("group") == category.value
        ]
        if rows:
            groups.append((category.label, rows))
    grounds = [
        {**g, "espd_label": espd_label(g.get("espd_criterion"))} for g in form.get("exclusion_grounds", [])
    ]
    criteria = [{**c, "weight": Decimal(c["weight"])} for c in form.get("criteria", [])]
    deadline = (
        datetime.fromisoformat(form["deadline"].replace("Z", "+00:00")) if form.get("deadline") else None
    )
    return Announced(
        sha256=setup.frozen_sha256 or "",
        frozen_at=setup.frozen_at,
        groups=groups,
        grounds=grounds,
        criteria=criteria,
        minimum=int(form.get("minimum", setup.minimum_candidates)),
        maximum=form.get("maximum"),
        deadline=deadline,
        sample_demanded=bool(form.get("sample_demanded")),
        signers_approve_selection=bool(form.get("signers_approve_selection")),
    )
