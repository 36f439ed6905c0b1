"""Dashboard, tender overview, and the lead's management of members, vendors and municipalities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from tender.auth.permissions import create_tender
from tender.award.recommendation_operations import board as award_board
from tender.core.lifecycle import NOT_YET
from tender.errors import DomainError, keep_refusal
from tender.extensions import db
from tender.formatting import OSLO
from tender.lifecycle import operations as lifecycle
from tender.mail import public_url
from tender.tenders import operations
from tender.tenders.access import tender_for
from tender.tenders.forms import InviteForm, MunicipalityForm, TenderEditForm, TenderForm, VendorForm
from tender.tenders.models import Membership, Municipality, Procedure, Role, Tender, Vendor
from tender.tenders.permissions import manage_tender, view_members
from tender.vendors import operations as vendor_ops
from tender.vendors.forms import vendor_invite_form
from tender.vendors.permissions import invite_vendor_to_register
from tender.web.forms import EmptyForm, run_button, run_form

bp = Blueprint("tenders", __name__)


@bp.route("/")
@login_required
def dashboard() -> str:
    tenders = db.session.scalars(
        select(Tender)
        .join(Membership)
        .where(Membership.user_id == current_user.id)
        .distinct()
        .order_by(Tender.created_at.desc())
    ).all()
    from tender.clock import now

    at = now()
    user = current_user._get_current_object()
    stages = {t.id: lifecycle.visible_stage(t, lifecycle.standing_of(t, at), user) for t in tenders}
    return render_template("tenders/dashboard.html", tenders=tenders, stages=stages)


@bp.route("/konkurranser/ny", methods=["GET", "POST"])
@login_required
def create() -> Any:
    if not create_tender(current_user):
        abort(403)
    form = TenderForm()
    done = run_form(
        form,
        lambda: operations.create_tender(
            title=form.title.data or "",
            case_reference=form.case_reference.data or "",
            procedure=Procedure(form.procedure.data),
            lead=current_user._get_current_object(),
            bid_deadline=_local(form.bid_deadline.data),
        ),
        back=lambda tender: url_for("tenders.overview", tender_id=tender.id),
        success="Konkurransen er opprettet. Du er prosjektleder.",
    )
    if done is not None:
        return done
    return render_template("tenders/create.html", form=form), (422 if request.method == "POST" else 200)


def _local(value: datetime | None) -> datetime | None:
    """A form's naive local time as the UTC-aware moment it means (Norwegian time, DST included)."""
    return value.replace(tzinfo=OSLO) if isinstance(value, datetime) else None


@bp.route("/konkurranser/<int:tender_id>/rediger", methods=["GET", "POST"])
@login_required
def edit(tender_id: int) -> Any:
    from tender.clock import now

    tender = tender_for(tender_id, manage_tender)
    form = TenderEditForm(obj=tender if request.method == "GET" else None)
    if request.method == "GET":
        for name in ("participation_deadline", "questions_deadline", "bid_deadline"):
            value = getattr(tender, name)
            getattr(form, name).data = value.astimezone(OSLO).replace(tzinfo=None) if value else None
    done = run_form(
        form,
        lambda: operations.update_tender(
            tender,
            title=form.title.data or "",
            case_reference=form.case_reference.data or "",
            participation_deadline=_local(form.participation_deadline.data),
            questions_deadline=_local(form.questions_deadline.data),
            bid_deadline=_local(form.bid_deadline.data),
            now=now(),
            actor=current_user._get_current_object(),
        ),
        back=url_for("tenders.overview", tender_id=tender.id),
        success="Konkurransen er oppdatert.",
    )
    if done is not None:
        return done
    return render_template("tenders/edit.html", tender=tender, form=form), (
        422 if request.method == "POST" else 200
    )


@bp.route("/konkurranser/<int:tender_id>")
@login_required
def overview(tender_id: int) -> str:
    from tender.clock import now

    tender = tender_for(tender_id)
    user = current_user._get_current_object()
    found = lifecycle.standing_of(tender, now())
    steps = [
        (step, lifecycle.who_acts(tender, step)) for step in lifecycle.steps_for_user(tender, found, user)
    ]
    return render_template(
        "tenders/overview.html",
        tender=tender,
        stage=lifecycle.visible_stage(tender, found, user),
        stages=lifecycle.stages_of(tender),
        not_yet=NOT_YET,
        steps=steps,
        announcement_url=public_url("vendors.announcement", token=tender.announcement_token),
        award_board=award_board(tender),
    )


