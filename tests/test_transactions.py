"""One transaction per request (and per CLI command): a response below 400 commits everything the request
did, once; 400 and above, or an exception, rolls it all back; what is kept (``transactions.keep``) survives
the rollback, and the hooks run after the database has decided."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from flask import redirect
from sqlalchemy import select

from tender.extensions import db as database
from tender.tenders.models import Municipality
from tender.web import transactions
from tests.conftest import dispose, make_app

#: what the hooks of the last request did, in order
HAPPENED: list[str] = []


def _add(number: str) -> None:
    database.session.add(Municipality(name=f"Testkommune {number}", kommunenummer=number, population=1))
    database.session.flush()


@pytest.fixture
def tx_app(app: Any, db: Any, tmp_path: Path) -> Iterator[Any]:
    """An app of its own with routes that change something and then answer in each way (routes cannot be
    added to the shared app once it has served a request); it shares the test's rolled-back connection."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, PROPAGATE_EXCEPTIONS=False)

    @other.route("/t/<int:status>")
    def answer(status: int) -> Any:
        _add("9901")
        transactions.after_commit(lambda: HAPPENED.append("committed"))
        transactions.after_rollback(lambda: HAPPENED.append("rolled back"))
        if status == 302:
            return redirect("/")
        return "svar", status

    @other.route("/t/feil")
    def failing() -> Any:
        _add("9902")
        raise RuntimeError("en feil i koden")

    @other.route("/t/avvist")
    def refused_but_kept() -> Any:
        _add("9903")
        transactions.keep(lambda: _add("9904"))
        return "avvist", 422

    @other.route("/t/beholdt")
    def succeeded_and_kept() -> Any:
        _add("9905")
        transactions.keep(lambda: _add("9906"))
        return "ok", 200

    @other.cli.command("t-ok")
    @transactions.command_transaction
    def command_ok() -> None:
        _add("9907")

    @other.cli.command("t-feil")
    @transactions.command_transaction
    def command_fails() -> None:
        _add("9908")
        transactions.keep(lambda: _add("9909"))
        raise click.ClickException("nei")

    HAPPENED.clear()
    try:
        yield other
    finally:
        dispose(other)


def _stored(db: Any) -> set[str]:
    """The test municipalities as the database has them now (a fresh read, not the session's memory)."""
    db.session.expire_all()
    numbers = select(Municipality.kommunenummer).where(Municipality.kommunenummer.like("99%"))
    return set(db.session.scalars(numbers))


@pytest.mark.parametrize("status", [200, 302])
def test_a_response_below_400_commits_what_the_request_did(tx_app: Any, db: Any, status: int) -> None:
    assert tx_app.test_client().get(f"/t/{status}").status_code == status
    db.session.rollback()  # nothing left uncommitted in the session could make the row visible
    assert _stored(db) == {"9901"}
    assert HAPPENED == ["committed"]


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
def test_a_response_of_400_or_more_after_a_flushed_change_leaves_nothing_in_the_database(
    tx_app: Any, db: Any, status: int
) -> None:
    assert tx_app.test_client().get(f"/t/{status}").status_code == status
    assert _stored(db) == set()
    assert HAPPENED == ["rolled back"]


def test_an_exception_in_a_view_rolls_everything_back(tx_app: Any, db: Any) -> None:
    response = tx_app.test_client().get("/t/feil")
    assert response.status_code == 500 and "Noe gikk galt" in response.get_data(as_text=True)
    assert _stored(db) == set()


def test_what_is_kept_survives_a_refused_request_while_the_rest_is_rolled_back(tx_app: Any, db: Any) -> None:
    assert tx_app.test_client().get("/t/avvist").status_code == 422
    db.session.rollback()
    assert _stored(db) == {"9904"}


def test_what_is_kept_is_committed_with_a_successful_request(tx_app: Any, db: Any) -> None:
    assert tx_app.test_client().get("/t/beholdt").status_code == 200
    db.session.rollback()
    assert _stored(db) == {"9905", "9906"}


def test_a_cli_command_is_one_transaction_committed_when_it_ends_normally(tx_app: Any, db: Any) -> None:
    result = tx_app.test_cli_runner().invoke(args=["t-ok"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert _stored(db) == {"9907"}


def test_a_failing_cli_command_is_rolled_back_but_keeps_what_it_kept(tx_app: Any, db: Any) -> None:
    result = tx_app.test_cli_runner().invoke(args=["t-feil"])
    assert result.exit_code == 1 and "nei" in result.output
    db.session.rollback()
    assert _stored(db) == {"9909"}


def test_outside_a_request_or_command_a_kept_write_happens_at_once(db: Any) -> None:
    transactions.keep(lambda: _add("9910"))
    assert _stored(db) == {"9910"}


def test_a_failed_login_is_answered_422_and_its_count_and_trail_are_kept(
    client: Any, db: Any, forms: Any, create_user: Any
) -> None:
    from tender.audit import AuditEvent
    from tender.auth.models import LoginThrottle

    user = create_user("kari@skien.kommune.no", "Kari")
    response = forms.post("/logg-inn", {"email": user.email, "password": "feil-passord"}, page="/logg-inn")
    assert response.status_code == 422 and "Feil e-postadresse eller passord." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    throttle = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == user.email))
    assert throttle is not None and throttle.failures == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "user.login_failed")).all()
    assert [e.actor_id for e in events] == [user.id]
