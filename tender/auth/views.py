"""Login, logout, changing one's password, and setting a password through an invitation link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tender.auth import operations
from tender.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, SetPasswordForm
from tender.auth.sessions import current_session, init_sessions, load_user
from tender.errors import DomainError
from tender.extensions import login_manager
from tender.i18n import COOKIE, COOKIE_MAX_AGE
from tender.web.forms import EmptyForm, refusal_in_words, run_form

bp = Blueprint("auth", __name__)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Logg inn for å se denne siden."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    init_sessions(app)


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

    def log_in() -> None:
        # request.remote_addr is the proxy's address behind a reverse proxy unless the app is told to
        # trust its X-Forwarded-For (see README, "Sikkerhet"). A failure's count is kept by the operation.
        login_user(
            operations.authenticate(
                form.email.data or "", form.password.data or "", client_address=request.remote_addr
            )
        )

    done = run_form(form, log_in, back=_safe_next(request.args.get("next")))
    if done is not None:
        return done
    return render_template("auth/login.html", form=form), (422 if request.method == "POST" else 200)


@bp.route("/logg-ut", methods=["POST"])
@login_required
def logout() -> Response:
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash("Du er logget ut.", "info")
    return redirect(url_for("auth.login"))


def _password_changed(ended: int) -> str:
    changed = gettext("Passordet er endret.")
    if ended == 0:
        return changed
    if ended == 1:
        return changed + " " + gettext("Du er logget ut av én annen økt.")
    return changed + " " + gettext("Du er logget ut av %(count)s andre økter.", count=ended)


@bp.route("/passord", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = ChangePasswordForm()
    # a wrong current password counts as a failed login: the operation keeps the count
    done = run_form(
        form,
        lambda: operations.change_password(
            current_user._get_current_object(),
            form.current.data or "",
            form.password.data or "",
            keep=current_session(),
        ),
        back=url_for("tenders.dashboard"),
        success=_password_changed,
    )
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/invitasjon/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Any:
    try:
        invitation = operations.find_valid_invitation(token)
    except DomainError as error:
        return render_template("auth/invitation_invalid.html", message=error.message), 410
    form = SetPasswordForm()

    def accept() -> None:
        user = operations.accept_invitation(token, form.password.data or "")
        if current_user.is_authenticated:
            logout_user()
        login_user(user)

    done = run_form(
        form, accept, back=url_for("tenders.dashboard"), success="Passordet er lagret. Velkommen!"
    )
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("auth/set_password.html", form=form, invitation=invitation), status


@bp.route("/sprak", methods=["POST"])
def choose_language() -> Response:
    """The language switch on the vendors' pages: remembered on the account of a person logged in, and in a
    cookie for this browser (which is all an anonymous visitor has); then back to the page."""
    form = LanguageForm()
    back = _safe_next(form.next.data)
    if not form.validate_on_submit():
        flash(refusal_in_words(form), "error")
        return redirect(back)
    language = str(form.language.data)
    if current_user.is_authenticated:
        operations.set_language(current_user._get_current_object(), language)
    response = redirect(back)
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
