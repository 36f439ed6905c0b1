"""The evaluation model's pages: the criteria tree with who scores what, the price schedule, the settings, and
the lock. The scoring of the bids under it is tender.evaluation's; the model page shows who scores what from
there, and an assignment may change only while no one has scored (tender.evaluation.operations)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from tender.auth.models import User
from tender.bids import operations as bid_ops
from tender.clock import now
from tender.core.scoring import PRICE_METHODS, ScoringError
from tender.core.spec import Kind
from tender.errors import DomainError
from tender.evaluation import operations as evaluation_ops
from tender.evaluation_model import operations as ops
from tender.evaluation_model.forms import (
    CONSENSUS_CHOICES,
    STEP_CHOICES,
    AssignForm,
    CriterionForm,
    MinScoreForm,
    PriceEvaluationForm,
    PriceItemForm,
    SettingsForm,
    WeightForm,
)
from tender.evaluation_model.models import AwardCriterion, CriterionKindValue, PriceItem, PriceItemKind
from tender.evaluation_model.permissions import edit_evaluation_model, view_evaluation_model
from tender.extensions import db
from tender.tenders.access import tender_for
from tender.tenders.models import Role, Tender
from tender.web.forms import EmptyForm, refusal_in_words, run_button, run_form

bp = Blueprint("evaluation_model", __name__, url_prefix="/konkurranser/<int:tender_id>/evaluering")


def _me() -> Any:
    return current_user._get_current_object()


def _criterion_or_404(tender: Tender, key: str) -> AwardCriterion:
    row = ops.criterion_by_key(tender, key)
    if row is None:
        abort(404)
    return row


# -- the model ---------------------------------------------------------------------------------------------
def _settings_form(tender: Tender) -> SettingsForm:
    model = ops.model_or_default(tender)
    form = SettingsForm()
    if request.method == "GET":
        form.scale_max.data = model.scale_max
        step = _step_text(model.scale_step)
        if step in {value for value, _ in STEP_CHOICES}:
            form.scale_step.data = step
        else:
            form.scale_step.data, form.scale_step_other.data = "annet", model.scale_step
        form.consensus_rule.data = model.consensus_rule or "agreed"
        form.surcharge_percent.data = model.surcharge_percent
        form.deduction_percent.data = model.deduction_percent
        form.min_quality.data = model.min_quality
        form.price_method.data = model.price_method
        form.price_k.data = model.price_k
        form.nok_per_point.data = model.nok_per_point
        form.normalise.data = model.normalise
        form.contract_period.data = model.contract_period
        form.disagreement_threshold.data = model.disagreement_threshold
    return form


def _step_text(step: Decimal | None) -> str:
    """A stored step as the settings' choices spell it ("1", "0.5", "0.1", "0")."""
    value = Decimal(step if step is not None else 1)
    return "0" if value == 0 else f"{value.normalize():f}"


def _chosen_step(form: SettingsForm) -> Decimal:
    """The step the lead chose, or typed under "Annet trinn"."""
    if form.scale_step.data != "annet":
        return Decimal(form.scale_step.data or "1")
    if form.scale_step_other.data is None:
        raise DomainError("Oppgi trinnet, eller velg et av trinnene i listen.", field="scale_step_other")
    if form.scale_step_other.data <= 0:
        raise DomainError(
            "Trinnet må være større enn 0 (velg «Kontinuerlig» for alle verdier).", field="scale_step_other"
        )
    return form.scale_step_other.data


def _price_evaluation_form(tender: Tender) -> PriceEvaluationForm:
    model = ops.model_or_default(tender)
    form = PriceEvaluationForm()
    if request.method == "GET":
        form.method.data = model.price_evaluation or "life_cycle"
        form.discount_rate_percent.data = model.discount_rate_percent
        form.gaps.data = model.price_gaps or "reject"
    return form


def _criterion_form(tender: Tender, rows: list[AwardCriterion]) -> CriterionForm:
    form = CriterionForm()
    form.parent.choices = [SelectChoice("", "– toppnivå –")] + [
        SelectChoice(r.key, r.name) for r in rows if r.kind is CriterionKindValue.QUALITY
    ]
    return form


