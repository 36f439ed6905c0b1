"""Prequalification pages: the ranking of the requests, the decision on a tie at the cut-off, the lead's
proposal of the invited set, and each municipality's approval of that proposal (bound to its hash)."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from tender.extensions import db
from tender.formatting import format_decimal
from tender.prequalification import select_operations as ops
from tender.prequalification.models import SelectionProposal
from tender.prequalification.permissions import (
    approve_selection,
    decide_selection,
    has_prequalification,
    view_requests,
    view_selection,
)
from tender.prequalification.select_forms import ProposalForm, TieForm
from tender.requirements.forms import DecisionForm
from tender.tenders.access import tender_for
from tender.tenders.models import Municipality, Tender
from tender.web.forms import EmptyForm, run_button, run_form

bp = Blueprint("pq_select", __name__, url_prefix="/konkurranser/<int:tender_id>/prekvalifisering/utvelgelse")

#: a tie of more requests than this is ordered by several decisions' worth of choices; offering every order
#: of seven or more (5 040) would not be a choice a person can read
MAX_ORDERS_OFFERED = 720
#: the pages read the prequalification's setup: a tender whose prequalification is turned off has none
SEE = (view_selection & has_prequalification).named("view_selection")
DECIDE = (decide_selection & has_prequalification).named("decide_selection")


def exact(text: str | None) -> str:
    """A number the proposal's record keeps as exact text ("6", "6.5", "20/3") as the pages show numbers."""
    return format_decimal(Fraction(text), 2) if text else "–"


def _me() -> Any:
    return current_user._get_current_object()


def _tie_form(selection: ops.Selection) -> TieForm:
    form = TieForm()
    tie = selection.open_tie
    choices = []
    if tie is not None:
        names = {i: selection.standing_of(i).name for i in tie.request_ids}
        for n, order in enumerate(itertools.permutations(tie.request_ids)):
            if n >= MAX_ORDERS_OFFERED:
                break
            choices.append(SelectChoice(",".join(order), " foran ".join(names[i] for i in order)))
    form.order.choices = choices
    return form


def _proposal_form(selection: ops.Selection) -> ProposalForm:
    form = ProposalForm()
    ranked = {r.request.id: r for r in selection.ranking.rows}
    choices = []
    for s in selection.standings:
        row = ranked.get(s.key)
        what = f"nr. {row.rank}" if row is not None else s.label.lower()
        choices.append(SelectChoice(s.key, f"{s.name} ({what})"))
    form.invited.choices = choices
    if request.method == "GET":
        form.invited.data = selection.suggested()
    return form


def _index_page(
    tender: Tender, tie_form: TieForm | None = None, proposal_form: ProposalForm | None = None
) -> Any:
    selection = ops.selection_of(tender)
    tie_form = tie_form or _tie_form(selection)
    proposal_form = proposal_form or _proposal_form(selection)
    proposals = ops.proposals_of(tender)
    live = ops.live_proposal(tender)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "prequalification/select_index.html",
        tender=tender,
        selection=selection,
        ranking=selection.ranking,
        blocking=ops.problems_in_words(selection, selection.ranking.blocking),
        tie_form=tie_form,
        proposal_form=proposal_form,
        proposals=proposals,
        live=live,
        see_ranking=view_requests(current_user, tender),
    ), status


@bp.route("", methods=["GET"])
@login_required
def index(tender_id: int) -> Any:
    tender = tender_for(tender_id, SEE)
    return _index_page(tender)


@bp.route("/likhet", methods=["POST"])
@login_required
def decide_tie(tender_id: int) -> Any:
    tender = tender_for(tender_id, DECIDE)
    selection = ops.selection_of(tender)
    form = _tie_form(selection)
    done = run_form(
        form,
        lambda: ops.decide_tie(
            tender,
            [int(i) for i in (form.order.data or "").split(",") if i],
            form.reason.data or "",
            actor=_me(),
        ),
        back=url_for("pq_select.index", tender_id=tender.id),
        success="Beslutningen om rekkefølgen er registrert.",
    )
    return done if done is not None else _index_page(tender, tie_form=form)


@bp.route("/forslag", methods=["POST"])
@login_required
def propose(tender_id: int) -> Any:
    tender = tender_for(tender_id, DECIDE)
    selection = ops.selection_of(tender)
    form = _proposal_form(selection)
    done = run_form(
        form,
        lambda: ops.propose(tender, [int(i) for i in form.invited.data or []], actor=_me()),
        back=lambda p: url_for("pq_select.proposal", tender_id=tender.id, number=p.number),
        success=lambda p: (
            f"Utvelgelsen (forslag nr. {p.number}) er endelig."
            if p.final_at is not None
            else f"Forslag nr. {p.number} er sendt til godkjenning i kommunene."
        ),
    )
    return done if done is not None else _index_page(tender, proposal_form=form)


def _proposal_or_404(tender: Tender, number: int) -> SelectionProposal:
    found = next((p for p in ops.proposals_of(tender) if p.number == number), None)
    if found is None:
        abort(404)
    return found


def _decision_form(tender: Tender, proposal: SelectionProposal) -> DecisionForm:
    form = DecisionForm()
    decided = {a.municipality_id for a in proposal.approvals}
    form.municipality.choices = [
        SelectChoice(str(m.id), m.name)
        for m in tender.signer_municipalities(current_user)
        if m.id not in decided and m in tender.participating_municipalities
    ]
    if request.method == "GET":
        form.content_hash.data = proposal.sha256
    return form


@bp.route("/forslag/<int:number>", methods=["GET", "POST"])
@login_required
def proposal(tender_id: int, number: int) -> Any:
    tender = tender_for(tender_id, SEE)
    found = _proposal_or_404(tender, number)
    form = _decision_form(tender, found)
    if request.method == "POST":
        if not approve_selection(current_user, tender):
            abort(403)

        def decide() -> Municipality:
            municipality = db.session.get(Municipality, int(form.municipality.data))
            ops.decide_approval(
                tender,
                found,
                municipality,
                approve=form.decision.data == "approved",
                comment=form.comment.data or "",
                sha256=form.content_hash.data or "",
                signer=_me(),
            )
            return municipality

        done = run_form(
            form,
            decide,
            back=url_for("pq_select.proposal", tender_id=tender.id, number=number),
            success=lambda m: f"Beslutningen for {m.name} er registrert.",
        )
        if done is not None:
            return done
    record = found.record
    status = 422 if request.method == "POST" else 200
    return render_template(
        "prequalification/select_proposal.html",
        tender=tender,
        proposal=found,
        record=record,
        invited=set(record.get("invited", [])),
        criteria=ops.criteria_of(tender),
        missing=ops.missing_approvals(tender, found),
        is_live=ops.live_proposal(tender) is found,
        form=form,
        empty_form=EmptyForm(),
        exact=exact,
    ), status


@bp.route("/forslag/<int:number>/trekk-tilbake", methods=["POST"])
@login_required
def withdraw(tender_id: int, number: int) -> Response:
    tender = tender_for(tender_id, DECIDE)
    found = _proposal_or_404(tender, number)
    return run_button(
        lambda: ops.withdraw(tender, found, actor=_me()),
        back=url_for("pq_select.index", tender_id=tender.id),
        success=f"Forslag nr. {number} er trukket tilbake; du kan foreslå et nytt utvalg.",
    )
