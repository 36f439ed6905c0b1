from __future__ import annotations

from sqlalchemy import func, select

from tender.auth.models import User
from tender.core import orgnr
from tender.tenders.models import Membership, Municipality, Role, Tender, Vendor


def _counts(db) -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Tender, Municipality, Vendor, User, Membership)
    )


def test_the_demo_builds_the_grenland_tender_with_its_six_municipalities(runner, db) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    tender = db.session.scalar(select(Tender))
    names = sorted(m.name for m in tender.participating_municipalities)
    assert names == ["Bamble", "Drangedal", "Kragerø", "Porsgrunn", "Siljan", "Skien"]
    numbers = {m.name: m.kommunenummer for m in tender.participating_municipalities}
    assert numbers == {
        "Porsgrunn": "4001",
        "Skien": "4003",
        "Siljan": "4010",
        "Bamble": "4012",
        "Kragerø": "4014",
        "Drangedal": "4016",
    }
    assert "anne.lie@grenland-innkjop.no" in result.output and "grenland-demo-2026" in result.output
    # the first stage has one vendor user; the others come with the published stage
    assert "tilbud@arkivhuset.no" in result.output and "jonas.bakke@saksflyt.no" not in result.output


def test_the_demo_has_a_lead_evaluators_one_signer_per_municipality_and_six_valid_vendors(runner, db) -> None:
    runner.invoke(args=["demo"])
    tender = db.session.scalar(select(Tender))
    roles = [m.role for m in tender.memberships]
    assert roles.count(Role.LEAD) == 1 and roles.count(Role.EVALUATOR) >= 2
    signed = sorted(m.municipality.name for m in tender.memberships if m.role is Role.SIGNER)
    assert signed == sorted(m.name for m in tender.participating_municipalities)
    assert len(tender.participating_vendors) == 6
    assert all(orgnr.is_valid(v.organisasjonsnummer) for v in tender.participating_vendors)


def test_running_the_demo_twice_duplicates_nothing(runner, db) -> None:
    runner.invoke(args=["demo"])
    first = _counts(db)
    runner.invoke(args=["demo"])
    assert _counts(db) == first


def test_demo_if_empty_leaves_an_existing_database_alone(runner, db, create_tender) -> None:
    create_tender()
    before = _counts(db)
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "lastes ikke" in result.output
    assert _counts(db) == before


# -- the later stages (issue 11 point 4) ---------------------------------------------------------------------
def _demo(runner, stage: str) -> str:
    result = runner.invoke(args=["demo", "--stage", stage])
    assert result.exit_code == 0, result.output
    return result.output


def _stage_counts(db) -> dict[str, int]:
    from tender.audit import AuditEvent
    from tender.bids.models import (
        Bid,
        BidAnswer,
        BidAttachment,
        BidOpening,
        BidOpeningConfirmation,
        BidPriceLine,
    )
    from tender.evaluation.models import ConsensusScore, IndividualScoreRow, MinimumRequirementCheck
    from tender.evaluation_model.models import AwardCriterion, PriceItem
    from tender.noark.models import ExtractSample, NoarkRequirementConfirmation, NoarkRequirementLink
    from tender.requirements.models import SpecDecision, SpecVersion

    models = (
        Tender,
        Municipality,
        Vendor,
        User,
        Membership,
        SpecVersion,
        SpecDecision,
        PriceItem,
        AwardCriterion,
        Bid,
        BidAnswer,
        BidPriceLine,
        BidAttachment,
        ExtractSample,
        BidOpening,
        BidOpeningConfirmation,
        MinimumRequirementCheck,
        IndividualScoreRow,
        ConsensusScore,
        NoarkRequirementLink,
        NoarkRequirementConfirmation,
        AuditEvent,
    )
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def _tender(db) -> Tender:
    return db.session.scalar(select(Tender).where(Tender.case_reference == "2026/0417"))