def _model_page(
    tender: Tender,
    *,
    settings: SettingsForm | None = None,
    criterion: CriterionForm | None = None,
    price_item: PriceItemForm | None = None,
    price_evaluation: PriceEvaluationForm | None = None,
    freeze_errors: list[str] | None = None,
    status: int = 200,
) -> Any:
    rows = ops.criteria_of(tender)
    model = ops.model_or_default(tender)
    spec = bid_ops.published_spec(tender)
    under: dict[str, list[Any]] = defaultdict(list)
    if spec is not None:
        for r in spec.requirements:
            if r.kind is Kind.EVALUERINGSKRAV and r.criterion:
                under[r.criterion].append(r)
    evaluators = [m.user for m in tender.memberships if m.role is Role.EVALUATOR]
    assign = AssignForm()
    assign.evaluator.choices = [SelectChoice(str(u.id), u.name) for u in evaluators]
    method = PRICE_METHODS.get(model.price_method)
    return render_template(
        "evaluation_model/model.html",
        tender=tender,
        model=model,
        rows=rows,
        depth=ops.depth_of(rows),
        sums=ops.level_sums(rows),
        problems=ops.model_problems(tender) if rows else [],
        settings=settings or _settings_form(tender),
        criterion_form=criterion or _criterion_form(tender, rows),
        price_form=price_item or PriceItemForm(),
        price_evaluation_form=price_evaluation or _price_evaluation_form(tender),
        price_formula=ops.price_formula(model),
        price_evaluations=ops.PRICE_EVALUATIONS,
        price_gap_rules=ops.PRICE_GAP_RULES,
        weight_form=WeightForm(),
        min_score_form=MinScoreForm(),
        step_text=evaluation_ops.steps_text(model),
        consensus_label=dict(CONSENSUS_CHOICES).get(model.consensus_rule or "agreed", ""),
        quality_max=_quality_max(tender),
        assign_form=assign,
        items=ops.price_items(tender),
        method=method,
        under=under,
        empty_form=EmptyForm(),
        freeze_errors=freeze_errors or [],
        now=now(),
        orphans=sorted(set(under) - {r.key for r in rows}),
        who=evaluation_ops.who_scores(tender),
        spec=spec,
    ), status


def _quality_max(tender: Tender) -> Any:
    """The most weighted quality points a bid can get (Qmax), when the model is complete enough to say."""
    try:
        return ops.scoring_model(tender).quality_max
    except ScoringError:
        return None


@bp.route("")
@login_required
def model(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_evaluation_model)
    return _model_page(tender)


@bp.route("/innstillinger", methods=["POST"])
@login_required
def settings(tender_id: int) -> Any:
    tender = tender_for(tender_id, edit_evaluation_model)
    form = _settings_form(tender)

    def update() -> None:
        step = _chosen_step(form)
        data = ops.ModelSettings(
            scale_max=form.scale_max.data or Decimal(0),
            scale_step=step,
            consensus_rule=form.consensus_rule.data or "agreed",
            min_quality=form.min_quality.data,
            surcharge_percent=form.surcharge_percent.data,
            deduction_percent=form.deduction_percent.data,
            price_method=form.price_method.data or "",
            price_k=form.price_k.data,
            nok_per_point=form.nok_per_point.data,
            normalise=bool(form.normalise.data),
            contract_period=form.contract_period.data or "",
            disagreement_threshold=form.disagreement_threshold.data or Decimal(0),
        )
        try:
            ops.update_settings(tender, data, actor=_me())
        except DomainError as error:
            if "scale_step" in error.reasons and form.scale_step.data == "annet":
                # the step the lead typed is the one at fault
                error.reasons["scale_step_other"] = error.reasons.pop("scale_step")
            raise

    done = run_form(
        form,
        update,
        back=url_for("evaluation_model.model", tender_id=tender.id),
        success="Innstillingene er lagret.",
    )
    return done if done is not None else _model_page(tender, settings=form, status=422)


@bp.route("/kriterier", methods=["POST"])
@login_required
def add_criterion(tender_id: int) -> Any:
    tender = tender_for(tender_id, edit_evaluation_model)
    form = _criterion_form(tender, ops.criteria_of(tender))

    def add() -> AwardCriterion:
        data = ops.CriterionInput(
            key=form.key.data or "",
            name=form.name.data or "",
            parent_key=form.parent.data or None,
            kind=CriterionKindValue(form.kind.data),
            weight=form.weight.data or Decimal(0),
            weight_min=form.weight_min.data,
            weight_max=form.weight_max.data,
            documentation=form.documentation.data or "",
            min_score=form.min_score.data,
        )
        return ops.add_criterion(tender, data, actor=_me())

    done = run_form(
        form,
        add,
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="kriterier"),
        success=lambda row: f"Kriteriet «{row.name}» er lagt til.",
    )
    return done if done is not None else _model_page(tender, criterion=form, status=422)


@bp.route("/kriterier/<key>/vekt", methods=["POST"])
@login_required
def change_weight(tender_id: int, key: str) -> Any:
    tender = tender_for(tender_id, edit_evaluation_model)
    row = _criterion_or_404(tender, key)
    form = WeightForm()
    if not form.validate_on_submit():
        flash(refusal_in_words(form), "error")
        return redirect(url_for("evaluation_model.model", tender_id=tender.id, _anchor="kriterier"))
    return run_button(
        lambda: ops.update_criterion_weight(tender, row, form.weight.data or Decimal(0), actor=_me()),
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="kriterier"),
        success=f"Vekten for «{row.name}» er endret.",
    )


