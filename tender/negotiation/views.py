"""The negotiation pages: the negotiation (reservation, decision, meetings, reduction, the call for revised
bids) and the rounds side by side. The group that evaluates reads them, the lead acts on them.

Sealing: before the first round is opened these pages read the opening only (no bid, no round row); a round's
bids appear only once that round is opened, and an earlier round's stay readable while the next is sealed.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from tender.bids import operations as bid_ops
from tender.bids.models import Bid, BidStatus
from tender.clock import now as clock_now
from tender.evaluation_model import operations as model_ops
from tender.extensions import db
from tender.formatting import OSLO, format_number
from tender.negotiation import operations as ops
from tender.negotiation.forms import (
    AcknowledgeForm,
    CallForm,
    DecisionForm,
    MeetingForm,
    ReductionForm,
    ReductionVendorForm,
    ReservationForm,
)
from tender.negotiation.letter_pdf import reduction_letter_filename, render_reduction_letter
from tender.negotiation.models import NegotiationChoice
from tender.negotiation.permissions import manage_negotiation, own_reduction_letter, view_negotiation
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.tenders.permissions import is_vendor_user
from tender.web.forms import run_form
from tender.web.uploads import send_download

bp = Blueprint("negotiation", __name__, url_prefix="/konkurranser/<int:tender_id>/forhandling")


def _me() -> Any:
    return current_user._get_current_object()


def _local(value: Any) -> Any:
    """A time typed in Norwegian time (the deadline forms' convention)."""
    return value.replace(tzinfo=OSLO) if value is not None else None


def _reduction_lines(tender: Tender, formdata: Any) -> list[tuple[Any, ReductionVendorForm]]:
    return [
        (v, ReductionVendorForm(formdata=formdata, prefix=f"v-{v.id}")) for v in ops.in_competition(tender)
    ]


def _page(tender: Tender, status: int = 200, **forms: Any) -> Any:
    """The negotiation page, with the forms of a refused post keeping what was typed."""
    now = clock_now()
    negotiation = ops.negotiation_of(tender)
    reservation = forms.get("reservation") or ReservationForm(formdata=None)
    if "reservation" not in forms and negotiation is not None:
        reservation.reserved.data = "ja" if negotiation.award_without_negotiation_reserved else "nei"
    context: dict[str, Any] = {
        "tender": tender,
        "now": now,
        "refusal": ops.refusal(tender),
        "negotiation": negotiation,
        "first_opened": False,
        "reservation_form": reservation,
        "decision_form": forms.get("decision") or DecisionForm(formdata=None),
        "meeting_form": forms.get("meeting") or MeetingForm(formdata=None),
        "acknowledge_form": forms.get("acknowledge") or AcknowledgeForm(formdata=None),
        "reduction_form": forms.get("reduction") or ReductionForm(formdata=None),
        "call_form": forms.get("call") or CallForm(formdata=None),
        "choices": NegotiationChoice,
        "fmt": lambda v, d=2: format_number(v, d),
    }
    if context["refusal"] is None and ops.first_round_opened(tender):
        opened = bid_ops.opening_of(tender) is not None
        competing = ops.in_competition(tender)
        meeting_form = context["meeting_form"]
        meeting_form.vendor.choices = [(str(v.id), v.name) for v in competing]
        context.update(
            first_opened=True,
            rounds=ops.rounds_of(tender),
            current_opened=opened,
            competing=competing,
            not_evaluated=ops.round_not_evaluated(tender) if opened else None,
            ranking=ops.ranking(tender) if opened else [],
            meetings={r.number: ops.meetings_of(tender, r.number) for r in ops.rounds_of(tender)},
            difference=ops.information_difference(tender),
            reduction=ops.reduction_of(tender) if opened else None,
            reductions=[x for r in ops.rounds_of(tender) if (x := ops.reduction_of(tender, r.number))],
            reduction_letters={x.leaving.id: x for x in ops.reduction_letters(tender)},
            reduction_lines=forms.get("reduction_lines") or _reduction_lines(tender, None),
            bafo=ops.bafo_called(tender),
        )
    return render_template("negotiation/negotiation.html", **context), status


@bp.route("", methods=["GET"])
@login_required
def overview(tender_id: int) -> Any:
    return _page(tender_for(tender_id, view_negotiation))


def _post(tender: Tender, name: str, form: Any, operation: Any, success: str, **extra: Any) -> Any:
    answer = run_form(
        form,
        operation,
        back=url_for("negotiation.overview", tender_id=tender.id, _anchor=name),
        success=success,
    )
    return answer if answer is not None else _page(tender, 422, **{name: form}, **extra)


@bp.route("/forbehold", methods=["POST"])
@login_required
def reserve(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_negotiation)
    form = ReservationForm()
    return _post(
        tender,
        "reservation",
        form,
        lambda: ops.set_reservation(tender, form.reserved.data == "ja", at=clock_now(), actor=_me()),
        "Forbeholdet er lagret.",
    )


@bp.route("/beslutning", methods=["POST"])
@login_required
def decide(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_negotiation)
    form = DecisionForm()
    return _post(
        tender,
        "decision",
        form,
        lambda: ops.decide(
            tender,
            NegotiationChoice(form.choice.data),
            reason=form.reason.data or "",
            at=clock_now(),
            actor=_me(),
        ),
        "Beslutningen er registrert.",
    )


@bp.route("/moter", methods=["POST"])
@login_required
def meeting(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_negotiation)
    form = MeetingForm()
    raw = form.vendor.data or ""
    return _post(
        tender,
        "meeting",
        form,
        lambda: ops.record_meeting(
            tender,
            ops.MeetingInput(
                vendor_id=int(raw) if raw.isdigit() else 0,
                held_at=_local(form.held_at.data),
                our_attendees=form.our_attendees.data or "",
                vendor_attendees=form.vendor_attendees.data or "",
                topics=form.topics.data or "",
                vendor_told=form.vendor_told.data or "",
                documents_info=form.documents_info.data or "",
            ),
            at=clock_now(),
            actor=_me(),
        ),
        "Møtereferatet er lagret.",
    )


@bp.route("/ulik-informasjon", methods=["POST"])
@login_required
def acknowledge(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_negotiation)
    form = AcknowledgeForm()
    return _post(
        tender,
        "acknowledge",
        form,
        lambda: ops.acknowledge_difference(
            tender, reason=form.reason.data or "", at=clock_now(), actor=_me()
        ),
        "Forskjellen er kvittert ut med begrunnelsen.",
    )


@bp.route("/reduksjon", methods=["POST"])
@login_required
def reduce(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_negotiation)
    form = ReductionForm()
    lines = _reduction_lines(tender, request.form) if ops.refusal(tender) is None else []
    valid = all([f.validate() for _, f in lines])
    if not valid:
        form.validate_on_submit()
        return _page(tender, 422, reduction=form, reduction_lines=lines)

    def run() -> Any:
        leaving = {v.id: f.reason.data or "" for v, f in lines if f.leave.data}
        return ops.reduce(tender, leaving, note=form.note.data or "", at=clock_now(), actor=_me())

    def said(reduction: Any) -> str:
        unsent = [r.vendor.name for r in reduction.leaving if not r.sent_to]
        text = f"Antallet leverandører er redusert; {len(reduction.leaving)} er tatt ut av konkurransen."
        if unsent:
            text += (
                " Ingen e-post er sendt til "
                + ", ".join(unsent)
                + " (ingen e-postserver, ingen aktiv bruker, eller e-posten kunne ikke sendes); "
                "send brevet på annen måte."
            )
        return text

    answer = run_form(
        form,
        run,
        back=url_for("negotiation.overview", tender_id=tender.id, _anchor="reduksjon"),
        success=said,
    )
    return answer if answer is not None else _page(tender, 422, reduction=form, reduction_lines=lines)


@bp.route("/ny-runde", methods=["POST"])
@login_required
def call(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_negotiation)
    form = CallForm()
    return _post(
        tender,
        "call",
        form,
        lambda: ops.call_revised_bids(
            tender,
            ops.CallInput(
                deadline=_local(form.deadline.data),
                message=form.message.data or "",
                bafo=bool(form.bafo.data),
                questions_deadline=_local(form.questions_deadline.data),
            ),
            at=clock_now(),
            actor=_me(),
        ),
        "Ny tilbudsrunde er kalt inn; leverandørene som er med videre, har fått et utkast og en e-post.",
    )


# -- the reduced vendor's letter -----------------------------------------------------------------------------
@bp.route("/brev", methods=["GET"])
@login_required
def letters(tender_id: int) -> Any:
    """The letter(s) to the current user's company about a reduction that let it go. The group reads them on
    the negotiation page (403 here); a vendor user whose company was not let go gets 404, as if no letter
    existed, and a reduced vendor reads its own company's letter only."""
    tender = tender_for(tender_id, is_vendor_user)
    if not own_reduction_letter(current_user, tender):
        abort(404)
    found = ops.reduction_letters(tender, tender.vendor_ids_of(current_user))
    return render_template("negotiation/letters.html", tender=tender, letters=found)


@bp.route("/brev/<int:leaving_id>.pdf", methods=["GET"])
@login_required
def letter_pdf(tender_id: int, leaving_id: int) -> Any:
    """One letter as PDF: the group that sees the negotiation any letter, a vendor user its own company's
    only (another's, like a missing one, answers 404)."""
    tender = tender_for(tender_id, view_negotiation | is_vendor_user)
    mine = None if view_negotiation(current_user, tender) else tender.vendor_ids_of(current_user)
    found = next((x for x in ops.reduction_letters(tender, mine) if x.leaving.id == leaving_id), None)
    if found is None:
        abort(404)
    pdf = render_reduction_letter(tender, found)
    return send_download(io.BytesIO(pdf), reduction_letter_filename(found), "application/pdf")


# -- the rounds side by side ---------------------------------------------------------------------------------
@bp.route("/runder", methods=["GET"])
@login_required
def rounds(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_negotiation)
    found = ops.rounds_of(tender) if ops.refusal(tender) is None else []
    leaves = model_ops.quality_leaves(tender) if found else []
    # Only opened rounds are read: a round still sealed shows its deadline and nothing else.
    ranked = {r.number: ops.ranking(tender, r.number) for r in found if r.opened}
    vendors = sorted(
        {x.vendor.id: x.vendor for rows in ranked.values() for x in rows}.values(), key=lambda v: v.name
    )
    cells = {(x.vendor.id, n): x for n, rows in ranked.items() for x in rows}
    return render_template(
        "negotiation/rounds.html",
        tender=tender,
        refusal=ops.refusal(tender),
        rounds=found,
        leaves=leaves,
        vendors=vendors,
        cells=cells,
        fmt=lambda v, d=2: format_number(v, d),
    )


@bp.route("/runder/tilbud/<int:bid_id>", methods=["GET"])
@login_required
def round_bid(tender_id: int, bid_id: int) -> Any:
    """A bid of an opened round, read-only (earlier rounds' bids stay readable while the next is sealed)."""
    tender = tender_for(tender_id, view_negotiation)
    # Before the first opening no bid row is read at all: every id answers the same.
    if ops.refusal(tender) is not None or not ops.first_round_opened(tender):
        abort(404)
    bid = db.session.get(Bid, bid_id)
    if (
        bid is None
        or bid.tender_id != tender.id
        or bid.status is not BidStatus.SUBMITTED
        or bid_ops.opening_of(tender, bid.round_no) is None
    ):
        abort(404)
    spec = bid_ops.published_spec(tender)
    numbers = {r.id: r.number for r in spec.requirements} if spec else {}
    items = {i.id: i.name for i in model_ops.price_items(tender)}
    names = {m.id: m.name for m in tender.participating_municipalities}
    return render_template(
        "negotiation/round_bid.html",
        tender=tender,
        bid=bid,
        numbers=numbers,
        items=items,
        names=names,
    )
