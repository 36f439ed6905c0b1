"""The cost split page ("Kostnadsfordeling og opsjonskommuner"): the lead marks the option municipalities and
chooses the key; the group reads the split of the winning bid's prices once the final round is opened, and
downloads it as a workbook with live formulas. Vendors never see it (the group's rule); before the opening
it shows the municipalities only, no price (sealing).
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from tender.award import cost_operations as ops
from tender.award.cost_forms import KeyForm, OptionForm, SharePercentForm
from tender.award.models import CostSplitKey
from tender.award.permissions import manage_costs, view_costs
from tender.core.cost_split import REMAINDER_RULE
from tender.formatting import format_decimal, format_for_input, format_money, format_percent
from tender.reports.cost_split_excel import BoundLine, CostSplitSheet, OptionLine, write_cost_split_workbook
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.web.forms import run_form
from tender.web.uploads import send_download

bp = Blueprint("award_costs", __name__, url_prefix="/konkurranser/<int:tender_id>/kostnadsfordeling")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _me() -> Any:
    return current_user._get_current_object()


def _bound(tender: Tender) -> list[Any]:
    return sorted(tender.bound_municipalities, key=lambda m: m.kommunenummer)


def _share_lines(tender: Tender, formdata: Any) -> list[tuple[Any, SharePercentForm]]:
    lines = [(m, SharePercentForm(formdata=formdata, prefix=f"m-{m.id}")) for m in _bound(tender)]
    for m, line in lines:
        line.percent.label.text = f"Prosentsats for {m.name}"
    return lines


def _page(tender: Tender, status: int = 200, **forms: Any) -> Any:
    """The page, with the forms of a refused post keeping what was typed."""
    chosen = ops.cost_split_of(tender)
    option_form = forms.get("option") or OptionForm(formdata=None)
    option_form.municipality.choices = [
        (str(tm.municipality_id), tm.municipality.name)
        for tm in sorted(tender.municipalities, key=lambda tm: tm.municipality.name)
    ]
    key_form = forms.get("key") or KeyForm(formdata=None)
    lines = forms.get("lines")
    if "key" not in forms and chosen is not None:
        key_form.key.data = chosen.key.value
        key_form.fixed_percent.data = chosen.fixed_percent
    if lines is None:
        lines = _share_lines(tender, None)
        stored = {s.municipality_id: s.percent for s in chosen.shares} if chosen is not None else {}
        for m, line in lines:
            line.percent.data = stored.get(m.id)
    table = ops.cost_table(tender)
    return (
        render_template(
            "award/costs/costs.html",
            tender=tender,
            refusal=ops.refusal(tender),
            option_form=option_form,
            key_form=key_form,
            share_lines=lines,
            table=table,
            chosen=chosen,
            bound=_bound(tender),
            options=sorted(tender.option_municipalities, key=lambda m: m.kommunenummer),
            remainder_rule=REMAINDER_RULE,
            money=format_money,
            share=lambda v: format_percent(v, 4),
            pct=lambda v: format_decimal(v, 6) + "\u00a0%" if v is not None else "–",
            for_input=format_for_input,
        ),
        status,
    )


@bp.route("")
@login_required
def show(tender_id: int) -> Any:
    return _page(tender_for(tender_id, view_costs))


@bp.route("/opsjonskommuner", methods=["POST"])
@login_required
def option(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_costs)
    form = OptionForm()

    def run() -> Any:
        try:
            municipality_id = int(form.municipality.data or "")
        except ValueError:
            municipality_id = -1
        return ops.set_option(tender, municipality_id, form.status.data == "opsjon", actor=_me())

    def said(link: Any) -> str:
        if link.option:
            return f"{link.municipality.name} er nå opsjonskommune og deler ikke de felles kostnadene."
        return f"{link.municipality.name} er nå bundet av kontrakten fra start."

    answer = run_form(form, run, back=url_for("award_costs.show", tender_id=tender.id), success=said)
    return answer if answer is not None else _page(tender, 422, option=form)


@bp.route("/nokkel", methods=["POST"])
@login_required
def key(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_costs)
    form = KeyForm()
    lines = _share_lines(tender, request.form)
    custom = form.key.data == CostSplitKey.CUSTOM.value
    # a percentage that is not a number is refused whatever the key (it is used only with the custom key)
    if not all([line.validate() for _, line in lines]):
        form.validate_on_submit()
        return _page(tender, 422, key=form, lines=lines)

    def run() -> Any:
        return ops.set_key(
            tender,
            CostSplitKey(form.key.data),
            fixed_percent=form.fixed_percent.data,
            percents={m.id: line.percent.data for m, line in lines} if custom else {},
            actor=_me(),
        )

    def refused(error: Any) -> None:
        # a percentage's message goes next to its field (not above the form as well)
        moved: list[str] = []
        for m, line in lines:
            for message in error.reasons.get(f"m-{m.id}-percent", []):
                line.percent.errors = [*line.percent.errors, message]
                moved.append(message)
        form.form_errors[:] = [e for e in form.form_errors if e not in moved]
        return None

    answer = run_form(
        form,
        run,
        back=url_for("award_costs.show", tender_id=tender.id, _anchor="fordeling"),
        success=lambda split: f"Kostnadsfordelingen er satt: {split.key.label.lower()}.",
        refused=refused,
    )
    return answer if answer is not None else _page(tender, 422, key=form, lines=lines)


@bp.route("/kostnadsfordeling.xlsx")
@login_required
def workbook(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_costs)
    table = ops.cost_table(tender)
    if table is None or table.problem is not None:
        abort(404)
    data = CostSplitSheet(
        title=tender.title,
        winner=table.bid.vendor.name,
        key=table.key.value,
        key_label=table.key.label,
        fixed_percent=table.fixed_percent,
        common_one_off=table.common_one_off,
        common_yearly=table.common_yearly,
        period=table.period,
        years=table.year_count,
        remainder_rule=REMAINDER_RULE,
        bound=[
            BoundLine(
                r.municipality.name,
                r.municipality.kommunenummer,
                r.municipality.population,
                table.percents.get(r.municipality.id),
                r.own_one_off,
                r.own_yearly,
            )
            for r in table.rows
        ],
        options=[
            OptionLine(o.municipality.name, o.municipality.kommunenummer, o.one_off, o.yearly)
            for o in table.options
        ],
    )
    stream = io.BytesIO()
    write_cost_split_workbook(data, stream)
    stream.seek(0)
    return send_download(stream, f"kostnadsfordeling-{tender.id}.xlsx", XLSX)