def test_the_published_stage_has_the_approved_base_specification_a_locked_model_and_four_vendor_users(
    runner, db
) -> None:
    from tender.bids import operations as bid_ops
    from tender.clock import now
    from tender.core.spec.toml_format import load_spec_toml
    from tender.evaluation_model import operations as model_ops
    from tender.noark import operations as noark_ops
    from tender.requirements import operations as spec_ops

    output = _demo(runner, "published")
    tender = _tender(db)
    version = bid_ops.published_version(tender)
    assert version is not None and len(version.decisions) == 6
    base = load_spec_toml(spec_ops.BASE_SPEC.read_bytes())
    assert [r.id for r in bid_ops.published_spec(tender).requirements] == [r.id for r in base.requirements]
    model = model_ops.model_of(tender)
    assert model.frozen_at is not None and model.contract_period == "4+1+1" and model.price_method == "linear"
    assert model_ops.model_problems(tender) == []
    assert [c.key for c in model_ops.quality_leaves(tender)] == [
        "arkiv",
        "saksbehandling",
        "bruk",
        "integrasjon",
        "gjennomforing",
    ]
    assert len(model_ops.price_items(tender)) == 2
    assert [link.requirement_key for link in noark_ops.links_of(tender)] == ["R0148"]
    # the prequalification came first: the six who asked to take part have their users, the four invited bid
    from tender.prequalification.permissions import vendor_may_bid

    sellers = {m.vendor.name for m in tender.memberships if m.role is Role.VENDOR}
    assert sellers == {v.name for v in tender.participating_vendors} and len(sellers) == 6
    invited = {v.name for v in tender.participating_vendors if vendor_may_bid(tender.id, [v.id])}
    assert invited == {
        "Arkivhuset Norge AS",
        "Saksflyt Systemer AS",
        "Nordisk Dokumentforvaltning AS",
        "Kommunearkiv Skytjenester AS",
    }
    assert tender.bid_deadline > now() and bid_ops.submitted_bids(tender) == []
    assert "jonas.bakke@saksflyt.no" in output


def test_in_the_published_stage_one_vendor_reads_its_bid_page_in_english_and_the_others_in_norwegian(
    runner, db, client, forms
) -> None:
    from tender.demo import DEMO_PASSWORD
    from tender.demo.stages import BIDDERS, ENGLISH_BIDDER

    _demo(runner, "published")
    tender = _tender(db)
    for bidder in (b for b in BIDDERS if b.email in (ENGLISH_BIDDER, BIDDERS[0].email)):
        response = forms.post("/logg-inn", {"email": bidder.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        page = client.get(f"/konkurranser/{tender.id}/mitt-tilbud").get_data(as_text=True)
        english = bidder.email == ENGLISH_BIDDER
        assert ("My bid" in page) is english and ("Mitt tilbud" in page) is not english
        forms.post("/logg-ut", {})


def test_the_bids_stage_has_four_submitted_bids_with_valid_noark_samples_unopened_after_the_deadline(
    runner, db
) -> None:
    from tender.audit import AuditEvent
    from tender.bids import operations as bid_ops
    from tender.clock import now
    from tender.noark import operations as noark_ops
    from tender.noark.models import Verdict

    _demo(runner, "bids")
    tender = _tender(db)
    bids = bid_ops.submitted_bids(tender)
    assert len(bids) == 4 and all(b.receipt_sha256 for b in bids)
    assert bid_ops.opening_of(tender) is None and bid_ops.deadline_passed(tender, now())
    assert all(b.submitted_at < tender.bid_deadline for b in bids)
    assert all(len(b.attachments) == 1 and b.attachments[0].data.startswith(b"%PDF-1.4") for b in bids)
    assert sum(a.reservation for b in bids for a in b.answers) == 2
    assert all(a.description for b in bids for a in b.answers)
    samples = noark_ops.submitted_samples(tender)
    assert len(samples) == 4 and len({s.sha256 for s in samples.values()}) == 4
    assert {s.verdict for s in samples.values()} == {Verdict.VALID}
    assert all(noark_ops.read_report(s)["verdict"]["valid"] for s in samples.values())
    # the demo's own step is on the record under its own name
    moved = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "demo.bid_deadline_passed")
    ).all()
    assert [e.actor_label for e in moved] == ["demo"]


def test_the_scored_stage_is_opened_by_two_people_assessed_scored_by_three_and_the_matrix_has_a_winner(
    runner, db
) -> None:
    from tender.bids import operations as bid_ops
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import Phase
    from tender.noark import operations as noark_ops

    _demo(runner, "scored")
    tender = _tender(db)
    opening = bid_ops.opening_of(tender)
    assert opening is not None
    record = bid_ops.opening_record(opening)
    confirmers = {c.user_name for c in bid_ops.opening_confirmations(tender)}
    assert confirmers == {"Anne Lie", "Per Hansen"} and record is not None
    bids = ev.opened_bids(tender)
    assert len(bids) == 4
    minimum = [r for r in bid_ops.published_spec(tender).requirements if r.kind.value == "minstekrav"]
    assert all(len(ev.requirement_checks(b)) == len(minimum) for b in bids)
    # the Noark-checked requirement is decided by the confirmed validation of the sample sent with the bid
    (link,) = noark_ops.links_of(tender)
    results = noark_ops.results_for(tender, link)
    assert len(results) == 4 and all(r.confirmed and r.met for r in results)
    assert all("Noark-kontrollen" in ev.requirement_checks(b)[link.requirement_key].reason for b in bids)
    # ... by the confirmation itself (the evaluator who confirmed it, naming the validation run), not by hand
    checks = [ev.requirement_checks(b)[link.requirement_key] for b in bids]
    assert {c.checked_by_id for c in checks} == {r.confirmation.confirmed_by_id for r in results}
    assert all(
        f"kontroll nr. {r.sample.id}" in ev.requirement_checks(b)[link.requirement_key].reason
        for b in bids
        for r in results
        if r.vendor.id == b.vendor_id
    )
    scores = ev.all_individual_scores(tender)
    assert len(scores) == 3 * 5 * 4 and all(s.justification.strip() for s in scores)
    assert {s.evaluator.name for s in scores} == {"Per Hansen", "Kari Nilsen", "Ola Berg"}
    assert model_ops.model_of(tender).phase is Phase.CONSENSUS and len(ev.consensus_scores(tender)) == 5 * 4
    assert ev.unscored(tender) == []
    built = ev.build_case(tender)
    assert built.problems == () and built.result.winner is not None
    assert built.result.get(built.result.winner).bid.name == "Saksflyt Systemer AS"


