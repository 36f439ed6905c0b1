"""Noark 5 samples in the browser: vendors upload and follow their own; the procurement group compares the
samples submitted with the bids, after the bid opening.

A vendor user never sees another vendor's sample, report or file: every sample is looked up through
:func:`_sample_for`, which gives 404 unless the sample belongs to the user's own company, or it was submitted
with a bid and the user is in the procurement group and the bids are opened. Before the opening the group
gets 403 on every sample route, whatever the id, so not even an id tells that a vendor has uploaded
something. The vendor is never taken from the URL.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from tender.bids import operations as bid_ops
from tender.bids.models import Bid
from tender.clock import now
from tender.errors import DomainError
from tender.extensions import csrf, db
from tender.noark import operations as ops
from tender.noark.forms import LinkForm, UploadForm
from tender.noark.models import ExtractSample, NoarkRequirementLink, SampleStatus
from tender.noark.permissions import (
    confirm_noark_requirement,
    link_noark_requirement,
    restart_validation,
    samples_unsealed,
    see_group_samples,
    see_request_samples,
    upload_request_sample,
    upload_sample,
    view_samples,
)
from tender.noark.report_view import build_report_view, comparison
from tender.noark.tasks import QueueConfigurationError, enqueue_validation
from tender.prequalification import request_operations as pq_ops
from tender.prequalification.models import ParticipationRequest, QualificationRequirement
from tender.tenders.access import tender_for
from tender.tenders.models import Tender, Vendor
from tender.web.forms import EmptyForm, put_reasons_on_form, run_button, run_form
from tender.web.transactions import after_commit, after_rollback, keep
from tender.web.uploads import send_download

bp = Blueprint("noark", __name__, url_prefix="/konkurranser/<int:tender_id>/noark")

#: findings shown per check and severity on the report page; the JSON download has all of them
FIRST_N = 20


def _me() -> Any:
    return current_user._get_current_object()


def _own_vendor(tender: Tender) -> Vendor:
    ids = sorted(tender.vendor_ids_of(current_user))
    vendor = db.session.get(Vendor, ids[0]) if ids else None
    if vendor is None:
        abort(403)
    return vendor


def _group_sees(tender: Tender) -> bool:
    """The user is in the procurement group and the bids are opened."""
    return see_group_samples(current_user, tender)


def _sample_for(tender_id: int, sample_id: int) -> tuple[Tender, ExtractSample]:
    """The sample if the user may see it: a vendor user their company's own; the group, after the bid
    opening, the samples submitted with bids, and after the requests' opening, the samples submitted with
    requests to take part. The group before both openings gets 403 for every id; anything else is 404, so
    guessing ids reveals nothing."""
    tender = tender_for(tender_id)
    own = tender.vendor_ids_of(current_user)
    group = _group_sees(tender)
    group_requests = see_request_samples(current_user, tender)
    if not own and not group and not group_requests:
        abort(403)
    sample = db.session.get(ExtractSample, sample_id)
    if sample is None or sample.tender_id != tender.id:
        abort(404)
    if sample.vendor_id in own:
        return tender, sample
    if sample.request_id is None:
        submitted = ops.submitted_samples(tender).get(sample.vendor_id) if group else None
    else:
        submitted = ops.submitted_request_samples(tender).get(sample.vendor_id) if group_requests else None
    if submitted is not None and submitted.id == sample.id:
        return tender, sample
    abort(404)


def _max_upload() -> int:
    return int(current_app.config["NOARK_MAX_UPLOAD_BYTES"])


# -- the vendor's page --------------------------------------------------------------------------------------
def _mine_page(tender: Tender, vendor: Vendor, form: UploadForm, status: int = 200) -> Any:
    # the bid's samples only: those sent with the request to take part are on the request's sample page
    samples = ops.samples_of(tender, {vendor.id}, of_requests=False)
    bid = bid_ops.bid_of(tender, vendor.id)
    with_bid = ops.sample_of_bid(bid) if bid is not None else None
    at = now()
    late = bid_ops.deadline_passed(tender, at)
    submitted = bid is not None and bid.is_submitted
    published = bid_ops.published_version(tender) is not None
    return render_template(
        "noark/mine.html",
        tender=tender,
        vendor=vendor,
        samples=samples,
        form=form,
        max_upload=ops._human(_max_upload()),
        bid=bid,
        with_bid=with_bid,
        late=late,
        submitted=submitted,
        published=published,
        open_for_samples=published and bid_ops.bid_is_editable(tender, bid, at),
    ), status


@bp.route("/mine-prover", methods=["GET"])
@login_required
def mine(tender_id: int) -> Any:
    tender = tender_for(tender_id, upload_sample)
    return _mine_page(tender, _own_vendor(tender), UploadForm(formdata=None))


@bp.route("/mine-prover", methods=["POST"])
@csrf.exempt  # checked below by the form itself, after this view's own upload limit is in place
@login_required
def upload(tender_id: int) -> Any:
    tender = tender_for(tender_id, upload_sample)
    return _upload(
        tender,
        _mine_page,
        ops.store_upload,
        late=bid_ops.LateBid,
        record_late=bid_ops.record_late_attempt,
        changed=_BidChanged,
        back=url_for("noark.mine", tender_id=tender.id),
        success="Prøveuttrekket er lastet opp og står i kø for kontroll.",
    )


def _upload(
    tender: Tender,
    page: Callable[..., Any],
    store_upload: Callable[..., ExtractSample],
    *,
    late: type[DomainError],
    record_late: Callable[..., None],
    changed: type[DomainError],
    back: str,
    success: str,
) -> Any:
    """One upload of a vendor's sample, for its bid or for its request to take part: ``store_upload`` keeps
    it where it belongs, ``page`` shows the form again, a ``late`` refusal is kept in the trail by
    ``record_late`` although the request rolls back, and a concurrent change of the bid or request (most
    likely its submission) refuses the upload as ``changed``."""
    vendor = _own_vendor(tender)
    # the whole request may carry the sample plus a little form overhead
    request.max_content_length = _max_upload() + 64 * 1024
    try:
        form = UploadForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = UploadForm(formdata=None)
        form.file.errors = [f"Filen er større enn grensen på {ops._human(_max_upload())}."]
        return page(tender, vendor, form, 413)
    if not valid:
        return page(tender, vendor, form, 422)
    upload_file = form.file.data
    at, me = now(), _me()

    def store() -> ExtractSample:
        try:
            sample = store_upload(
                tender,
                vendor,
                upload_file.stream,
                upload_file.filename or "uttrekk",
                max_bytes=_max_upload(),
                actor=me,
                at=at,
            )
            # the files on disk go with the row: removed unless the request commits; queued once it has
            after_rollback(lambda: ops.discard_files(sample.id))
            db.session.flush()
        except StaleDataError:
            raise changed() from None
        after_commit(lambda: _enqueue(sample.id))
        return sample

    def refused(error: DomainError) -> Any:
        put_reasons_on_form(form, error)
        if isinstance(error, late):
            # kept although the request is rolled back (nothing of the file is kept)
            keep(lambda: record_late(tender, vendor, action="sample", at=at, actor=me))
            return page(tender, vendor, form, 409)
        too_large = isinstance(error, ops.UploadTooLarge)
        status = 409 if isinstance(error, changed) else 413 if too_large else 422
        return page(tender, vendor, form, status)

    return run_form(None, store, back=back, success=success, refused=refused)


# -- the sample with the vendor's request to take part (prequalification) -----------------------------------
def _request_page(tender: Tender, vendor: Vendor, form: UploadForm, status: int = 200) -> Any:
    at = now()
    req = pq_ops.request_of(tender, vendor.id)
    demanded = ops.sample_demanded(tender)
    return render_template(
        "noark/request_sample.html",
        tender=tender,
        vendor=vendor,
        req=req,
        demanded=demanded,
        samples=ops.samples_of(tender, {vendor.id}, of_requests=True),
        with_request=ops.sample_of_request(req) if req is not None else None,
        submitted=req is not None and req.is_submitted,
        late=tender.participation_deadline is not None and at >= tender.participation_deadline,
        open_for_samples=demanded and pq_ops.request_is_editable(tender, req, at),
        form=form,
        max_upload=ops._human(_max_upload()),
    ), status


@bp.route("/foresporsel-prove", methods=["GET"])
@login_required
def request_sample(tender_id: int) -> Any:
    """The vendor's Noark 5 sample for the request to take part: upload, progress and reports (the request
    page links here, as the bid page links to the bid's samples)."""
    tender = tender_for(tender_id, upload_request_sample)
    return _request_page(tender, _own_vendor(tender), UploadForm(formdata=None))


