"""State changes of a tender's specification. Each function flushes and writes the audit trail; the caller
commits once. Business rules come from ``tender.core.spec``; this module only moves data in and out."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tender import PROJECT_ROOT, audit
from tender.core import spec as core
from tender.core.spec.toml_format import dump_spec_toml, load_spec_toml
from tender.db_types import utcnow
from tender.errors import DomainError
from tender.extensions import db
from tender.requirements.models import (
    Decision,
    SpecChapter,
    SpecCriterion,
    SpecDecision,
    Specification,
    SpecRequirement,
    SpecVersion,
)
from tender.requirements.permissions import sign_for
from tender.tenders.models import Municipality, Tender
from tender.web import spec_messages

#: Our base specification for a joint sak-/arkivsystem procurement (see requirements_specs/README.md).
BASE_SPEC = PROJECT_ROOT / "requirements_specs" / "base-sak-arkiv.toml"

REQUIREMENT_FIELDS = (
    "number",
    "chapter",
    "kind",
    "text",
    "answer_form",
    "unit",
    "criterion",
    "weight",
    "documentation",
    "source",
    "municipalities",
)


# -- reading ---------------------------------------------------------------------------------------------
def specification_of(tender: Tender) -> Specification | None:
    return db.session.scalar(select(Specification).where(Specification.tender_id == tender.id))


def ensure_specification(tender: Tender) -> Specification:
    spec = specification_of(tender)
    if spec is None:
        spec = Specification(
            tender_id=tender.id,
            title=f"Kravspesifikasjon – {tender.title}"[:200],
            next_requirement_seq=1,
            next_chapter_seq=1,
        )
        db.session.add(spec)
        db.session.flush()
    return spec


def ordered_requirements(spec: Specification) -> list[SpecRequirement]:
    order = {c.id: c.position for c in spec.chapters}
    return sorted(spec.requirements, key=lambda r: (order.get(r.chapter_id, 0), r.position))


def requirement_to_core(row: SpecRequirement) -> core.Requirement:
    return core.Requirement(
        id=row.key,
        number=row.number,
        chapter=row.chapter.key,
        kind=row.kind,
        text=row.text,
        answer_form=row.answer_form,
        unit=row.unit,
        criterion=row.criterion_key,
        weight=row.weight,
        documentation=row.documentation or "",
        source=row.source or "",
        municipalities=row.municipalities,
    )


def to_core(spec: Specification) -> core.Specification:
    """The working draft as the pure core sees it."""
    return core.Specification(
        title=spec.title,
        criteria=tuple(core.Criterion(id=c.key, name=c.name) for c in spec.criteria),
        chapters=tuple(
            core.Chapter(id=c.key, number=c.number, title=c.title, description=c.description or "")
            for c in spec.chapters
        ),
        requirements=tuple(requirement_to_core(r) for r in ordered_requirements(spec)),
    )


def version_content(version: SpecVersion) -> core.Specification:
    """A frozen version's content, checked against its stored hash."""
    content = FROZEN.content(version.content_toml, version.content_hash)
    if content is None:
        raise DomainError(f"Versjon {version.number} er endret etter at den ble frosset (hash stemmer ikke).")
    return content


