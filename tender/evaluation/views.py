"""The evaluation pages: bids and their opening, minimum requirements and rejection, individual scores,
consensus, the matrix with sensitivity, and exports (the model's pages are tender.evaluation_model's).

Every page that shows bid content checks ``bids.permissions.view_bids`` (403 before the deadline, for
everyone, the lead included) and that the bids have been opened; bids and files are loaded only within the
tender in the URL (404 otherwise).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask import Response as FlaskResponse
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from tender.bids import operations as bid_ops
from tender.bids.models import Bid, BidAttachment, BidStatus
from tender.bids.permissions import (
    bids_opened,
    confirm_opening,
    see_opened_bids,
    set_opening_persons,
    view_bid_list,
    view_bids,
)
from tender.clock import now as clock_now
from tender.core.consensus import disagreements
from tender.core.scoring import PRICE_METHODS, ConsensusRule, CriterionKind, RequirementStatus, mean_score
from tender.core.scoring.sensitivity import sensitivity
from tender.core.spec import Kind
from tender.errors import DomainError
from tender.evaluation import operations as ops
from tender.evaluation.forms import (
    CheckForm,
    CheckManyForm,
    MeanConsensusForm,
    OpenConsensusForm,
    OpeningPersonsForm,
    RejectForm,
    ScoreForm,
    TieBreakForm,
    UndoRejectForm,
)
from tender.evaluation.permissions import (
    check_requirements as may_check_requirements,
)
from tender.evaluation.permissions import (
    decide_evaluation,
    score_bids,
    see_all_scores,
    see_consensus,
)
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.case import case_to_json
from tender.evaluation_model.models import AwardCriterion, Phase
from tender.extensions import db
from tender.formatting import format_number
from tender.reports.evaluation_excel import write_evaluation_workbook
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.tenders.permissions import Rule
from tender.web.forms import EmptyForm, refusal_in_words, run_button, run_form
from tender.web.uploads import send_download

bp = Blueprint("evaluation", __name__, url_prefix="/konkurranser/<int:tender_id>/evaluering")


def _me() -> Any:
    return current_user._get_current_object()


def _opened_tender(tender_id: int, rule: Rule) -> Tender:
    """The tender, if ``rule`` lets the user see bid content now (403 before the deadline) and the bids are
    opened (403 before)."""
    return tender_for(tender_id, rule & bids_opened)


def _bid_or_404(tender: Tender, bid_id: int) -> Bid:
    bid = db.session.get(Bid, bid_id)
    # A bid of an earlier round (tender.negotiation) is kept as it was scored; only the current round's are
    # worked on here.
    if (
        bid is None
        or bid.tender_id != tender.id
        or bid.round_no != tender.current_round
        or bid.status is not BidStatus.SUBMITTED
    ):
        abort(404)
    return bid


def _criterion_or_404(tender: Tender, key: str) -> AwardCriterion:
    row = model_ops.criterion_by_key(tender, key)
    if row is None:
        abort(404)
    return row


def _prices_of(tender: Tender, rows: list[Any]) -> dict[int, Any]:
    """Every listed bid's evaluated price, None where the schedule cannot price it."""
    priced = ops.bid_prices(tender, rows)
    return {b.id: priced.price(b.id) for b in rows}


# -- bids and the opening -----------------------------------------------------------------------------------
def _bids_page(tender: Tender, *, persons_form: OpeningPersonsForm | None = None, status: int = 200) -> Any:
    now = clock_now()
    opening = bid_ops.opening_of(tender)
    visible = see_opened_bids(current_user, tender, now=now)
    rows = ops.opened_bids(tender) if visible else []
    if persons_form is None:
        persons_form = OpeningPersonsForm(formdata=None, persons=str(tender.opening_persons))
    return render_template(
        "evaluation/bids.html",
        tender=tender,
        now=now,
        opening=opening,
        record=bid_ops.opening_record(opening) if opening else None,
        rows=rows,
        status=bid_ops.opening_status(tender, now) if opening is None else None,
        prices=_prices_of(tender, rows),
        model=model_ops.model_or_default(tender),
        empty_form=EmptyForm(),
        visible=visible,
        persons_form=persons_form,
    ), status


