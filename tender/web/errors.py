"""Error pages in Norwegian; a failed request rolls its transaction back."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tender.extensions import db

log = logging.getLogger(__name__)

_MESSAGES = {
    400: ("Ugyldig forespørsel", "Forespørselen kunne ikke behandles."),
    403: ("Ingen tilgang", "Du har ikke tilgang til denne siden eller handlingen."),
    404: ("Finnes ikke", "Siden finnes ikke, eller du har ikke tilgang til den."),
    405: ("Ikke tillatt", "Denne handlingen er ikke tillatt her."),
    413: ("For stor fil", "Filen er større enn det som er tillatt å laste opp."),
    500: (
        "Noe gikk galt",
        "En feil oppsto hos oss. Ingenting er lagret fra denne handlingen. Prøv igjen, og "
        "kontakt prosjektlederen hvis feilen gjentar seg.",
    ),
}


def _page(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = _MESSAGES.get(code, (f"Feil {code}", "Forespørselen kunne ikke behandles."))
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        db.session.rollback()
        return _page(
            400,
            "Skjemaet mangler et gyldig sikkerhetstoken (CSRF), eller det er utløpt. Last siden "
            "på nytt og prøv igjen. Ingenting ble lagret.",
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