class FrozenContents:
    """Parsed frozen versions, per process, keyed by their content hash: a bounded LRU (issue 17).

    A frozen version never changes, so its parse (about 0.2 s at 2 000 requirements: TOML, the rules, the
    canonical hash) is done once per process and not on every version page, twice per diff, before every
    signer's decision and for every minimum requirement a bid is checked against. An entry is made only for a
    text that hashes to its key, so two different contents can never share one (SHA-256); and it keeps the
    text it was made from, so a stored text altered after the freeze is parsed and refused (None), even
    while the genuine content of that hash is cached."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[str, core.Specification]] = OrderedDict()
        self._lock = threading.Lock()
        self.parses = 0  #: how many texts were parsed (the tests count them)

    def content(self, text: str, expected_hash: str) -> core.Specification | None:
        with self._lock:
            entry = self._entries.get(expected_hash)
            if entry is not None and entry[0] == text:
                self._entries.move_to_end(expected_hash)
                return entry[1]
        self.parses += 1
        content = load_spec_toml(text)
        if core.content_hash(content) != expected_hash:
            return None
        with self._lock:
            self._entries[expected_hash] = (text, content)
            self._entries.move_to_end(expected_hash)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return content

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


#: this process's parsed frozen versions
FROZEN = FrozenContents()


def latest_version(spec: Specification) -> SpecVersion | None:
    return spec.versions[-1] if spec.versions else None


def draft_differs_from_latest(spec: Specification) -> bool:
    latest = latest_version(spec)
    return latest is None or core.content_hash(to_core(spec)) != latest.content_hash


# -- loading a whole specification -----------------------------------------------------------------------
def _seq_after(ids: Iterable[str], prefix: str) -> int:
    numbers = [int(i[len(prefix) :]) for i in ids if i.startswith(prefix) and i[len(prefix) :].isdigit()]
    return max(numbers, default=0) + 1


def replace_draft(tender: Tender, content: core.Specification, *, actor: Any, origin: str) -> Specification:
    """Make ``content`` the tender's working draft (a file load). Refused when it breaks a business rule or
    once the specification is published; frozen versions and their approvals are kept as they are."""
    problems = core.validate_spec(content)
    if problems:
        raise DomainError("Spesifikasjonen har feil: " + "; ".join(spec_messages.describe_all(problems[:20])))
    spec = ensure_specification(tender)
    if spec.published_version_id is not None:
        raise DomainError("Kravspesifikasjonen er kunngjort og kan ikke erstattes.")
    ever_used = {r.key for r in spec.requirements} | _keys_in_versions(spec)
    reused = {r.id for r in content.requirements} & (ever_used - {r.key for r in spec.requirements})
    if reused:
        raise DomainError(
            "Filen bruker krav-id-er som er slettet tidligere og ikke kan brukes om igjen: "
            + ", ".join(sorted(reused))
        )
    _load_rows(spec, content, ever_used)
    db.session.flush()
    audit.record(
        "specification.loaded",
        spec,
        tender_id=tender.id,
        actor=actor,
        payload={
            "origin": origin,
            "requirements": len(content.requirements),
            "chapters": len(content.chapters),
            "content_hash": core.content_hash(content),
        },
    )
    return spec


def restore_published_draft(tender: Tender, *, actor: Any) -> None:
    """Put the published version's content back as the draft (a correction given up): the draft's edits
    since are gone; frozen versions and their approvals are kept as they are."""
    spec = ensure_specification(tender)
    if spec.published_version is None:
        raise DomainError("Kravspesifikasjonen er ikke kunngjort.")
    content = version_content(spec.published_version)
    _load_rows(spec, content, {r.key for r in spec.requirements} | _keys_in_versions(spec))
    db.session.flush()
    audit.record(
        "specification.restored",
        spec,
        tender_id=tender.id,
        actor=actor,
        payload={"version": spec.published_version.number, "content_hash": core.content_hash(content)},
    )


def _load_rows(spec: Specification, content: core.Specification, ever_used: set[str]) -> None:
    """Replace the draft's rows with ``content`` (ids never reused: the sequence stays past every id)."""
    for row in list(spec.requirements):
        spec.requirements.remove(row)
    db.session.flush()
    spec.chapters.clear()
    spec.criteria.clear()
    db.session.flush()
    spec.title = content.title[:200]
    spec.criteria.extend(
        SpecCriterion(key=c.id, name=c.name, position=i) for i, c in enumerate(content.criteria)
    )
    chapters = {
        c.id: SpecChapter(key=c.id, number=c.number, title=c.title, description=c.description, position=i)
        for i, c in enumerate(content.chapters)
    }
    spec.chapters.extend(chapters.values())
    per_chapter: dict[str, int] = {}
    for req in content.requirements:
        position = per_chapter.get(req.chapter, 0)
        per_chapter[req.chapter] = position + 1
        spec.requirements.append(_row_from_core(req, chapters[req.chapter], position))
    spec.next_requirement_seq = max(
        spec.next_requirement_seq,
        _seq_after((r.id for r in content.requirements), "R"),
        _seq_after(ever_used, "R"),
    )
    spec.next_chapter_seq = max(spec.next_chapter_seq, _seq_after((c.id for c in content.chapters), "K"))


