"""The vendor portal: a vendor user sees and edits only their own company's bid.

The vendor is never in the URL: it is the vendor the user acts for in this tender. Attachments are looked
up within that vendor's bid only, so another vendor's ids and file links give 404.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from tender.bids import operations as ops
from tender.bids.answer_fields import AnswerRow, render_answer_fields, row_from_form, row_from_stored
from tender.bids.forms import (
    AnswerForm,
    AnswerUploadForm,
    AttachmentForm,
    BidForm,
    PriceForm,
    answer_form_for,
    form_problems,
)
from tender.bids.models import Bid, BidAttachment, BidRound
from tender.bids.permissions import NOT_IN_ROUND, in_bid_round
from tender.bids.permissions import bid as may_bid
from tender.clock import now as clock_now
from tender.core import spec as core_spec
from tender.corrections import operations as corrections
from tender.errors import DomainError
from tender.evaluation_model.operations import model_or_default, price_items
from tender.extensions import db
from tender.prequalification.permissions import NOT_INVITED
from tender.tenders.access import tender_for
from tender.tenders.models import Tender, Vendor
from tender.tenders.opening import keep_late
from tender.tenders.permissions import is_vendor_user
from tender.web import spec_messages
from tender.web.forms import EmptyForm, run_button, run_form
from tender.web.uploads import send_download

bp = Blueprint("bids", __name__, url_prefix="/konkurranser/<int:tender_id>/mitt-tilbud")


def _me() -> Any:
    return current_user._get_current_object()


def _tender_for_bid(tender_id: int) -> Tender:
    """The tender for the bid routes: 404 to non-members, 403 to everyone who may not bid; a vendor's user
    whose company was not invited after the prequalification is told why in Norwegian."""
    tender = tender_for(tender_id)
    if not may_bid(current_user, tender):
        if is_vendor_user(current_user, tender):
            # a vendor left out of a round of revised bids (tender.negotiation) is told that, not the
            # prequalification's refusal
            message = NOT_INVITED if in_bid_round(current_user, tender) else NOT_IN_ROUND
            page = render_template("bids/not_invited.html", tender=tender, message=message)
            abort(make_response(page, 403))
        abort(403)
    return tender


def _vendor(tender: Tender) -> Vendor:
    ids = sorted(tender.vendor_ids_of(current_user))
    vendor = db.session.get(Vendor, ids[0]) if ids else None
    if vendor is None:
        abort(403)
    return vendor


def _answer_forms(spec: core_spec.Specification, bid: Bid | None, formdata: Any) -> dict[str, AnswerForm]:
    stored = {a.requirement_key: a for a in bid.answers} if bid else {}
    forms = {}
    for req in spec.requirements:
        form = answer_form_for(req, formdata)
        if formdata is None and req.id in stored:
            a = stored[req.id]
            form.set_answer(a.fulfilled)
            form.description.data, form.documentation_ref.data = a.description, a.documentation_ref
            form.reservation.data, form.reservation_text.data = a.reservation, a.reservation_text
        forms[req.id] = form
    return forms


def _price_forms(tender: Tender, bid: Bid | None, formdata: Any) -> list[tuple[Any, Any, PriceForm]]:
    stored = {(p.price_item_id, p.municipality_id): p.amount for p in bid.prices} if bid else {}
    out = []
    for item in price_items(tender):
        targets = tender.participating_municipalities if item.per_municipality else [None]
        for m in targets:
            form = PriceForm(formdata=formdata, prefix=f"p-{item.id}-{m.id if m else 0}")
            form.line_label = f"{item.name} – {m.name}" if m else item.name
            key = (item.id, m.id if m else None)
            if formdata is None and key in stored:
                form.amount.data = stored[key]
            out.append((item, m, form))
    return out


def _field_errors(
    spec: core_spec.Specification, answers: dict[str, AnswerForm], prices: list[tuple[Any, Any, PriceForm]]
) -> list[str]:
    """Every field error, also listed at the top of the page, each saying which requirement or price it is."""
    numbers = {r.id: r.number for r in spec.requirements}
    out = [
        f"Krav {numbers[key]}, «{field.label.text}»: {message}"
        for key, form in answers.items()
        for field in form
        for message in field.errors
    ]
    out += [message for _, _, form in prices for message in form.amount.errors]
    return out


def _page(
    tender: Tender,
    vendor: Vendor,
    *,
    form: BidForm | None = None,
    answers: dict[str, AnswerForm] | None = None,
    prices: list[Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Any:
    spec = ops.published_spec(tender)
    bid = ops.bid_of(tender, vendor.id)
    now = clock_now()
    if form is None:
        form = BidForm(formdata=None)
        form.lock_version.data = str(bid.lock_version) if bid else ""
    open_for_bids = ops.open_for_bids(tender, now)
    # the answers' fields are written out from plain rows (tender/bids/answer_fields.py): 2 000 requirements
    # are 10 000 fields; a refused draft shows what was posted, with the errors of its forms
    if spec is None:
        rows: dict[str, AnswerRow] = {}
    elif answers is not None:
        rows = {key: row_from_form(f) for key, f in answers.items()}
    else:
        stored = {a.requirement_key: a for a in bid.answers} if bid else {}
        rows = {r.id: row_from_stored(stored.get(r.id)) for r in spec.requirements}
    # a delivered bid, or one past the deadline, is shown as it is: nothing on it can be typed into
    answer_fields = (
        render_answer_fields(spec.requirements, rows, disabled=not ops.bid_is_editable(tender, bid, now))
        if spec
        else {}
    )
    # a correction of the specification flags the answers to the requirements it changed (tender.corrections)
    review = corrections.answers_to_review(bid, (r.id for r in spec.requirements) if spec else ())
    return render_template(
        "bids/bid.html",
        review=review,
        corrected_after_delivery=corrections.delivered_on_older_version(tender, bid),
        tender=tender,
        vendor=vendor,
        bid=bid,
        spec=spec,
        form=form,
        answer_fields=answer_fields,
        prices=prices if prices is not None else _price_forms(tender, bid, None),
        price_model=model_or_default(tender),
        errors=errors or [],
        open_for_bids=open_for_bids,
        now=now,
        attachment_form=AttachmentForm(),
        empty_form=EmptyForm(),
        upload_form=AnswerUploadForm(),
        bid_round=_round_of(tender),
    ), status


def _round_of(tender: Tender) -> BidRound | None:
    """The round of revised bids the vendor works in (None in the first round), with the call's message."""
    if tender.current_round == 1:
        return None
    return db.session.scalar(
        select(BidRound).where(BidRound.tender_id == tender.id, BidRound.number == tender.current_round)
    )