@bp.route("/tilbud")
@login_required
def bids(tender_id: int) -> Any:
    return _bids_page(tender_for(tender_id, view_bid_list))


@bp.route("/tilbud/apne", methods=["POST"])
@login_required
def open_bids(tender_id: int) -> Response:
    """One member's confirmation of the opening; the last one needed opens the bids."""
    now = clock_now()
    tender = tender_for(tender_id, confirm_opening)
    if not EmptyForm().validate_on_submit():
        abort(400)

    def said(opening: Any) -> str:
        if opening is not None:
            return "Tilbudene er åpnet. Åpningsprotokollen er lagret."
        return (
            "Bekreftelsen din er registrert. Tilbudene åpnes når en til i anskaffelsesgruppen har bekreftet."
        )

    return run_button(
        lambda: bid_ops.confirm_opening(tender, at=now, actor=_me()),
        back=url_for("evaluation.bids", tender_id=tender.id),
        success=said,
    )


@bp.route("/tilbud/apne/trekk", methods=["POST"])
@login_required
def withdraw_opening(tender_id: int) -> Response:
    now = clock_now()
    tender = tender_for(tender_id, confirm_opening)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: bid_ops.withdraw_opening_confirmation(tender, at=now, actor=_me()),
        back=url_for("evaluation.bids", tender_id=tender.id),
        success="Bekreftelsen din er trukket tilbake. Tilbudene er ikke åpnet.",
    )


@bp.route("/tilbud/apning", methods=["POST"])
@login_required
def opening_persons(tender_id: int) -> Any:
    tender = tender_for(tender_id, set_opening_persons)
    form = OpeningPersonsForm()
    done = run_form(
        form,
        lambda: bid_ops.set_opening_persons(tender, int(form.persons.data), at=clock_now(), actor=_me()),
        back=url_for("evaluation.bids", tender_id=tender.id),
        success=lambda _: (
            "Innstillingen for tilbudsåpningen er lagret: "
            + (
                "to personer må bekrefte åpningen."
                if tender.opening_persons == 2
                else "prosjektleder kan åpne tilbudene alene."
            )
        ),
    )
    return done if done is not None else _bids_page(tender, persons_form=form, status=422)


def _check_fields(requirements: Any, checks: dict[str, Any]) -> dict[str, Markup]:
    """Each minimum requirement's own check form (its CSRF token, status and justification) as CheckForm
    rendered it through the field macro of _macros.html, written out directly: a bid at 2 000 requirements has
    hundreds of them (issue 17, point 4; tests/test_evaluation_bid_page.py compares the two byte for byte)."""
    first = CheckForm(formdata=None, prefix="k")
    token = escape(first.csrf_token.current_token)
    status_label, reason_label = escape(first.status.label.text), escape(first.reason.label.text)
    options = [(escape(c.value), escape(c.label)) for c in CheckForm.status.kwargs["choices"]]
    out = {}
    for r in requirements:
        if r.kind is not Kind.MINSTEKRAV:
            continue
        p = f"k{r.id}"
        check = checks.get(r.id)
        chosen = escape(check.status.value) if check else None
        reason = escape(check.reason or "") if check else ""
        select = "".join(
            f'<option selected value="{value}">{label}</option>'
            if value == chosen
            else f'<option value="{value}">{label}</option>'
            for value, label in options
        )
        out[r.id] = Markup(
            f'<input id="{p}-csrf_token" name="{p}-csrf_token" type="hidden" value="{token}">'
            f'<div class="field">\n    <label for="{p}-status">{status_label}</label>\n'
            f'    <select id="{p}-status" name="{p}-status">{select}</select>\n</div>\n'
            f'<div class="field">\n    <label for="{p}-reason">{reason_label}</label>\n'
            f'    <textarea id="{p}-reason" maxlength="5000" name="{p}-reason">\r\n'
            f"{reason}</textarea>\n</div>\n"
        )
    return out


