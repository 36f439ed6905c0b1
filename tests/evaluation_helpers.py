"""Builders for the bid and evaluation tests: a controllable clock and a tender that is ready for bids.

Not a conftest: test modules import the helpers they use from here; its fixture (``clock``) is found by
name, since tests/conftest.py registers this module as a plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tender.core import spec as core

DEADLINE = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)
BEFORE = DEADLINE - timedelta(seconds=1)
AFTER = DEADLINE + timedelta(seconds=1)
#: the organisation numbers of the "Leverandør A AS", "Leverandør B AS", … family (``LETTER_NAMES``); the
#: live server's database is shared by the whole session and a vendor keeps the name it was first registered
#: with, so no other helper registers these numbers (tests/test_vendor_numbers.py)
ORGNR = [
    "974760673",
    "912345688",
    "923609016",
    "986105174",
    "889640782",
    "971524960",
    "912345696",
    "981544315",
    "912345718",
    "912345726",
]
#: the name each helper registers ``ORGNR[i]`` under
LETTER_NAMES = [f"Leverandør {chr(65 + i)} AS" for i in range(len(ORGNR))]


class Clock:
    """What ``tender.clock.now()`` returns while installed in ``app.config["CLOCK"]``."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


@pytest.fixture
def clock(app: Any) -> Iterator[Clock]:
    c = Clock(BEFORE)
    previous = app.config.get("CLOCK")
    app.config["CLOCK"] = c
    try:
        yield c
    finally:
        app.config["CLOCK"] = previous


def small_spec(evaluation: int = 2, minimum: int = 2) -> core.Specification:
    reqs = []
    n = 0
    for i in range(minimum):
        n += 1
        reqs.append(
            core.Requirement(
                id=f"R{n:04d}",
                number=f"1.{n}",
                chapter="K01",
                kind=core.Kind.MINSTEKRAV,
                text=f"Løsningen skal oppfylle minstekrav {i + 1}.",
                answer_form=core.AnswerForm.JA_NEI,
            )
        )
    for i in range(evaluation):
        n += 1
        reqs.append(
            core.Requirement(
                id=f"R{n:04d}",
                number=f"1.{n}",
                chapter="K01",
                kind=core.Kind.EVALUERINGSKRAV,
                text=f"Løsningen bør støtte funksjon {i + 1}.",
                answer_form=core.AnswerForm.JA_NEI_DELVIS,
                criterion="arkiv",
                weight=Decimal(1),
            )
        )
    return core.Specification(
        title="Kravspesifikasjon",
        criteria=(core.Criterion(id="arkiv", name="Arkivfunksjonalitet"),),
        chapters=(core.Chapter(id="K01", number="1", title="Generelt"),),
        requirements=tuple(reqs),
    )


def every_answer_form_spec() -> core.Specification:
    """One requirement of each answer form: Ja/Nei, Ja/Nei/Delvis, free text and a number."""

    def req(n: int, kind: core.Kind, form: core.AnswerForm, text: str, **kw: Any) -> core.Requirement:
        return core.Requirement(
            id=f"R{n:04d}", number=f"1.{n}", chapter="K01", kind=kind, text=text, answer_form=form, **kw
        )

    return core.Specification(
        title="Kravspesifikasjon",
        criteria=(core.Criterion(id="arkiv", name="Arkivfunksjonalitet"),),
        chapters=(core.Chapter(id="K01", number="1", title="Generelt"),),
        requirements=(
            req(
                1, core.Kind.MINSTEKRAV, core.AnswerForm.JA_NEI, "Løsningen skal eksportere Noark 5-uttrekk."
            ),
            req(
                2,
                core.Kind.EVALUERINGSKRAV,
                core.AnswerForm.JA_NEI_DELVIS,
                "Løsningen bør ha fulltekstsøk.",
                criterion="arkiv",
                weight=Decimal(1),
            ),
            req(
                3, core.Kind.INFORMASJON, core.AnswerForm.FRITEKST, "Oppgi hvilken database løsningen bruker."
            ),
            req(
                4,
                core.Kind.INFORMASJON,
                core.AnswerForm.TALL,
                "Oppgi antall samtidige brukere som er testet.",
                unit="brukere",
            ),
        ),
    )