@bp.route("", methods=["GET"])
@login_required
def show(tender_id: int) -> Any:
    tender = _tender_for_bid(tender_id)
    return _page(tender, _vendor(tender))


@bp.route("", methods=["POST"])
@login_required
def save(tender_id: int) -> Any:
    tender = _tender_for_bid(tender_id)
    vendor = _vendor(tender)
    spec = ops.published_spec(tender)
    if spec is None:
        abort(404)
    form = BidForm()
    bid = ops.bid_of(tender, vendor.id)
    answers = _answer_forms(spec, bid, request.form)
    prices = _price_forms(tender, bid, request.form)
    ok = form.validate_on_submit()
    ok = all([f.validate() for f in answers.values()]) and ok
    ok = all([f.validate() for _, _, f in prices]) and ok
    if not ok:
        return _page(
            tender,
            vendor,
            form=form,
            answers=answers,
            prices=prices,
            errors=[
                "Utkastet er ikke lagret. Rett feltene som er merket:",
                *_field_errors(spec, answers, prices),
            ],
            status=422,
        )

    def save_draft() -> None:
        inputs = [
            ops.AnswerInput(
                requirement_key=key,
                fulfilled=f.answer,
                description=f.description.data or "",
                documentation_ref=f.documentation_ref.data or "",
                reservation=bool(f.reservation.data),
                reservation_text=f.reservation_text.data or "",
            )
            for key, f in answers.items()
            if f.touched
        ]
        amounts = {
            (item.id, m.id if m else None): f.amount.data
            for item, m, f in prices
            if f.amount.data is not None
        }
        emptied = [(item.id, m.id if m else None) for item, m, f in prices if f.amount.data is None]
        now = clock_now()
        bid = ops.ensure_bid(tender, vendor, at=now, actor=_me())
        expected = int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None
        before = corrections.answer_snapshot(bid)
        ops.save_draft(
            tender,
            bid,
            answers=inputs,
            prices=amounts,
            at=now,
            actor=_me(),
            expected_version=expected,
            cleared=emptied,
        )
        # an answer flagged by a correction is reviewed once saved changed, or saved ticked as reviewed
        corrections.clear_reviewed(
            bid, before, confirmed=request.form.getlist("reviewed"), at=now, actor=_me()
        )

    return run_form(
        None,
        save_draft,
        back=url_for("bids.show", tender_id=tender.id),
        success=gettext("Utkastet er lagret."),
        refused=lambda error: _page(
            tender,
            vendor,
            form=form,
            answers=answers,
            prices=prices,
            errors=_messages(error),
            status=_refused_status(tender, vendor, error, "save"),
        ),
    )


