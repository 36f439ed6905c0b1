"""One transaction per request, and one per CLI command.

A request is one unit of work: it begins before the view and ends in ``after_request``. A response below
400 commits everything the request did, once; a response of 400 or more rolls it all back, and so does an
exception (Flask turns it into the 500 page, whose response passes through here too; should a commit
itself fail, the 500 page that follows rolls back). Views and CLI commands never call ``commit()`` or
``rollback()`` (tests/test_transactions_structure.py); operations flush and leave the ending to this module.
A CLI command gets the same rule through :func:`command_transaction` (or ``with transaction():``).

Three things do not fit "all or nothing", and each has its hook:

- :func:`keep` — a write that must stay although the request fails: the audit event of a refused attempt
  (a vendor's identity touched from the group's side, a late bid), a failed login's count, the closing of
  an expired login session. It runs after the rollback (or after the request's own work when that
  succeeds) and is committed in the same single commit. Should that commit lose against a concurrent
  transaction (a deadlock, a serialisation failure: ``tender.web.conflicts``), the kept writes are tried
  once more in a transaction of their own. Outside a unit of work (an operation called
  directly, e.g. from a test) there is nothing that could roll it back, so it is written at once.
- :func:`after_commit` — something outside the database that may only happen once the data is committed
  (putting a stored Noark sample in the validation queue).
- :func:`after_rollback` — undoing something outside the database when the data is not committed (the
  files an upload wrote to disk).

The Noark queue worker is not a request: ``tender.noark.operations.run_validation`` commits its steps
(claim, progress, result) itself so that the pages can follow it while it works.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

import click
from flask import Flask, g, has_app_context
from werkzeug.wrappers import Response

from tender.database import conflict_kind
from tender.extensions import db

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class UnitOfWork:
    """What one request or command asked to happen besides its own changes (see the module's text)."""

    kept: list[Callable[[], object]] = field(default_factory=list)
    on_commit: list[Callable[[], object]] = field(default_factory=list)
    on_rollback: list[Callable[[], object]] = field(default_factory=list)
    #: set when the database cannot take the kept writes now (see :meth:`discard_kept`)
    refuses_kept: bool = False

    def finish(self, *, succeeded: bool) -> None:
        """Commit (``succeeded``) or roll back the work, write what is kept either way, then run the hooks."""
        kept, self.kept = self.kept, []
        if not succeeded:
            db.session.rollback()
            self._run(self.on_rollback)
        try:
            for write in kept:
                write()
            db.session.commit()
        except BaseException as error:
            db.session.rollback()
            if succeeded:  # nothing of the work reached the database after all
                self._run(self.on_rollback)
            # Lost against a concurrent transaction, which has ended or will: what must survive a failure
            # (a failed login's count) gets a transaction of its own. A refusal then stands as answered.
            if (
                kept
                and conflict_kind(error) in ("deadlock", "serialisation")
                and self._write_kept_alone(kept)
                and not succeeded
            ):
                return
            raise
        if succeeded:
            self._run(self.on_commit)

    def discard_kept(self) -> None:
        """Drop the kept writes and refuse further ones: the database cannot take them now (it is away, or
        another connection holds its lock past the timeout, where trying again would only wait again)."""
        self.kept.clear()
        self.refuses_kept = True

    def abandon(self) -> None:
        """End the work without a commit and without its kept writes: the request will run again from the
        start (``tender.web.conflicts``), and registers them again."""
        self.kept.clear()
        db.session.rollback()
        self._run(self.on_rollback)

    @staticmethod
    def _write_kept_alone(kept: list[Callable[[], object]]) -> bool:
        try:
            for write in kept:
                write()
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            log.warning(
                "%d bevarte skrivinger gikk tapt etter en konflikt i databasen (%s)",
                len(kept),
                type(getattr(error, "orig", None) or error).__name__,
            )
            return False
        return True

    @staticmethod
    def _run(actions: list[Callable[[], object]]) -> None:
        # Work on files and queues after the database has decided; one failing must not stop the others.
        pending = list(actions)
        actions.clear()
        for action in pending:
            try:
                action()
            except Exception:
                log.exception("Etterarbeid etter transaksjonen feilet")


#: the unit of work of a CLI command (requests keep theirs on ``flask.g``)
_command_unit: ContextVar[UnitOfWork | None] = ContextVar("command_unit", default=None)
_G_KEY = "_unit_of_work"


def current_unit() -> UnitOfWork | None:
    """The unit of work in progress: this request's, or this command's; None outside both."""
    unit = _command_unit.get()
    if unit is not None:
        return unit
    if has_app_context():
        found: UnitOfWork | None = g.get(_G_KEY)
        return found
    return None


def keep(write: Callable[[], object]) -> None:
    """Have ``write`` (database writes, no commit) survive the failure of the request or command: it runs
    after the rollback and is committed then. Outside a unit of work it runs at once."""
    unit = current_unit()
    if unit is None:
        write()
    elif not unit.refuses_kept:
        unit.kept.append(write)


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` once the unit of work has committed (never when it rolls back)."""
    _required_unit().on_commit.append(action)


def after_rollback(action: Callable[[], object]) -> None:
    """Run ``action`` if the unit of work does not commit."""
    _required_unit().on_rollback.append(action)


def _required_unit() -> UnitOfWork:
    unit = current_unit()
    if unit is None:
        raise RuntimeError("after_commit/after_rollback need a request or a command_transaction around them")
    return unit


def discard_changes() -> None:
    """Forget what the request has changed so far, now, so that a page rendered next shows the stored state
    (the helpers in ``tender.web.forms`` do this on a refusal). Kept writes and hooks still run at the end."""
    db.session.rollback()


# -- requests ------------------------------------------------------------------------------------------------
def init_transactions(app: Flask) -> None:
    """Make every request one unit of work. Registered before the login check, so that the login session's
    bookkeeping (``tender.auth.sessions``) already belongs to it."""
    app.before_request(_begin_request)
    app.after_request(_end_request)


def _begin_request() -> None:
    setattr(g, _G_KEY, UnitOfWork())


def _end_request(response: Response) -> Response:
    # Runs before the session cookie is saved (Flask calls after_request functions first), so a commit
    # that fails still turns into the 500 page with the old cookie's state unchanged on the server.
    unit: UnitOfWork | None = g.pop(_G_KEY, None)
    if unit is None:  # a request that never began one (e.g. refused before the before_request functions)
        if response.status_code >= 400:
            db.session.rollback()
        else:
            db.session.commit()
        return response
    unit.finish(succeeded=response.status_code < 400)
    return response


# -- CLI commands --------------------------------------------------------------------------------------------
@contextmanager
def transaction() -> Iterator[UnitOfWork]:
    """One unit of work outside a request: commits when the block ends normally (or with a successful
    ``click`` exit), rolls back when it raises; kept writes are committed either way."""
    outer = _command_unit.get()
    if outer is not None:  # a command called from another command's block: the outer one decides
        yield outer
        return
    unit = UnitOfWork()
    token = _command_unit.set(unit)
    try:
        yield unit
    except click.exceptions.Exit as stop:
        unit.finish(succeeded=stop.exit_code == 0)
        raise
    except BaseException:
        unit.finish(succeeded=False)
        raise
    else:
        unit.finish(succeeded=True)
    finally:
        _command_unit.reset(token)


def command_transaction(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a CLI command (below ``@click.command``/``@with_appcontext``): its whole run is one unit of
    work, committed when it ends normally and rolled back when it fails."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return command(*args, **kwargs)

    return run
