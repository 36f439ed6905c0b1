"""Adding municipalities to the register and correcting their names and populations.

The kommunenummer identifies a municipality and is never changed here (a merger makes a new municipality
with a new number). The name and the population (innbyggertall) can be corrected, with one exception: the
award's cost split reads the population live (``tender.award.cost_operations``: ``Party(kommunenummer,
population)``), and the recommendation's frozen snapshot records each municipality's name and population
(``cost_split_snapshot``). So while a tender that uses the municipality has a recommendation frozen for
sign-off, or has sent its notices of award, a correction would change what the municipalities signed off or
were told; it is refused, with the tender named (the lead withdraws the recommendation first, or the register
keeps the old figure for a finished tender). Every change writes an audit event with the old and new values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from tender import audit
from tender.award.cost_operations import refusal as cost_split_refusal
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_number, parse_number
from tender.tenders.models import Municipality, Tender, TenderMunicipality

#: characters no name has, which PostgreSQL would not even store (NUL)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
#: more than anybody lives in any Norwegian municipality (Oslo: about 720 000), a guard against typos
MAX_POPULATION = 10_000_000
NAME_MAX = 100


# -- reading what people type ----------------------------------------------------------------------------
def clean_number(raw: str | None) -> str:
    """The kommunenummer typed, checked for its shape: exactly four digits ("K-4003" from some SSB exports
    is taken as 4003)."""
    text = (raw or "").strip()
    if text.upper().startswith("K-"):
        text = text[2:]
    if not text:
        raise DomainError("Skriv inn kommunenummeret.", field="kommunenummer")
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise DomainError(
            f"Kommunenummeret må være nøyaktig fire sifre, for eksempel 4003, ikke «{text}».",
            field="kommunenummer",
        )
    return text


def clean_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise DomainError("Skriv inn kommunens navn.", field="name")
    if _CONTROL_CHARS.search(name):
        raise DomainError("Navnet kan ikke inneholde kontrolltegn.", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"Navnet kan ha høyst {NAME_MAX} tegn.", field="name")
    return name


def parse_population(raw: str | int | None) -> int:
    """The innbyggertall typed ("56 360" or "56360"): a whole number from 0 up."""
    if isinstance(raw, int):
        value = Decimal(raw)
        text = str(raw)
    else:
        text = (raw or "").strip()
        if not text:
            raise DomainError("Skriv inn innbyggertallet.", field="population")
        try:
            value = parse_number(text)
        except (ValueError, ArithmeticError):
            raise DomainError(
                f"Innbyggertallet må være et helt tall, ikke «{text}».", field="population"
            ) from None
    if value != value.to_integral_value():
        raise DomainError(f"Innbyggertallet må være et helt tall, ikke «{text}».", field="population")
    if value < 0:
        raise DomainError("Innbyggertallet kan ikke være negativt.", field="population")
    if value > MAX_POPULATION:
        raise DomainError(
            f"Innbyggertallet kan ikke være over {format_number(MAX_POPULATION)}.", field="population"
        )
    return int(value)


# -- reading the register ---------------------------------------------------------------------------------
def by_number(kommunenummer: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.kommunenummer == kommunenummer))


@dataclass(frozen=True)
class Entry:
    """One line of the register's page: the municipality and the tenders that use it."""

    municipality: Municipality
    tenders: list[Tender]


def register() -> list[Entry]:
    """Every municipality by name, each with the tenders it takes part in (two queries, whatever the size)."""
    municipalities = db.session.scalars(
        select(Municipality).order_by(Municipality.name, Municipality.kommunenummer)
    ).all()
    used: dict[int, list[Tender]] = {}
    for municipality_id, tender in db.session.execute(
        select(TenderMunicipality.municipality_id, Tender)
        .join(Tender, Tender.id == TenderMunicipality.tender_id)
        .order_by(Tender.created_at, Tender.id)
    ).all():
        used.setdefault(municipality_id, []).append(tender)
    return [Entry(m, used.get(m.id, [])) for m in municipalities]


def tenders_using(municipality: Municipality) -> list[Tender]:
    return list(
        db.session.scalars(
            select(Tender)
            .join(TenderMunicipality, TenderMunicipality.tender_id == Tender.id)
            .where(TenderMunicipality.municipality_id == municipality.id)
            .order_by(Tender.created_at, Tender.id)
        ).all()
    )


def change_refusal(municipality: Municipality) -> str | None:
    """Why the municipality's name and population cannot be corrected now, in words; None when they can."""
    for tender in tenders_using(municipality):
        if cost_split_refusal(tender) is not None:
            return (
                f"{municipality.name} er med i konkurransen «{tender.title}», der innstillingen er låst for "
                "godkjenning eller meddelelsene om tildeling er sendt. Kostnadsfordelingen og innstillingen "
                "bygger på kommunens navn og innbyggertall, så de kan ikke endres nå."
            )
    return None


