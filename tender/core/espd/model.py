"""What an ESPD response says, as frozen dataclasses, and the one error the reader raises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Category = Literal[
    "exclusion", "suitability", "economic_financial_standing", "technical_professional_ability", "other"
]
#: the categories in the order the ESPD's parts list them (part III, then part IV A–C, then the rest)
CATEGORIES: tuple[Category, ...] = (
    "exclusion",
    "suitability",
    "economic_financial_standing",
    "technical_professional_ability",
    "other",
)

AnswerKind = Literal[
    "indicator",
    "amount",
    "quantity",
    "percentage",
    "date",
    "time",
    "period",
    "description",
    "code",
    "identifier",
    "url",
    "evidence",
]

IdentifierKind = Literal["orgnr", "vat", "other"]

MatchStatus = Literal["answered", "missing", "not_espd"]


class EspdError(Exception):
    """The file cannot be read as an ESPD response (or is not the one expected).

    ``code`` is stable and ``values`` carries what the wording needs; people read the Norwegian wording made
    from them in ``tender/web/espd_messages.py``. ``line`` is the line in the file where it is known.
    """

    def __init__(
        self, code: str, values: Mapping[str, object] | None = None, line: int | None = None
    ) -> None:
        self.code = code
        self.values: Mapping[str, object] = dict(values or {})
        self.line = line
        super().__init__(code)

    def __str__(self) -> str:
        # a fallback for logs and tracebacks only: people get the wording from espd_messages
        details = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.code}{where}{': ' + details if details else ''}"


@dataclass(frozen=True)
class Identifier:
    value: str
    scheme: str | None
    kind: IdentifierKind
    #: the Norwegian organisation number this identifier carries (nine digits, MOD11-checked), if any
    orgnr: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class EconomicOperator:
    name: str | None
    identifiers: tuple[Identifier, ...]
    orgnr: str | None
    vat_id: str | None
    country: str | None
    contact: Contact | None
    sme: bool | None


@dataclass(frozen=True)
class Procurement:
    reference: str | None
    buyer_name: str | None
    title: str | None
    description: str | None
    lots: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    id: str | None
    url: str | None
    issuer: str | None
    description: str | None


@dataclass(frozen=True)
class Answer:
    """One value the economic operator gave, tied to the question (property / requirement) it answers."""

    question_id: str | None
    question: str | None
    kind: AnswerKind
    indicator: bool | None = None
    amount: Decimal | None = None
    currency: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    text: str | None = None
    code: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Criterion:
    id: str | None
    type_code: str | None
    category: Category
    name: str | None
    description: str | None
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class EspdResponse:
    version: str
    profile: str | None
    profile_id: str | None
    response_id: str | None
    uuid: str | None
    issue_date: dt.date | None
    economic_operator: EconomicOperator | None
    procurement: Procurement
    criteria: tuple[Criterion, ...]
    #: answers whose question is in no criterion of the file (kept rather than dropped)
    unattached_answers: tuple[Answer, ...] = ()

    def criteria_in(self, category: Category) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.category == category)


@dataclass(frozen=True)
class RequirementMatch:
    """One of the tender's qualification requirements beside what the response answers for it."""

    requirement_id: str
    type_code: str | None
    status: MatchStatus
    criteria: tuple[Criterion, ...] = field(default=())

    @property
    def answers(self) -> tuple[Answer, ...]:
        return tuple(a for c in self.criteria for a in c.answers)
