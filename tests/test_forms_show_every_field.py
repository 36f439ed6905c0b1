"""A form the server rejects without showing why is impossible by construction (issue 11, point 1).

For every form class a view validates there is an entry in ``CASES``: the page that shows the form, to whom,
in a state where it is shown. The tests prove, for each, that every field the form validates is an input of
the ``<form>`` on that page that posts to the form's URL (with ``novalidate`` where an input is required, so
the browser does not refuse in its own words first), and that every refusal of a field a person fills in (an
empty required field, one character too many, a choice not offered, a date that is not one, ...) comes back on
the page after the post, next to the field or at the top of the form (or of the page, where the form is one
button). The expected message is what the form class itself says about the bad value, so a view that swallows
it, or says something else, fails here. A new form class without an entry fails the first test.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
)

from tests.conftest import PASSWORD
from tests.evaluation_helpers import (
    DEADLINE,
    build_model,
    open_all,
    setup_tender,
    small_spec,
    submit_bid,
)

TENDER = Path(__file__).resolve().parents[1] / "tender"
# a domain with several parts keeps a forms module per part (tender/prequalification/select_forms.py)
FORM_MODULES = ["tender.web.forms"] + sorted(
    f"tender.{p.parent.name}.{p.stem}" for p in TENDER.glob("*/*forms.py") if p.parent.name != "web"
)


def _form_classes() -> dict[str, type]:
    """Every FlaskForm subclass defined in a forms module, by "module.Class"."""
    found = {}
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FlaskForm) and value.__module__ == name:
                found[f"{name}.{value.__name__}"] = value
    return found


def _instantiated_by_code() -> set[str]:
    """The form classes some module outside the forms modules imports and calls."""
    used = set()
    sources = [p.read_text(encoding="utf-8") for p in TENDER.rglob("*.py") if p.name != "forms.py"]
    for key in _form_classes():
        module, cls = key.rsplit(".", 1)
        call = re.compile(rf"\b{cls}\(")
        if any(module in text and call.search(text) for text in sources):
            used.add(key)
    return used


# -- the table ----------------------------------------------------------------------------------------------
@dataclass
class Case:
    """One page that shows a form: where, to whom, and what a valid post of the other fields looks like."""

    page: str
    post: str
    user: Any  # None: nobody logged in
    prefix: str = ""
    valid: dict[str, str] = field(default_factory=dict)
    #: bad values a generic rule cannot make (the view's own checks), with the message the page must show
    bad: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: fields whose form-level message the view words itself, more precisely, and the words it uses
    worded: dict[str, str] = field(default_factory=dict)
    #: choices the view fills in, for computing what the form says about a bad one
    choices: dict[str, list[str]] = field(default_factory=dict)


class World:
    """The fixtures a case builder needs, and the states it builds the tender in."""

    def __init__(
        self,
        app: Any,
        db: Any,
        timer: Any,
        create_tender: Any,
        add_member: Any,
        create_user: Any,
        create_municipality: Any,
    ) -> None:
        self.app, self.db, self.clock = app, db, timer
        self.create_tender, self.add_member, self.create_user = create_tender, add_member, create_user
        self.create_municipality = create_municipality

    def draft(self) -> Any:
        """A tender whose specification and evaluation model are still being written."""
        from tender.requirements import operations as spec_ops

        tender = self.create_tender(bid_deadline=DEADLINE)
        lead = tender.memberships[0].user
        build_model(tender, lead)
        spec_ops.replace_draft(tender, small_spec(), actor=lead, origin="test")
        self.db.session.commit()
        return tender

    def bidding(self) -> Any:
        return setup_tender(self.db, self.create_tender, self.add_member, self.create_user)

    def opened(self) -> tuple[Any, list[Any]]:
        s = self.bidding()
        bids = [submit_bid(self.db, s, 0, one_off="1000000"), submit_bid(self.db, s, 1, one_off="800000")]
        open_all(self.db, s, self.clock)
        return s, bids


def _lead(tender: Any) -> Any:
    return tender.memberships[0].user


def _t(tender: Any) -> str:
    return f"/konkurranser/{tender.id}"


# auth
def login_form(w: World) -> Case:
    return Case("/logg-inn", "/logg-inn", None, valid={"email": "noen@example.no", "password": "et passord"})


def language_form(w: World) -> Case:
    # the switch on the vendors' pages (tender.i18n): a refused choice is flashed on the page it came from
    return Case("/logg-inn", "/sprak", None, valid={"language": "en", "next": "/logg-inn"})


def change_password_form(w: World) -> Case:
    pw = "nytt-og-langt-passord"
    return Case(
        "/passord", "/passord", w.create_user(), valid={"current": PASSWORD, "password": pw, "confirm": pw}
    )


def set_password_form(w: World) -> Case:
    from tender.auth import operations

    user = operations.create_user("ny.bruker@example.no", "Ny Bruker")
    issued = operations.issue_invitation(user, tender_id=None, invited_by=None)
    w.db.session.commit()
    url = f"/invitasjon/{issued.token}"
    pw = "et-godt-passord"
    return Case(url, url, None, valid={"password": pw, "confirm": pw})


# tenders
def tender_form(w: World) -> Case:
    return Case(
        "/konkurranser/ny",
        "/konkurranser/ny",
        w.create_user(is_admin=True),
        valid={"title": "Ny konkurranse", "case_reference": "2026/1"},
    )


def tender_edit_form(w: World) -> Case:
    tender = w.create_tender(bid_deadline=DEADLINE)
    return Case(f"{_t(tender)}/rediger", f"{_t(tender)}/rediger", _lead(tender))


def invite_form(w: World) -> Case:
    tender = w.create_tender()
    return Case(
        f"{_t(tender)}/medlemmer",
        f"{_t(tender)}/medlemmer/inviter",
        _lead(tender),
        valid={"email": "ny@example.no", "role": "evaluator", "municipality": ""},
        bad={
            "role": [("sjef", "Velg en av rollene i listen.")],
            "municipality": [("999999", "Ukjent valg.")],
        },
    )


def vendor_form(w: World) -> Case:
    tender = w.create_tender()
    return Case(
        f"{_t(tender)}/medlemmer",
        f"{_t(tender)}/leverandorer",
        _lead(tender),
        prefix="vendor",
        valid={"name": "Nytt Firma AS", "organisasjonsnummer": "974760673"},
    )


def municipality_form(w: World) -> Case:
    tender = w.create_tender(municipalities=1)
    w.create_municipality("Porsgrunn", "4001", 37_920)
    return Case(
        f"{_t(tender)}/medlemmer",
        f"{_t(tender)}/kommuner",
        _lead(tender),
        prefix="mun",
        bad={"municipality": [("999999", "Ukjent valg."), ("", "Velg en kommune.")]},
    )


# the municipality register (an administrator's pages)
def municipality_add_form(w: World) -> Case:
    w.create_municipality("Skien", "4003", 56_360)
    return Case(
        "/kommuneregister",
        "/kommuneregister",
        w.create_user(is_admin=True),
        valid={"name": "Porsgrunn", "kommunenummer": "4001", "population": "37 920"},
        bad={
            "kommunenummer": [
                ("", "Skriv inn kommunenummeret."),
                ("400", "Kommunenummeret må være nøyaktig fire sifre, for eksempel 4003, ikke «400»."),
                ("4003", "Kommunenummer 4003 er allerede registrert (Skien)."),
            ],
            "name": [("", "Skriv inn kommunens navn.")],
            "population": [
                ("", "Skriv inn innbyggertallet."),
                ("mange", "Innbyggertallet må være et helt tall, ikke «mange»."),
                ("-5", "Innbyggertallet kan ikke være negativt."),
            ],
        },
    )


def municipality_change_form(w: World) -> Case:
    municipality = w.create_municipality("Siljan", "4010", 2_340)
    url = f"/kommuneregister/{municipality.id}"
    return Case(
        url,
        url,
        w.create_user(is_admin=True),
        bad={
            "name": [("", "Skriv inn kommunens navn.")],
            "population": [("2,5", "Innbyggertallet må være et helt tall, ikke «2,5».")],
        },
    )


def vendor_invite_form(w: World) -> Case:
    from tender.tenders import operations

    tender = w.create_tender()
    lead = _lead(tender)
    operations.register_vendor(tender, name="Arkivhuset AS", organisasjonsnummer="974760673", actor=lead)
    w.db.session.commit()
    # the form is offered only with a mail server; every post here is refused before anything is sent
    w.app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    return Case(
        f"{_t(tender)}/medlemmer",
        f"{_t(tender)}/leverandorer/inviter",
        lead,
        prefix="vinv",
        valid={"email": "salg@arkivhuset.no"},
        bad={
            "vendor": [
                ("", "Velg hvilken leverandør som skal inviteres."),
                ("999999", "Velg hvilken leverandør som skal inviteres."),
            ]
        },
    )


def empty_form(w: World) -> Case:
    from tender.tenders.models import Role

    tender = w.create_tender()
    w.add_member(tender, Role.EVALUATOR)
    membership = tender.memberships[-1]
    return Case(f"{_t(tender)}/medlemmer", f"{_t(tender)}/medlemmer/{membership.id}/fjern", _lead(tender))


# vendors
def registration_form(w: World) -> Case:
    tender = w.create_tender()
    url = f"/kunngjoring/{tender.announcement_token}"
    w.app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    return Case(
        url,
        url,
        None,
        valid={
            "organisasjonsnummer": "974760673",
            "vendor_name": "Arkivhuset AS",
            "name": "Selma Selger",
            "email": "selma@arkivhuset.no",
            "password": "et-godt-passord",
            "confirm": "et-godt-passord",
        },
    )


# requirements
def requirement_form(w: World) -> Case:
    tender = w.draft()
    return Case(
        f"{_t(tender)}/krav/nytt",
        f"{_t(tender)}/krav/nytt",
        _lead(tender),
        valid={"number": "1.9", "text": "Løsningen skal logge alt."},
    )


def requirement_edit_form(w: World) -> Case:
    tender = w.draft()
    return Case(f"{_t(tender)}/krav/R0001", f"{_t(tender)}/krav/R0001", _lead(tender))


def chapter_form(w: World) -> Case:
    from tender.requirements import operations as spec_ops

    tender = w.draft()
    key = spec_ops.specification_of(tender).chapters[0].key
    return Case(f"{_t(tender)}/krav/kapitler/{key}", f"{_t(tender)}/krav/kapitler/{key}", _lead(tender))


def new_chapter_form(w: World) -> Case:
    tender = w.draft()
    return Case(
        f"{_t(tender)}/krav/kapitler/nytt",
        f"{_t(tender)}/krav/kapitler/nytt",
        _lead(tender),
        valid={"title": "Nytt kapittel"},
    )


def locked_action_form(w: World) -> Case:
    tender = w.draft()
    return Case(f"{_t(tender)}/krav", f"{_t(tender)}/krav/R0001/slett", _lead(tender))


def freeze_form(w: World) -> Case:
    tender = w.draft()
    return Case(f"{_t(tender)}/krav", f"{_t(tender)}/krav/frys", _lead(tender))


def decision_form(w: World) -> Case:
    from tender.requirements import operations as spec_ops
    from tender.tenders.models import Role

    tender = w.draft()
    spec_ops.freeze_version(tender, actor=_lead(tender))
    w.db.session.commit()
    signer = w.add_member(tender, Role.SIGNER, municipality=tender.participating_municipalities[0])
    return Case(
        f"{_t(tender)}/krav/versjoner/1",
        f"{_t(tender)}/krav/versjoner/1",
        signer,
        valid={"decision": "approved"},
    )


def spec_load_form(w: World) -> Case:
    tender = w.create_tender()
    return Case(
        f"{_t(tender)}/krav",
        f"{_t(tender)}/krav/last-inn",
        _lead(tender),
        worded={"file": "Velg en TOML-fil å laste inn."},
    )


def spec_upload_form(w: World) -> Case:
    tender = w.draft()
    return Case(f"{_t(tender)}/krav/import/excel", f"{_t(tender)}/krav/import/excel", _lead(tender))


def catalogue_upload_form(w: World) -> Case:
    tender = w.draft()
    return Case(f"{_t(tender)}/krav/import/katalog", f"{_t(tender)}/krav/import/katalog", _lead(tender))


# the evaluation model
def settings_form(w: World) -> Case:
    tender = w.draft()
    return Case(f"{_t(tender)}/evaluering", f"{_t(tender)}/evaluering/innstillinger", _lead(tender))


def criterion_form(w: World) -> Case:
    tender = w.draft()
    return Case(
        f"{_t(tender)}/evaluering",
        f"{_t(tender)}/evaluering/kriterier",
        _lead(tender),
        valid={"key": "ny", "name": "Nytt kriterium", "weight": "10"},
    )


def weight_form(w: World) -> Case:
    tender = w.draft()
    return Case(f"{_t(tender)}/evaluering", f"{_t(tender)}/evaluering/kriterier/pris/vekt", _lead(tender))


def min_score_form(w: World) -> Case:
    tender = w.draft()
    return Case(
        f"{_t(tender)}/evaluering",
        f"{_t(tender)}/evaluering/kriterier/arkiv/minstepoeng",
        _lead(tender),
        bad={
            "min_score": [
                ("12", "Minstepoengene må ligge på skalaen, mellom 0 og 10."),
                ("mange", "Minstepoengene må være et tall, ikke «mange»."),
            ]
        },
    )


def assign_form(w: World) -> Case:
    from tender.tenders.models import Role

    tender = w.draft()
    evaluator = w.add_member(tender, Role.EVALUATOR)
    return Case(
        f"{_t(tender)}/evaluering",
        f"{_t(tender)}/evaluering/kriterier/arkiv/evaluatorer",
        _lead(tender),
        choices={"evaluator": [str(evaluator.id)]},
    )


def price_item_form(w: World) -> Case:
    tender = w.draft()
    return Case(
        f"{_t(tender)}/evaluering",
        f"{_t(tender)}/evaluering/prisskjema",
        _lead(tender),
        valid={"name": "Opplæring"},
        bad={"quantity": [("-1", "Antallet kan ikke være negativt.")]},
    )


def price_evaluation_form(w: World) -> Case:
    tender = w.draft()
    return Case(
        f"{_t(tender)}/evaluering",
        f"{_t(tender)}/evaluering/prisskjema/evaluert-pris",
        _lead(tender),
        valid={"method": "life_cycle", "gaps": "reject"},
        bad={"discount_rate_percent": [("101", "Diskonteringsrenten må være mellom 0 og 100 %.")]},
    )


# bids and samples (before the deadline)
def bid_form(w: World) -> Case:
    s = w.bidding()
    return Case(f"{_t(s.tender)}/mitt-tilbud", f"{_t(s.tender)}/mitt-tilbud", s.vendor_users[0])


def attachment_form(w: World) -> Case:
    s = w.bidding()
    return Case(f"{_t(s.tender)}/mitt-tilbud", f"{_t(s.tender)}/mitt-tilbud/vedlegg", s.vendor_users[0])


def answer_upload_form(w: World) -> Case:
    s = w.bidding()
    return Case(f"{_t(s.tender)}/mitt-tilbud", f"{_t(s.tender)}/mitt-tilbud/svarskjema", s.vendor_users[0])


def sample_upload_form(w: World) -> Case:
    s = w.bidding()
    return Case(f"{_t(s.tender)}/noark/mine-prover", f"{_t(s.tender)}/noark/mine-prover", s.vendor_users[0])


def link_form(w: World) -> Case:
    s = w.bidding()
    return Case(
        f"{_t(s.tender)}/noark/minstekrav",
        f"{_t(s.tender)}/noark/minstekrav",
        s.lead,
        bad={
            "requirement": [
                ("R9999", "Finner ikke kravet i kravspesifikasjonen."),
                ("R0003", "Krav 1.3 er ikke et minstekrav."),
            ]
        },
    )


def opening_persons_form(w: World) -> Case:
    s = w.bidding()
    return Case(f"{_t(s.tender)}/evaluering/tilbud", f"{_t(s.tender)}/evaluering/tilbud/apning", s.lead)


# negotiation (a competitive negotiation whose first round is opened and scored)
def _negotiating(w: World, *, decided: bool = True) -> Any:
    from tests.negotiation_helpers import decide_to_negotiate, negotiation_setup

    s = negotiation_setup(w.db, w.create_tender, w.add_member, w.create_user, w.clock)
    if decided:
        decide_to_negotiate(w.db, s)
    return s


def _n(s: Any) -> str:
    return f"{_t(s.tender)}/forhandling"


def negotiation_reservation_form(w: World) -> Case:
    s = w.bidding()
    return Case(_n(s), f"{_n(s)}/forbehold", s.lead)


def negotiation_decision_form(w: World) -> Case:
    s = _negotiating(w, decided=False)
    return Case(_n(s), f"{_n(s)}/beslutning", s.lead, valid={"choice": "negotiate", "reason": "Forhandle."})


def negotiation_meeting_form(w: World) -> Case:
    s = _negotiating(w)
    texts = ("our_attendees", "vendor_attendees", "topics", "vendor_told", "documents_info")
    return Case(
        _n(s),
        f"{_n(s)}/moter",
        s.lead,
        valid={"vendor": str(s.vendors[0].id), "held_at": "2026-12-15T13:00", **{t: "Tekst" for t in texts}},
        bad={"vendor": [("999999", "Leverandøren er ikke lenger med i konkurransen")]},
    )


def negotiation_acknowledge_form(w: World) -> Case:
    from tender.negotiation import operations as neg
    from tests.evaluation_helpers import AFTER

    s = _negotiating(w)
    for i, info in enumerate(("Oppstart flyttes.", "Ingen endringer.")):
        neg.record_meeting(
            s.tender,
            neg.MeetingInput(s.vendors[i].id, AFTER, "Lena", "Selger", "Pris", "Høy pris", info),
            at=AFTER,
            actor=s.lead,
        )
    w.db.session.commit()
    return Case(_n(s), f"{_n(s)}/ulik-informasjon", s.lead)


def negotiation_reduction_form(w: World) -> Case:
    s = _negotiating(w)
    return Case(_n(s), f"{_n(s)}/reduksjon", s.lead, valid={"note": "Etter rangeringen."})


def negotiation_reduction_vendor_form(w: World) -> Case:
    s = _negotiating(w)
    return Case(_n(s), f"{_n(s)}/reduksjon", s.lead, prefix=f"v-{s.vendors[2].id}", valid={"leave": "y"})


def negotiation_call_form(w: World) -> Case:
    s = _negotiating(w)
    return Case(
        _n(s),
        f"{_n(s)}/ny-runde",
        s.lead,
        valid={"deadline": "2027-01-10T12:00", "message": "Lever nye tilbud."},
    )


# the award's cost split (a tender whose bids are opened and scored)
def _costs(w: World) -> tuple[Any, str]:
    from tests.negotiation_helpers import negotiation_setup

    s = negotiation_setup(w.db, w.create_tender, w.add_member, w.create_user, w.clock)
    return s, f"{_t(s.tender)}/kostnadsfordeling"


def award_costs_option_form(w: World) -> Case:
    s, page = _costs(w)
    return Case(
        page,
        f"{page}/opsjonskommuner",
        s.lead,
        valid={"municipality": str(s.tender.participating_municipalities[0].id), "status": "opsjon"},
        bad={"municipality": [("999999", "Kommunen deltar ikke i denne konkurransen")]},
    )


def award_costs_key_form(w: World) -> Case:
    s, page = _costs(w)
    return Case(
        page,
        f"{page}/nokkel",
        s.lead,
        valid={"key": "fixed_plus_population", "fixed_percent": "20"},
        bad={
            "fixed_percent": [
                ("tjue", "Den faste andelen må være et tall, ikke «tjue»."),
                ("150", "Den faste andelen må være en prosentsats fra 0 til 100."),
            ]
        },
    )


def award_costs_share_form(w: World) -> Case:
    s, page = _costs(w)
    first = min(s.tender.bound_municipalities, key=lambda m: m.kommunenummer)
    return Case(
        page,
        f"{page}/nokkel",
        s.lead,
        prefix=f"m-{first.id}",
        valid={"percent": "60"},
        bad={
            "percent": [
                ("seksti", "Prosentsatsen må være et tall, ikke «seksti»."),
                ("-1", "Prosentsatsen kan ikke være mindre enn 0 %."),
            ]
        },
    )


# the award's recommendation and its sign-off (a tender whose only round is opened and scored)
def _award(w: World, *, freeze: bool) -> tuple[Any, Any, str]:
    from tender.award import recommendation_operations as award_ops
    from tests.test_award_recommendation import award_world, frozen

    a = award_world(w.db, w.create_tender, w.add_member, w.create_user, w.clock)
    rec = frozen(w.db, a) if freeze else award_ops.start_draft(a.tender, actor=a.lead)
    w.db.session.commit()
    return a, rec, f"{_t(a.tender)}/tildeling/innstilling"


def award_texts_form(w: World) -> Case:
    a, rec, base = _award(w, freeze=False)
    return Case(base, f"{base}/{rec.id}/tekster", a.lead)


def award_withdraw_form(w: World) -> Case:
    a, rec, base = _award(w, freeze=False)
    return Case(base, f"{base}/{rec.id}/trekk", a.lead)


def award_sign_off_form(w: World) -> Case:
    a, rec, base = _award(w, freeze=True)
    skien = a.municipalities["Skien"]
    return Case(
        f"{base}/{rec.id}",
        f"{base}/{rec.id}/godkjenning/{skien.id}",
        a.signers["Skien"],
        prefix=f"m{skien.id}",
        valid={
            "decision": "approved",
            "body": "formannskap",
            "decision_date": "2026-12-14",
            "case_number": "2026/4711",
        },
    )


# the vendor's request to take part (prequalification, before the participation deadline)
def _pq_request(w: World) -> Any:
    from tests.prequalification_helpers import PQ_BEFORE, pq_setup

    s = pq_setup(w.db, w.create_tender, w.add_member, w.create_user, vendors=1)
    w.clock.set(PQ_BEFORE)
    return s


def _request_case(w: World, tail: str, **kw: Any) -> Case:
    s = _pq_request(w)
    base = f"{_t(s.tender)}/foresporsel"
    return Case(base, base + tail, s.vendor_users[0], **kw)


def request_company_form(w: World) -> Case:
    message = "Landkoden må være to bokstaver (ISO 3166), f.eks. NO."
    return _request_case(w, "/firma", bad={"country": [("Norge", message)]})


def request_espd_upload_form(w: World) -> Case:
    return _request_case(w, "/espd")


def request_espd_answers_form(w: World) -> Case:
    return _request_case(w, "/espd-svar")


def request_document_form(w: World) -> Case:
    s = _pq_request(w)
    base = f"{_t(s.tender)}/foresporsel"
    return Case(
        base,
        base + "/dokumenter",
        s.vendor_users[0],
        choices={"requirement": [str(r.id) for r in s.requirements] + [""]},
        bad={"requirement": [("finnes-ikke", "Velg et av kvalifikasjonskravene i listen.")]},
    )


def request_reference_form(w: World) -> Case:
    return _request_case(w, "/referanser", valid={"customer": "Skien kommune"})


def request_submit_form(w: World) -> Case:
    return _request_case(w, "/lever")


# questions and answers
def _asked_question(w: World, municipalities: int = 2) -> tuple[Any, Any, Any]:
    """A tender open for questions (the clock is before its question deadline), a vendor user, a question."""
    from datetime import timedelta

    from tender.questions import operations as q_ops
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Role

    tender = w.create_tender(
        municipalities=municipalities, questions_deadline=DEADLINE, bid_deadline=DEADLINE + timedelta(days=10)
    )
    vendor = tender_ops.register_vendor(tender, name="Spør AS", organisasjonsnummer="974760673")
    w.db.session.commit()
    seller = w.add_member(tender, Role.VENDOR, vendor=vendor)
    question = q_ops.ask(tender, vendor, text="Et spørsmål", at=w.clock(), actor=seller)
    w.db.session.commit()
    return tender, seller, question


def question_form(w: World) -> Case:
    tender, seller, _ = _asked_question(w)
    url = f"{_t(tender)}/sporsmal/mine"
    return Case(url, url, seller, valid={"text": "Et nytt spørsmål"})


def question_draft_form(w: World) -> Case:
    tender, _, question = _asked_question(w)
    url = f"{_t(tender)}/sporsmal/alle/{question.id}"
    return Case(url, url, _lead(tender), valid={"published_text": "Spørsmålet", "answer": "Svaret"})


def question_publish_form(w: World) -> Case:
    from tender.questions import operations as q_ops

    tender, _, question = _asked_question(w, municipalities=1)  # one municipality: no approval asked
    q_ops.save_draft(
        tender, question, published_text="Spørsmålet", answer_text="Svaret", at=w.clock(), actor=_lead(tender)
    )
    w.db.session.commit()
    url = f"{_t(tender)}/sporsmal/alle/{question.id}"
    return Case(url, f"{url}/publiser", _lead(tender))


def question_settings_form(w: World) -> Case:
    tender, _, _ = _asked_question(w)
    return Case(f"{_t(tender)}/sporsmal/alle", f"{_t(tender)}/sporsmal/innstillinger", _lead(tender))


# evaluation of opened bids
def check_form(w: World) -> Case:
    s, bids = w.opened()
    base = f"{_t(s.tender)}/evaluering/tilbud/{bids[0].id}"
    return Case(base, f"{base}/minstekrav/R0001", s.evaluators[0], prefix="kR0001")


def check_many_form(w: World) -> Case:
    s, bids = w.opened()
    base = f"{_t(s.tender)}/evaluering/tilbud/{bids[0].id}"
    return Case(
        base,
        f"{base}/minstekrav",
        s.evaluators[0],
        prefix="flere",
        valid={"keys": "R0001"},
        bad={"keys": [("R0003", "Ikke minstekrav i den kunngjorte kravspesifikasjonen: R0003.")]},
    )


def reject_form(w: World) -> Case:
    s, bids = w.opened()
    base = f"{_t(s.tender)}/evaluering/tilbud/{bids[0].id}"
    # the bid page asks for the reason (a GET, nothing changes); the form that rejects is on the confirmation
    return Case(
        f"{base}/avvis/bekreft?reason=Oppfyller+ikke+R0001",
        f"{base}/avvis",
        s.lead,
        valid={"reason": "Oppfyller ikke R0001", "confirm": "y"},
    )


def undo_reject_form(w: World) -> Case:
    from tender.evaluation import operations as ev

    s, bids = w.opened()
    ev.reject_bid(s.tender, bids[0], reason="Oppfyller ikke R0001", actor=s.lead)
    w.db.session.commit()
    base = f"{_t(s.tender)}/evaluering/tilbud/{bids[0].id}"
    return Case(base, f"{base}/angre-avvisning", s.lead)


def score_form(w: World) -> Case:
    from tender.evaluation_model import operations as model_ops

    s, bids = w.opened()
    criterion = model_ops.criterion_by_key(s.tender, "arkiv")
    return Case(
        f"{_t(s.tender)}/evaluering/poeng",
        f"{_t(s.tender)}/evaluering/poeng/{bids[0].id}/arkiv",
        s.evaluators[0],
        prefix=f"s{bids[0].id}-{criterion.id}",
        valid={"score": "5", "justification": "God løsning"},
        bad={"score": [("mange", "Poengene må være et tall, ikke «mange».")]},
    )


def consensus_score_form(w: World) -> Case:
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    s, bids = w.opened()
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    w.db.session.commit()
    criterion = model_ops.criterion_by_key(s.tender, "arkiv")
    return Case(
        f"{_t(s.tender)}/evaluering/konsensus",
        f"{_t(s.tender)}/evaluering/konsensus/{bids[0].id}/arkiv",
        s.lead,
        prefix=f"c{bids[0].id}-{criterion.id}",
        valid={"score": "5", "justification": "Samlet vurdering"},
        bad={"score": [("mange", "Poengene må være et tall, ikke «mange».")]},
    )


def mean_consensus_form(w: World) -> Case:
    """Under the mean rule the consensus score is computed; the group writes only its justification."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    s, bids = w.opened()
    model_ops.model_of(s.tender).consensus_rule = "mean"
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    w.db.session.commit()
    criterion = model_ops.criterion_by_key(s.tender, "arkiv")
    return Case(
        f"{_t(s.tender)}/evaluering/konsensus",
        f"{_t(s.tender)}/evaluering/konsensus/{bids[0].id}/arkiv",
        s.lead,
        prefix=f"c{bids[0].id}-{criterion.id}",
        valid={"justification": "Samlet vurdering"},
    )