def publish_spec(db: Any, tender: Any, lead: Any, add_member: Any, content: core.Specification) -> None:
    from tender.requirements import operations as spec_ops
    from tender.tenders.models import Role

    spec_ops.replace_draft(tender, content, actor=lead, origin="test")
    version = spec_ops.freeze_version(tender, actor=lead)
    for m in tender.participating_municipalities:
        signer = add_member(tender, Role.SIGNER, municipality=m)
        spec_ops.decide(
            tender, version, m, approve=True, comment="", content_hash=version.content_hash, signer=signer
        )
    spec_ops.publish(tender, version, actor=lead)
    db.session.commit()


@dataclass
class Setup:
    tender: Any
    lead: Any
    evaluators: list[Any]
    observer: Any
    vendors: list[Any]
    vendor_users: list[Any]
    items: list[Any] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.tender.id


def build_model(tender: Any, lead: Any, *, leaves: int = 2) -> list[Any]:
    """Pris 30 %, Kvalitet 50 % (leaves), Gjennomføring 20 %; one one-off and one yearly price item."""
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import CriterionKindValue, PriceItemKind

    model_ops.add_criterion(
        tender,
        model_ops.CriterionInput(key="pris", name="Pris", weight=Decimal(30), kind=CriterionKindValue.PRICE),
        actor=lead,
    )
    model_ops.add_criterion(
        tender, model_ops.CriterionInput(key="kvalitet", name="Kvalitet", weight=Decimal(50)), actor=lead
    )
    share = Decimal(100) / leaves
    for i in range(leaves):
        key = "arkiv" if i == 0 else f"k{i}"
        weight = share if i < leaves - 1 else Decimal(100) - share * (leaves - 1)
        model_ops.add_criterion(
            tender,
            model_ops.CriterionInput(
                key=key,
                name=f"Kvalitet {i + 1}" if i else "Arkivfunksjonalitet",
                weight=weight,
                parent_key="kvalitet",
            ),
            actor=lead,
        )
    model_ops.add_criterion(
        tender,
        model_ops.CriterionInput(key="gjennomforing", name="Gjennomføring", weight=Decimal(20)),
        actor=lead,
    )
    return [
        model_ops.add_price_item(
            tender,
            name="Lisenser og innføring",
            kind=PriceItemKind.ONE_OFF,
            per_municipality=False,
            actor=lead,
        ),
        model_ops.add_price_item(
            tender, name="Drift og vedlikehold", kind=PriceItemKind.YEARLY, per_municipality=True, actor=lead
        ),
    ]


def setup_tender(
    db: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
    *,
    vendors: int = 2,
    evaluators: int = 2,
    leaves: int = 2,
    evaluation_reqs: int = 2,
    freeze: bool = True,
    content: core.Specification | None = None,
) -> Setup:
    from tender.evaluation_model import operations as model_ops
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Role

    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    # the price schedule goes out with the specification: it is set before the publication
    items = build_model(tender, lead, leaves=leaves)
    publish_spec(db, tender, lead, add_member, content or small_spec(evaluation=evaluation_reqs))
    vendor_rows, vendor_users = [], []
    for i in range(vendors):
        v = tender_ops.register_vendor(tender, name=LETTER_NAMES[i], organisasjonsnummer=ORGNR[i], actor=lead)
        db.session.commit()
        vendor_rows.append(v)
        vendor_users.append(
            add_member(tender, Role.VENDOR, create_user(name=f"Selger {chr(65 + i)}"), vendor=v)
        )
    evals = [
        add_member(tender, Role.EVALUATOR, create_user(name=f"Evaluator {i + 1}")) for i in range(evaluators)
    ]
    observer = add_member(tender, Role.OBSERVER, create_user(name="Olav Observatør"))
    if freeze:
        model_ops.freeze(tender, at=BEFORE - timedelta(days=10), actor=lead)
    db.session.commit()
    return Setup(tender, lead, evals, observer, vendor_rows, vendor_users, items)


def submit_bid(
    db: Any, s: Setup, index: int, *, one_off: str = "1000000", yearly: str = "100000", answer: str = "Ja"
) -> Any:
    """Vendor ``index`` answers everything and submits (clock must be before the deadline)."""
    from tender.bids import operations as bid_ops
    from tender.clock import now

    content = bid_ops.published_spec(s.tender)
    vendor = s.vendors[index]
    user = s.vendor_users[index]
    at = now()
    bid = bid_ops.ensure_bid(s.tender, vendor, at=at, actor=user)
    answers = [
        bid_ops.AnswerInput(r.id, answer, description="Standard funksjonalitet") for r in content.requirements
    ]
    prices: dict[tuple[int, int | None], Decimal] = {(s.items[0].id, None): Decimal(one_off)}
    for m in s.tender.participating_municipalities:
        prices[(s.items[1].id, m.id)] = Decimal(yearly)
    bid_ops.save_draft(s.tender, bid, answers=answers, prices=prices, at=at, actor=user)
    bid_ops.submit(s.tender, bid, at=at, actor=user)
    db.session.commit()
    return bid