@bp.route("/kriterier/<key>/minstepoeng", methods=["POST"])
@login_required
def change_min_score(tender_id: int, key: str) -> Any:
    tender = tender_for(tender_id, edit_evaluation_model)
    row = _criterion_or_404(tender, key)
    form = MinScoreForm()
    back = url_for("evaluation_model.model", tender_id=tender.id, _anchor="kriterier")
    if not form.validate_on_submit():
        flash(f"{row.name}: {refusal_in_words(form)}", "error")
        return redirect(back)
    return run_button(
        lambda: ops.update_criterion_min_score(tender, row, form.min_score.data, actor=_me()),
        back=back,
        success=(
            f"Minstepoengene for «{row.name}» er endret."
            if form.min_score.data is not None
            else f"«{row.name}» har ikke lenger minstepoeng."
        ),
        failure=lambda error: f"{row.name}: {error.message}",
    )


@bp.route("/kriterier/<key>/slett", methods=["POST"])
@login_required
def delete_criterion(tender_id: int, key: str) -> Response:
    tender = tender_for(tender_id, edit_evaluation_model)
    row = _criterion_or_404(tender, key)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.delete_criterion(tender, row, actor=_me()),
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="kriterier"),
        success="Kriteriet er slettet.",
    )


@bp.route("/kriterier/<key>/evaluatorer", methods=["POST"])
@login_required
def assign_evaluator(tender_id: int, key: str) -> Response:
    tender = tender_for(tender_id, edit_evaluation_model)
    row = _criterion_or_404(tender, key)
    form = AssignForm()
    form.evaluator.choices = [
        SelectChoice(str(m.user_id), m.user.name) for m in tender.memberships if m.role is Role.EVALUATOR
    ]
    back = url_for("evaluation_model.model", tender_id=tender.id, _anchor="evaluatorer")
    if not form.validate_on_submit():
        flash(refusal_in_words(form), "error")
        return redirect(back)
    user = next(m.user for m in tender.memberships if str(m.user_id) == form.evaluator.data)
    return run_button(
        lambda: evaluation_ops.assign_evaluator(tender, row, user, actor=_me()),
        back=back,
        success=f"{user.name} er tildelt «{row.name}».",
    )


@bp.route("/kriterier/<key>/evaluatorer/<int:user_id>/fjern", methods=["POST"])
@login_required
def unassign_evaluator(tender_id: int, key: str, user_id: int) -> Response:
    tender = tender_for(tender_id, edit_evaluation_model)
    row = _criterion_or_404(tender, key)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: evaluation_ops.unassign_evaluator(tender, row, user, actor=_me()),
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="evaluatorer"),
        success=f"{user.name} er ikke lenger tildelt «{row.name}».",
    )


@bp.route("/prisskjema", methods=["POST"])
@login_required
def add_price_item(tender_id: int) -> Any:
    tender = tender_for(tender_id, edit_evaluation_model)
    form = PriceItemForm()
    done = run_form(
        form,
        lambda: ops.add_price_item(
            tender,
            name=form.name.data or "",
            kind=PriceItemKind(form.kind.data),
            per_municipality=bool(form.per_municipality.data),
            quantity=form.quantity.data,
            actor=_me(),
        ),
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="prisskjema"),
        success="Posten er lagt til i prisskjemaet.",
    )
    return done if done is not None else _model_page(tender, price_item=form, status=422)


@bp.route("/prisskjema/evaluert-pris", methods=["POST"])
@login_required
def price_evaluation(tender_id: int) -> Any:
    """How the evaluated price is made of the schedule: life-cycle cost (optionally discounted), basket or
    average, and the rule for a line a bid leaves without a price."""
    tender = tender_for(tender_id, edit_evaluation_model)
    form = _price_evaluation_form(tender)
    done = run_form(
        form,
        lambda: ops.update_price_evaluation(
            tender,
            ops.PriceEvaluationSettings(
                method=form.method.data or "",
                discount_rate_percent=form.discount_rate_percent.data,
                gaps=form.gaps.data or "",
            ),
            actor=_me(),
        ),
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="prisskjema"),
        success="Utregningen av evaluert pris er lagret.",
    )
    return done if done is not None else _model_page(tender, price_evaluation=form, status=422)


@bp.route("/prisskjema/<int:item_id>/slett", methods=["POST"])
@login_required
def delete_price_item(tender_id: int, item_id: int) -> Response:
    tender = tender_for(tender_id, edit_evaluation_model)
    item = db.session.get(PriceItem, item_id)
    if item is None or item.tender_id != tender.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.delete_price_item(tender, item, actor=_me()),
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="prisskjema"),
        success="Posten er fjernet.",
    )


@bp.route("/las", methods=["POST"])
@login_required
def freeze(tender_id: int) -> Any:
    tender = tender_for(tender_id, edit_evaluation_model)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_form(
        None,
        lambda: ops.freeze(tender, at=now(), actor=_me()),
        back=url_for("evaluation_model.model", tender_id=tender.id, _anchor="evaluatorer"),
        success=lambda _: "Evalueringsmodellen er låst. " + evaluation_ops.who_scores(tender).summary(),
        refused=lambda error: _model_page(
            tender, freeze_errors=[m for ms in error.reasons.values() for m in ms], status=422
        ),
    )