def open_consensus_form(w: World) -> Case:
    s, _ = w.opened()
    url = f"{_t(s.tender)}/evaluering/konsensus/apne"
    return Case(url, url, s.lead)


def tie_break_form(w: World) -> Case:
    from decimal import Decimal

    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    s = w.bidding()
    bids = [submit_bid(w.db, s, 0), submit_bid(w.db, s, 1)]
    open_all(w.db, s, w.clock)
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    for bid in bids:  # the same scores and prices: a tie only a recorded decision breaks
        for key in ("arkiv", "k1", "gjennomforing"):
            ev.save_consensus(
                s.tender,
                bid,
                model_ops.criterion_by_key(s.tender, key),
                score=Decimal(6),
                justification="Samlet vurdering",
                expected_version=None,
                actor=s.lead,
            )
    w.db.session.commit()
    return Case(
        f"{_t(s.tender)}/evaluering/matrise",
        f"{_t(s.tender)}/evaluering/uavgjort",
        s.lead,
        valid={"order": ",".join(b.vendor.organisasjonsnummer for b in bids), "reason": "Loddtrekning"},
    )


# prequalification: the lead's setup (a competitive negotiation, setup saved, not frozen, before the deadline)
def _pq(w: World) -> tuple[Any, str]:
    from datetime import timedelta

    from tests.prequalification_helpers import PQ_DEADLINE, pq_setup

    w.clock.set(PQ_DEADLINE - timedelta(days=10))
    s = pq_setup(w.db, w.create_tender, w.add_member, w.create_user, vendors=0, evaluators=0, frozen=False)
    return s, f"{_t(s.tender)}/prekvalifisering"


