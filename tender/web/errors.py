"""Error pages in Norwegian; a failed request rolls its transaction back."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tender.extensions import db

log = logging.getLogger(__name__)

#: marked for translation: a vendor's error pages are in English when the vendor chose it (tender.i18n)
_MESSAGES = {
    400: (lazy_gettext("Ugyldig forespørsel"), lazy_gettext("Forespørselen kunne ikke behandles.")),
    403: (
        lazy_gettext("Ingen tilgang"),
        lazy_gettext("Du har ikke tilgang til denne siden eller handlingen."),
    ),
    404: (lazy_gettext("Finnes ikke"), lazy_gettext("Siden finnes ikke, eller du har ikke tilgang til den.")),
    405: (lazy_gettext("Ikke tillatt"), lazy_gettext("Denne handlingen er ikke tillatt her.")),
    413: (lazy_gettext("For stor fil"), lazy_gettext("Filen er større enn det som er tillatt å laste opp.")),
    500: (
        lazy_gettext("Noe gikk galt"),
        lazy_gettext(
            "En feil oppsto hos oss. Ingenting er lagret fra denne handlingen. Prøv igjen, og "
            "kontakt prosjektlederen hvis feilen gjentar seg."
        ),
    ),
}


def _page(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = _MESSAGES.get(
        code, (gettext("Feil %(code)s", code=code), gettext("Forespørselen kunne ikke behandles."))
    )
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        db.session.rollback()
        return _page(
            400,
            gettext(
                "Skjemaet mangler et gyldig sikkerhetstoken (CSRF), eller det er utløpt. Last siden "
                "på nytt og prøv igjen. Ingenting ble lagret."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        db.session.rollback()
        return _page(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        log.exception("Uventet feil")
        return _page(500)
