"""Individual scores, consensus, minimum requirements and rejection, the matrix and its exports."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tender.core.scoring import RequirementStatus, evaluate_case
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.case import parse_case
from tests.evaluation_helpers import open_all, setup_tender, submit_bid


@pytest.fixture
def opened(db, create_tender, add_member, create_user, clock):
    s = setup_tender(db, create_tender, add_member, create_user)
    bids = [submit_bid(db, s, 0, one_off="1000000"), submit_bid(db, s, 1, one_off="800000")]
    open_all(db, s, clock)
    return s, bids


def _score_form(bid, criterion, score, justification, lock=""):
    p = f"s{bid.id}-{criterion.id}"
    return {f"{p}-score": score, f"{p}-justification": justification, f"{p}-lock_version": lock}


def _post_score(client, forms, s, bid, key, score, justification, lock=""):
    criterion = model_ops.criterion_by_key(s.tender, key)
    data = _score_form(bid, criterion, score, justification, lock)
    data[f"s{bid.id}-{criterion.id}-csrf_token"] = forms.token("/")
    return client.post(f"/konkurranser/{s.id}/evaluering/poeng/{bid.id}/{key}", data=data)


def _post_consensus(client, forms, s, bid, key, score, justification, lock=""):
    criterion = model_ops.criterion_by_key(s.tender, key)
    p = f"c{bid.id}-{criterion.id}"
    return client.post(
        f"/konkurranser/{s.id}/evaluering/konsensus/{bid.id}/{key}",
        data={
            f"{p}-score": score,
            f"{p}-justification": justification,
            f"{p}-lock_version": lock,
            f"{p}-csrf_token": forms.token("/"),
        },
    )


def _consensus_everything(db, s, bids, scores):
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    for bid, values in zip(bids, scores, strict=True):
        for key, value in values.items():
            ev.save_consensus(
                s.tender,
                bid,
                model_ops.criterion_by_key(s.tender, key),
                score=Decimal(value),
                justification="Samlet vurdering",
                expected_version=None,
                actor=s.lead,
            )
    db.session.commit()


def test_an_evaluator_sees_only_their_own_scores(client, forms, login_as, opened) -> None:
    s, bids = opened
    first, second = s.evaluators
    login_as(first)
    assert (
        _post_score(client, forms, s, bids[0], "arkiv", "7", "God arkivstøtte, svak søk").status_code == 302
    )
    login_as(second)
    assert _post_score(client, forms, s, bids[0], "arkiv", "4", "Mangler fjernsletting").status_code == 302
    html = client.get(f"/konkurranser/{s.id}/evaluering/poeng").get_data(as_text=True)
    assert "Mangler fjernsletting" in html and "God arkivstøtte" not in html
    assert client.get(f"/konkurranser/{s.id}/evaluering/konsensus").status_code == 403


def test_a_score_needs_a_justification_and_must_be_on_the_scale(client, forms, login_as, opened) -> None:
    s, bids = opened
    login_as(s.evaluators[0])
    assert _post_score(client, forms, s, bids[0], "arkiv", "7", "").status_code == 422
    response = _post_score(client, forms, s, bids[0], "arkiv", "7,5", "Halvt poeng")
    assert response.status_code == 422
    assert "Poengene må være mellom 0 og 10, i hele poeng." in response.get_data(as_text=True)
    assert _post_score(client, forms, s, bids[0], "arkiv", "11", "For mye").status_code == 422
    assert ev.scores_by(s.tender, s.evaluators[0]) == {}


def test_a_stale_score_form_gets_a_clear_conflict_instead_of_overwriting(
    client, forms, login_as, opened
) -> None:
    s, bids = opened
    login_as(s.evaluators[0])
    assert _post_score(client, forms, s, bids[0], "arkiv", "6", "Første vurdering").status_code == 302
    stored = next(iter(ev.scores_by(s.tender, s.evaluators[0]).values()))
    assert (
        _post_score(
            client, forms, s, bids[0], "arkiv", "7", "Andre vindu", str(stored.lock_version)
        ).status_code
        == 302
    )
    stale = _post_score(
        client, forms, s, bids[0], "arkiv", "3", "Gammelt vindu", str(stored.lock_version - 1 or 1)
    )
    assert stale.status_code == 409
    assert "i et annet vindu" in stale.get_data(as_text=True)
    assert next(iter(ev.scores_by(s.tender, s.evaluators[0]).values())).justification == "Andre vindu"


def test_an_evaluator_assigned_to_one_criterion_scores_it_alone_and_still_scores_the_unassigned_ones(
    db, opened
) -> None:
    # Issue 11 changed this rule: before, an assignment anywhere left every other criterion with no one to
    # score it.
    s, bids = opened
    ev.assign_evaluator(
        s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), s.evaluators[0], actor=s.lead
    )
    db.session.commit()
    ev.save_individual_score(
        s.tender,
        bids[0],
        model_ops.criterion_by_key(s.tender, "gjennomforing"),
        evaluator=s.evaluators[0],
        score=Decimal(5),
        justification="x",
        expected_version=None,
    )
    ev.save_individual_score(
        s.tender,
        bids[0],
        model_ops.criterion_by_key(s.tender, "gjennomforing"),
        evaluator=s.evaluators[1],
        score=Decimal(6),
        justification="y",
        expected_version=None,
    )
    with pytest.raises(DomainError, match="ikke tildelt"):
        ev.save_individual_score(
            s.tender,
            bids[0],
            model_ops.criterion_by_key(s.tender, "arkiv"),
            evaluator=s.evaluators[1],
            score=Decimal(5),
            justification="x",
            expected_version=None,
        )


def test_the_consensus_page_shows_all_scores_side_by_side_with_disagreements_highlighted(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    arkiv = model_ops.criterion_by_key(s.tender, "arkiv")
    for evaluator, value in zip(s.evaluators, (8, 3), strict=True):
        ev.save_individual_score(
            s.tender,
            bids[0],
            arkiv,
            evaluator=evaluator,
            score=Decimal(value),
            justification=f"Begrunnelse {value}",
            expected_version=None,
        )
    db.session.commit()
    login_as(s.lead)
    assert forms.post(f"/konkurranser/{s.id}/evaluering/konsensus/apne", {"confirm": "y"}).status_code == 302
    html = client.get(f"/konkurranser/{s.id}/evaluering/konsensus").get_data(as_text=True)
    assert (
        "Begrunnelse 8" in html and "Begrunnelse 3" in html and html.count("⚠ uenighet") == 2
    )  # legend + row
    login_as(s.evaluators[0])
    late = _post_score(client, forms, s, bids[0], "arkiv", "9", "Etter konsensus", "1")
    assert late.status_code == 422 and "individuelle fasen er avsluttet" in late.get_data(as_text=True)


def test_consensus_scores_are_saved_with_justification_and_optimistic_locking(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    assert (
        _post_consensus(client, forms, s, bids[0], "arkiv", "6", "Enige etter diskusjon").status_code == 302
    )
    stale = _post_consensus(client, forms, s, bids[0], "arkiv", "5", "Gammel fane")
    assert stale.status_code == 409 and "Noen andre har lagret" in stale.get_data(as_text=True)
    row = next(iter(ev.consensus_scores(s.tender).values()))
    assert row.score == Decimal(6) and row.justification == "Enige etter diskusjon"


def test_the_matrix_shows_points_weighted_points_totals_and_the_ranking(client, login_as, db, opened) -> None:
    s, bids = opened
    _consensus_everything(
        db, s, bids, [{"arkiv": 8, "k1": 8, "gjennomforing": 8}, {"arkiv": 5, "k1": 5, "gjennomforing": 5}]
    )
    built = ev.build_case(s.tender)
    assert built.result is not None and built.problems == ()
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering/matrise").get_data(as_text=True)
    winner = built.result.get(built.result.winner)
    assert winner.bid.name == "Leverandør A AS"
    assert "Vinner: <strong>Leverandør A AS</strong>" in html
    sensitivity = client.get(f"/konkurranser/{s.id}/evaluering/matrise/folsomhet").get_data(as_text=True)
    assert "Vekter som beholder vinneren" in sensitivity and "<svg" in sensitivity
    # the price points come from the core: A is 1 800 000 + 6 years... dearer than B
    assert built.result.get(bids[1].vendor.organisasjonsnummer).criteria["pris"].points == 10


def test_a_not_met_minimum_requirement_flags_the_bid_and_rejection_takes_it_out_of_the_ranking(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    _consensus_everything(
        db, s, bids, [{"arkiv": 8, "k1": 8, "gjennomforing": 8}, {"arkiv": 5, "k1": 5, "gjennomforing": 5}]
    )
    login_as(s.lead)
    url = f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}/minstekrav/R0001"
    missing_reason = client.post(
        url,
        data={"kR0001-status": "not_met", "kR0001-reason": "", "kR0001-csrf_token": forms.token("/")},
        follow_redirects=True,
    )
    assert "Skriv en begrunnelse" in missing_reason.get_data(as_text=True)
    client.post(
        url,
        data={
            "kR0001-status": "not_met",
            "kR0001-reason": "Ikke Noark 5-godkjent",
            "kR0001-csrf_token": forms.token("/"),
        },
    )
    page = client.get(f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}").get_data(as_text=True)
    assert "markert for avvisning" in page
    warnings = ev.build_case(s.tender).result.warnings
    assert [w.values["requirement"] for w in warnings if w.code == "unmet_requirement_not_rejected"] == [
        "R0001"
    ]
    matrix = client.get(f"/konkurranser/{s.id}/evaluering/matrise").get_data(as_text=True)
    assert f"{bids[1].vendor.name}» oppfyller ikke minstekrav R0001, men er ikke avvist." in matrix
    # the first step only shows what is about to be rejected, and why; the confirmation rejects it
    reject = f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}/avvis"
    step = client.get(reject + "/bekreft", query_string={"reason": "Oppfyller ikke R0001"})
    assert step.status_code == 200
    assert f"Avvise tilbudet fra {bids[1].vendor.name}?" in step.get_data(as_text=True)
    assert not bids[1].rejected
    # posted without the tick, the confirmation page comes back and nothing changes
    unticked = forms.post(reject, {"reason": "Oppfyller ikke R0001"})
    assert unticked.status_code == 422 and "Kryss av for å bekrefte avvisningen." in unticked.get_data(
        as_text=True
    )
    assert not bids[1].rejected
    forms.post(reject, {"reason": "Oppfyller ikke R0001", "confirm": "y"})
    result = ev.build_case(s.tender).result
    rejected = result.get(bids[1].vendor.organisasjonsnummer)
    assert rejected.rank is None and rejected.bid.rejection_reason == "Oppfyller ikke R0001"
    assert result.price_context.lowest == result.get(bids[0].vendor.organisasjonsnummer).bid.price
    html = client.get(f"/konkurranser/{s.id}/evaluering/matrise").get_data(as_text=True)
    assert "Avvist: Oppfyller ikke R0001" in html


def test_a_tie_is_broken_only_by_a_recorded_decision(
    client, forms, login_as, db, create_tender, add_member, create_user, clock
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user)
    bids = [submit_bid(db, s, 0), submit_bid(db, s, 1)]
    open_all(db, s, clock)
    _consensus_everything(db, s, bids, [{"arkiv": 6, "k1": 6, "gjennomforing": 6}] * 2)
    assert ev.build_case(s.tender).result.winner is None
    login_as(s.lead)
    order = f"{bids[1].vendor.organisasjonsnummer},{bids[0].vendor.organisasjonsnummer}"
    forms.post(
        f"/konkurranser/{s.id}/evaluering/uavgjort", {"order": order, "reason": "Loddtrekning i møte 3"}
    )
    result = ev.build_case(s.tender).result
    assert result.winner == bids[1].vendor.organisasjonsnummer


def test_the_case_json_export_is_read_back_by_the_scoring_core_with_the_same_result(
    client, login_as, db, opened
) -> None:
    s, bids = opened
    ev.save_individual_score(
        s.tender,
        bids[0],
        model_ops.criterion_by_key(s.tender, "arkiv"),
        evaluator=s.evaluators[0],
        score=Decimal(8),
        justification="Sterk arkivdel",
        expected_version=None,
    )
    _consensus_everything(
        db, s, bids, [{"arkiv": 8, "k1": 7, "gjennomforing": 6}, {"arkiv": 5, "k1": 9, "gjennomforing": 4}]
    )
    login_as(s.lead)
    response = client.get(f"/konkurranser/{s.id}/evaluering/sak.json")
    assert response.status_code == 200
    case = parse_case(json.loads(response.get_data(as_text=True)))
    again = evaluate_case(case)
    built = ev.build_case(s.tender)
    assert case.individual_scores[bids[0].vendor.organisasjonsnummer][0].justification == "Sterk arkivdel"
    assert [(r.bid.id, r.total, r.rank) for r in again.bids] == [
        (r.bid.id, r.total, r.rank) for r in built.result.bids
    ]


def test_the_tender_score_command_reads_the_exported_case(
    client, login_as, db, opened, runner, tmp_path
) -> None:
    s, bids = opened
    _consensus_everything(
        db, s, bids, [{"arkiv": 8, "k1": 7, "gjennomforing": 6}, {"arkiv": 5, "k1": 9, "gjennomforing": 4}]
    )
    login_as(s.lead)
    path = tmp_path / "sak.json"
    path.write_bytes(client.get(f"/konkurranser/{s.id}/evaluering/sak.json").data)
    result = runner.invoke(args=["score", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["winner"] == ev.build_case(s.tender).result.winner


def test_the_excel_export_downloads_a_workbook_with_the_matrix(client, login_as, db, opened) -> None:
    s, bids = opened
    _consensus_everything(
        db, s, bids, [{"arkiv": 8, "k1": 7, "gjennomforing": 6}, {"arkiv": 5, "k1": 9, "gjennomforing": 4}]
    )
    login_as(s.lead)
    response = client.get(f"/konkurranser/{s.id}/evaluering/matrise.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert "Matrise" in workbook.sheetnames


def test_the_matrix_explains_what_is_missing_instead_of_failing(client, login_as, opened) -> None:
    s, _ = opened
    login_as(s.lead)
    response = client.get(f"/konkurranser/{s.id}/evaluering/matrise")
    assert response.status_code == 200
    assert "Tilbud 1: Konsensuspoeng mangler for «arkiv», «k1», «gjennomforing»." in response.get_data(
        as_text=True
    )
    export = client.get(f"/konkurranser/{s.id}/evaluering/matrise.xlsx")
    assert export.status_code == 302


def test_a_minimum_requirement_check_is_refused_for_a_requirement_that_is_not_one(db, opened) -> None:
    s, bids = opened
    with pytest.raises(DomainError, match="ikke et minstekrav"):
        ev.check_requirement(
            s.tender, bids[0], "R0003", status=RequirementStatus.MET, reason="", actor=s.lead
        )


def test_an_evaluator_cannot_read_the_others_scores_from_the_exports_during_the_individual_phase(
    client, login_as, db, opened
) -> None:
    s, bids = opened
    ev.save_individual_score(
        s.tender,
        bids[0],
        model_ops.criterion_by_key(s.tender, "arkiv"),
        evaluator=s.evaluators[0],
        score=Decimal(8),
        justification="Hemmelig vurdering",
        expected_version=None,
    )
    db.session.commit()
    login_as(s.evaluators[1])
    exported = client.get(f"/konkurranser/{s.id}/evaluering/sak.json").get_data(as_text=True)
    assert "Hemmelig vurdering" not in exported and "individual_scores" not in exported
    login_as(s.lead)
    assert "Hemmelig vurdering" in client.get(f"/konkurranser/{s.id}/evaluering/sak.json").get_data(
        as_text=True
    )


def test_the_consensus_tab_appears_for_an_evaluator_only_once_the_consensus_phase_is_open(
    client, forms, login_as, db, opened
) -> None:
    s, _ = opened
    login_as(s.evaluators[0])
    overview = f"/konkurranser/{s.id}"
    assert ">Konsensus</a>" not in client.get(overview).get_data(as_text=True)
    assert client.get(f"/konkurranser/{s.id}/evaluering/konsensus").status_code == 403
    login_as(s.lead)
    assert ">Konsensus</a>" in client.get(overview).get_data(as_text=True)
    forms.post(f"/konkurranser/{s.id}/evaluering/konsensus/apne", {"confirm": "y"})
    login_as(s.evaluators[0])
    assert ">Konsensus</a>" in client.get(overview).get_data(as_text=True)
    assert client.get(f"/konkurranser/{s.id}/evaluering/konsensus").status_code == 200


def test_rejecting_a_bid_asks_for_confirmation_and_can_be_undone_with_a_reason_both_logged(
    client, forms, login_as, db, opened
) -> None:
    from sqlalchemy import select

    from tender.audit import AuditEvent

    s, bids = opened
    login_as(s.lead)
    base = f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}"
    page = client.get(base).get_data(as_text=True)
    assert "Avvis tilbudet …" in page and "Angre avvisning" not in page
    # the bid page's form asks (a GET) for the confirmation page; it changes nothing
    step = client.get(base + "/avvis/bekreft", query_string={"reason": "Manglende dokumentasjon"})
    html = step.get_data(as_text=True)
    assert step.status_code == 200 and bids[1].vendor.name in html and "Manglende dokumentasjon" in html
    assert "Jeg har kontrollert tilbudet og begrunnelsen" in html
    db.session.refresh(bids[1])
    assert not bids[1].rejected
    assert (
        forms.post(
            base + "/avvis", {"reason": "Manglende dokumentasjon", "confirm": "y"}, page=base
        ).status_code
        == 302
    )
    db.session.refresh(bids[1])
    assert bids[1].rejected and bids[1].rejection_reason == "Manglende dokumentasjon"
    page = client.get(base).get_data(as_text=True)
    assert "Angre avvisning" in page and "Avvis tilbudet …" not in page
    # the way back needs its reason too; without one nothing changes
    response = forms.post(base + "/angre-avvisning", {"reason": ""}, page=base, follow=True)
    assert "Skriv hvorfor avvisningen angres." in response.get_data(as_text=True)
    db.session.refresh(bids[1])
    assert bids[1].rejected
    response = forms.post(
        base + "/angre-avvisning", {"reason": "Dokumentasjonen lå i vedlegg 2."}, page=base, follow=True
    )
    assert "Avvisningen av tilbudet fra" in response.get_data(as_text=True)
    db.session.refresh(bids[1])
    assert not bids[1].rejected and bids[1].rejection_reason == "" and bids[1].rejected_at is None
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.event_type.in_(["bid.rejected", "bid.rejection_undone"]))
            .order_by(AuditEvent.id)
        )
    )
    assert [e.event_type for e in events] == ["bid.rejected", "bid.rejection_undone"]
    assert events[0].payload["vendor"] == bids[1].vendor.name
    assert events[1].payload == {
        "vendor": bids[1].vendor.name,
        "reason": "Dokumentasjonen lå i vedlegg 2.",
        "rejection_reason": "Manglende dokumentasjon",
    }


def test_the_rejection_confirmation_refuses_a_missing_or_too_long_reason_at_the_bid_page(
    client, login_as, db, opened
) -> None:
    s, bids = opened
    login_as(s.lead)
    base = f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}"
    for reason, said in (("  ", "Begrunnelse for avvisning: Skriv begrunnelsen."), ("x" * 5001, "5000")):
        response = client.get(base + "/avvis/bekreft", query_string={"reason": reason})
        assert response.status_code == 302 and response.headers["Location"].endswith(base)
        page = client.get(base).get_data(as_text=True)
        assert said in page and "Avvise tilbudet fra" not in page
        db.session.refresh(bids[1])
        assert not bids[1].rejected


def test_the_matrix_and_the_sensitivity_tables_name_the_vendors_not_their_organisation_numbers(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    _consensus_everything(
        db, s, bids, [{"arkiv": 8, "k1": 8, "gjennomforing": 8}, {"arkiv": 5, "k1": 5, "gjennomforing": 5}]
    )
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering/matrise/folsomhet").get_data(as_text=True)
    weights = html.split("Vekter som beholder vinneren")[1].split("</table>")[0]
    assert "Leverandør B AS" in weights
    matrix = html.split('<table class="list matrix">')[1].split("</table>")[0]
    for bid in bids:
        assert bid.vendor.organisasjonsnummer not in weights and bid.vendor.organisasjonsnummer not in matrix
        assert bid.vendor.name in matrix


def test_an_unresolved_tie_and_its_recorded_order_are_shown_with_the_vendors_names(
    client, forms, login_as, db, create_tender, add_member, create_user, clock
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user)
    bids = [submit_bid(db, s, 0), submit_bid(db, s, 1)]
    open_all(db, s, clock)
    _consensus_everything(db, s, bids, [{"arkiv": 6, "k1": 6, "gjennomforing": 6}] * 2)
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering/matrise").get_data(as_text=True)
    assert "Uavgjort mellom Leverandør A AS, Leverandør B AS." in html
    order = f"{bids[1].vendor.organisasjonsnummer},{bids[0].vendor.organisasjonsnummer}"
    forms.post(
        f"/konkurranser/{s.id}/evaluering/uavgjort", {"order": order, "reason": "Loddtrekning i møte 3"}
    )
    html = client.get(f"/konkurranser/{s.id}/evaluering/matrise").get_data(as_text=True)
    assert (
        "Registrert rekkefølge ved likhet: 1. Leverandør B AS, 2. Leverandør A AS – Loddtrekning i møte 3"
        in html
    )


def test_an_evaluator_reads_the_consensus_scores_the_norwegian_way_a_zero_included(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    model_ops.model_of(s.tender).scale_step = Decimal("0.5")
    _consensus_everything(db, s, bids[:1], [{"arkiv": "7.5", "k1": "0"}])
    login_as(s.evaluators[0])
    html = client.get(f"/konkurranser/{s.id}/evaluering/konsensus").get_data(as_text=True)
    assert "<strong>7,5</strong> – Samlet vurdering" in html
    assert "<strong>0</strong> – Samlet vurdering" in html