def _keys_in_versions(spec: Specification) -> set[str]:
    keys: set[str] = set()
    for version in spec.versions:
        keys |= {r.id for r in load_spec_toml(version.content_toml).requirements}
    return keys


def _row_from_core(req: core.Requirement, chapter: SpecChapter, position: int) -> SpecRequirement:
    row = SpecRequirement(
        key=req.id,
        number=req.number,
        chapter=chapter,
        position=position,
        kind=req.kind,
        text=req.text,
        answer_form=req.answer_form,
        unit=req.unit,
        criterion_key=req.criterion,
        weight=req.weight,
        documentation=req.documentation,
        source=req.source,
    )
    row.municipalities = list(req.municipalities)
    return row


# -- editing ---------------------------------------------------------------------------------------------
#: the refusal to edit a published specification outside a correction
PUBLISHED_NOT_EDITABLE = (
    "Kravspesifikasjonen er kunngjort. Endringer etter kunngjøring gjøres som en rettelse: "
    "start en rettelse under «Rettelser» først."
)


def is_editable(spec: Specification) -> bool:
    """Whether the draft may change: before the publication, and after it only while a correction is open
    (tender.corrections), which goes the same route as the first version."""
    return spec.published_version_id is None or spec.correction_open


def _check_editable(spec: Specification) -> None:
    if not is_editable(spec):
        raise DomainError(PUBLISHED_NOT_EDITABLE)


def _validate_single(spec: Specification, candidate: core.Requirement, replacing: str | None) -> None:
    """Check one requirement against the business rules in the context of the whole draft."""
    current = to_core(spec)
    requirements = [candidate if r.id == replacing else r for r in current.requirements]
    if replacing is None:
        requirements.append(candidate)
    problems = [
        p
        for p in core.validate_spec(replace(current, requirements=tuple(requirements)))
        if p.item_id == candidate.id
    ]
    if problems:
        reasons: dict[str, list[str]] = {}
        for p in problems:
            reasons.setdefault(p.field if p.field in REQUIREMENT_FIELDS else "", []).append(
                spec_messages.message(p)
            )
        raise DomainError(spec_messages.message(problems[0]), reasons=reasons)


def chapter_by_key(spec: Specification, key: str) -> SpecChapter:
    for chapter in spec.chapters:
        if chapter.key == key:
            return chapter
    raise DomainError("Kapittelet finnes ikke.", field="chapter")


@dataclass(frozen=True)
class RequirementInput:
    chapter: str
    number: str
    kind: core.Kind
    text: str
    answer_form: core.AnswerForm
    unit: str | None
    criterion: str | None
    weight: Decimal | None
    documentation: str
    source: str
    municipalities: tuple[str, ...]


def add_requirement(tender: Tender, data: RequirementInput, *, actor: Any) -> SpecRequirement:
    spec = ensure_specification(tender)
    _check_editable(spec)
    key = allocate_requirement_ids(tender, 1)[0]
    candidate = core.Requirement(id=key, **_core_fields(data))
    _validate_single(spec, candidate, None)
    chapter = chapter_by_key(spec, data.chapter)
    position = 1 + max((r.position for r in spec.requirements if r.chapter_id == chapter.id), default=-1)
    row = _row_from_core(candidate, chapter, position)
    spec.requirements.append(row)
    spec.next_requirement_seq = int(key[1:]) + 1
    db.session.flush()
    audit.record(
        "requirement.added",
        row,
        tender_id=tender.id,
        actor=actor,
        object_id=row.key,
        payload=_payload(candidate),
    )
    return row


def _all_keys(spec: Specification) -> set[str]:
    return {r.key for r in spec.requirements} | _keys_in_versions(spec)


def _core_fields(data: RequirementInput) -> dict[str, Any]:
    return {
        "number": data.number.strip(),
        "chapter": data.chapter,
        "kind": data.kind,
        "text": data.text,
        "answer_form": data.answer_form,
        "unit": data.unit or None,
        "criterion": data.criterion or None,
        "weight": data.weight,
        "documentation": data.documentation,
        "source": data.source,
        "municipalities": data.municipalities,
    }