def _refused_status(tender: Tender, vendor: Vendor, error: DomainError, action: str) -> int:
    """409 for a change after the deadline (the attempt is kept in the trail), 422 for any other refusal."""
    at, actor = clock_now(), _me()
    late = keep_late(
        error, lambda: ops.record_late_attempt(tender, vendor, action=action, at=at, actor=actor)
    )
    return 409 if late else 422


def _messages(error: DomainError) -> list[str]:
    return [m for ms in error.reasons.values() for m in ms]


@bp.route("/lever", methods=["POST"])
@login_required
def submit(tender_id: int) -> Any:
    tender = _tender_for_bid(tender_id)
    vendor = _vendor(tender)
    if not EmptyForm().validate_on_submit():
        abort(400)
    found = ops.bid_of(tender, vendor.id)

    def submit_bid() -> None:
        bid = found if found is not None else ops.ensure_bid(tender, vendor, at=clock_now(), actor=_me())
        ops.submit(tender, bid, at=clock_now(), actor=_me())

    return run_form(
        None,
        submit_bid,
        back=url_for("bids.receipt", tender_id=tender.id),
        success=gettext("Tilbudet er levert."),
        refused=lambda error: _page(
            tender, vendor, errors=_messages(error), status=_refused_status(tender, vendor, error, "submit")
        ),
    )


@bp.route("/kvittering")
@login_required
def receipt(tender_id: int) -> Any:
    tender = _tender_for_bid(tender_id)
    vendor = _vendor(tender)
    bid = ops.bid_of(tender, vendor.id)
    if bid is None or not bid.is_submitted:
        abort(404)
    return render_template("bids/receipt.html", tender=tender, vendor=vendor, bid=bid)


@bp.route("/vedlegg", methods=["POST"])
@login_required
def upload(tender_id: int) -> Any:
    tender = _tender_for_bid(tender_id)
    vendor = _vendor(tender)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _page(tender, vendor, errors=form_problems(form), status=422)
    data = form.file.data.read()

    def attach() -> None:
        now = clock_now()
        bid = ops.ensure_bid(tender, vendor, at=now, actor=_me())
        ops.add_attachment(
            tender,
            bid,
            filename=form.file.data.filename or "vedlegg",
            content_type=form.file.data.mimetype or "",
            data=data,
            at=now,
            actor=_me(),
        )

    return run_form(
        None,
        attach,
        back=url_for("bids.show", tender_id=tender.id, _anchor="vedlegg"),
        success=gettext("Vedlegget er lastet opp."),
        refused=lambda error: _page(
            tender, vendor, errors=[error.message], status=_refused_status(tender, vendor, error, "attach")
        ),
    )


def _own_attachment(tender: Tender, vendor: Vendor, attachment_id: int) -> tuple[Bid, BidAttachment]:
    bid = ops.bid_of(tender, vendor.id)
    found = db.session.get(BidAttachment, attachment_id)
    if bid is None or found is None or found.bid_id != bid.id:
        abort(404)
    return bid, found


@bp.route("/vedlegg/<int:attachment_id>")
@login_required
def download(tender_id: int, attachment_id: int) -> Any:
    tender = _tender_for_bid(tender_id)
    _, found = _own_attachment(tender, _vendor(tender), attachment_id)
    return send_download(io.BytesIO(found.data), found.filename, "application/octet-stream")