@bp.route("/foresporsel-prove", methods=["POST"])
@csrf.exempt  # checked below by the form itself, after this view's own upload limit is in place
@login_required
def upload_request_sample_file(tender_id: int) -> Any:
    tender = tender_for(tender_id, upload_request_sample)
    return _upload(
        tender,
        _request_page,
        ops.store_request_upload,
        late=pq_ops.LateRequest,
        record_late=pq_ops.record_late_attempt,
        changed=_RequestChanged,
        back=url_for("noark.request_sample", tender_id=tender.id),
        success="Prøveuttrekket er lastet opp og står i kø for kontroll. Den nyeste prøven leveres med "
        "forespørselen.",
    )


class _RequestChanged(DomainError):
    """The request changed (most likely was submitted) while a sample for it came in."""

    def __init__(self) -> None:
        super().__init__(
            "Forespørselen ble endret samtidig, kanskje levert, mens prøven ble lastet opp; prøven er ikke "
            "lagret. Last siden på nytt.",
            field="file",
        )


class _BidChanged(DomainError):
    """The bid changed (most likely was submitted) while a sample for it came in."""

    def __init__(self) -> None:
        super().__init__(
            "Tilbudet ble endret samtidig, kanskje levert, mens prøven ble lastet opp; prøven "
            "er ikke lagret. Last siden på nytt.",
            field="file",
        )