def pq_settings_form(w: World) -> Case:
    s, page = _pq(w)
    return Case(
        page,
        f"{page}/innstillinger",
        s.lead,
        valid={"enabled": "y", "minimum_candidates": "3", "maximum_candidates": "4"},
        bad={
            "minimum_candidates": [
                ("2", "Minste antall kandidater er 2, men i konkurranse med forhandling må det være minst 3")
            ],
            "maximum_candidates": [("2", "Største antall kandidater (2) er lavere enn minste antall (3).")],
        },
    )


def pq_requirement_form(w: World) -> Case:
    s, page = _pq(w)
    return Case(
        page,
        f"{page}/krav",
        s.lead,
        prefix="krav",
        valid={"text": "Nytt krav", "category": "tax"},
        bad={"espd_code": [("to ord", "ESPD-kriteriet må være én kode uten mellomrom")]},
    )


def pq_requirement_edit_form(w: World) -> Case:
    s, page = _pq(w)
    r = s.requirements[0].id
    return Case(page, f"{page}/krav/{r}", s.lead, prefix=f"krav{r}")


def pq_ground_form(w: World) -> Case:
    s, page = _pq(w)
    return Case(page, f"{page}/avvisningsgrunner", s.lead, prefix="grunn", valid={"text": "Ny grunn"})