# -- changing the register --------------------------------------------------------------------------------
def add_municipality(
    *, name: str, kommunenummer: str, population: str | int, actor: Any = None
) -> Municipality:
    """Register a new municipality; refused (DomainError on the field) when the number is taken or any value
    is bad, so nothing is saved."""
    number = clean_number(kommunenummer)
    clean = clean_name(name)
    people = parse_population(population)
    found = by_number(number)
    if found is not None:
        raise DomainError(
            f"Kommunenummer {number} er allerede registrert ({found.name}).", field="kommunenummer"
        )
    municipality = Municipality(name=clean, kommunenummer=number, population=people)
    db.session.add(municipality)
    audit.record(
        "municipality.created",
        municipality,
        payload={"name": clean, "kommunenummer": number, "population": people},
        actor=actor,
    )
    return municipality


def change_municipality(
    municipality: Municipality, *, name: str, population: str | int, actor: Any = None
) -> dict[str, dict[str, Any]]:
    """Correct the name and the population; returns what changed ({} when nothing did: then nothing is
    written). Refused while a tender using it has a frozen recommendation or has sent its notices."""
    clean = clean_name(name)
    people = parse_population(population)
    before = {"name": municipality.name, "population": municipality.population}
    after = {"name": clean, "population": people}
    changed = {k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v}
    if not changed:
        return {}
    said = change_refusal(municipality)
    if said is not None:
        raise DomainError(said)
    municipality.name, municipality.population = clean, people
    db.session.flush()
    audit.record(
        "municipality.changed",
        municipality,
        payload={"kommunenummer": municipality.kommunenummer, "changed": changed},
        actor=actor,
    )
    return changed


# -- the register's history ------------------------------------------------------------------------------
#: the events the register writes (its own, and ``tender.tenders.operations.get_or_create_municipality``'s)
HISTORY_EVENTS = ("municipality.created", "municipality.changed")
#: events on one page of the history
HISTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class HistoryEntry:
    """One event of the register's history, with the municipality it is about (None: no longer there)."""

    event: audit.AuditEvent
    municipality: Municipality | None


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    total: int
    page_no: int
    page_size: int

    @property
    def has_older(self) -> bool:
        return self.total > self.page_no * self.page_size


def history(page_no: int = 1, page_size: int = HISTORY_PAGE_SIZE) -> HistoryPage:
    """The register's audit events, newest first, one page of them (three queries, whatever the size). They
    are filed under no tender, so no tender's trail shows them: this is where they are read."""
    page_no = max(1, page_no)
    where = (audit.AuditEvent.event_type.in_(HISTORY_EVENTS), audit.AuditEvent.tender_id.is_(None))
    total = db.session.scalar(select(func.count(audit.AuditEvent.id)).where(*where)) or 0
    events = db.session.scalars(
        select(audit.AuditEvent)
        .where(*where)
        .order_by(audit.AuditEvent.seq.desc())
        .limit(page_size)
        .offset((page_no - 1) * page_size)
    ).all()
    ids = {int(e.object_id) for e in events if e.object_id and e.object_id.isdigit()}
    found = {m.id: m for m in db.session.scalars(select(Municipality).where(Municipality.id.in_(ids)))}
    entries = [
        HistoryEntry(e, found.get(int(e.object_id)) if e.object_id and e.object_id.isdigit() else None)
        for e in events
    ]
    return HistoryPage(entries, total, page_no, page_size)


# -- importing a file ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What one line of an imported file did: ``kind`` is added, updated, unchanged or refused."""

    line_no: int
    kind: str
    text: str


def import_lines(lines: list[Any], *, actor: Any = None) -> list[Outcome]:
    """Add the municipalities of a read file (``csv_file.read``) that are new and correct those whose name or
    population differs; each line's outcome in Norwegian. A refused line changes nothing; the caller decides
    whether the others stand (the command keeps nothing when any line is refused, unless told to skip them).
    Importing the same file again changes nothing."""
    outcomes: list[Outcome] = []
    seen: dict[str, int] = {}
    for line in lines:

        def refused(why: str, line_no: int = line.line_no) -> None:
            outcomes.append(Outcome(line_no, "refused", f"linje {line_no}: avvist: {why}"))

        if line.problem is not None:
            refused(line.problem)
            continue
        try:
            number = clean_number(line.kommunenummer)
            if number in seen:
                raise DomainError(f"kommunenummer {number} står også på linje {seen[number]}.")
            seen[number] = line.line_no
            found = by_number(number)
            if found is None:
                made = add_municipality(
                    name=line.name, kommunenummer=number, population=line.population, actor=actor
                )
                outcomes.append(
                    Outcome(
                        line.line_no,
                        "added",
                        f"linje {line.line_no}: {number} {made.name} lagt til "
                        f"({format_number(made.population)} innbyggere).",
                    )
                )
                continue
            changed = change_municipality(found, name=line.name, population=line.population, actor=actor)
        except DomainError as error:
            refused(error.message)
            continue
        if not changed:
            outcomes.append(
                Outcome(line.line_no, "unchanged", f"linje {line.line_no}: {number} {found.name} uendret.")
            )
            continue
        words = []
        if "name" in changed:
            words.append(f"navn «{changed['name']['before']}» → «{changed['name']['after']}»")
        if "population" in changed:
            words.append(
                f"innbyggertall {format_number(changed['population']['before'])} → "
                f"{format_number(changed['population']['after'])}"
            )
        outcomes.append(
            Outcome(
                line.line_no,
                "updated",
                f"linje {line.line_no}: {number} {found.name} oppdatert: {', '.join(words)}.",
            )
        )
    return outcomes