def _bid_page(tender: Tender, row: Bid, *, bulk: CheckManyForm | None = None, status: int = 200) -> Any:
    spec = bid_ops.published_spec(tender)
    answers = {a.requirement_key: a for a in row.answers}
    checks = ops.requirement_checks(row)
    now = clock_now()
    check_forms = {}
    if spec is not None and may_check_requirements(current_user, tender, now=now):
        check_forms = _check_fields(spec.requirements, checks)
    items = model_ops.price_items(tender)
    municipalities = {m.id: m.name for m in tender.participating_municipalities}
    bulk = bulk or CheckManyForm(formdata=None, prefix="flere")
    # one evaluation serves the thresholds and the prices, so the page says what the matrix says
    built = ops.build_case(tender, with_individual=False)
    threshold = ops.thresholds(built).get(row.id)
    opened, priced = list(built.bids), built.priced
    return render_template(
        "evaluation/bid.html",
        tender=tender,
        bid=row,
        spec=spec,
        answers=answers,
        checks=checks,
        check_forms=check_forms,
        bulk=bulk,
        chosen=set(bulk.keys.data or ()),
        reject_form=RejectForm(
            formdata=None, reason=threshold.text if threshold and threshold.decision_missing else ""
        ),
        threshold=threshold,
        undo_form=UndoRejectForm(formdata=None),
        items={i.id: i for i in items},
        municipalities=municipalities,
        price=priced.price(row.id),
        breakdown=priced.breakdown.get(row.id),
        price_problems=priced.problems,
        price_view=ops.price_view(tender, opened, priced),
        not_met=[k for k, c in checks.items() if c.status is RequirementStatus.NOT_MET],
    ), status


@bp.route("/tilbud/<int:bid_id>")
@login_required
def bid(tender_id: int, bid_id: int) -> Any:
    tender = _opened_tender(tender_id, view_bids)
    return _bid_page(tender, _bid_or_404(tender, bid_id))


@bp.route("/tilbud/<int:bid_id>/minstekrav", methods=["POST"])
@login_required
def check_requirements(tender_id: int, bid_id: int) -> Any:
    """The minimum-requirement table: the ticked rows set at once with one status and one justification."""
    tender = _opened_tender(tender_id, may_check_requirements)
    row = _bid_or_404(tender, bid_id)
    form = CheckManyForm(prefix="flere")
    saved = run_form(
        form,
        lambda: ops.check_requirements(
            tender,
            row,
            form.keys.data or [],
            status=RequirementStatus(form.status.data),
            reason=form.reason.data or "",
            actor=_me(),
            unassessed=bool(form.unassessed.data),
        ),
        back=url_for("evaluation.bid", tender_id=tender.id, bid_id=row.id, _anchor="minstekrav"),
        success=lambda done: (
            f"Vurderingen er lagret for {len(done)} minstekrav: {', '.join(c.requirement_key for c in done)}."
        ),
    )
    return saved if saved is not None else _bid_page(tender, row, bulk=form, status=422)


@bp.route("/tilbud/<int:bid_id>/vedlegg/<int:attachment_id>")
@login_required
def attachment(tender_id: int, bid_id: int, attachment_id: int) -> Any:
    tender = _opened_tender(tender_id, view_bids)
    row = _bid_or_404(tender, bid_id)
    found = db.session.get(BidAttachment, attachment_id)
    if found is None or found.bid_id != row.id:
        abort(404)
    return send_download(io.BytesIO(found.data), found.filename, "application/octet-stream")


@bp.route("/tilbud/<int:bid_id>/minstekrav/<key>", methods=["POST"])
@login_required
def check_requirement(tender_id: int, bid_id: int, key: str) -> Response:
    tender = _opened_tender(tender_id, may_check_requirements)
    row = _bid_or_404(tender, bid_id)
    form = CheckForm(prefix=f"k{key}")
    back = url_for("evaluation.bid", tender_id=tender.id, bid_id=row.id, _anchor=f"k-{key}")
    if not form.validate_on_submit():
        flash(f"{key}: {refusal_in_words(form)}", "error")
        return redirect(back)
    return run_button(
        lambda: ops.check_requirement(
            tender,
            row,
            key,
            status=RequirementStatus(form.status.data),
            reason=form.reason.data or "",
            actor=_me(),
        ),
        back=back,
        success=f"Vurderingen av {key} er lagret.",
        failure=lambda error: f"{key}: {error.message}",
    )