def pq_ground_edit_form(w: World) -> Case:
    s, page = _pq(w)
    g = s.grounds[0].id
    return Case(page, f"{page}/avvisningsgrunner/{g}", s.lead, prefix=f"grunn{g}")


def pq_criterion_form(w: World) -> Case:
    s, page = _pq(w)
    return Case(
        page,
        f"{page}/kriterier",
        s.lead,
        prefix="kriterium",
        valid={"name": "Pris", "weight": "12,5"},
        bad={"weight": [("ti", "Vekten må være et tall, ikke «ti».")]},
    )


def pq_criterion_edit_form(w: World) -> Case:
    s, page = _pq(w)
    c = s.criteria[0].id
    return Case(
        page,
        f"{page}/kriterier/{c}",
        s.lead,
        prefix=f"kriterium{c}",
        bad={"weight": [("-1", "Vekten kan ikke være negativ.")]},
    )


# prequalification: the selection
def _selected_world(w: World) -> Any:
    from tests.prequalification_helpers import PQ_AFTER
    from tests.prequalification_select_helpers import select_world

    w.clock.set(PQ_AFTER)
    return select_world(w.db, w.create_tender, w.add_member, w.create_user)


def selection_tie_form(w: World) -> Case:
    sw = _selected_world(w)
    d, e = (str(i) for i in sw.ids(3, 4))
    page = f"{_t(sw.tender)}/prekvalifisering/utvelgelse"
    return Case(
        page,
        f"{page}/likhet",
        sw.s.lead,
        valid={"order": f"{d},{e}", "reason": "Best på referanser."},
        choices={"order": [f"{d},{e}", f"{e},{d}"]},
    )


