"""The public announcement page with the vendors' registration, the e-mail confirmation, the vendor's own
list of users ("Leverandørens brukere"), and the lead's invitation of a vendor to register."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tender import mail
from tender.auth.operations import normalise_email
from tender.documents.operations import current_version as current_documents
from tender.errors import DomainError, SeparationOfDutiesError, keep_refusal
from tender.extensions import db
from tender.i18n import language
from tender.mail import public_url
from tender.prequalification.request_operations import setup_of as prequalification_of
from tender.prequalification.setup_operations import announced_setup
from tender.tenders.access import tender_for
from tender.tenders.models import Tender, Vendor
from tender.vendors import operations as ops
from tender.vendors.forms import RegistrationForm
from tender.vendors.permissions import administer_vendor, view_vendor_users
from tender.web.forms import EmptyForm, run_button, run_form
from tender.web.transactions import keep

bp = Blueprint("vendors", __name__)


def _me() -> Any:
    return current_user._get_current_object() if current_user.is_authenticated else None


# -- the public announcement page -------------------------------------------------------------------------
@bp.route("/kunngjoring/<token>", methods=["GET", "POST"])
def announcement(token: str) -> Any:
    tender = ops.find_by_announcement(token)
    if tender is None:
        abort(404)
    form = RegistrationForm()
    if request.method == "POST" and form.validate_on_submit():
        if not mail.configured():
            form.form_errors.append(ops.NO_MAIL_SERVER)
        else:
            registrant = ops.Registrant(normalise_email(form.email.data or ""))
            done = run_form(
                form,
                lambda: ops.register(
                    tender,
                    organisasjonsnummer=form.organisasjonsnummer.data or "",
                    vendor_name=form.vendor_name.data or "",
                    name=form.name.data or "",
                    email=form.email.data or "",
                    password=form.password.data or "",
                    # the link carries the registration page's language, for the account made from it
                    confirm_url=lambda secret: public_url("vendors.confirm", token=secret, lang=language()),
                ),
                answer=lambda registration: render_template(
                    "vendors/registered.html",
                    tender=tender,
                    email=registration.email,
                    company=registration.vendor_name,
                ),
                refused=lambda error: keep_refusal(error, actor=registrant),
            )
            if done is not None:
                return done
    known = ops.known_vendor_name(form.organisasjonsnummer.data or "") if request.method == "POST" else None
    status = 422 if request.method == "POST" else 200
    return render_template(
        "vendors/announcement.html",
        tender=tender,
        form=form,
        known_name=known,
        mail_configured=mail.configured(),
        prequalification=announced_setup(tender),
        request_landing=_request_landing(tender),
        documents_version=current_documents(tender),
    ), status


def _request_landing(tender: Tender) -> str | None:
    """Where a vendor of a tender with a prequalification goes after logging in: its request to take part
    (the bid comes later, for the invited only); None for a tender without one."""
    setup = prequalification_of(tender)
    if setup is None or not setup.enabled:
        return None
    return url_for("pq_request.show", tender_id=tender.id)


@bp.route("/leverandor/bekreft/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Any:
    """GET only shows a button: mail scanners that fetch links must not confirm anything."""
    try:
        registration = ops.find_registration(token)
    except DomainError as error:
        return render_template("vendors/confirm_invalid.html", message=error.message), 410
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        registration_id, tender, email = registration.id, registration.tender, registration.email

        def refused(error: DomainError) -> Any:
            if isinstance(error, SeparationOfDutiesError):
                # the link is used up and the attempt recorded, although the request is rolled back
                keep(lambda: ops.block(registration_id, error))
                keep_refusal(error, actor=ops.Registrant(email))
            return render_template("vendors/confirm_invalid.html", message=error.message), 422

        return run_form(
            None,
            lambda: ops.confirm(
                token,
                users_url=lambda t: public_url("vendors.users", tender_id=t.id),
                language=request.args.get("lang") or language(),
            ),
            answer=lambda result: render_template(
                "vendors/confirmed.html",
                result=result,
                tender=tender,
                request_landing=_request_landing(tender),
            ),
            refused=refused,
        )
    return render_template("vendors/confirm.html", registration=registration, form=form), (
        422 if request.method == "POST" else 200
    )


# -- the vendor's own users ----------------------------------------------------------------------------------
def _my_vendor(tender: Tender) -> Vendor:
    ids = sorted(tender.vendor_ids_of(current_user))
    vendor = db.session.get(Vendor, ids[0]) if ids else None
    if vendor is None:
        abort(403)
    return vendor


@bp.route("/konkurranser/<int:tender_id>/leverandorens-brukere")
@login_required
def users(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_vendor_users)
    vendor = _my_vendor(tender)
    return render_template(
        "vendors/users.html",
        tender=tender,
        vendor=vendor,
        rows=ops.vendor_users(tender, vendor),
        pending=ops.pending_requests(tender, vendor),
        administrators=ops.administrators(tender, vendor),
        decide_form=EmptyForm(),
    )


def _decide(tender_id: int, registration_id: int, approve: bool) -> Response:
    tender = tender_for(tender_id, view_vendor_users)
    vendor = _my_vendor(tender)
    if not administer_vendor(current_user, tender, vendor):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    me = _me()

    def decide() -> str:
        if approve:
            membership = ops.approve(tender, vendor, registration_id, administrator=me)
            return gettext(
                "%(name)s er nå bruker for %(vendor)s.", name=membership.user.name, vendor=vendor.name
            )
        registration = ops.refuse(tender, vendor, registration_id, administrator=me)
        return gettext("Forespørselen fra %(name)s er avslått.", name=registration.name)

    return run_button(
        decide,
        back=url_for("vendors.users", tender_id=tender.id),
        success=lambda message: message,
        refused=lambda error: keep_refusal(error, actor=me),
    )


@bp.route(
    "/konkurranser/<int:tender_id>/leverandorens-brukere/<int:registration_id>/godkjenn", methods=["POST"]
)
@login_required
def approve(tender_id: int, registration_id: int) -> Response:
    return _decide(tender_id, registration_id, True)


@bp.route("/konkurranser/<int:tender_id>/leverandorens-brukere/<int:registration_id>/avsla", methods=["POST"])
@login_required
def refuse(tender_id: int, registration_id: int) -> Response:
    return _decide(tender_id, registration_id, False)
