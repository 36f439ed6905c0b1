"""tender: one joint tender for a shared Noark 5 case/archive system, run by a group of municipalities."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pure core lives under this package: importing it must not pull in Flask
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_FOLDER = PROJECT_ROOT / "templates"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application. Creates no database and makes no network call."""
    from flask import Flask

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(TEMPLATE_FOLDER),
        instance_path=_instance_path(test_config),
    )
    configure_settings(app, test_config)
    configure_logging(app)
    configure_database(app)
    configure_transactions(app)
    configure_auth(app)
    configure_csrf(app)
    configure_i18n(app)
    from tender.web.forms import init_forms

    init_forms(app)
    configure_templates(app)
    configure_url_converters(app)
    configure_blueprints(app)
    configure_security_headers(app)
    configure_errors(app)
    configure_cli(app)
    return app


def _instance_path(test_config: dict[str, Any] | None) -> str | None:
    """The instance folder: INSTANCE_PATH in a test config, else TENDER_INSTANCE_PATH, else ./instance."""
    import os

    if test_config is not None:
        return test_config.get("INSTANCE_PATH")
    path = os.environ.get("TENDER_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def configure_settings(app: Flask, test_config: dict[str, Any] | None) -> None:
    from tender import config

    config.load(app, test_config)


def configure_logging(app: Flask) -> None:
    from tender import log_redaction

    log_redaction.install()
    # Our own messages (an invitation made, a sample queued again, ...) at INFO; libraries only when they
    # warn. One-time links are masked in request logs (tender.log_redaction) and never logged by us.
    if not app.testing:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("tender").setLevel(logging.INFO)


def configure_database(app: Flask) -> None:
    from tender.database import init_database

    init_database(app)


def configure_transactions(app: Flask) -> None:
    from tender.web.transactions import init_transactions

    init_transactions(app)


def configure_auth(app: Flask) -> None:
    from tender.auth.views import init_login

    init_login(app)


def configure_i18n(app: Flask) -> None:
    from tender.i18n import init_i18n

    init_i18n(app)


def configure_csrf(app: Flask) -> None:
    from tender.extensions import csrf

    csrf.init_app(app)


def configure_templates(app: Flask) -> None:
    from tender.templating import init_templates

    init_templates(app)


def configure_url_converters(app: Flask) -> None:
    from tender.web.security import init_url_converters

    init_url_converters(app)


def configure_security_headers(app: Flask) -> None:
    from tender.web.security import init_proxy, init_security_headers

    init_security_headers(app)
    init_proxy(app)


def configure_blueprints(app: Flask) -> None:
    from tender.audit.views import bp as audit_bp
    from tender.auth.views import bp as auth_bp
    from tender.award.cost_views import bp as award_costs_bp
    from tender.award.notice_views import bp as award_notices_bp
    from tender.award.recommendation_views import bp as award_recommendation_bp
    from tender.bids.views import bp as bids_bp
    from tender.corrections.views import bp as corrections_bp
    from tender.documents.views import bp as documents_bp
    from tender.evaluation.views import bp as evaluation_bp
    from tender.evaluation_model.views import bp as evaluation_model_bp
    from tender.municipalities.views import bp as municipalities_bp
    from tender.negotiation.views import bp as negotiation_bp
    from tender.noark.views import bp as noark_bp
    from tender.prequalification.assess_views import bp as pq_assess_bp
    from tender.prequalification.letters_views import bp as pq_letters_bp
    from tender.prequalification.request_views import bp as pq_request_bp
    from tender.prequalification.select_views import bp as pq_select_bp
    from tender.prequalification.setup_views import bp as pq_setup_bp
    from tender.protocol.archive_views import bp as archive_bp
    from tender.protocol.views import bp as protocol_bp
    from tender.questions.views import bp as questions_bp
    from tender.requirements.views import bp as requirements_bp
    from tender.tenders.views import bp as tenders_bp
    from tender.timeline.views import bp as timeline_bp
    from tender.vendors.views import bp as vendors_bp
    from tender.web.health import bp as health_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(tenders_bp)
    app.register_blueprint(municipalities_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(requirements_bp)
    app.register_blueprint(evaluation_model_bp)
    app.register_blueprint(bids_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(noark_bp)
    app.register_blueprint(negotiation_bp)
    app.register_blueprint(award_recommendation_bp)
    app.register_blueprint(vendors_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(corrections_bp)
    for pq_bp in (pq_setup_bp, pq_request_bp, pq_assess_bp, pq_select_bp, pq_letters_bp):
        app.register_blueprint(pq_bp)
    app.register_blueprint(timeline_bp)
    app.register_blueprint(archive_bp)
    app.register_blueprint(protocol_bp)
    app.register_blueprint(award_costs_bp)
    app.register_blueprint(award_notices_bp)
    app.register_blueprint(health_bp)


def configure_errors(app: Flask) -> None:
    from tender.web.errors import init_errors

    init_errors(app)


def configure_cli(app: Flask) -> None:
    from tender.cli import register_commands

    register_commands(app)