@bp.route("/vedlegg/<int:attachment_id>/slett", methods=["POST"])
@login_required
def delete_attachment(tender_id: int, attachment_id: int) -> Response:
    tender = _tender_for_bid(tender_id)
    bid, found = _own_attachment(tender, _vendor(tender), attachment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.delete_attachment(tender, bid, found, at=clock_now(), actor=_me()),
        back=url_for("bids.show", tender_id=tender.id, _anchor="vedlegg"),
        success=gettext("Vedlegget er fjernet."),
    )


# -- the answer form offline: download as Excel, fill in, upload ---------------------------------------------
@bp.route("/svarskjema.xlsx")
@login_required
def answer_form(tender_id: int) -> Any:
    from tender.reports.spec_excel import export_answer_form

    tender = _tender_for_bid(tender_id)
    _vendor(tender)
    version = ops.published_version(tender)
    if version is None:
        abort(404)
    stream = io.BytesIO()
    export_answer_form(
        ops.published_spec(tender),
        stream,
        tender_title=tender.title,  # type: ignore[arg-type]
        version_label=str(version.number),
        content_hash=version.content_hash,
    )
    stream.seek(0)
    return send_download(
        stream,
        f"svarskjema-{tender.id}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/kravspesifikasjon.pdf")
@login_required
def specification_pdf(tender_id: int) -> Any:
    """The published specification as the vendor bids on it (the group's approvals are not part of it)."""
    from tender.reports.spec_pdf import render_spec_pdf

    tender = _tender_for_bid(tender_id)
    _vendor(tender)
    version = ops.published_version(tender)
    if version is None:
        abort(404)
    stream = io.BytesIO()
    render_spec_pdf(
        ops.published_spec(tender),
        stream,
        tender_title=tender.title,  # type: ignore[arg-type]
        case_reference=tender.case_reference,
        version_label=str(version.number),
        content_hash=version.content_hash,
        municipality_names={m.kommunenummer: m.name for m in tender.participating_municipalities},
    )
    stream.seek(0)
    return send_download(stream, f"kravspesifikasjon-versjon-{version.number}.pdf", "application/pdf")


@bp.route("/svarskjema", methods=["POST"])
@login_required
def upload_answers(tender_id: int) -> Any:
    from tender.core.spec import SpecFileError
    from tender.core.spec.answer_read import read_vendor_answers

    tender = _tender_for_bid(tender_id)
    vendor = _vendor(tender)
    spec = ops.published_spec(tender)
    if spec is None:
        abort(404)
    form = AnswerUploadForm()
    if not form.validate_on_submit():
        return _page(tender, vendor, errors=form_problems(form), status=422)
    try:
        rows = read_vendor_answers(form.file.data.read(), spec)
    except SpecFileError as error:
        return _page(
            tender,
            vendor,
            errors=[
                "Svarskjemaet ble ikke lest inn; ingenting er endret:",
                *spec_messages.describe_all(error.problems[:50]),
            ],
            status=422,
        )
    inputs = [
        ops.AnswerInput(
            requirement_key=r.requirement_id,
            fulfilled=r.fulfilled,
            description=(r.description + (f"\n\nLeveranse: {r.delivery}" if r.delivery else "")).strip(),
            documentation_ref=r.reference,
            reservation=bool(r.deviation),
            reservation_text=r.deviation,
        )
        for r in rows
        if r.fulfilled or r.description or r.reference or r.deviation
    ]

    def save_answers() -> None:
        now = clock_now()
        bid = ops.ensure_bid(tender, vendor, at=now, actor=_me())
        before = corrections.answer_snapshot(bid)
        ops.save_draft(tender, bid, answers=inputs, prices={}, at=now, actor=_me())
        corrections.clear_reviewed(bid, before, confirmed=(), at=now, actor=_me())

    return run_form(
        None,
        save_answers,
        back=url_for("bids.show", tender_id=tender.id),
        success=gettext("%(count)s svar er lest inn fra svarskjemaet.", count=len(inputs)),
        refused=lambda error: _page(
            tender,
            vendor,
            errors=_messages(error),
            status=_refused_status(tender, vendor, error, "upload_answers"),
        ),
    )