def _invite_form(tender: Tender, *, fresh: bool = False) -> InviteForm:
    # fresh: not filled from the request, so the form is empty again after an invitation went out
    form = InviteForm(formdata=None) if fresh else InviteForm()
    form.municipality.choices = [SelectChoice("", "–")] + [
        SelectChoice(str(m.id), m.name) for m in tender.participating_municipalities
    ]
    return form


def members_page(
    tender: Tender,
    *,
    invite: InviteForm | None = None,
    vendor_form: VendorForm | None = None,
    municipality_form: MunicipalityForm | None = None,
    vendor_invite: Any = None,
    status: int = 200,
    new_link: str | None = None,
) -> Any:
    """The members page with any of its forms given back with their errors (the others fresh)."""
    from tender import mail

    municipality_form = municipality_form or MunicipalityForm(prefix="mun")
    available = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    taken = {m.id for m in tender.participating_municipalities}
    municipality_form.municipality.choices = [
        SelectChoice(str(m.id), f"{m.name} ({m.kommunenummer})") for m in available if m.id not in taken
    ]
    return render_template(
        "tenders/members.html",
        tender=tender,
        invite=invite or _invite_form(tender, fresh=True),
        vendor_form=vendor_form or VendorForm(prefix="vendor"),
        municipality_form=municipality_form,
        vendor_invite=vendor_invite or vendor_invite_form(tender),
        remove_form=EmptyForm(),
        new_link=new_link,
        announcement_url=public_url("vendors.announcement", token=tender.announcement_token),
        mail_configured=mail.configured(),
    ), status


def _pick(model: type, raw: str | None, tender: Tender) -> Any:
    if not raw:
        return None
    obj = db.session.get(model, int(raw)) if raw.isdigit() else None
    if obj is None:
        raise DomainError("Ukjent valg.", field="municipality" if model is Municipality else "vendor")
    return obj


def _role(raw: str | None) -> Role:
    """The role picked on the form; the vendor role is not offered, but a posted one is refused (and
    logged) by the operation, not here."""
    try:
        return Role(raw or "")
    except ValueError:
        raise DomainError("Velg en av rollene i listen.", field="role") from None


@bp.route("/konkurranser/<int:tender_id>/medlemmer", methods=["GET"])
@login_required
def members(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_members)
    return members_page(tender)


@bp.route("/konkurranser/<int:tender_id>/medlemmer/inviter", methods=["POST"])
@login_required
def invite(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_tender)
    form = _invite_form(tender)
    me = current_user._get_current_object()

    def invite_and_deliver() -> tuple[Any, str | None]:
        result = operations.invite_member(
            tender,
            email=form.email.data or "",
            name=form.name.data or "",
            role=_role(form.role.data),
            municipality=_pick(Municipality, form.municipality.data, tender),
            invited_by=me,
        )
        link = None
        if result.token is not None:
            link = _public_url("auth.accept_invitation", token=result.token)
            from tender.auth.operations import deliver_invitation

            if deliver_invitation(result.user, link, tender.title):
                flash(f"Invitasjon sendt på e-post til {result.user.email}.", "success")
        return result, link

    def answer(done: tuple[Any, str | None]) -> Any:
        result, link = done
        if result.resent:
            flash(_RESENT.format(email=result.user.email), "success")
        else:
            flash(f"{result.user.email} har fått rollen {result.membership.role.label.lower()}.", "success")
        if link is None:
            return redirect(url_for("tenders.members", tender_id=tender.id))
        return members_page(tender, new_link=link)

    done = run_form(
        form, invite_and_deliver, answer=answer, refused=lambda error: keep_refusal(error, actor=me)
    )
    if done is not None:
        return done
    tender = tender_for(tender_id, manage_tender)
    return members_page(tender, invite=form, status=422)


_RESENT = "{email} har fått en ny invitasjonslenke. Den forrige lenken virker ikke lenger."


