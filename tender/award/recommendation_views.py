"""The recommendation's pages: the lead's draft beside the live ranking of the final round, and the frozen
snapshot the signers read and decide on (its hash, the matrix, the sensitivity, the texts, the cost split).

Sealing: every page needs the final round's bids opened (403 before). Signers never see the draft or the
live scoring, only a frozen snapshot; vendors are not let in at all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tender.award import recommendation_operations as ops
from tender.award.models import DecisionBody, Recommendation, RecommendationState, SignOffDecision
from tender.award.operations import current_recommendation, recommendations_of, valid_sign_offs
from tender.award.permissions import (
    draft_recommendation,
    see_recommendation,
    sign_recommendation,
)
from tender.award.recommendation_forms import SignOffForm, WithdrawForm, texts_form
from tender.core.scoring import PRICE_METHODS
from tender.extensions import db
from tender.negotiation.operations import round_not_evaluated
from tender.tenders.access import tender_for
from tender.tenders.models import Municipality, Tender
from tender.web.forms import EmptyForm, run_button, run_form

bp = Blueprint(
    "award_recommendation", __name__, url_prefix="/konkurranser/<int:tender_id>/tildeling/innstilling"
)


def _me() -> Any:
    return current_user._get_current_object()


def _rec_or_404(tender: Tender, rec_id: int) -> Recommendation:
    rec = db.session.get(Recommendation, rec_id)
    if rec is None or rec.tender_id != tender.id:
        abort(404)
    return rec


def _num(value: Any) -> Decimal | None:
    """A snapshot's decimal string as a number for the formatting filters."""
    return None if value is None or value == "" else Decimal(str(value))


# -- the draft -----------------------------------------------------------------------------------------------
def _index_page(
    tender: Tender, *, texts: Any = None, withdraw: WithdrawForm | None = None, status: int = 200
) -> Any:
    rec = current_recommendation(tender)
    draft = ops.draft_of(tender, rec) if rec is not None and rec.state is RecommendationState.DRAFT else None
    if draft is not None and texts is None:
        texts = texts_form(
            [s.name for s in draft.slots],
            formdata=None,
            summary=rec.summary if rec is not None else "",
            **{s.name: s.text for s in draft.slots},
        )
    waiting = round_not_evaluated(tender) if rec is None else None
    return render_template(
        "award/recommendation/index.html",
        tender=tender,
        rec=rec,
        draft=draft,
        texts=texts,
        withdraw_form=withdraw or WithdrawForm(formdata=None),
        empty_form=EmptyForm(),
        waiting=waiting,
        history=[r for r in recommendations_of(tender) if r is not rec],
        board=ops.board(tender),
        missing=ops.missing_texts(tender, rec) if draft is not None and draft.problem is None else [],
        # the vendors a reduction let go: the snapshot will list them (format 3), and they get notices too
        reduced=ops.snap.reduced_part(tender, rec.round_no) if draft is not None and rec is not None else [],
    ), status


@bp.route("")
@login_required
def index(tender_id: int) -> Any:
    # signers see the board and the frozen snapshot's link here; the draft only the group that evaluates
    # (the template asks view_recommendation)
    return _index_page(tender_for(tender_id, see_recommendation))


@bp.route("/ny", methods=["POST"])
@login_required
def start(tender_id: int) -> Response:
    tender = tender_for(tender_id, draft_recommendation)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.start_draft(tender, actor=_me()),
        back=url_for("award_recommendation.index", tender_id=tender.id),
        success=lambda rec: (
            f"Innstilling nr. {rec.number} er påbegynt. Skriv begrunnelsen for hvert kriterium."
        ),
    )


@bp.route("/<int:rec_id>/tekster", methods=["POST"])
@login_required
def save_texts(tender_id: int, rec_id: int) -> Any:
    tender = tender_for(tender_id, draft_recommendation)
    rec = _rec_or_404(tender, rec_id)
    back = url_for("award_recommendation.index", tender_id=tender.id)
    if rec.state is not RecommendationState.DRAFT:
        return run_button(lambda: ops.save_texts(tender, rec, {}, "", actor=_me()), back=back)
    draft = ops.draft_of(tender, rec)
    form = texts_form([s.name for s in draft.slots])
    done = run_form(
        form,
        lambda: ops.save_texts(
            tender,
            rec,
            {s.name: form[s.name].data or "" for s in draft.slots},
            form.summary.data or "",
            actor=_me(),
        ),
        back=back,
        success=lambda n: f"Innstillingen er lagret ({n} av {len(draft.slots)} begrunnelser skrevet).",
    )
    return done if done is not None else _index_page(tender, texts=form, status=422)