@bp.route("/tilbud/<int:bid_id>/avvis/bekreft")
@login_required
def reject_confirm(tender_id: int, bid_id: int) -> Any:
    """The bid page's "Avvis tilbudet …" asks here (GET: nothing changes yet): the page that names the bid and
    repeats the reason, where the rejection is confirmed. Avvisning is never one click."""
    tender = _opened_tender(tender_id, decide_evaluation)
    row = _bid_or_404(tender, bid_id)
    back = url_for("evaluation.bid", tender_id=tender.id, bid_id=row.id)
    if row.rejected:
        flash("Tilbudet er allerede avvist.", "error")
        return redirect(back)
    form = RejectForm(formdata=None, reason=request.args.get("reason", "").strip())
    if not form.reason.validate(form):  # the reason refused by the form's own rules, in its own words
        flash(refusal_in_words(form), "error")
        return redirect(back)
    return render_template("evaluation/reject_confirm.html", tender=tender, bid=row, form=form)


@bp.route("/tilbud/<int:bid_id>/avvis", methods=["POST"])
@login_required
def reject(tender_id: int, bid_id: int) -> Any:
    tender = _opened_tender(tender_id, decide_evaluation)
    row = _bid_or_404(tender, bid_id)
    form = RejectForm()
    if not form.validate_on_submit():  # the confirmation page again, with what is missing at its field
        return render_template("evaluation/reject_confirm.html", tender=tender, bid=row, form=form), 422
    return run_button(
        lambda: ops.reject_bid(tender, row, reason=form.reason.data or "", actor=_me()),
        back=url_for("evaluation.bid", tender_id=tender.id, bid_id=row.id),
        success=f"Tilbudet fra {row.vendor.name} er avvist.",
    )


@bp.route("/tilbud/<int:bid_id>/angre-avvisning", methods=["POST"])
@login_required
def undo_rejection(tender_id: int, bid_id: int) -> Response:
    tender = _opened_tender(tender_id, decide_evaluation)
    row = _bid_or_404(tender, bid_id)
    form = UndoRejectForm()
    back = url_for("evaluation.bid", tender_id=tender.id, bid_id=row.id)
    if not form.validate_on_submit():
        flash(refusal_in_words(form), "error")
        return redirect(back)
    return run_button(
        lambda: ops.undo_rejection(tender, row, reason=form.reason.data or "", actor=_me()),
        back=back,
        success=f"Avvisningen av tilbudet fra {row.vendor.name} er angret; tilbudet er "
        "med i evalueringen igjen.",
    )


# -- individual scores ---------------------------------------------------------------------------------------
def _score_form(prefix: str, existing: Any, failed: ScoreForm | None) -> ScoreForm:
    """The form the user just submitted with its errors, else one showing the stored score (individual or
    consensus) with the version it was read at."""
    if failed is not None:
        return failed
    form = ScoreForm(formdata=None, prefix=prefix)
    if existing is None:
        form.lock_version.data = ""
    else:
        form.score.data = existing.score
        form.justification.data = existing.justification
        form.lock_version.data = str(existing.lock_version)
    return form


def _score_page(
    tender: Tender, *, errors: dict[tuple[int, int], ScoreForm] | None = None, status: int = 200
) -> Any:
    me = _me()
    leaves = ops.leaves_to_score(tender, me)
    rows = ops.opened_bids(tender)
    mine = ops.scores_by(tender, me)
    forms: dict[tuple[int, int], ScoreForm] = {}
    for b in rows:
        for c in leaves:
            forms[(b.id, c.id)] = _score_form(
                f"s{b.id}-{c.id}", mine.get((b.id, c.id)), (errors or {}).get((b.id, c.id))
            )
    plan = model_ops.scoring_plan(tender)
    return render_template(
        "evaluation/scores.html",
        tender=tender,
        leaves=leaves,
        rows=rows,
        forms=forms,
        model=model_ops.model_or_default(tender),
        step_text=ops.steps_text(model_ops.model_or_default(tender)),
        assigned={c.id: plan[c.id].assigned for c in leaves},
    ), status