def test_the_scored_stage_twice_duplicates_nothing_and_keeps_the_audit_chain_intact(runner, db) -> None:
    from tender.audit import verify

    _demo(runner, "scored")
    first = _stage_counts(db)
    _demo(runner, "scored")
    assert _stage_counts(db) == first
    report = verify()
    assert report.intact, report.problem
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intakt" in result.output


def test_the_stages_run_one_after_another_continue_where_the_database_stands(runner, db) -> None:
    from tender.audit import verify
    from tender.evaluation import operations as ev

    for stage in ("spec", "prequalification", "prequalification", "published", "published", "bids", "bids"):
        _demo(runner, stage)
    _demo(runner, "scored")
    counts = _stage_counts(db)
    assert counts["Bid"] == 4 and counts["IndividualScoreRow"] == 60 and counts["ConsensusScore"] == 20
    assert counts["SpecVersion"] == 1 and counts["BidOpening"] == 1 and counts["ExtractSample"] == 4
    assert ev.build_case(_tender(db)).result.winner is not None
    assert verify().intact
    # an earlier stage after a later one changes nothing
    _demo(runner, "published")
    _demo(runner, "prequalification")
    assert _stage_counts(db) == counts


def test_the_demo_vendor_users_log_in_with_the_demo_password_and_reach_their_bid(
    runner, db, client, forms
) -> None:
    from tender.demo import DEMO_PASSWORD
    from tender.demo.stages import BIDDERS

    _demo(runner, "published")
    tender = _tender(db)
    for bidder in BIDDERS:
        response = forms.post("/logg-inn", {"email": bidder.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, bidder.email
        page = client.get(f"/konkurranser/{tender.id}/mitt-tilbud")
        assert page.status_code == 200, bidder.email
        assert bidder.person in page.get_data(as_text=True)
        forms.post("/logg-ut", {})


def test_an_unknown_stage_is_refused_with_the_list_of_stages(runner, db) -> None:
    result = runner.invoke(args=["demo", "--stage", "tildelt"])
    assert result.exit_code != 0 and "spec" in result.output and "scored" in result.output
    assert db.session.scalar(select(func.count()).select_from(Tender)) == 0


def test_the_demo_extract_is_a_valid_noark_5_extract_that_each_vendor_makes_differently(tmp_path) -> None:
    from tender.core.noark.source import Limits, open_extract
    from tender.core.noark.validator import Options, validate_source
    from tender.demo.extract import demo_extract

    data = demo_extract(system="Saksflyt Kommune", creator=("918273646", "Testarkiv"), seed="918273646")
    assert data == demo_extract(
        system="Saksflyt Kommune", creator=("918273646", "Testarkiv"), seed="918273646"
    )
    assert data != demo_extract(system="NDF Arkiv", creator=("913579240", "Testarkiv"), seed="913579240")
    path = tmp_path / "uttrekk.zip"
    path.write_bytes(data)
    with open_extract(path, Limits()) as source:
        report = validate_source(source, Options(limits=Limits())).to_json()
    assert (
        report["verdict"]["valid"] and report["verdict"]["errors"] == 0 and report["verdict"]["warnings"] == 0
    )
    assert report["extract"]["noark_version"] == "5.0"


def test_the_bids_stage_is_refused_in_norwegian_when_the_deadline_passed_without_the_demo_bids(
    app, runner, db
) -> None:
    from datetime import timedelta

    from tender.bids import operations as bid_ops

    _demo(runner, "published")
    tender = _tender(db)
    late = tender.bid_deadline + timedelta(days=1)
    app.config["CLOCK"] = lambda: late
    try:
        result = runner.invoke(args=["demo", "--stage", "bids"])
    finally:
        app.config.pop("CLOCK", None)
    assert result.exit_code != 0
    assert "Tilbudsfristen er ute" in result.output and "Arkivhuset Norge AS" in result.output
    assert bid_ops.submitted_bids(tender) == []