@bp.route("/<int:rec_id>/las", methods=["POST"])
@login_required
def freeze(tender_id: int, rec_id: int) -> Response:
    tender = tender_for(tender_id, draft_recommendation)
    rec = _rec_or_404(tender, rec_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.freeze(tender, rec, actor=_me()),
        back=url_for("award_recommendation.index", tender_id=tender.id),
        success=lambda sha: f"Innstillingen er låst for godkjenning. Kontrollsum: {sha}.",
    )


@bp.route("/<int:rec_id>/trekk", methods=["POST"])
@login_required
def withdraw(tender_id: int, rec_id: int) -> Any:
    tender = tender_for(tender_id, draft_recommendation)
    rec = _rec_or_404(tender, rec_id)
    form = WithdrawForm()
    done = run_form(
        form,
        lambda: ops.withdraw(tender, rec, reason=form.reason.data or "", actor=_me()),
        back=url_for("award_recommendation.index", tender_id=tender.id),
        success=f"Innstilling nr. {rec.number} er trukket tilbake. Konkurransen er tilbake i evalueringen.",
    )
    return done if done is not None else _index_page(tender, withdraw=form, status=422)


# -- the frozen snapshot and the sign-off ------------------------------------------------------------------
def _sign_form(rec: Recommendation, municipality: Municipality) -> SignOffForm:
    form = SignOffForm(formdata=None, prefix=f"m{municipality.id}")
    form.content_sha256.data = rec.content_sha256
    return form


def _snapshot_page(
    tender: Tender,
    rec: Recommendation,
    *,
    failed: tuple[int, SignOffForm] | None = None,
    status: int = 200,
) -> Any:
    content = ops.snapshot_of(rec) if rec.state is not RecommendationState.DRAFT else None
    forms: dict[int, SignOffForm] = {}
    decided = valid_sign_offs(rec)
    if rec.state is RecommendationState.FROZEN:
        bound = set(tender.bound_municipalities)
        for m in tender.signer_municipalities(_me()):
            if m in bound and m.id not in decided:
                forms[m.id] = _sign_form(rec, m)
    if failed is not None:
        forms[failed[0]] = failed[1]
    criteria = {c["key"]: c for c in content["criteria"]} if content else {}
    names = {c["key"]: c["name"] for c in content["evaluation"]["model"]} if content else {}
    vendors = {b["bid_id"]: b["vendor"] for b in content["bids"]} if content else {}
    return render_template(
        "award/recommendation/snapshot.html",
        tender=tender,
        rec=rec,
        content=content,
        criteria=criteria,
        names=names,
        vendors=vendors,
        forms=forms,
        municipalities={m.id: m for m in tender.participating_municipalities},
        board=ops.board(tender),
        num=_num,
        price_method=PRICE_METHODS.get(content["evaluation"]["price_method"]) if content else None,
        announced=ops.snap.announced_lines(content) if content else [],
    ), status


@bp.route("/<int:rec_id>")
@login_required
def snapshot(tender_id: int, rec_id: int) -> Any:
    tender = tender_for(tender_id, see_recommendation)
    return _snapshot_page(tender, _rec_or_404(tender, rec_id))


@bp.route("/<int:rec_id>/godkjenning/<int:municipality_id>", methods=["POST"])
@login_required
def sign(tender_id: int, rec_id: int, municipality_id: int) -> Any:
    tender = tender_for(tender_id, sign_recommendation)
    rec = _rec_or_404(tender, rec_id)
    municipality = next((m for m in tender.participating_municipalities if m.id == municipality_id), None)
    if municipality is None:
        abort(404)
    form = SignOffForm(prefix=f"m{municipality.id}")
    back = url_for("award_recommendation.snapshot", tender_id=tender.id, rec_id=rec.id)
    done = run_form(
        form,
        lambda: ops.sign_off(
            tender,
            rec,
            municipality,
            ops.Decision(
                decision=SignOffDecision(form.decision.data),
                comment=form.comment.data or "",
                body=DecisionBody(form.body.data),
                decision_date=form.decision_date.data,
                case_number=form.case_number.data or "",
            ),
            shown_hash=form.content_sha256.data or "",
            signer=_me(),
        ),
        back=back,
        success=lambda row: (
            f"{municipality.name} har godkjent innstillingen."
            if row.decision is SignOffDecision.APPROVED
            else f"{municipality.name} har avvist innstillingen. Den er trukket tilbake, og konkurransen er "
            "tilbake i evalueringen."
        ),
    )
    if done is not None:
        return done
    # the page shows the snapshot as it is now, so the form carries that one's hash
    form.content_sha256.data = rec.content_sha256
    return _snapshot_page(tender, rec, failed=(municipality.id, form), status=422)