def _payload(req: core.Requirement) -> dict[str, Any]:
    return {
        "id": req.id,
        "number": req.number,
        "chapter": req.chapter,
        "kind": req.kind.value,
        "text": req.text,
        "answer_form": req.answer_form.value,
        "unit": req.unit,
        "criterion": req.criterion,
        "weight": core.normalise_weight(req.weight),
        "documentation": req.documentation,
        "source": req.source,
        "municipalities": list(req.municipalities),
    }


class EditConflict(DomainError):
    """Someone else saved the requirement since this user opened it."""

    def __init__(self, current: core.Requirement, mine: core.Requirement, by: str | None) -> None:
        who = f" av {by}" if by else ""
        super().__init__(
            f"Kravet ble endret{who} etter at du åpnet det. Endringen din er ikke lagret. "
            "Se forskjellene under, og lagre på nytt om du fortsatt vil endre."
        )
        self.current = current
        self.mine = mine


def update_requirement(
    tender: Tender, row: SpecRequirement, data: RequirementInput, *, expected_version: int, actor: Any
) -> SpecRequirement:
    """Save an edit made on top of ``expected_version``; refuse with the differences if it is stale."""
    spec = ensure_specification(tender)
    _check_editable(spec)
    candidate = core.Requirement(id=row.key, **_core_fields(data))
    if row.lock_version != expected_version:
        raise EditConflict(requirement_to_core(row), candidate, _last_editor(row))
    _validate_single(spec, candidate, row.key)
    before = requirement_to_core(row)
    chapter = chapter_by_key(spec, data.chapter)
    if chapter.id != row.chapter_id:
        row.position = 1 + max(
            (r.position for r in spec.requirements if r.chapter_id == chapter.id), default=-1
        )
        row.chapter = chapter
    row.number, row.kind, row.text, row.answer_form = (
        candidate.number,
        candidate.kind,
        candidate.text,
        candidate.answer_form,
    )
    row.unit, row.criterion_key, row.weight = candidate.unit, candidate.criterion, candidate.weight
    row.documentation, row.source = candidate.documentation, candidate.source
    row.municipalities = list(candidate.municipalities)
    db.session.flush()  # the version counter makes a concurrent flush fail instead of overwriting
    changed = {k: v for k, v in _payload(candidate).items() if _payload(before).get(k) != v}
    audit.record(
        "requirement.changed",
        row,
        tender_id=tender.id,
        actor=actor,
        object_id=row.key,
        payload={"changed": changed, "before": {k: _payload(before)[k] for k in changed}},
    )
    return row


def _last_editor(row: SpecRequirement) -> str | None:
    from tender.audit import AuditEvent

    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.object_type == "spec_requirement", AuditEvent.object_id == row.key)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    return event.actor_label if event else None


def delete_requirement(tender: Tender, row: SpecRequirement, *, expected_version: int, actor: Any) -> None:
    spec = ensure_specification(tender)
    _check_editable(spec)
    if row.lock_version != expected_version:
        raise DomainError("Kravet ble endret av en annen etter at du åpnet siden. Last siden på nytt.")
    audit.record(
        "requirement.deleted",
        row,
        tender_id=tender.id,
        actor=actor,
        object_id=row.key,
        payload=_payload(requirement_to_core(row)),
    )
    spec.requirements.remove(row)
    db.session.delete(row)
    db.session.flush()


def move_requirement(tender: Tender, row: SpecRequirement, step: int, *, actor: Any) -> None:
    """Move one place up (-1) or down (+1) inside its chapter; the id and number stay."""
    spec = ensure_specification(tender)
    _check_editable(spec)
    siblings = sorted(
        (r for r in spec.requirements if r.chapter_id == row.chapter_id), key=lambda r: r.position
    )
    index = siblings.index(row)
    target = index + step
    if not 0 <= target < len(siblings):
        raise DomainError("Kravet står allerede først eller sist i kapittelet.")
    other = siblings[target]
    row.position, other.position = other.position, row.position
    db.session.flush()
    audit.record(
        "requirement.moved",
        row,
        tender_id=tender.id,
        actor=actor,
        object_id=row.key,
        payload={"step": step, "swapped_with": other.key},
    )