@bp.route("/poeng")
@login_required
def scores(tender_id: int) -> Any:
    tender = _opened_tender(tender_id, score_bids)
    return _score_page(tender)


@bp.route("/poeng/<int:bid_id>/<key>", methods=["POST"])
@login_required
def save_score(tender_id: int, bid_id: int, key: str) -> Any:
    tender = _opened_tender(tender_id, score_bids)
    row = _bid_or_404(tender, bid_id)
    criterion = _criterion_or_404(tender, key)
    form = ScoreForm(prefix=f"s{row.id}-{criterion.id}")
    done = run_form(
        form,
        lambda: _save_score_form(
            form,
            lambda score, justification, version: ops.save_individual_score(
                tender,
                row,
                criterion,
                evaluator=_me(),
                score=score,
                justification=justification,
                expected_version=version,
            ),
        ),
        back=url_for("evaluation.scores", tender_id=tender.id, _anchor=f"s{row.id}-{criterion.id}"),
        success=f"Poengene for {row.vendor.name} på «{criterion.name}» er lagret.",
        refused=lambda error: _score_page(
            tender, errors={(row.id, criterion.id): form}, status=_score_refused(form, error)
        ),
    )
    return (
        done if done is not None else _score_page(tender, errors={(row.id, criterion.id): form}, status=422)
    )


def _save_score_form(form: Any, save: Callable[[Decimal | None, str, int | None], object]) -> None:
    """Save a validated individual or consensus score form (``run_form`` around it answers); a form without
    a score (the mean rule's consensus) gives None. A concurrent save of the very same score shows at the
    flush here, not in the request's commit, and becomes a ScoreConflict: reported on the form, nothing
    lost."""
    try:
        save(
            (form.score.data or Decimal(0)) if hasattr(form, "score") else None,
            form.justification.data or "",
            int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None,
        )
        db.session.flush()
    except (IntegrityError, StaleDataError):
        raise ops.ScoreConflict(
            "Poengene ble lagret samtidig et annet sted. Last siden på nytt og se over.", None
        ) from None


def _score_refused(form: Any, error: DomainError) -> int:
    """The status for a refused score (its reasons are on the form already): 409 for a conflict, with the
    form now at the stored version, 422 otherwise."""
    if isinstance(error, ops.ScoreConflict):
        if error.current is not None:
            form.lock_version.data = str(error.current.lock_version)
        return 409
    return 422


# -- consensus -----------------------------------------------------------------------------------------------
def _consensus_page(
    tender: Tender, *, errors: dict[tuple[int, int], ScoreForm] | None = None, status: int = 200
) -> Any:
    model = model_ops.model_or_default(tender)
    leaves = model_ops.quality_leaves(tender)
    rows = ops.opened_bids(tender)
    individual: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for s in ops.all_individual_scores(tender):
        individual[(s.bid_id, s.criterion_id)].append(s)
    consensus = ops.consensus_scores(tender)
    forms: dict[tuple[int, int], ScoreForm] = {}
    flagged = disagreements(
        {key: [s.score for s in found] for key, found in individual.items()}, model.disagreement_threshold
    )
    spread = {(b.id, c.id): (b.id, c.id) in flagged for b in rows for c in leaves}
    mean_rule = model.consensus_rule == ConsensusRule.MEAN.value
    means: dict[tuple[int, int], Any] = {}
    for b in rows:
        for c in leaves:
            failed = (errors or {}).get((b.id, c.id))
            if mean_rule:
                forms[(b.id, c.id)] = _mean_form(f"c{b.id}-{c.id}", consensus.get((b.id, c.id)), failed)
                given = [s.score for s in individual[(b.id, c.id)]]
                means[(b.id, c.id)] = mean_score(Fraction(v) for v in given) if given else None
            else:
                forms[(b.id, c.id)] = _score_form(f"c{b.id}-{c.id}", consensus.get((b.id, c.id)), failed)
    return render_template(
        "evaluation/consensus.html",
        tender=tender,
        model=model,
        leaves=leaves,
        rows=rows,
        individual=individual,
        forms=forms,
        spread=spread,
        mean_rule=mean_rule,
        means=means,
        consensus=consensus,
        empty_form=EmptyForm(),
    ), status


