"""The cost split workbook's formulas, recalculated by LibreOffice, give the same øre as the page: the route's
workbook for a tender, and the writer's for the six Grenland municipalities with every key."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tender.award import cost_operations as costs
from tender.award.models import CostSplitKey
from tender.core import cost_split as core
from tender.formatting import format_money
from tender.reports.cost_split_excel import (
    SHEET,
    BoundLine,
    CostSplitSheet,
    OptionLine,
    write_cost_split_workbook,
)
from tests.core.test_cost_split import GRENLAND
from tests.negotiation_helpers import negotiation_setup
from tests.test_evaluation_excel import recalculate

NAMES = {
    "4012": "Bamble",
    "4016": "Drangedal",
    "4014": "Kragerø",
    "4001": "Porsgrunn",
    "4010": "Siljan",
    "4003": "Skien",
}
ONE_OFF, YEARLY = Decimal("4160000.01"), Decimal("987654.33")


def _grenland(key: str, fixed: Decimal | None, percents: dict[str, Decimal] | None) -> CostSplitSheet:
    return CostSplitSheet(
        title="Felles sak-/arkivsystem",
        winner="Arkivhuset Norge AS",
        key=key,
        key_label=key,
        fixed_percent=fixed,
        common_one_off=ONE_OFF,
        common_yearly=YEARLY,
        period="4+1+1",
        years=6,
        remainder_rule=core.REMAINDER_RULE,
        bound=[
            BoundLine(
                NAMES[p.kommunenummer],
                p.kommunenummer,
                p.population,
                (percents or {}).get(p.kommunenummer),
                Decimal("1000.50"),
                Decimal("250.25"),
            )
            for p in GRENLAND
        ],
        options=[OptionLine("Nome", "4018", Decimal("12000.00"), Decimal("3456.78"))],
    )


GRENLAND_KEYS = {
    "population": (None, None),
    "equal": (None, None),
    "fixed_plus_population": (Decimal("20"), None),
    "custom": (
        None,
        {
            "4012": Decimal("11.3"),
            "4016": Decimal("3.3"),
            "4014": Decimal("8.3"),
            "4001": Decimal("30.3"),
            "4010": Decimal("1.9"),
            "4003": Decimal("44.9"),
        },
    ),
}


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    return negotiation_setup(db, create_tender, add_member, create_user, clock)


def _money(value: object) -> Decimal:
    assert isinstance(value, int | float), value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_recalculated_workbook_gives_the_same_ore_as_the_page_for_every_key(
    db, s, client, login_as, tmp_path: Path
) -> None:
    # the route's workbook: fixed 20 % plus population on the tender's two municipalities
    costs.set_key(
        s.tender, CostSplitKey.FIXED_PLUS_POPULATION, fixed_percent=Decimal(20), percents={}, actor=s.lead
    )
    db.session.commit()
    login_as(s.lead)
    response = client.get(f"/konkurranser/{s.id}/kostnadsfordeling/kostnadsfordeling.xlsx")
    assert response.status_code == 200
    (tmp_path / "in").mkdir()
    route_file = tmp_path / "in" / "route.xlsx"
    route_file.write_bytes(response.data)
    # the writer's, for the six Grenland municipalities with every key
    layouts = {}
    for key, (fixed, percents) in GRENLAND_KEYS.items():
        path = tmp_path / "in" / f"{key}.xlsx"
        layouts[key] = write_cost_split_workbook(_grenland(key, fixed, percents), path)
    out = recalculate([route_file, *(tmp_path / "in" / f"{k}.xlsx" for k in GRENLAND_KEYS)], tmp_path)

    # the page's amounts are the operation's table
    table = costs.cost_table(s.tender)
    page = client.get(f"/konkurranser/{s.id}/kostnadsfordeling").get_data(as_text=True)
    sheet = openpyxl.load_workbook(out / "route.xlsx", data_only=True)[SHEET]
    found = {}
    for row in sheet.iter_rows(min_row=12):
        if row[1].value in {r.municipality.kommunenummer for r in table.rows}:
            found[row[1].value] = (_money(row[20].value), _money(row[21].value), _money(row[22].value))
    for r in table.rows:
        assert found[r.municipality.kommunenummer] == (r.one_off, r.yearly, r.total)
        assert format_money(r.total) in page

    for key, (fixed, percents) in GRENLAND_KEYS.items():
        rows = core.municipality_costs(
            key,
            GRENLAND,
            one_off=ONE_OFF,
            yearly=YEARLY,
            period="4+1+1",
            own_one_off={p.kommunenummer: Decimal("1000.50") for p in GRENLAND},
            own_yearly={p.kommunenummer: Decimal("250.25") for p in GRENLAND},
            fixed_percent=fixed,
            percents=percents,
        )
        book = openpyxl.load_workbook(out / f"{key}.xlsx", data_only=True)[SHEET]
        layout = layouts[key]
        for r in rows:
            got = tuple(
                _money(book[cell[r.kommunenummer]].value)
                for cell in (layout.one_off, layout.yearly, layout.total)
            )
            assert got == (r.one_off, r.yearly, r.total), (key, r.kommunenummer)
        assert _money(book[layout.total["sum"]].value) == sum((r.total for r in rows), Decimal(0))
        assert _money(book[layout.total["4018"]].value) == Decimal("12000.00") + 6 * Decimal("3456.78")


def test_the_workbook_keeps_its_formulas_live() -> None:
    stream = io.BytesIO()
    layout = write_cost_split_workbook(_grenland("population", None, None), stream)
    stream.seek(0)
    sheet = openpyxl.load_workbook(stream)[SHEET]
    assert str(sheet[layout.one_off["4003"]].value).startswith("=")
    assert str(sheet["F12"].value) == "=D12/SUM($D$12:$D$17)"
    assert str(sheet[layout.total["sum"]].value).startswith("=SUM(")