def selection_proposal_form(w: World) -> Case:
    sw = _selected_world(w)
    page = f"{_t(sw.tender)}/prekvalifisering/utvelgelse"
    return Case(page, f"{page}/forslag", sw.s.lead, choices={"invited": [str(r.id) for r in sw.requests]})


def selection_decision_form(w: World) -> Case:
    from tender.prequalification import select_operations as ops

    sw = _selected_world(w)
    ops.decide_tie(sw.tender, sw.ids(3, 4), "Best på referanser.", actor=sw.s.lead)
    ops.propose(sw.tender, sw.ids(0, 1, 2, 3), actor=sw.s.lead)
    w.db.session.commit()
    page = f"{_t(sw.tender)}/prekvalifisering/utvelgelse/forslag/1"
    return Case(page, page, sw.s.signers[0], valid={"decision": "approved"})


# prequalification: the requests' opening and assessment (issue 12, points 4 and 5)
def _pq_opened(w: World, *, qualified: bool = False, clarify: bool = False) -> tuple[Any, Any, str]:
    """A prequalified tender whose requests are opened, vendor A's request; with every requirement met
    (``qualified``) or the first needing clarification (``clarify``); the request page's path."""
    from tender.core.scoring import RequirementStatus
    from tender.prequalification import assess_operations as pq_ops
    from tests.prequalification_helpers import PQ_AFTER, pq_setup, submitted_request

    s = pq_setup(w.db, w.create_tender, w.add_member, w.create_user, vendors=2)
    request = submitted_request(w.db, s, 0)
    w.clock.set(PQ_AFTER)
    pq_ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    pq_ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0])
    for r in s.requirements if qualified else s.requirements[:1] if clarify else []:
        status = RequirementStatus.CLARIFY if clarify else RequirementStatus.MET
        pq_ops.assess_requirement(
            s.tender, request, r, status=status, justification="Sjekket.", at=PQ_AFTER, actor=s.lead
        )
    w.db.session.commit()
    return s, request, f"{_t(s.tender)}/prekvalifisering/foresporsler/{request.id}"


def pq_assess_form(w: World) -> Case:
    s, _, page = _pq_opened(w)
    q = s.requirements[0].id
    return Case(page, f"{page}/krav/{q}", s.evaluators[0], prefix=f"k{q}", valid={"justification": "Ok."})


def pq_clarification_form(w: World) -> Case:
    s, _, page = _pq_opened(w, clarify=True)
    q = s.requirements[0].id
    return Case(
        page,
        f"{page}/krav/{q}/avklaring",
        s.evaluators[0],
        prefix=f"a{q}",
        valid={"question": "Attest?", "days": "5"},
    )


def pq_exclusion_form(w: World) -> Case:
    s, _, page = _pq_opened(w)
    g = s.grounds[0].id
    return Case(page, f"{page}/avvisningsgrunner/{g}", s.lead, prefix=f"u{g}", valid={"reason": "Ingen dom."})


def pq_score_form(w: World) -> Case:
    s, _, page = _pq_opened(w, qualified=True)
    c = s.criteria[0].id
    return Case(
        page,
        f"{page}/poeng/{c}",
        s.evaluators[0],
        prefix=f"p{c}",
        valid={"score": "5", "justification": "Gode referanser."},
        bad={
            "score": [
                ("mange", "Poengene må være et tall, ikke «mange»."),
                ("11", "Poengene må være mellom 0 og 10, i hele poeng."),
            ]
        },
    )


def pq_consensus_form(w: World) -> Case:
    s, _, page = _pq_opened(w, qualified=True)
    c = s.criteria[0].id
    return Case(
        page,
        f"{page}/konsensus/{c}",
        s.lead,
        prefix=f"c{c}",
        valid={"score": "5", "justification": "Enige."},
        bad={"score": [("11", "Poengene må være mellom 0 og 10, i hele poeng.")]},
    )


def pq_answer_form(w: World) -> Case:
    from tender.prequalification import assess_operations as pq_ops
    from tests.prequalification_helpers import PQ_AFTER

    s, request, _ = _pq_opened(w, clarify=True)
    asked = pq_ops.ask_clarification(
        s.tender, request, s.requirements[0], question="Send attesten.", at=PQ_AFTER, actor=s.lead
    )
    w.db.session.commit()
    base = f"{_t(s.tender)}/prekvalifisering/avklaringer"
    return Case(
        base, f"{base}/{asked.id}", s.vendor_users[0], prefix=f"s{asked.id}", valid={"answer": "Vedlagt."}
    )