def _mean_form(prefix: str, existing: Any, failed: Any) -> MeanConsensusForm:
    """Under the mean rule: the form submitted with its errors, else one showing the stored justification."""
    if failed is not None:
        return failed
    form = MeanConsensusForm(formdata=None, prefix=prefix)
    form.lock_version.data = "" if existing is None else str(existing.lock_version)
    if existing is not None:
        form.justification.data = existing.justification
    return form


@bp.route("/konsensus")
@login_required
def consensus(tender_id: int) -> Any:
    tender = _opened_tender(tender_id, see_consensus)
    return _consensus_page(tender)


def _open_consensus_page(tender: Tender, form: OpenConsensusForm, status: int = 200) -> Any:
    gaps = ops.unscored(tender)
    return render_template(
        "evaluation/open_consensus.html",
        tender=tender,
        form=form,
        without=[g for g in gaps if g.none],
        incomplete=[g for g in gaps if not g.none],
    ), status


@bp.route("/konsensus/apne")
@login_required
def confirm_consensus(tender_id: int) -> Any:
    """The step before opening consensus: which bids and criteria lack individual scores, and a
    confirmation."""
    tender = _opened_tender(tender_id, decide_evaluation)
    if model_ops.model_or_default(tender).phase is Phase.CONSENSUS:
        flash("Konsensusfasen er allerede åpnet.", "error")
        return redirect(url_for("evaluation.consensus", tender_id=tender.id))
    return _open_consensus_page(tender, OpenConsensusForm(formdata=None))


@bp.route("/konsensus/apne", methods=["POST"])
@login_required
def open_consensus(tender_id: int) -> Any:
    tender = _opened_tender(tender_id, decide_evaluation)
    form = OpenConsensusForm()
    if not form.validate_on_submit():  # no confirmation: nothing changes, the list is shown again
        return _open_consensus_page(tender, form, status=422)
    return run_button(
        lambda: ops.open_consensus(tender, confirmed=bool(form.confirm.data), actor=_me()),
        back=url_for("evaluation.consensus", tender_id=tender.id),
        success="Konsensusfasen er åpnet. De individuelle poengene er låst.",
    )


@bp.route("/konsensus/<int:bid_id>/<key>", methods=["POST"])
@login_required
def save_consensus(tender_id: int, bid_id: int, key: str) -> Any:
    tender = _opened_tender(tender_id, decide_evaluation)
    row = _bid_or_404(tender, bid_id)
    criterion = _criterion_or_404(tender, key)
    mean_rule = model_ops.model_or_default(tender).consensus_rule == ConsensusRule.MEAN.value
    form: Any = (MeanConsensusForm if mean_rule else ScoreForm)(prefix=f"c{row.id}-{criterion.id}")
    done = run_form(
        form,
        lambda: _save_score_form(
            form,
            lambda score, justification, version: ops.save_consensus(
                tender,
                row,
                criterion,
                score=score,
                justification=justification,
                actor=_me(),
                expected_version=version,
            ),
        ),
        back=url_for("evaluation.consensus", tender_id=tender.id, _anchor=f"c{row.id}-{criterion.id}"),
        success=f"Konsensuspoengene for {row.vendor.name} på «{criterion.name}» er lagret.",
        refused=lambda error: _consensus_page(
            tender, errors={(row.id, criterion.id): form}, status=_score_refused(form, error)
        ),
    )
    return (
        done
        if done is not None
        else _consensus_page(tender, errors={(row.id, criterion.id): form}, status=422)
    )


# -- matrix and exports -------------------------------------------------------------------------------------
@bp.route("/matrise")
@login_required
def matrix(tender_id: int) -> Any:
    tender = _opened_tender(tender_id, view_bids)
    built = ops.build_case(tender, with_individual=False)
    placed = built.result.model.placed if built.result is not None else ()
    model = model_ops.model_or_default(tender)
    return render_template(
        "evaluation/matrix.html",
        tender=tender,
        built=built,
        found=None,
        placed=placed,
        CriterionKind=CriterionKind,
        tie_form=TieBreakForm(),
        model=model,
        method=PRICE_METHODS.get(model.price_method),
        fmt=_fmt,
        thresholds=_thresholds_by_case_id(built),
        price_view=ops.price_view(tender, built.bids, built.priced),
    )