def _enqueue(sample_id: int) -> None:
    """Queue a committed sample; a queue that does not answer is said on the page, and the sample (saved as
    "queued") is queued again by the recovery at the next worker start."""
    try:
        enqueue_validation(sample_id)
    except QueueConfigurationError as error:
        flash(str(error), "error")
    except Exception:
        current_app.logger.exception("Kunne ikke legge Noark-prøve %s i køen", sample_id)
        flash(
            "Prøven er lagret, men køen svarer ikke nå; kontrollen starter når arbeideren er i gang igjen.",
            "error",
        )


# -- one sample ---------------------------------------------------------------------------------------------
@bp.route("/prover/<int:sample_id>")
@login_required
def report(tender_id: int, sample_id: int) -> Any:
    tender, sample = _sample_for(tender_id, sample_id)
    data = ops.read_report(sample) if sample.status is SampleStatus.DONE else None
    view = build_report_view(data, FIRST_N) if data else None
    return render_template(
        "noark/report.html",
        tender=tender,
        sample=sample,
        view=view,
        first_n=FIRST_N,
        empty_form=EmptyForm(),
        group=sample.vendor_id not in tender.vendor_ids_of(current_user),
    )


@bp.route("/prover/<int:sample_id>/status.json")
@login_required
def status(tender_id: int, sample_id: int) -> Any:
    _, sample = _sample_for(tender_id, sample_id)
    return jsonify(_status_json(sample))


def _status_json(sample: ExtractSample) -> dict[str, Any]:
    return {
        "id": sample.id,
        "status": sample.status.value,
        "status_label": sample.status.label,
        "progress": sample.progress_percent,
        "finished": sample.is_finished,
        "verdict": sample.verdict.value if sample.verdict else None,
    }


@bp.route("/prover/<int:sample_id>/rapport.json")
@login_required
def report_json(tender_id: int, sample_id: int) -> Any:
    _, sample = _sample_for(tender_id, sample_id)
    path = ops.report_path(sample)
    if sample.status is not SampleStatus.DONE or not path.is_file():
        abort(404)
    return send_download(path, f"noark-rapport-{sample.id}.json", "application/json")


@bp.route("/prover/<int:sample_id>/rapport.pdf")
@login_required
def report_pdf(tender_id: int, sample_id: int) -> Any:
    tender, sample = _sample_for(tender_id, sample_id)
    data = ops.read_report(sample) if sample.status is SampleStatus.DONE else None
    if data is None:
        abort(404)
    from tender.reports.noark_pdf import render_noark_pdf

    # the stored label is the name we keep the upload under; the PDF names the vendor and their file instead
    labelled = {
        **data,
        "extract": {
            **data.get("extract", {}),
            "label": (
                f"{sample.vendor.name}: {sample.original_filename} (SHA-256 {sample.sha256}), {tender.title}"
            ),
        },
    }
    pdf = render_noark_pdf(labelled, first_n=FIRST_N)
    return send_download(io.BytesIO(pdf), f"noark-rapport-{sample.id}.pdf", "application/pdf")