# the tender documents (konkurransegrunnlaget)
def _documents(w: World) -> tuple[Any, str, Any]:
    from tender.documents import operations as doc_ops
    from tender.documents.models import DocumentKind

    s = w.bidding()
    draft = doc_ops.ensure_draft(s.tender, actor=s.lead)
    document = doc_ops.generate(s.tender, draft, DocumentKind.AWARD_CRITERIA, actor=s.lead)[0]
    w.db.session.commit()
    return s, f"{_t(s.tender)}/konkurransegrunnlag", document


def documents_upload_form(w: World) -> Case:
    s, page, _ = _documents(w)
    return Case(page, f"{page}/last-opp", s.lead, valid={"kind": "invitation", "label": ""})


def documents_label_form(w: World) -> Case:
    s, page, document = _documents(w)
    return Case(
        page, f"{page}/dokument/{document.id}/navn", s.lead, prefix=f"d{document.id}", valid={"label": "Navn"}
    )


def documents_agreement_form(w: World) -> Case:
    s, page, _ = _documents(w)
    return Case(page, f"{page}/standardavtale", s.lead, valid={"agreement": "SSA-K"})


# corrections
def _published_for_correction(w: World) -> Any:
    s = w.bidding()
    return s.tender


def start_correction_form(w: World) -> Case:
    tender = _published_for_correction(w)
    return Case(
        f"{_t(tender)}/rettelser", f"{_t(tender)}/rettelser/ny", _lead(tender), valid={"reason": "Feil."}
    )


def publish_correction_form(w: World) -> Case:
    from tender.corrections import operations as correction_ops

    tender = _published_for_correction(w)
    # the clock stands a second before the bid deadline: the publish form asks about extending it
    correction_ops.start_correction(tender, reason="Feil.", at=w.clock(), actor=_lead(tender))
    w.db.session.commit()
    return Case(
        f"{_t(tender)}/rettelser",
        f"{_t(tender)}/rettelser/kunngjor",
        _lead(tender),
        valid={"extend": "nei", "reason": "Liten endring."},
    )


def _documents_published(w: World) -> Any:
    """The bidding tender with its tender documents published (the award criteria alone)."""
    from tender.documents import operations as doc_ops

    s, _, _ = _documents(w)
    doc_ops.publish(s.tender, doc_ops.draft_of(s.tender), actor=s.lead)
    w.db.session.commit()
    return s


def start_documents_correction_form(w: World) -> Case:
    s = _documents_published(w)
    page = f"{_t(s.tender)}/rettelser"
    return Case(page, f"{page}/dokumenter/ny", s.lead, valid={"reason": "Feil i bilaget."})


def approve_documents_form(w: World) -> Case:
    from tender.corrections import operations as correction_ops
    from tender.documents import operations as doc_ops
    from tender.documents.models import DocumentKind
    from tender.tenders.models import Role

    s = _documents_published(w)
    correction = correction_ops.start_documents_correction(
        s.tender, reason="Feil i bilaget.", at=w.clock(), actor=s.lead
    )
    doc_ops.upload(
        s.tender,
        correction.documents_version,
        kind=DocumentKind.CONTRACT,
        label="",
        filename="kontrakt.pdf",
        data=b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        actor=s.lead,
    )
    correction_ops.freeze_documents_correction(s.tender, correction, actor=s.lead)
    signer = next(m for m in s.tender.memberships if m.role is Role.SIGNER)
    w.db.session.commit()
    page = f"{_t(s.tender)}/rettelser"
    return Case(page, f"{page}/dokumenter/godkjenn/{signer.municipality_id}", signer.user)


def cancel_correction_form(w: World) -> Case:
    from tender.corrections import operations as correction_ops

    tender = _published_for_correction(w)
    correction_ops.start_correction(tender, reason="Feil.", at=w.clock(), actor=_lead(tender))
    w.db.session.commit()
    return Case(
        f"{_t(tender)}/rettelser",
        f"{_t(tender)}/rettelser/avbryt",
        _lead(tender),
        valid={"reason": "Ikke nødvendig likevel."},
    )


def notice_days_form(w: World) -> Case:
    tender = _published_for_correction(w)
    return Case(
        f"{_t(tender)}/rettelser",
        f"{_t(tender)}/rettelser/innstilling",
        _lead(tender),
        valid={"days": "6"},
    )


def _awarded(w: World, *, issued: bool) -> Any:
    """Three scored bids and a recommendation approved by every municipality (tests/award_helpers.py);
    with ``issued`` the notices sent and the clock past the standstill."""
    from datetime import UTC, datetime

    from tender.award import notice_operations as notice_ops
    from tests.award_helpers import approved_recommendation
    from tests.negotiation_helpers import negotiation_setup

    s = negotiation_setup(w.db, w.create_tender, w.add_member, w.create_user, w.clock)
    approved_recommendation(s.tender)
    w.db.session.commit()
    w.clock.set(datetime(2026, 12, 23, 9, 0, tzinfo=UTC))
    if issued:
        notice_ops.issue_notices(s.tender, actor=s.lead)
        w.db.session.commit()
        w.clock.set(datetime(2027, 1, 8, 9, 0, tzinfo=UTC))
    return s


def award_issue_notices_form(w: World) -> Case:
    s = _awarded(w, issued=False)
    page = f"{_t(s.tender)}/tildeling/meddelelser"
    return Case(
        page,
        f"{_t(s.tender)}/tildeling/meddelelser/send",
        s.lead,
        valid={"standstill_days": "10"},
        bad={
            "standstill_days": [
                ("9", "Karensperioden må være minst 10 dager (FOA § 25-2), ikke 9."),
                ("61", "Karensperioden kan ikke være lengre enn 60 dager her, ikke 61."),
            ]
        },
    )


def award_contract_form(w: World) -> Case:
    s = _awarded(w, issued=True)
    return Case(
        f"{_t(s.tender)}/tildeling/meddelelser",
        f"{_t(s.tender)}/tildeling/kontrakt",
        s.lead,
        valid={
            "signed_at": "2027-01-05T10:00",
            "signed_for_municipalities": "Kari Rådmann (Skien)",
            "signed_for_vendor": "Anne Direktør",
        },
    )


