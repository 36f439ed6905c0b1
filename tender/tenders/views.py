"""Dashboard, tender overview, and the lead's management of members, vendors and municipalities."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice
from werkzeug.wrappers import Response

from tender.errors_domain import DomainError, keep_refusal
from tender.extensions import db
from tender.forms import EmptyForm, run_button, run_form
from tender.formatting import OSLO
from tender.core.lifecycle import NOT_YET, ORDER
from tender.tenders import lifecycle, operations
from tender.tenders.access import tender_for
from tender.tenders.forms import InviteForm, MunicipalityForm, TenderEditForm, TenderForm, VendorForm
from tender.tenders.models import Membership, Municipality, Procedure, Role, Tender

bp = Blueprint("tenders", __name__)


@bp.route("/")
@login_required
def dashboard() -> str:
    tenders = db.session.scalars(
        select(Tender).join(Membership).where(Membership.user_id == current_user.id)
        .distinct().order_by(Tender.created_at.desc())
    ).all()
    from tender.clock import now

    at = now()
    user = current_user._get_current_object()
    stages = {t.id: lifecycle.visible_stage(t, lifecycle.standing_of(t, at), user) for t in tenders}
    return render_template("tenders/dashboard.html", tenders=tenders, stages=stages)


@bp.route("/konkurranser/ny", methods=["GET", "POST"])
@login_required
def create() -> Any:
    if not current_user.is_admin:
        abort(403)
    form = TenderForm()
    done = run_form(form, lambda: operations.create_tender(
        title=form.title.data or "", case_reference=form.case_reference.data or "",
        procedure=Procedure(form.procedure.data), lead=current_user._get_current_object(),
        bid_deadline=_local(form.bid_deadline.data)),
        back=lambda tender: url_for("tenders.overview", tender_id=tender.id),
        success="Konkurransen er opprettet. Du er prosjektleder.")
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

    tender = tender_for(tender_id, Tender.can_manage)
    form = TenderEditForm(obj=tender if request.method == "GET" else None)
    if request.method == "GET":
        for name in ("participation_deadline", "questions_deadline", "bid_deadline"):
            value = getattr(tender, name)
            getattr(form, name).data = value.astimezone(OSLO).replace(tzinfo=None) if value else None
    done = run_form(form, lambda: operations.update_tender(
        tender, title=form.title.data or "", case_reference=form.case_reference.data or "",
        participation_deadline=_local(form.participation_deadline.data),
        questions_deadline=_local(form.questions_deadline.data), bid_deadline=_local(form.bid_deadline.data),
        now=now(), actor=current_user._get_current_object()),
        back=url_for("tenders.overview", tender_id=tender.id), success="Konkurransen er oppdatert.")
    if done is not None:
        return done
    return render_template("tenders/edit.html", tender=tender, form=form), (422 if request.method == "POST" else 200)


@bp.route("/konkurranser/<int:tender_id>")
@login_required
def overview(tender_id: int) -> str:
    from tender.vendors.views import public_url

    from tender.clock import now

    tender = tender_for(tender_id)
    user = current_user._get_current_object()
    found = lifecycle.standing_of(tender, now())
    steps = [(step, lifecycle.who_acts(tender, step)) for step in lifecycle.steps_for_user(tender, found, user)]
    return render_template("tenders/overview.html", tender=tender, stage=lifecycle.visible_stage(tender, found, user),
                           stages=ORDER, not_yet=NOT_YET, steps=steps,
                           announcement_url=public_url("vendors.announcement", token=tender.announcement_token))


def _invite_form(tender: Tender) -> InviteForm:
    form = InviteForm()
    form.municipality.choices = [SelectChoice("", "–")] + [SelectChoice(str(m.id), m.name)
                                                         for m in tender.participating_municipalities]
    return form


def members_page(tender: Tender, *, invite: InviteForm | None = None, vendor_form: VendorForm | None = None,
                 municipality_form: MunicipalityForm | None = None, vendor_invite: Any = None, status: int = 200,
                 new_link: str | None = None) -> Any:
    """The members page with any of its forms given back with their errors (the others fresh)."""
    from tender import mail
    from tender.vendors.views import public_url, vendor_invite_form

    municipality_form = municipality_form or MunicipalityForm(prefix="mun")
    available = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    taken = {m.id for m in tender.participating_municipalities}
    municipality_form.municipality.choices = [SelectChoice(str(m.id), f"{m.name} ({m.kommunenummer})")
                                              for m in available if m.id not in taken]
    return render_template(
        "tenders/members.html", tender=tender, invite=invite or _invite_form(tender),
        vendor_form=vendor_form or VendorForm(prefix="vendor"), municipality_form=municipality_form,
        vendor_invite=vendor_invite or vendor_invite_form(tender), remove_form=EmptyForm(), new_link=new_link,
        announcement_url=public_url("vendors.announcement", token=tender.announcement_token),
        mail_configured=mail.configured()), status


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
    tender = tender_for(tender_id, Tender.can_view_members)
    return members_page(tender)


@bp.route("/konkurranser/<int:tender_id>/medlemmer/inviter", methods=["POST"])
@login_required
def invite(tender_id: int) -> Any:
    tender = tender_for(tender_id, Tender.can_manage)
    form = _invite_form(tender)
    me = current_user._get_current_object()

    def invite_and_deliver() -> tuple[Any, str | None]:
        result = operations.invite_member(
            tender, email=form.email.data or "", name=form.name.data or "", role=_role(form.role.data),
            municipality=_pick(Municipality, form.municipality.data, tender), invited_by=me)
        link = None
        if result.token is not None:
            link = _public_url("auth.accept_invitation", token=result.token)
            from tender.auth.operations import deliver_invitation

            if deliver_invitation(result.user, link, tender.title):
                flash(f"Invitasjon sendt på e-post til {result.user.email}.", "success")
        return result, link

    def answer(done: tuple[Any, str | None]) -> Any:
        result, link = done
        flash(f"{result.user.email} har fått rollen {result.membership.role.label.lower()}.", "success")
        if link is None:
            return redirect(url_for("tenders.members", tender_id=tender.id))
        return members_page(tender, new_link=link)

    done = run_form(form, invite_and_deliver, answer=answer,
                    refused=lambda error: keep_refusal(error, actor=me))
    if done is not None:
        return done
    tender = tender_for(tender_id, Tender.can_manage)
    return members_page(tender, invite=form, status=422)


def _public_url(endpoint: str, **values: Any) -> str:
    from flask import current_app

    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


@bp.route("/konkurranser/<int:tender_id>/medlemmer/<int:membership_id>/fjern", methods=["POST"])
@login_required
def remove_member(tender_id: int, membership_id: int) -> Response:
    tender = tender_for(tender_id, Tender.can_manage)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.tender_id != tender.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    me = current_user._get_current_object()
    return run_button(lambda: operations.remove_membership(tender, membership, actor=me),
                      back=url_for("tenders.members", tender_id=tender.id), success="Rollen er fjernet.",
                      refused=lambda error: keep_refusal(error, actor=me))


@bp.route("/konkurranser/<int:tender_id>/leverandorer", methods=["POST"])
@login_required
def add_vendor(tender_id: int) -> Any:
    tender = tender_for(tender_id, Tender.can_manage)
    form = VendorForm(prefix="vendor")
    me = current_user._get_current_object()
    done = run_form(form, lambda: operations.register_vendor(
        tender, name=form.name.data or "", organisasjonsnummer=form.organisasjonsnummer.data or "", actor=me),
        back=url_for("tenders.members", tender_id=tender.id),
        success=lambda vendor: f"{vendor.name} er lagt til i konkurransen.",
        refused=lambda error: keep_refusal(error, actor=me))
    if done is not None:
        return done
    tender = tender_for(tender_id, Tender.can_manage)
    return members_page(tender, vendor_form=form, status=422)


@bp.route("/konkurranser/<int:tender_id>/kommuner", methods=["POST"])
@login_required
def add_municipality(tender_id: int) -> Any:
    tender = tender_for(tender_id, Tender.can_manage)
    form = MunicipalityForm(prefix="mun")

    def add() -> Municipality:
        municipality = _pick(Municipality, form.municipality.data, tender)
        if municipality is None:
            raise DomainError("Velg en kommune.", field="municipality")
        operations.add_municipality(tender, municipality, actor=current_user._get_current_object())
        return municipality

    done = run_form(form, add, back=url_for("tenders.members", tender_id=tender.id),
                    success=lambda municipality: f"{municipality.name} deltar nå i konkurransen.")
    if done is not None:
        return done
    tender = tender_for(tender_id, Tender.can_manage)
    return members_page(tender, municipality_form=form, status=422)