@bp.route("/prover/<int:sample_id>/rapport-arkade.xml")
@login_required
def report_arkade(tender_id: int, sample_id: int) -> Any:
    """The report in the structure of Arkade 5's own test report (testReport.xsd), to put beside it."""
    _, sample = _sample_for(tender_id, sample_id)
    data = ops.read_report(sample) if sample.status is SampleStatus.DONE else None
    if data is None:
        abort(404)
    from tender.core.noark.arkade_report import arkade_test_report_xml

    xml = arkade_test_report_xml(data)
    return send_download(io.BytesIO(xml), f"noark-rapport-{sample.id}-arkade.xml", "application/xml")


@bp.route("/prover/<int:sample_id>/kjor-igjen", methods=["POST"])
@login_required
def restart(tender_id: int, sample_id: int) -> Any:
    tender, sample = _sample_for(tender_id, sample_id)
    if not restart_validation(current_user, tender):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)

    def restart_it() -> None:
        ops.restart_validation(sample, actor=_me())
        after_commit(lambda: _enqueue(sample.id))

    return run_button(
        restart_it,
        back=url_for("noark.report", tender_id=tender.id, sample_id=sample.id),
        success="Kontrollen er lagt i køen igjen.",
    )


# -- the procurement group ----------------------------------------------------------------------------------
@bp.route("/prover")
@login_required
def overview(tender_id: int) -> Any:
    """The samples submitted with the bids, side by side, after the opening; before it, only a notice (the
    page is still the way to the minstekrav linking, which the lead does before the bids come in)."""
    tender = tender_for(tender_id, view_samples)
    if not see_group_samples(current_user, tender):
        return render_template(
            "noark/overview.html", tender=tender, sealed=True, vendors=[], latest={}, rows=[], samples=[]
        )
    sealed = ops.submitted_samples(tender)
    vendors = [b.vendor for b in bid_ops.submitted_bids(tender)]
    finished = {vid: s for vid, s in sealed.items() if s.status is SampleStatus.DONE}
    rows = comparison([finished.get(v.id) for v in vendors])
    return render_template(
        "noark/overview.html",
        tender=tender,
        sealed=False,
        vendors=vendors,
        latest=finished,
        rows=rows,
        samples=[sealed[v.id] for v in vendors if v.id in sealed],
    )


@bp.route("/prover/status.json")
@login_required
def statuses(tender_id: int) -> Any:
    """Progress of the samples the user may see: the vendor's own; for the group, after the bid opening, the
    samples submitted with bids, and after the requests' opening, those submitted with requests (403 before
    both)."""
    tender = tender_for(tender_id)
    if upload_sample(current_user, tender):
        samples = ops.samples_of(tender, tender.vendor_ids_of(current_user))
    else:
        bids, requests = _group_sees(tender), see_request_samples(current_user, tender)
        if not bids and not requests:
            abort(403)
        seen = [
            *(ops.submitted_samples(tender).values() if bids else ()),
            *(ops.submitted_request_samples(tender).values() if requests else ()),
        ]
        samples = sorted(seen, key=lambda s: s.id)
    return jsonify([_status_json(s) for s in samples])


# -- minstekrav checked by the validation -------------------------------------------------------------------
def _link_form(tender: Tender, formdata: Any = None) -> LinkForm:
    from tender.core.spec import Kind
    from tender.requirements.operations import ordered_requirements, specification_of

    form = LinkForm(formdata=formdata) if formdata is not None else LinkForm(formdata=None)
    spec = specification_of(tender)
    linked = {link.requirement_key for link in ops.links_of(tender)}
    rows = (
        [r for r in ordered_requirements(spec) if r.kind is Kind.MINSTEKRAV and r.key not in linked]
        if spec
        else []
    )
    form.requirement.choices = [SelectChoice(r.key, f"{r.number} – {r.text[:120]}") for r in rows]
    return form