@bp.route("/konkurranser/<int:tender_id>/medlemmer/<int:membership_id>/send-pa-nytt", methods=["POST"])
@login_required
def resend_invitation(tender_id: int, membership_id: int) -> Any:
    from tender.auth.operations import deliver_invitation

    tender = tender_for(tender_id, manage_tender)
    membership = next((m for m in tender.memberships if m.id == membership_id), None)
    if membership is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    me = current_user._get_current_object()

    def resend_and_deliver() -> tuple[Any, str]:
        result = operations.resend_invitation(tender, membership, actor=me)
        link = _public_url("auth.accept_invitation", token=result.token)
        if deliver_invitation(result.user, link, tender.title):
            flash(f"Invitasjon sendt på e-post til {result.user.email}.", "success")
        return result, link

    def refused(error: DomainError) -> Any:
        keep_refusal(error, actor=me)
        flash(error.message, "error")
        return members_page(tender_for(tender_id, manage_tender), status=409)

    return run_form(
        None,
        resend_and_deliver,
        success=lambda done: _RESENT.format(email=done[0].user.email),
        answer=lambda done: members_page(tender, new_link=done[1]),
        refused=refused,
    )


def _public_url(endpoint: str, **values: Any) -> str:
    from flask import current_app

    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


@bp.route("/konkurranser/<int:tender_id>/medlemmer/<int:membership_id>/fjern", methods=["POST"])
@login_required
def remove_member(tender_id: int, membership_id: int) -> Response:
    tender = tender_for(tender_id, manage_tender)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.tender_id != tender.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    me = current_user._get_current_object()
    return run_button(
        lambda: operations.remove_membership(tender, membership, actor=me),
        back=url_for("tenders.members", tender_id=tender.id),
        success="Rollen er fjernet.",
        refused=lambda error: keep_refusal(error, actor=me),
    )


@bp.route("/konkurranser/<int:tender_id>/leverandorer", methods=["POST"])
@login_required
def add_vendor(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_tender)
    form = VendorForm(prefix="vendor")
    me = current_user._get_current_object()
    done = run_form(
        form,
        lambda: operations.register_vendor(
            tender,
            name=form.name.data or "",
            organisasjonsnummer=form.organisasjonsnummer.data or "",
            actor=me,
        ),
        back=url_for("tenders.members", tender_id=tender.id),
        success=lambda vendor: f"{vendor.name} er lagt til i konkurransen.",
        refused=lambda error: keep_refusal(error, actor=me),
    )
    if done is not None:
        return done
    tender = tender_for(tender_id, manage_tender)
    return members_page(tender, vendor_form=form, status=422)


@bp.route("/konkurranser/<int:tender_id>/kommuner", methods=["POST"])
@login_required
def add_municipality(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_tender)
    form = MunicipalityForm(prefix="mun")

    def add() -> Municipality:
        municipality = _pick(Municipality, form.municipality.data, tender)
        if municipality is None:
            raise DomainError("Velg en kommune.", field="municipality")
        operations.add_municipality(tender, municipality, actor=current_user._get_current_object())
        return municipality

    done = run_form(
        form,
        add,
        back=url_for("tenders.members", tender_id=tender.id),
        success=lambda municipality: f"{municipality.name} deltar nå i konkurransen.",
    )
    if done is not None:
        return done
    tender = tender_for(tender_id, manage_tender)
    return members_page(tender, municipality_form=form, status=422)


# -- the lead invites a vendor to register (a form of the members page) -------------------------------
@bp.route("/konkurranser/<int:tender_id>/leverandorer/inviter", methods=["POST"])
@login_required
def invite_vendor(tender_id: int) -> Any:
    tender = tender_for(tender_id, invite_vendor_to_register)
    form = vendor_invite_form(tender)
    me = current_user._get_current_object()

    def invite() -> Vendor:
        raw = form.vendor.data or ""
        vendor = db.session.get(Vendor, int(raw)) if raw.isdigit() else None
        if vendor is None:
            raise DomainError("Velg hvilken leverandør som skal inviteres.", field="vendor")
        vendor_ops.invite_vendor(
            tender,
            vendor,
            email=form.email.data or "",
            invited_by=me,
            announcement_url=public_url("vendors.announcement", token=tender.announcement_token),
        )
        return vendor

    done = run_form(
        form,
        invite,
        back=url_for("tenders.members", tender_id=tender.id),
        success=lambda vendor: (
            f"Invitasjonen til å registrere seg er sendt på e-post til "
            f"{form.email.data} for {vendor.name}. Leverandøren registrerer sine "
            "brukere selv."
        ),
        refused=lambda error: keep_refusal(error, actor=me),
    )
    if done is not None:
        return done
    tender = tender_for(tender_id, invite_vendor_to_register)
    return members_page(tender, vendor_invite=form, status=422)