def renumber(tender: Tender, *, actor: Any) -> None:
    """Display numbers from the current order (chapters 1, 2, …; requirements 1.1, 1.2, …)."""
    spec = ensure_specification(tender)
    _check_editable(spec)
    numbered = core.renumber(to_core(spec))
    chapters = {c.id: c.number for c in numbered.chapters}
    numbers = {r.id: r.number for r in numbered.requirements}
    for chapter in spec.chapters:
        chapter.number = chapters[chapter.key]
    for row in spec.requirements:
        if row.number != numbers[row.key]:
            row.number = numbers[row.key]
    db.session.flush()
    audit.record("specification.renumbered", spec, tender_id=tender.id, actor=actor)


def add_chapter(tender: Tender, *, title: str, description: str, actor: Any) -> SpecChapter:
    spec = ensure_specification(tender)
    _check_editable(spec)
    if not title.strip():
        raise DomainError("Kapittelet må ha en tittel.", field="title")
    key = f"K{spec.next_chapter_seq:02d}"
    while any(c.key == key for c in spec.chapters):
        spec.next_chapter_seq += 1
        key = f"K{spec.next_chapter_seq:02d}"
    chapter = SpecChapter(
        key=key,
        number=str(len(spec.chapters) + 1),
        title=title.strip(),
        description=description.strip(),
        position=len(spec.chapters),
    )
    spec.chapters.append(chapter)
    spec.next_chapter_seq += 1
    db.session.flush()
    audit.record(
        "chapter.added",
        chapter,
        tender_id=tender.id,
        actor=actor,
        object_id=key,
        payload={"title": chapter.title},
    )
    return chapter


def update_chapter(
    tender: Tender,
    chapter: SpecChapter,
    *,
    title: str,
    description: str,
    number: str,
    expected_version: int,
    actor: Any,
) -> None:
    spec = ensure_specification(tender)
    _check_editable(spec)
    if chapter.lock_version != expected_version:
        raise DomainError(
            f"Kapittelet ble endret av en annen etter at du åpnet det (tittel nå: «{chapter.title}»). "
            "Endringen din er ikke lagret."
        )
    if not title.strip():
        raise DomainError("Kapittelet må ha en tittel.", field="title")
    before = {"title": chapter.title, "description": chapter.description, "number": chapter.number}
    chapter.title, chapter.description, chapter.number = title.strip(), description.strip(), number.strip()
    db.session.flush()
    audit.record(
        "chapter.changed",
        chapter,
        tender_id=tender.id,
        actor=actor,
        object_id=chapter.key,
        payload={
            "before": before,
            "after": {"title": chapter.title, "description": chapter.description, "number": chapter.number},
        },
    )


def delete_chapter(tender: Tender, chapter: SpecChapter, *, actor: Any) -> None:
    spec = ensure_specification(tender)
    _check_editable(spec)
    if any(r.chapter_id == chapter.id for r in spec.requirements):
        raise DomainError("Kapittelet har krav. Flytt eller slett kravene først.")
    audit.record(
        "chapter.deleted",
        chapter,
        tender_id=tender.id,
        actor=actor,
        object_id=chapter.key,
        payload={"title": chapter.title},
    )
    spec.chapters.remove(chapter)
    db.session.delete(chapter)
    for i, c in enumerate(spec.chapters):
        c.position = i
    db.session.flush()


def move_chapter(tender: Tender, chapter: SpecChapter, step: int, *, actor: Any) -> None:
    spec = ensure_specification(tender)
    _check_editable(spec)
    chapters = list(spec.chapters)
    index = chapters.index(chapter)
    target = index + step
    if not 0 <= target < len(chapters):
        raise DomainError("Kapittelet står allerede først eller sist.")
    other = chapters[target]
    chapter.position, other.position = other.position, chapter.position
    db.session.flush()
    audit.record(
        "chapter.moved",
        chapter,
        tender_id=tender.id,
        actor=actor,
        object_id=chapter.key,
        payload={"step": step, "swapped_with": other.key},
    )


