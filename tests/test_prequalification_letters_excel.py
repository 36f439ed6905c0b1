"""The prequalification's assessment matrix: live formulas that LibreOffice recalculates to the core's own
ranking (tender.core.prequalification.rank_requests), the tie the group decided included."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.prequalification_helpers import PQ_AFTER, pq_setup
from tests.prequalification_letters_helpers import NOT_SELECTED, REJECTED, SCORES, final_selection
from tests.test_evaluation_excel import recalculate


@pytest.fixture
def final(db, clock, create_tender, add_member, create_user):
    s = pq_setup(db, create_tender, add_member, create_user)
    clock.set(PQ_AFTER)
    return final_selection(db, s)


def _core_ranking(final, scores: dict[int, tuple[str, ...]]):
    """The core's ranking of the same requests with ``scores`` and the decided tie."""
    from tender.core import prequalification as core

    s = final.s
    model = core.selection_model(
        [core.SelectionCriterion(str(c.id), c.name, Decimal(str(c.weight))) for c in s.criteria]
    )
    return core.rank_requests(
        model,
        [
            core.Request(
                str(r.id),
                r.vendor.name,
                qualified=i != REJECTED,
                excluded=i == REJECTED,
                scores={str(c.id): Decimal(v) for c, v in zip(s.criteria, scores.get(i, ()), strict=False)},
            )
            for i, r in enumerate(final.requests)
        ],
        tie_break=final.ranking.tie_break,
        maximum=4,
    )


def test_libreoffice_recalculates_the_totals_ranks_and_qualification_to_the_cores_own(
    final, tmp_path
) -> None:
    from tender.prequalification import letters_operations as ops
    from tender.prequalification.letters_excel import write_matrix_workbook

    path = tmp_path / "matrise.xlsx"
    with path.open("wb") as stream:
        layout = write_matrix_workbook(ops.matrix_content(final.s.tender), stream)
    # the same workbook with Elark's first score raised from 5 to 6 in its input cell: it passes Dokumenta
    edited = tmp_path / "matrise-endret.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Utvelgelse"]
    elark_row = next(r for r in sheet.iter_rows(min_row=6) if r[0].value == "Elark AS")
    assert elark_row[2].value == 5
    elark_row[2].value = 6
    book.save(edited)
    out = recalculate([path, edited], tmp_path)
    values = openpyxl.load_workbook(out / path.name, data_only=True)
    changed = openpyxl.load_workbook(out / edited.name, data_only=True)

    def value(workbook: openpyxl.Workbook, where: tuple[str, str]):
        return workbook[where[0]][where[1]].value

    for recalculated, ranking in (
        (values, final.ranking),
        (changed, _core_ranking(final, {**SCORES, NOT_SELECTED: ("6", "6", "9")})),
    ):
        assert len(ranking.rows) == 5
        for row in ranking.rows:
            rid = row.request.id
            assert value(recalculated, layout.totals[rid]) == pytest.approx(float(row.total), abs=1e-9), rid
            assert value(recalculated, layout.ranks[rid]) == row.rank, rid
        rejected = str(final.requests[REJECTED].id)
        assert value(recalculated, layout.totals[rejected]) in (None, "")
        assert value(recalculated, layout.ranks[rejected]) == "Ikke med"
    # the decided tie: equal totals, Dokumenta fourth and Elark fifth, as the core ranks them
    dokumenta, elark = (str(final.requests[i].id) for i in (3, NOT_SELECTED))
    assert value(values, layout.totals[dokumenta]) == pytest.approx(6.35)
    assert value(values, layout.totals[elark]) == pytest.approx(6.35)
    assert (value(values, layout.ranks[dokumenta]), value(values, layout.ranks[elark])) == (4, 5)
    assert (value(changed, layout.ranks[elark]), value(changed, layout.ranks[dokumenta])) == (4, 5)
    for i, request in enumerate(final.requests):
        assert value(values, layout.qualified[str(request.id)]) == ("Nei" if i == REJECTED else "Ja")


def test_the_matrix_shows_each_request_against_each_requirement_and_the_formulas_stay_formulas(final) -> None:
    from tender.prequalification import letters_operations as ops
    from tender.prequalification.letters_excel import write_matrix_workbook

    stream = io.BytesIO()
    layout = write_matrix_workbook(ops.matrix_content(final.s.tender), stream)
    book = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    assert book.sheetnames == ["Kvalifikasjon", "Utvelgelse"]
    sheet = book["Kvalifikasjon"]
    rows = {r[0].value: [c.value for c in r[1:6]] for r in sheet.iter_rows(min_row=5) if r[0].value}
    assert rows["Fjordsak AS"] == ["Oppfylt", "Oppfylt", "Ikke oppfylt", "Oppfylt", "Ja"]
    assert rows["Arkivus AS"] == ["Oppfylt"] * 4 + ["Nei"]
    for where in (*layout.totals.values(), *layout.ranks.values(), *layout.qualified.values()):
        formula = book[where[0]][where[1]].value
        assert isinstance(formula, str) and formula.startswith("="), where
    assert "SUMPRODUCT" in book["Utvelgelse"][layout.totals[str(final.requests[0].id)][1]].value
    assert "RANK(" in book["Utvelgelse"][layout.ranks[str(final.requests[0].id)][1]].value


def test_a_vendor_name_starting_with_an_equals_sign_stays_text(db, final, tmp_path: Path) -> None:
    from tender.prequalification import letters_operations as ops
    from tender.prequalification.letters_excel import write_matrix_workbook

    final.requests[0].vendor.name = "=HYPERLINK(1)"
    db.session.commit()
    stream = io.BytesIO()
    write_matrix_workbook(ops.matrix_content(final.s.tender), stream)
    book = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    names = [r[0] for r in book["Utvelgelse"].iter_rows(min_row=6) if r[0].value == "=HYPERLINK(1)"]
    assert names and names[0].data_type == "s"
