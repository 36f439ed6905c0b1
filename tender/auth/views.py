"""Login, logout and setting a password through an invitation link."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tender.auth import operations
from tender.auth.forms import LoginForm, SetPasswordForm
from tender.auth.models import User
from tender.errors_domain import DomainError
from tender.extensions import db, login_manager
from tender.forms import EmptyForm, put_reasons_on_form

bp = Blueprint("auth", __name__)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Logg inn for å se denne siden."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.is_active else None


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login would be a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("tenders.dashboard")


@bp.route("/logg-inn", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("tenders.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.email.data or "", form.password.data or "")
        except DomainError as error:
            db.session.commit()  # keep the failure count: that is what slows repeated guessing down
            put_reasons_on_form(form, error)
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), (422 if request.method == "POST" else 200)


@bp.route("/logg-ut", methods=["POST"])
@login_required
def logout() -> Response:
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash("Du er logget ut.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitasjon/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Any:
    try:
        invitation = operations.find_valid_invitation(token)
    except DomainError as error:
        return render_template("auth/invitation_invalid.html", message=error.message), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = operations.accept_invitation(token, form.password.data or "")
        except DomainError as error:
            db.session.rollback()
            put_reasons_on_form(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            flash("Passordet er lagret. Velkommen!", "success")
            return redirect(url_for("tenders.dashboard"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/set_password.html", form=form, invitation=invitation), status