def apply_requirements(
    tender: Tender,
    additions: list[core.Requirement],
    changes: list[core.Requirement],
    *,
    actor: Any,
    origin: str,
) -> None:
    """Apply accepted additions and changes (catalogue import, Excel import) in one go."""
    spec = ensure_specification(tender)
    _check_editable(spec)
    current = to_core(spec)
    by_key = {r.key: r for r in spec.requirements}
    changed_ids = {r.id for r in changes}
    merged = [next((c for c in changes if c.id == r.id), r) for r in current.requirements] + additions
    problems = [
        p
        for p in core.validate_spec(replace(current, requirements=tuple(merged)))
        if p.item_id in changed_ids | {a.id for a in additions}
    ]
    if problems:
        raise DomainError(
            "Endringene kan ikke tas inn: " + "; ".join(spec_messages.describe_all(problems[:10]))
        )
    for req in changes:
        row = by_key[req.id]
        chapter = chapter_by_key(spec, req.chapter)
        row.chapter, row.number, row.kind, row.text, row.answer_form = (
            chapter,
            req.number,
            req.kind,
            req.text,
            req.answer_form,
        )
        row.unit, row.criterion_key, row.weight = req.unit, req.criterion, req.weight
        row.documentation, row.source = req.documentation, req.source
        row.municipalities = list(req.municipalities)
    for req in additions:
        chapter = chapter_by_key(spec, req.chapter)
        position = 1 + max((r.position for r in spec.requirements if r.chapter_id == chapter.id), default=-1)
        spec.requirements.append(_row_from_core(req, chapter, position))
        spec.next_requirement_seq = max(spec.next_requirement_seq, int(req.id[1:]) + 1)
    db.session.flush()
    audit.record(
        "specification.imported",
        spec,
        tender_id=tender.id,
        actor=actor,
        payload={"origin": origin, "added": [r.id for r in additions], "changed": sorted(changed_ids)},
    )


def chapters_for_groups(
    tender: Tender, spec: Specification, groups: Iterable[str], *, actor: Any
) -> dict[str, str]:
    """The chapter key for each of the catalogue's requirement groups (kravgrupper) taken in: an existing
    chapter with the group's title, else a new one (added, in the order the groups come)."""
    mapping: dict[str, str] = {}
    for group in groups:
        if group in mapping:
            continue
        existing = next((c for c in spec.chapters if c.title == group), None)
        chapter = existing or add_chapter(
            tender, title=group, description="Fra Noark 5-kravkatalogen.", actor=actor
        )
        mapping[group] = chapter.key
    return mapping


def used_requirement_ids(spec: Specification) -> set[str]:
    """Every requirement id this specification has ever used (drafts, versions, deleted ones)."""
    return _all_keys(spec) | {f"R{n:04d}" for n in range(1, spec.next_requirement_seq)}


def allocate_requirement_ids(tender: Tender, count: int) -> list[str]:
    return core.allocate_ids(used_requirement_ids(ensure_specification(tender)), count)


# -- versions, approvals, publication ----------------------------------------------------------------------
def freeze_version(tender: Tender, *, actor: Any, note: str = "") -> SpecVersion:
    """Freeze the draft as a new version for the municipalities to approve."""
    spec = ensure_specification(tender)
    _check_editable(spec)
    content = to_core(spec)
    if not content.requirements:
        raise DomainError("Kravspesifikasjonen har ingen krav ennå.")
    problems = core.validate_spec(content)
    if problems:
        raise DomainError(
            "Kravspesifikasjonen har feil som må rettes før den fryses: "
            + "; ".join(spec_messages.describe_all(problems[:10]))
        )
    digest = core.content_hash(content)
    latest = latest_version(spec)
    if latest is not None and latest.content_hash == digest:
        raise DomainError(f"Utkastet er identisk med versjon {latest.number}; det er ingenting nytt å fryse.")
    version = SpecVersion(
        specification_id=spec.id,
        number=(latest.number + 1) if latest else 1,
        content_hash=digest,
        content_toml=dump_spec_toml(content),
        frozen_by_id=getattr(actor, "id", None),
        note=note.strip(),
    )
    spec.versions.append(version)
    db.session.flush()
    audit.record(
        "specification.version_frozen",
        version,
        tender_id=tender.id,
        actor=actor,
        payload={"number": version.number, "content_hash": digest, "requirements": len(content.requirements)},
    )
    return version