def _thresholds_by_case_id(built: ops.Built) -> dict[str, ops.ThresholdState]:
    """The bids against the announced quality thresholds, by the core's bid id (the matrix's key)."""
    states = ops.thresholds(built)
    return {ops.case_bid_id(b): states[b.id] for b in built.bids if b.id in states}


@bp.route("/matrise/folsomhet")
@login_required
def sensitivity_page(tender_id: int) -> Any:
    """The core's sensitivity analysis: exact, but its price cuts are found by bisection, so it has a page
    of its own and the matrix stays fast."""
    tender = _opened_tender(tender_id, view_bids)
    built = ops.build_case(tender, with_individual=False)
    found = sensitivity(built.result) if built.result is not None else None
    placed = built.result.model.placed if built.result is not None else ()
    model = model_ops.model_or_default(tender)
    return render_template(
        "evaluation/matrix.html",
        tender=tender,
        built=built,
        found=found,
        placed=placed,
        CriterionKind=CriterionKind,
        tie_form=TieBreakForm(),
        model=model,
        method=PRICE_METHODS.get(model.price_method),
        fmt=_fmt,
        price_view=ops.price_view(tender, built.bids, built.priced),
        sensitivity_view=True,
        thresholds=_thresholds_by_case_id(built),
    )


def _fmt(value: Any, decimals: int = 2) -> str:
    """Exact values rounded for display only, Norwegian style (space thousands, comma decimals)."""
    return format_number(value, decimals)


@bp.route("/matrise.xlsx")
@login_required
def matrix_xlsx(tender_id: int) -> Any:
    tender = _opened_tender(tender_id, view_bids)
    built = ops.build_case(tender, with_individual=see_all_scores(current_user, tender))
    if built.case is None or built.result is None:
        flash("Matrisen kan ikke eksporteres ennå: " + "; ".join(built.problems[:5]), "error")
        return redirect(url_for("evaluation.matrix", tender_id=tender.id))
    stream = io.BytesIO()
    write_evaluation_workbook(built.case, built.result, stream)
    stream.seek(0)
    return send_download(
        stream,
        f"evaluering-{tender.id}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/sak.json")
@login_required
def case_json(tender_id: int) -> Any:
    tender = _opened_tender(tender_id, view_bids)
    built = ops.build_case(tender, with_individual=see_all_scores(current_user, tender))
    if built.case is None:
        flash("Modellen har feil: " + "; ".join(built.problems[:5]), "error")
        return redirect(url_for("evaluation.matrix", tender_id=tender.id))
    body = json.dumps(case_to_json(_case_for_file(built.case)), ensure_ascii=False, indent=2)
    return FlaskResponse(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="evaluering-{tender.id}.json"'},
    )


def _case_for_file(case: Any) -> Any:
    """Under the mean rule, a consensus score the case's individual scores give is left to them: ``tender
    score`` makes the same exact mean (a mean such as 11/3 has no exact decimal to write)."""
    if case.model.consensus is not ConsensusRule.MEAN:
        return case
    bids = []
    for b in case.bids:
        made = {s.criterion_id for s in case.individual_scores.get(b.id, ())}
        bids.append(replace(b, scores={k: v for k, v in b.scores.items() if k not in made}))
    return replace(case, bids=tuple(bids))


@bp.route("/uavgjort", methods=["POST"])
@login_required
def tie_break(tender_id: int) -> Response:
    tender = _opened_tender(tender_id, decide_evaluation)
    form = TieBreakForm()
    back = url_for("evaluation.matrix", tender_id=tender.id)
    if not form.validate_on_submit():
        flash(refusal_in_words(form), "error")
        return redirect(back)
    order = [o.strip() for o in (form.order.data or "").split(",") if o.strip()]
    return run_button(
        lambda: ops.record_tie_break(tender, order, reason=form.reason.data or "", actor=_me()),
        back=back,
        success="Beslutningen om rekkefølge ved likhet er lagret.",
    )
