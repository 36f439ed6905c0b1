"""Issue 16 in the procurement protocol: the evaluation model's step, consensus rule, thresholds and price
method with its parameters, and under the evaluation each bid rejected for a threshold with the threshold
named; the JSON validates against the shipped schema (the snapshot in format 2) and the PDF says it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.test_award_model_announced import _freeze, threshold_world
from tests.test_documents import pdftotext
from tests.test_protocol import problems


@pytest.fixture
def world(db, create_tender, add_member, create_user, clock):
    return threshold_world(db, create_tender, add_member, create_user, clock)


def test_the_protocol_records_the_announced_model_and_the_threshold_rejection(app, db, world) -> None:
    from tender.protocol.operations import protocol_of

    _freeze(db, world)
    protocol = json.loads(json.dumps(protocol_of(world.tender)))
    assert problems(protocol) == []
    model = protocol["evaluation_model"]
    assert (model["scale_step"], model["consensus_rule"], model["min_quality"]) == ("0.5", "agreed", "3")
    assert model["consensus_rule_label"] == "Enighet i gruppen"
    assert model["price_method"] == "price_surcharge"
    assert model["price_method_label"] == "Prosentvis pristillegg for manglende kvalitet"
    assert model["price_formula"].startswith("Evaluert pris = Pe × (1 + S/100")
    assert model["price_parameters"] == [{"name": "surcharge_percent", "value": "20"}]
    assert (model["surcharge_percent"], model["deduction_percent"]) == ("20", None)
    assert {c["key"]: c["min_score"] for c in model["criteria"]}["arkiv"] == "5"
    [round_] = protocol["evaluation"]["rounds"]
    bids = {b["vendor"]: b for b in round_["bids"]}
    below = bids["Leverandør C AS"]
    # rejected by the group's recorded decision, whose reason is the threshold's (pre-filled on the bid page)
    assert below["rejected"] is True
    assert below["rejection_reason"] == below["threshold_reason"]
    assert below["threshold_failures"] == [{"criterion_key": "arkiv", "minimum": "5", "actual": "4"}]
    assert "«Arkivfunksjonalitet»: 4 poeng, mens minst 5 kreves" in below["threshold_reason"]
    assert (
        bids["Leverandør A AS"]["threshold_failures"] == []
        and bids["Leverandør A AS"]["threshold_reason"] == ""
    )
    [rec] = protocol["award"]["recommendations"]
    assert rec["content"]["format"] == 3


def test_the_protocol_pdf_says_the_step_the_rule_the_method_and_the_threshold_rejection(
    app, db, world
) -> None:
    from tender.protocol.operations import protocol_of
    from tender.reports.protocol_pdf import render_protocol_pdf

    _freeze(db, world)
    text = pdftotext(render_protocol_pdf(protocol_of(world.tender))).replace("\u00a0", " ")
    assert "Prosentvis pristillegg for manglende kvalitet (price_surcharge)" in text
    assert "0–10, i halve poeng (trinn på 0,5)" in text
    assert "Konsensuspoengene settes av evaluatorene i fellesskap" in text
    assert "S, pristillegg ved null kvalitet: 20 %" in text
    assert "Minste vektede kvalitetspoeng 3" in text
    assert "Et tilbud under en minstegrense for kvalitet avvises" in text
    assert "Avvist under minstegrensen for kvalitet." in text and "«Arkivfunksjonalitet»" in text


def test_the_protocol_records_how_the_price_schedule_makes_the_evaluated_price(app, db, world) -> None:
    """The protocol states the announced price evaluation: method, formula, discount rate and the rule for an
    unpriced line, and each line's quantity; the JSON keeps to the schema and the PDF says it in words."""
    from tender.evaluation_model import operations as model_ops
    from tender.protocol.operations import protocol_of
    from tender.reports.protocol_pdf import render_protocol_pdf

    model = model_ops.model_of(world.tender)
    # set behind the lock for the record's sake: the protocol reports what the model holds
    model.discount_rate_percent = Decimal("3.5")
    db.session.commit()
    protocol = json.loads(json.dumps(protocol_of(world.tender)))
    assert problems(protocol) == []
    found = protocol["evaluation_model"]["price_evaluation"]
    assert (found["method"], found["discount_rate_percent"], found["gaps"]) == ("life_cycle", "3.5", "reject")
    assert found["formula"] == model_ops.price_formula(model)
    assert all("quantity" in i for i in protocol["evaluation_model"]["price_items"])
    text = pdftotext(render_protocol_pdf(protocol)).replace("\u00a0", " ")
    assert "Livssykluskostnad over kontraktsperioden" in text
    assert "3,5 % per år" in text
    assert "Tilbudet er ufullstendig: alle poster må prises" in text