def open_all(db: Any, s: Setup, clock: Clock) -> None:
    """Open the bids as the rule asks: the lead and one other member of the group each confirm it."""
    from tender.bids import operations as bid_ops

    clock.set(AFTER)
    other = s.evaluators[0] if s.evaluators else s.observer
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead) is None
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=other) is not None
    db.session.commit()


# -- on a live server (its own database, committed for real) -------------------------------------------------
PASSWORD = "riktig-hest-batteri"


def live_setup(
    app: Any,
    *,
    evaluators: int = 2,
    vendors: int = 2,
    leaves: int = 1,
    submit: bool = True,
    opened: bool = True,
    content: core.Specification | None = None,
) -> LiveWorld:
    """A tender with submitted bids, opened, in the live server's database; returns it and the bids.
    ``submit=False`` leaves the vendors without bids and the clock before the deadline (for bidding in the
    browser); ``opened=False`` leaves the submitted bids unopened.

    Leaves ``app.config["CLOCK"]`` one second after the deadline (before it without ``submit``): restore it
    with ``restore_clock``.
    """

    from tender.extensions import db as database
    from tests.prequalification_helpers import live_builders

    b = live_builders(database, title="Evalueringstest", case_reference="2026/0099")
    clock = Clock(BEFORE)
    app.config["CLOCK"] = clock
    with app.app_context():
        s = setup_tender(
            database,
            b.create_tender,
            b.add_member,
            b.create_user,
            vendors=vendors,
            evaluators=evaluators,
            leaves=leaves,
            content=content,
        )
        bids = (
            [submit_bid(database, s, i, one_off=str(1_000_000 - 100_000 * i)) for i in range(vendors)]
            if submit
            else []
        )
        if opened and submit:
            open_all(database, s, clock)
        elif submit:
            clock.set(AFTER)
        world = LiveWorld(
            tender_id=s.tender.id,
            title=s.tender.title,
            lead=Login(s.lead.email, s.lead.name),
            evaluators=[Login(u.email, u.name) for u in s.evaluators],
            vendor_names=[b.vendor.name for b in bids] if submit else [v.name for v in s.vendors],
            bid_ids=[b.id for b in bids],
            leaves=[(c.id, c.key) for c in ev_quality_leaves(s.tender)],
            vendor_users=[Login(u.email, u.name) for u in s.vendor_users],
            observer=Login(s.observer.email, s.observer.name),
        )
    return world


@dataclass(frozen=True)
class Login:
    email: str
    name: str


@dataclass(frozen=True)
class LiveWorld:
    tender_id: int
    lead: Login
    evaluators: list[Login]
    vendor_names: list[str]
    bid_ids: list[int]
    leaves: list[tuple[int, str]]
    vendor_users: list[Login] = field(default_factory=list)
    observer: Login | None = None
    title: str = ""


def ev_quality_leaves(tender: Any) -> list[Any]:
    from tender.evaluation_model import operations as model_ops

    return model_ops.quality_leaves(tender)


def restore_clock(app: Any) -> None:
    app.config.pop("CLOCK", None)


def score_individually(db: Any, s: Setup, bids: Any, scores: Any, justification: str = "Vurdert") -> None:
    """Every evaluator's own scores: per bid, per criterion key, one score per evaluator (in order)."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    for bid, by_key in zip(bids, scores, strict=True):
        for key, values in by_key.items():
            criterion = model_ops.criterion_by_key(s.tender, key)
            for evaluator, value in zip(s.evaluators, values, strict=True):
                ev.save_individual_score(
                    s.tender,
                    bid,
                    criterion,
                    evaluator=evaluator,
                    score=Decimal(value),
                    justification=justification,
                    expected_version=None,
                )
    db.session.commit()


def justify_means(db: Any, s: Setup, bids: Any) -> None:
    """Under the mean rule: open the consensus phase and give every bid's quality leaves the group's
    justification (the score is the mean of the individual scores, computed, never typed)."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    for bid in bids:
        for leaf in model_ops.quality_leaves(s.tender):
            ev.save_consensus(
                s.tender,
                bid,
                leaf,
                score=None,
                justification="Samlet vurdering.",
                expected_version=None,
                actor=s.lead,
            )
    db.session.commit()