CASES: dict[str, list[Callable[[World], Case]]] = {
    "tender.web.forms.EmptyForm": [empty_form],
    "tender.auth.forms.LoginForm": [login_form],
    "tender.auth.forms.LanguageForm": [language_form],
    "tender.auth.forms.ChangePasswordForm": [change_password_form],
    "tender.auth.forms.SetPasswordForm": [set_password_form],
    "tender.tenders.forms.TenderForm": [tender_form],
    "tender.tenders.forms.TenderEditForm": [tender_edit_form],
    "tender.tenders.forms.InviteForm": [invite_form],
    "tender.tenders.forms.VendorForm": [vendor_form],
    "tender.tenders.forms.MunicipalityForm": [municipality_form],
    "tender.municipalities.forms.MunicipalityAddForm": [municipality_add_form],
    "tender.municipalities.forms.MunicipalityChangeForm": [municipality_change_form],
    "tender.vendors.forms.VendorInviteForm": [vendor_invite_form],
    "tender.vendors.forms.RegistrationForm": [registration_form],
    "tender.requirements.forms.RequirementForm": [requirement_form, requirement_edit_form],
    "tender.requirements.forms.ChapterForm": [chapter_form],
    "tender.requirements.forms.NewChapterForm": [new_chapter_form],
    "tender.requirements.forms.LockedActionForm": [locked_action_form],
    "tender.requirements.forms.FreezeForm": [freeze_form],
    "tender.requirements.forms.DecisionForm": [decision_form, selection_decision_form],
    "tender.requirements.forms.UploadForm": [spec_load_form, spec_upload_form, catalogue_upload_form],
    "tender.evaluation_model.forms.SettingsForm": [settings_form],
    "tender.evaluation_model.forms.CriterionForm": [criterion_form],
    "tender.evaluation_model.forms.WeightForm": [weight_form],
    "tender.evaluation_model.forms.MinScoreForm": [min_score_form],
    "tender.evaluation_model.forms.AssignForm": [assign_form],
    "tender.evaluation_model.forms.PriceItemForm": [price_item_form],
    "tender.evaluation_model.forms.PriceEvaluationForm": [price_evaluation_form],
    "tender.bids.forms.BidForm": [bid_form],
    "tender.corrections.forms.StartCorrectionForm": [start_correction_form],
    "tender.corrections.forms.PublishCorrectionForm": [publish_correction_form],
    "tender.corrections.forms.NoticeDaysForm": [notice_days_form],
    "tender.corrections.forms.CancelCorrectionForm": [cancel_correction_form],
    "tender.corrections.forms.StartDocumentsCorrectionForm": [start_documents_correction_form],
    "tender.corrections.forms.ApproveDocumentsForm": [approve_documents_form],
    "tender.bids.forms.AttachmentForm": [attachment_form],
    "tender.bids.forms.AnswerUploadForm": [answer_upload_form],
    "tender.noark.forms.UploadForm": [sample_upload_form],
    "tender.prequalification.request_forms.CompanyForm": [request_company_form],
    "tender.prequalification.request_forms.EspdUploadForm": [request_espd_upload_form],
    "tender.prequalification.request_forms.EspdAnswersForm": [request_espd_answers_form],
    "tender.prequalification.request_forms.DocumentForm": [request_document_form],
    "tender.prequalification.request_forms.ReferenceForm": [request_reference_form],
    "tender.prequalification.request_forms.SubmitForm": [request_submit_form],
    "tender.noark.forms.LinkForm": [link_form],
    "tender.evaluation.forms.OpeningPersonsForm": [opening_persons_form],
    "tender.evaluation.forms.CheckForm": [check_form],
    "tender.evaluation.forms.CheckManyForm": [check_many_form],
    "tender.evaluation.forms.RejectForm": [reject_form],
    "tender.evaluation.forms.UndoRejectForm": [undo_reject_form],
    "tender.evaluation.forms.ScoreForm": [score_form, consensus_score_form],
    "tender.evaluation.forms.MeanConsensusForm": [mean_consensus_form],
    "tender.evaluation.forms.OpenConsensusForm": [open_consensus_form],
    "tender.evaluation.forms.TieBreakForm": [tie_break_form],
    "tender.prequalification.setup_forms.SetupSettingsForm": [pq_settings_form],
    "tender.prequalification.setup_forms.RequirementForm": [pq_requirement_form, pq_requirement_edit_form],
    "tender.prequalification.setup_forms.GroundForm": [pq_ground_form, pq_ground_edit_form],
    "tender.prequalification.setup_forms.SelectionCriterionForm": [pq_criterion_form, pq_criterion_edit_form],
    "tender.prequalification.select_forms.TieForm": [selection_tie_form],
    "tender.prequalification.select_forms.ProposalForm": [selection_proposal_form],
    "tender.prequalification.assess_forms.AssessForm": [pq_assess_form],
    "tender.prequalification.assess_forms.ClarificationForm": [pq_clarification_form],
    "tender.prequalification.assess_forms.ExclusionForm": [pq_exclusion_form],
    "tender.prequalification.assess_forms.SelectionScoreForm": [pq_score_form, pq_consensus_form],
    "tender.prequalification.assess_forms.AnswerForm": [pq_answer_form],
    "tender.documents.forms.DocumentUploadForm": [documents_upload_form],
    "tender.documents.forms.LabelForm": [documents_label_form],
    "tender.documents.forms.AgreementForm": [documents_agreement_form],
    "tender.questions.forms.QuestionForm": [question_form],
    "tender.questions.forms.DraftForm": [question_draft_form],
    "tender.questions.forms.TextConfirmForm": [question_publish_form],
    "tender.questions.forms.SettingsForm": [question_settings_form],
    "tender.negotiation.forms.ReservationForm": [negotiation_reservation_form],
    "tender.negotiation.forms.DecisionForm": [negotiation_decision_form],
    "tender.negotiation.forms.MeetingForm": [negotiation_meeting_form],
    "tender.negotiation.forms.AcknowledgeForm": [negotiation_acknowledge_form],
    "tender.negotiation.forms.ReductionForm": [negotiation_reduction_form],
    "tender.negotiation.forms.ReductionVendorForm": [negotiation_reduction_vendor_form],
    "tender.negotiation.forms.CallForm": [negotiation_call_form],
    "tender.award.cost_forms.OptionForm": [award_costs_option_form],
    "tender.award.cost_forms.KeyForm": [award_costs_key_form],
    "tender.award.cost_forms.SharePercentForm": [award_costs_share_form],
    "tender.award.recommendation_forms.RecommendationTextsForm": [award_texts_form],
    "tender.award.recommendation_forms.WithdrawForm": [award_withdraw_form],
    "tender.award.recommendation_forms.SignOffForm": [award_sign_off_form],
    "tender.award.notice_forms.IssueNoticesForm": [award_issue_notices_form],
    "tender.award.notice_forms.ContractForm": [award_contract_form],
}
PAGES = [
    pytest.param(key, build, id=f"{key.rsplit('.', 1)[1]}-{build.__name__}")
    for key, builds in CASES.items()
    for build in builds
]


def test_every_form_class_a_view_validates_has_a_page_in_the_table() -> None:
    used = _instantiated_by_code()
    assert len(used) > 25  # the search still finds the calls
    assert sorted(used - CASES.keys()) == [], "skjemaklasser uten side i CASES"
    assert sorted(CASES.keys() - _form_classes().keys()) == [], "CASES nevner klasser som ikke finnes"