def _requirements_page(tender: Tender, form: LinkForm | None = None, status: int = 200) -> Any:
    from tender.requirements.models import SpecRequirement
    from tender.requirements.operations import specification_of

    spec = specification_of(tender)
    texts = (
        {
            r.key: r
            for r in db.session.scalars(
                db.select(SpecRequirement).where(SpecRequirement.specification_id == spec.id)
            )
        }
        if spec
        else {}
    )
    # before the opening no results at all: which vendors bid, and with what, is sealed
    opened = samples_unsealed(current_user, tender)
    links = [
        (link, texts.get(link.requirement_key), ops.results_for(tender, link) if opened else [])
        for link in ops.links_of(tender)
    ]
    return render_template(
        "noark/requirements.html",
        tender=tender,
        links=links,
        opened=opened,
        form=form or _link_form(tender),
        empty_form=EmptyForm(),
    ), status


@bp.route("/minstekrav", methods=["GET"])
@login_required
def requirements(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_samples)
    return _requirements_page(tender)


@bp.route("/minstekrav", methods=["POST"])
@login_required
def link(tender_id: int) -> Any:
    tender = tender_for(tender_id, link_noark_requirement)
    form = _link_form(tender, request.form)
    done = run_form(
        form,
        lambda: ops.link_requirement(tender, form.requirement.data, actor=_me()),
        back=url_for("noark.requirements", tender_id=tender.id),
        success="Minstekravet fylles nå ut automatisk fra Noark-kontrollen, og må bekreftes av en evaluator.",
    )
    return done if done is not None else _requirements_page(tender, form, 422)


def _link_for(tender: Tender, link_id: int) -> NoarkRequirementLink:
    found = db.session.get(NoarkRequirementLink, link_id)
    if found is None or found.tender_id != tender.id:
        abort(404)
    return found


@bp.route("/minstekrav/<int:link_id>/fjern", methods=["POST"])
@login_required
def unlink(tender_id: int, link_id: int) -> Any:
    tender = tender_for(tender_id, link_noark_requirement)
    found = _link_for(tender, link_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.unlink_requirement(tender, found, actor=_me()),
        back=url_for("noark.requirements", tender_id=tender.id),
        success="Koblingen til Noark-kontrollen er fjernet.",
    )


@bp.route("/minstekrav/<int:link_id>/bekreft/<int:vendor_id>", methods=["POST"])
@login_required
def confirm(tender_id: int, link_id: int, vendor_id: int) -> Any:
    tender = tender_for(tender_id, confirm_noark_requirement)
    found = _link_for(tender, link_id)
    vendor = next((v for v in tender.participating_vendors if v.id == vendor_id), None)
    if vendor is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)

    def refused(error: DomainError) -> Any:
        flash(error.message, "error")
        return _requirements_page(tender, status=409)

    return run_form(
        None,
        lambda: ops.confirm(tender, found, vendor, actor=_me()),
        back=url_for("noark.requirements", tender_id=tender.id),
        success=f"Resultatet for {vendor.name} er bekreftet.",
        refused=refused,
    )


# -- the sample on the vendor's bid pages --------------------------------------------------------------------
@bp.app_template_global("noark_sample_of_bid")
def noark_sample_of_bid(bid: Bid | None) -> ExtractSample | None:
    """For the bid and receipt pages: the sample that goes with ``bid`` (see ``ops.sample_of_bid``)."""
    return ops.sample_of_bid(bid) if bid is not None else None


# -- the sample on the request pages (prequalification may not import noark) ------------------------------
@bp.app_template_global("noark_sample_demanded")
def noark_sample_demanded(tender: Tender) -> bool:
    """For the request and assessment pages: whether the prequalification demands a Noark 5 sample."""
    return ops.sample_demanded(tender)


@bp.app_template_global("noark_sample_of_request")
def noark_sample_of_request(req: ParticipationRequest | None) -> ExtractSample | None:
    """For the vendor's request page and the group's assessment page (which is shown only once the requests
    are opened): the sample that goes with ``req`` (see ``ops.sample_of_request``)."""
    return ops.sample_of_request(req) if req is not None else None


@bp.app_template_global("noark_asks_for_sample")
def noark_asks_for_sample(requirement: QualificationRequirement) -> bool:
    """For the assessment page: the qualification requirement the sample's result is shown beside."""
    return ops.asks_for_sample(requirement)