def decide(
    tender: Tender,
    version: SpecVersion,
    municipality: Municipality,
    *,
    approve: bool,
    comment: str,
    content_hash: str,
    signer: Any,
) -> SpecDecision:
    """A signer approves or rejects exactly this version on behalf of their municipality."""
    spec = ensure_specification(tender)
    if not sign_for(signer, tender, municipality):
        raise DomainError(f"Du er ikke godkjenner for {municipality.name} i denne konkurransen.")
    if content_hash != version.content_hash:
        raise DomainError("Versjonen du leste er ikke den som er lagret. Last siden på nytt.")
    if version is not latest_version(spec):
        raise DomainError(
            f"Versjon {version.number} er erstattet av en nyere versjon; ta stilling til den nyeste."
        )
    if not is_editable(spec):
        raise DomainError("Kravspesifikasjonen er allerede kunngjort.")
    if version is spec.published_version:
        raise DomainError(f"Versjon {version.number} er allerede kunngjort.")
    if not approve and not comment.strip():
        raise DomainError("Skriv en begrunnelse når du avviser.", field="comment")
    if any(d.municipality_id == municipality.id for d in version.decisions):
        raise DomainError(f"{municipality.name} har allerede tatt stilling til versjon {version.number}.")
    decision = SpecDecision(
        version_id=version.id,
        municipality_id=municipality.id,
        signer_id=signer.id,
        signer_name=signer.name,
        decision=Decision.APPROVED if approve else Decision.REJECTED,
        comment=comment.strip(),
        content_hash=version.content_hash,
    )
    version.decisions.append(decision)
    db.session.flush()
    audit.record(
        "specification.approved" if approve else "specification.rejected",
        version,
        tender_id=tender.id,
        actor=signer,
        payload={
            "version": version.number,
            "municipality": municipality.kommunenummer,
            "content_hash": version.content_hash,
            "comment": decision.comment,
        },
    )
    return decision


@dataclass(frozen=True)
class MunicipalityStatus:
    municipality: Municipality
    #: the decision on the latest version, if any
    latest: SpecDecision | None
    #: the newest version this municipality approved, and when
    last_approved: SpecDecision | None
    last_approved_version: int | None


def approval_overview(tender: Tender, spec: Specification) -> list[MunicipalityStatus]:
    latest = latest_version(spec)
    rows = []
    for municipality in tender.participating_municipalities:
        on_latest = (
            next((d for d in latest.decisions if d.municipality_id == municipality.id), None)
            if latest
            else None
        )
        last_ok, last_ok_number = None, None
        for version in reversed(spec.versions):
            found = next(
                (
                    d
                    for d in version.decisions
                    if d.municipality_id == municipality.id and d.decision is Decision.APPROVED
                ),
                None,
            )
            if found:
                last_ok, last_ok_number = found, version.number
                break
        rows.append(MunicipalityStatus(municipality, on_latest, last_ok, last_ok_number))
    return rows


def last_approved_by(
    spec: Specification, version: SpecVersion, municipality_ids: Collection[int]
) -> SpecVersion | None:
    """The newest version before ``version`` that one of these municipalities approved: the diff a signer
    for them wants to read."""
    for candidate in reversed(spec.versions):
        if candidate.number < version.number and any(
            d.municipality_id in municipality_ids and d.decision is Decision.APPROVED
            for d in candidate.decisions
        ):
            return candidate
    return None


def missing_approvals(tender: Tender, version: SpecVersion) -> list[Municipality]:
    approved = {d.municipality_id for d in version.decisions if d.decision is Decision.APPROVED}
    return [m for m in tender.participating_municipalities if m.id not in approved]


def publish(tender: Tender, version: SpecVersion, *, actor: Any) -> None:
    """Publish exactly this version: only when every participating municipality approved it."""
    spec = ensure_specification(tender)
    if spec.published_version_id is not None:
        raise DomainError(
            "Kravspesifikasjonen er allerede kunngjort; en ny versjon kunngjøres som en rettelse."
        )
    if version is not latest_version(spec):
        raise DomainError("Bare den nyeste versjonen kan kunngjøres.")
    missing = missing_approvals(tender, version)
    if missing:
        raise DomainError(
            "Disse kommunene har ikke godkjent versjon "
            f"{version.number}: " + ", ".join(m.name for m in missing) + "."
        )
    version_content(version)  # refuses a version whose stored content no longer matches its hash
    spec.published_version = version
    spec.published_at = utcnow()
    db.session.flush()
    audit.record(
        "specification.published",
        version,
        tender_id=tender.id,
        actor=actor,
        payload={"version": version.number, "content_hash": version.content_hash},
    )