# -- reading a page as the browser does ----------------------------------------------------------------------
class _Forms:
    """Every ``<form>`` of a page: its action, and the inputs that belong to it (inside it or by
    ``form=id``)."""

    def __init__(self, page: str, text: str) -> None:
        from html.parser import HTMLParser

        forms: list[dict[str, Any]] = []
        by_id: dict[str, dict[str, Any]] = {}
        loose: list[tuple[str, dict[str, str | None]]] = []
        state: dict[str, Any] = {"form": None, "select": None, "textarea": None}

        def add(form: dict[str, Any] | None, tag: str, a: dict[str, str | None]) -> None:
            if form is None or not a.get("name"):
                return
            name = a["name"] or ""
            form["names"].add(name)
            if "required" in a:
                form["required"].add(name)
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            form["hidden"] |= {name} if kind == "hidden" else set()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["values"].setdefault(name, []).append(a.get("value") or "y")
            elif kind not in ("submit", "button", "file", "select", "textarea"):
                form["values"][name] = [a.get("value") or ""]

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                a = dict(attrs)
                if tag == "form":
                    action = urlsplit(a.get("action") or page).path
                    state["form"] = {
                        "action": action,
                        "method": (a.get("method") or "get").lower(),
                        "names": set(),
                        "hidden": set(),
                        "values": {},
                        "required": set(),
                        "novalidate": "novalidate" in a,
                    }
                    forms.append(state["form"])
                    if a.get("id"):
                        by_id[a["id"] or ""] = state["form"]
                    return
                if tag not in ("input", "select", "textarea", "option", "button"):
                    return
                owner = state["form"]
                if a.get("form"):
                    loose.append((tag, a))
                    owner = None
                if tag == "select":
                    state["select"] = (owner, a.get("name"), [], "multiple" in a)
                elif tag == "option" and state["select"]:
                    state["select"][2].append((a.get("value") or "", "selected" in a))
                elif tag == "textarea":
                    state["textarea"] = (owner, a.get("name"), [])
                if tag != "option":
                    add(owner, tag, a)

            def handle_data(self, data: str) -> None:
                if state["textarea"]:
                    state["textarea"][2].append(data)

            def handle_endtag(self, tag: str) -> None:
                if tag == "form":
                    state["form"] = None
                elif tag == "select" and state["select"]:
                    owner, name, options, multiple = state["select"]
                    if owner is not None and name:
                        first = [] if multiple else [v for v, _ in options[:1]]
                        chosen = [v for v, s in options if s] or first
                        owner["values"][name] = chosen
                    state["select"] = None
                elif tag == "textarea" and state["textarea"]:
                    owner, name, parts = state["textarea"]
                    if owner is not None and name:
                        owner["values"][name] = ["".join(parts).lstrip("\n")]
                    state["textarea"] = None

        Parser().feed(text)
        for tag, a in loose:
            add(by_id.get(a.get("form") or ""), tag, a)
        self.forms = forms

    def posting_to(self, path: str) -> list[dict[str, Any]]:
        return [f for f in self.forms if f["method"] == "post" and f["action"] == path]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _refusals(page: str) -> str:
    """The text of the page's refusals: a field's error list (``errors``, beside the field), the form's
    (``form-errors``, above it) and an error message at the top of the page (``flash error``)."""
    from html.parser import HTMLParser

    found: list[str] = []
    stack: list[tuple[str, bool]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _VOID:
                return
            classes = set((dict(attrs).get("class") or "").split())
            stack.append((tag, bool(classes & {"errors", "form-errors"} or {"flash", "error"} <= classes)))

        def handle_endtag(self, tag: str) -> None:
            while stack:
                if stack.pop()[0] == tag:
                    break

        def handle_data(self, data: str) -> None:
            if any(marked for _, marked in stack) and stack[-1][0] != "textarea":
                found.append(data)

    Parser().feed(page)
    return " ".join(" ".join(found).split())


# -- the two properties -------------------------------------------------------------------------------------
@pytest.fixture
def world(request, app, db, create_tender, add_member, create_user, create_municipality) -> Iterator[World]:
    timer = request.getfixturevalue("clock")  # before the deadline, movable (tests.evaluation_helpers)
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    try:
        yield World(app, db, timer, create_tender, add_member, create_user, create_municipality)
    finally:
        app.config.update(saved)


def _open(client: Any, login_as: Any, case: Case) -> str:
    if case.user is not None:
        login_as(case.user)
    response = client.get(case.page)
    assert response.status_code == 200, (case.page, response.status_code)
    return response.get_data(as_text=True)


def _form_on(page_html: str, case: Case, names: set[str]) -> dict[str, Any]:
    candidates = _Forms(case.page, page_html).posting_to(urlsplit(case.post).path)
    assert candidates, f"{case.page} har ikke noe skjema som sender til {case.post}"
    # the one that carries this form's fields (a page may have one small form per row posting elsewhere)
    return max(candidates, key=lambda f: len(names & f["names"]))


def _fields(app: Any, form_class: type, case: Case) -> dict[str, Any]:
    with app.test_request_context(case.page):
        form = form_class(formdata=None, prefix=case.prefix)
        return {f.name: f for f in form}


@pytest.mark.parametrize("key,build", PAGES)
def test_every_field_the_form_validates_is_an_input_of_its_form_which_leaves_refusals_to_the_server(
    app, client, login_as, world, key, build
) -> None:
    form_class = _form_classes()[key]
    case = build(world)
    names = set(_fields(app, form_class, case))
    on_page = _form_on(_open(client, login_as, case), case, names)
    missing = sorted(names - on_page["names"])
    assert missing == [], f"felt {form_class.__name__} validerer, men {case.page} viser ikke"
    # without novalidate the browser refuses an empty required field itself, in its own words and language
    # ("Please fill out this field."), and the server's Norwegian message is never seen
    assert on_page["novalidate"] or not on_page["required"], (
        f"{case.page}: skjemaet til {case.post} mangler novalidate, men har påkrevde felt "
        f"{sorted(on_page['required'])}"
    )


def _bad_values(f: Any) -> list[str | None]:
    """Values a person can send that the field's own validators refuse (None: leave it out of the post)."""
    bad: list[str | None] = []
    for v in f.validators:
        if isinstance(v, (DataRequired, InputRequired, FileRequired)):
            bad.append(None if isinstance(f, BooleanField) or isinstance(v, FileRequired) else "")
        elif isinstance(v, Length):
            if v.max is not None and v.max >= 0:
                bad.append("9" * (v.max + 1))
            if v.min and v.min > 1:
                bad.append("9" * (v.min - 1))
        elif isinstance(v, Email):
            bad.append("ikke-en-adresse")
        elif isinstance(v, EqualTo):
            bad.append("noe-helt-annet-enn-passordet")
        elif isinstance(v, AnyOf):
            bad.append("finnes-ikke")
    if isinstance(f, SelectField | SelectMultipleField) and getattr(f, "validate_choice", False):
        bad.append("finnes-ikke")
    if isinstance(f, DateTimeLocalField):
        bad.append("ikke-en-dato")
    if isinstance(f, IntegerField) and not isinstance(f, HiddenField):
        bad.append("ikke-et-tall")
    return list(dict.fromkeys(bad))


def _what_the_form_says(app: Any, form_class: type, case: Case, data: MultiDict, name: str) -> list[str]:
    with app.test_request_context(case.post, method="POST", data=data):
        form = form_class(prefix=case.prefix, meta={"csrf": False})
        for short, choices in case.choices.items():
            form[short].choices = choices
        form.validate()
        return [
            str(e) for e in form[name[len(case.prefix) + 1 :] if case.prefix else name].errors
        ]  # lazy texts, read in the request's (Norwegian) language


@pytest.mark.parametrize("key,build", PAGES)
def test_every_refusal_of_a_field_is_shown_on_the_page_that_comes_back(
    app, client, login_as, world, key, build
) -> None:
    form_class = _form_classes()[key]
    case = build(world)
    fields = _fields(app, form_class, case)
    on_page = _form_on(_open(client, login_as, case), case, set(fields))
    p = f"{case.prefix}-" if case.prefix else ""
    base = MultiDict([(n, v) for n, values in on_page["values"].items() for v in values])
    for short, value in case.valid.items():
        base.setlist(p + short, [value])
    tried = 0
    for name, f in fields.items():
        if name in on_page["hidden"]:
            continue  # not a person's to fill in (CSRF, the version they loaded)
        short = name[len(p) :]
        trials: list[tuple[str | None, list[str]]] = []
        for value in _bad_values(f):
            data = base.copy()
            data.setlist(name, [] if value is None else [value])
            said = _what_the_form_says(app, form_class, case, data, name)
            assert said, f"{name}={value!r} er ikke ugyldig for skjemaet; testen må finne en annen verdi"
            trials.append((value, [case.worded.get(short, s) for s in said]))
        trials += [(value, [message]) for value, message in case.bad.get(short, [])]
        for value, messages in trials:
            data = base.copy()
            data.setlist(name, [] if value is None else [value])
            response = client.post(
                case.post, data=data, follow_redirects=True, content_type="multipart/form-data"
            )
            page = response.get_data(as_text=True)
            assert response.status_code < 500, (name, value, response.status_code)
            text = _refusals(page)
            for message in messages:
                refused = f"{case.post}: {name}={str(value)[:30]!r} ble avvist"
                assert message in text, f"{refused}, men siden viser ikke «{message}»"
            tried += 1
    if any(n not in on_page["hidden"] for n in fields):
        assert tried, "ingen ugyldig verdi prøvd for et skjema med felt å fylle ut"
