"""The tender documents (issue 13, point 1): the lead assembles a set from uploads and documents generated
from frozen data, publishes it as one version with a content hash, vendors download it, every download is
logged with its version, and a correction is a new version made from the published one."""

from __future__ import annotations

import re
import subprocess

import pytest

from tender.documents import operations as ops
from tender.documents.models import DocumentDownload, DocumentKind
from tender.errors import DomainError
from tests.evaluation_helpers import setup_tender

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdftotext(data: bytes) -> str:
    assert data[:4] == b"%PDF"
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    # pdftotext breaks lines where the PDF does; the checks read words, not the layout
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


@pytest.fixture
def world(db, clock, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user)


def _assembled(db, s):
    draft = ops.ensure_draft(s.tender, actor=s.lead)
    ops.upload(
        s.tender,
        draft,
        kind=DocumentKind.INVITATION,
        label="",
        filename="invitasjon.pdf",
        data=PDF_BYTES,
        actor=s.lead,
    )
    for kind in (DocumentKind.SPECIFICATION, DocumentKind.PRICE_SCHEDULE, DocumentKind.AWARD_CRITERIA):
        ops.generate(s.tender, draft, kind, actor=s.lead)
    db.session.commit()
    return draft


def test_the_award_criteria_document_states_exactly_the_weights_and_price_formula_of_the_frozen_model(
    db, world
) -> None:
    from tender.core.scoring.methods import PRICE_METHODS
    from tender.evaluation_model.operations import criteria_of, model_of

    draft = _assembled(db, world)
    document = next(d for d in ops.documents_of(draft) if d.kind is DocumentKind.AWARD_CRITERIA)
    text = pdftotext(document.data)
    model = model_of(world.tender)
    method = PRICE_METHODS[model.price_method]
    assert f"Formel: {method.formula}" in text
    assert f"Metode: {method.label}" in text
    assert model.frozen_hash in text
    for row in criteria_of(world.tender):
        assert row.name in text
    # Pris 30 %, Kvalitet 50 % (Arkivfunksjonalitet and Kvalitet 2 50 % each of it), Gjennomføring 20 %
    assert re.search(r"Pris Pris 30 %", text)
    assert re.search(r"Kvalitet Kvalitet 50 %", text)
    assert re.search(r"Gjennomføring Kvalitet 20 %", text)
    assert "Kvalitet › Arkivfunksjonalitet Kvalitet 50 % av Kvalitet 25 %" in text
    assert document.generated and model.frozen_hash in document.source


def test_generation_is_refused_in_norwegian_while_the_model_is_not_locked(
    db, clock, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    draft = ops.ensure_draft(s.tender, actor=s.lead)
    with pytest.raises(DomainError, match="Evalueringsmodellen er ikke låst"):
        ops.generate(s.tender, draft, DocumentKind.AWARD_CRITERIA, actor=s.lead)
    with pytest.raises(DomainError, match="prekvalifisering"):
        ops.generate(s.tender, draft, DocumentKind.QUALIFICATION, actor=s.lead)
    assert draft.documents == []


def test_the_content_hash_is_stable_and_changes_when_a_document_or_label_changes(db, world) -> None:
    draft = _assembled(db, world)
    first = ops.content_hash(ops.documents_of(draft))
    assert ops.content_hash(ops.documents_of(draft)) == first
    # the generated PDFs are invariant: generating the award criteria again keeps the hash
    ops.generate(world.tender, draft, DocumentKind.AWARD_CRITERIA, actor=world.lead)
    assert ops.content_hash(ops.documents_of(draft)) == first
    invitation = next(d for d in draft.documents if d.kind is DocumentKind.INVITATION)
    ops.rename(world.tender, invitation, "Konkurransebestemmelser, del I", actor=world.lead)
    renamed = ops.content_hash(ops.documents_of(draft))
    assert renamed != first
    ops.upload(
        world.tender,
        draft,
        kind=DocumentKind.INVITATION,
        label="",
        filename="invitasjon.pdf",
        data=PDF_BYTES + b"% endret\n",
        actor=world.lead,
    )
    changed = ops.content_hash(ops.documents_of(draft))
    assert changed not in (first, renamed)
    # the new upload replaced the invitation and kept its edited label
    invitations = [d for d in draft.documents if d.kind is DocumentKind.INVITATION]
    assert [d.label for d in invitations] == ["Konkurransebestemmelser, del I"]


def test_publishing_freezes_the_set_with_its_hash_in_the_trail_and_nothing_changes_afterwards(
    db, world
) -> None:
    from sqlalchemy import select

    from tender.audit import AuditEvent

    draft = _assembled(db, world)
    ops.publish(world.tender, draft, actor=world.lead)
    db.session.commit()
    assert ops.current_version(world.tender) is draft and draft.content_sha256
    assert draft.content_sha256 == ops.content_hash(ops.documents_of(draft))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "documents.published"))
    assert draft.content_sha256 in event.payload_json
    document = ops.documents_of(draft)[0]
    with pytest.raises(DomainError, match="fryst"):
        ops.rename(world.tender, document, "Nytt navn", actor=world.lead)
    with pytest.raises(DomainError, match="fryst"):
        ops.generate(world.tender, draft, DocumentKind.PRICE_SCHEDULE, actor=world.lead)
    with pytest.raises(DomainError, match="rettelse"):
        ops.ensure_draft(world.tender, actor=world.lead)


def test_a_correction_is_a_new_version_with_its_reason_and_reaches_every_holder(db, world) -> None:
    draft = _assembled(db, world)
    ops.publish(world.tender, draft, actor=world.lead)
    spec_doc = next(d for d in draft.documents if d.kind is DocumentKind.SPECIFICATION)
    ops.record_download(world.tender, spec_doc, user=world.vendor_users[0], vendor=world.vendors[0])
    ops.record_download(world.tender, spec_doc, user=world.vendor_users[0], vendor=world.vendors[0])
    db.session.commit()
    with pytest.raises(DomainError, match="begrunnelsen"):
        ops.new_version_from(world.tender, replacing={}, reason="  ", actor=world.lead)
    with pytest.raises(DomainError, match="ikke noe dokument"):
        ops.new_version_from(world.tender, replacing={"Bilag 9": b"x"}, reason="Feil bilag", actor=world.lead)
    db.session.rollback()
    second = ops.new_version_from(
        world.tender,
        replacing={"invitation": PDF_BYTES + b"% rettet\n", "award_criteria": None},
        reason="Rettet tilbudsfristen i konkurransebestemmelsene",
        actor=world.lead,
    )
    assert second.number == 2 and second.is_correction and second.frozen_at is None
    assert [d.label for d in ops.documents_of(second)] == [d.label for d in ops.documents_of(draft)]
    ops.publish(world.tender, second, actor=world.lead)
    db.session.commit()
    assert ops.current_version(world.tender) is second
    assert second.content_sha256 != draft.content_sha256
    # the first version is unchanged
    assert ops.content_hash(ops.documents_of(draft)) == draft.content_sha256
    held = ops.holders(world.tender)
    assert [(h.vendor_name, h.user_name, h.version_number, h.documents) for h in held] == [
        (world.vendors[0].name, world.vendor_users[0].name, 1, 1)
    ]
    assert ops.holders(world.tender, second) == []
    assert ops.vendors_holding(world.tender) == [world.vendors[0]]


def test_every_download_is_logged_with_its_version(db, world) -> None:
    from sqlalchemy import select

    draft = _assembled(db, world)
    ops.publish(world.tender, draft, actor=world.lead)
    for document in ops.documents_of(draft):
        ops.record_download(world.tender, document, user=world.vendor_users[1], vendor=world.vendors[1])
    db.session.commit()
    rows = db.session.scalars(select(DocumentDownload)).all()
    assert len(rows) == len(draft.documents) == 5
    assert {(r.version_id, r.vendor_id, r.user_id) for r in rows} == {
        (draft.id, world.vendors[1].id, world.vendor_users[1].id)
    }


def test_a_vendor_cannot_download_a_draft_document(db, world) -> None:
    draft = _assembled(db, world)
    with pytest.raises(DomainError, match="ikke publisert"):
        ops.record_download(
            world.tender, draft.documents[0], user=world.vendor_users[0], vendor=world.vendors[0]
        )


@pytest.mark.parametrize(
    ("filename", "data", "label", "message"),
    [
        ("stor.pdf", b"%PDF-" + b"0" * 2048, "Bilag 1", "større enn"),
        ("program.exe", b"MZ\x90\x00", "Bilag 1", "Filtypen tas ikke imot"),
        ("falsk.pdf", b"<html>", "Bilag 1", "ikke en gyldig .pdf-fil"),
        ("tom.pdf", b"", "Bilag 1", "Filen er tom"),
        ("bilag.pdf", PDF_BYTES, "   ", "Skriv et navn"),
        ("bilag.pdf", PDF_BYTES, "B" * 201, "høyst 200 tegn"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason_and_change_nothing(
    db, world, filename, data, label, message
) -> None:
    draft = ops.ensure_draft(world.tender, actor=world.lead)
    with pytest.raises(DomainError, match=message):
        ops.upload(
            world.tender,
            draft,
            kind=DocumentKind.APPENDIX,
            label=label,
            filename=filename,
            data=data,
            actor=world.lead,
            limit=1024 * 1024 if "større" not in message else 1024,
        )
    assert draft.documents == []


def test_a_standard_agreement_prefills_the_contract_and_bilag_labels(db, world) -> None:
    draft = ops.ensure_draft(world.tender, actor=world.lead)
    ops.generate(world.tender, draft, DocumentKind.SPECIFICATION, actor=world.lead)
    ops.choose_agreement(world.tender, draft, "SSA-K", actor=world.lead)
    ops.upload(
        world.tender,
        draft,
        kind=DocumentKind.CONTRACT,
        label="",
        filename="ssa-k.pdf",
        data=PDF_BYTES,
        actor=world.lead,
    )
    assert ops.suggested_appendix_label(draft) == "Bilag 2 Leverandørens løsningsbeskrivelse"
    labels = {d.kind: d.label for d in draft.documents}
    assert labels[DocumentKind.SPECIFICATION] == "Bilag 1 Kundens kravspesifikasjon"
    assert labels[DocumentKind.CONTRACT] == "SSA-K Kjøpsavtalen"
    ops.generate(world.tender, draft, DocumentKind.PRICE_SCHEDULE, actor=world.lead)
    assert next(d.label for d in draft.documents if d.kind is DocumentKind.PRICE_SCHEDULE) == (
        "Bilag 7 Pris og prisbestemmelser"
    )
    with pytest.raises(DomainError, match="SSA-K"):
        ops.choose_agreement(world.tender, draft, "SSA-X", actor=world.lead)


def test_the_award_criteria_are_not_generated_from_a_model_that_differs_from_its_lock(db, world) -> None:
    from tender.evaluation_model.operations import criteria_of

    draft = ops.ensure_draft(world.tender, actor=world.lead)
    # changed behind the lock's back (no operation allows it): what vendors would read is not what the lock
    # computes, whether the change still makes a model (a name) or not (weights that no longer sum to 100)
    first = criteria_of(world.tender)[0]
    first.name = "Pris, endret"
    with pytest.raises(DomainError, match="stemmer ikke med sjekksummen"):
        ops.generate(world.tender, draft, DocumentKind.AWARD_CRITERIA, actor=world.lead)
    first.name, first.weight = "Pris", first.weight + 1
    with pytest.raises(DomainError, match="stemmer ikke med sjekksummen"):
        ops.generate(world.tender, draft, DocumentKind.AWARD_CRITERIA, actor=world.lead)


def test_a_model_locked_before_the_scale_step_and_thresholds_existed_still_matches_its_lock(
    db, world
) -> None:
    """Issue 16 added the scale step, the consensus rule and the thresholds to the frozen form. A lock made
    before hashed the older form (these exact keys); a model that uses none of the new settings still
    matches it, and one that does (a threshold) cannot pass for an old lock."""
    import hashlib
    import json

    from tender.evaluation_model.operations import (
        criteria_of,
        frozen_model_json,
        legacy_frozen_json,
        model_of,
    )

    frozen = frozen_model_json(world.tender)
    old = legacy_frozen_json(frozen)
    assert old is not None
    assert set(old["model"]) == {
        "scale_max",
        "allow_half_points",
        "tie_break",
        "ranked_by",
        "price_method",
        "criteria",
    }
    assert all(
        set(c)
        == {
            "id",
            "name",
            "kind",
            "parent",
            "weight",
            "weight_unit",
            "share",
            "path_weight",
            "normalise",
            "weight_min",
            "weight_max",
        }
        for c in old["model"]["criteria"]
    )
    model = model_of(world.tender)
    text = json.dumps(old, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    model.frozen_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    draft = ops.ensure_draft(world.tender, actor=world.lead)
    ops.generate(world.tender, draft, DocumentKind.AWARD_CRITERIA, actor=world.lead)

    leaf = [r for r in criteria_of(world.tender) if r.kind.value == "quality"][-1]
    leaf.min_score = 2
    assert legacy_frozen_json(frozen_model_json(world.tender)) is None
    with pytest.raises(DomainError, match="stemmer ikke med sjekksummen"):
        ops.generate(world.tender, draft, DocumentKind.AWARD_CRITERIA, actor=world.lead)


def test_a_model_locked_before_the_price_evaluation_and_quantities_existed_still_matches_its_lock(
    db, world
) -> None:
    """Issue 16 added how the price schedule makes the evaluated price (method, discount rate, gap rule) and
    the basket quantities to the frozen form. A lock made before hashed the price schedule as name, kind and
    per municipality only; a model with the defaults (undiscounted life-cycle cost, incomplete bids refused,
    no quantities) still matches it, and one with a quantity, a rate or another rule cannot pass for it."""
    import hashlib
    import json
    from decimal import Decimal

    from tender.evaluation_model.operations import (
        frozen_model_json,
        legacy_frozen_json,
        model_of,
        price_items,
    )

    frozen = frozen_model_json(world.tender)
    assert frozen["price_evaluation"] == {
        "method": "life_cycle",
        "discount_rate_percent": None,
        "gaps": "reject",
    }
    old = legacy_frozen_json(frozen)
    assert old is not None
    assert "price_evaluation" not in old
    assert all(set(i) == {"name", "kind", "per_municipality"} for i in old["price_schedule"])
    model = model_of(world.tender)
    text = json.dumps(old, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    model.frozen_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    draft = ops.ensure_draft(world.tender, actor=world.lead)
    ops.generate(world.tender, draft, DocumentKind.AWARD_CRITERIA, actor=world.lead)

    model.discount_rate_percent = Decimal("2.5")
    assert legacy_frozen_json(frozen_model_json(world.tender)) is None
    with pytest.raises(DomainError, match="stemmer ikke med sjekksummen"):
        ops.generate(world.tender, draft, DocumentKind.AWARD_CRITERIA, actor=world.lead)
    model.discount_rate_percent = None
    model.price_gaps = "highest"
    assert legacy_frozen_json(frozen_model_json(world.tender)) is None
    model.price_gaps = "reject"
    price_items(world.tender)[0].quantity = Decimal(3)
    assert legacy_frozen_json(frozen_model_json(world.tender)) is None


def _announce(db, world, *, method: str, **settings):
    """The model of ``world`` (not locked yet) set to ``method`` with the issue-16 settings, then locked."""
    from datetime import timedelta
    from decimal import Decimal

    from tender.evaluation_model import operations as model_ops
    from tests.evaluation_helpers import BEFORE

    rows = {r.key: r for r in model_ops.criteria_of(world.tender)}
    for key, minimum in settings.pop("min_scores", {}).items():
        rows[key].min_score = Decimal(minimum)
    if method not in ("linear", "linear_zero_at", "proportional", "spread", "linear_floor"):
        # the price-adjusting methods rank by the evaluated price: the price criterion weighs nothing
        model_ops.update_criterion_weight(world.tender, rows["pris"], Decimal(0), actor=world.lead)
        model_ops.update_criterion_weight(world.tender, rows["kvalitet"], Decimal(80), actor=world.lead)
    base = {
        "scale_max": Decimal(10),
        "price_method": method,
        "price_k": None,
        "nok_per_point": None,
        "normalise": False,
        "contract_period": "4",
        "disagreement_threshold": Decimal(3),
    }
    model_ops.update_settings(world.tender, model_ops.ModelSettings(**{**base, **settings}), actor=world.lead)
    model_ops.freeze(world.tender, at=BEFORE - timedelta(days=10), actor=world.lead)
    db.session.commit()


@pytest.fixture
def unlocked(db, clock, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user, freeze=False)


def _award_criteria_text(db, s) -> str:
    draft = ops.ensure_draft(s.tender, actor=s.lead)
    ops.generate(s.tender, draft, DocumentKind.AWARD_CRITERIA, actor=s.lead)
    db.session.commit()
    document = next(d for d in ops.documents_of(draft) if d.kind is DocumentKind.AWARD_CRITERIA)
    return pdftotext(document.data)


def test_the_award_criteria_announce_the_step_the_mean_rule_and_the_thresholds_with_their_consequence(
    db, unlocked
) -> None:
    """Issue 16: the vendors read the scale's step, how the consensus score is set, each criterion's minimum
    and the minimum weighted quality, and that a bid below one is rejected."""
    from decimal import Decimal

    _announce(
        db,
        unlocked,
        method="linear",
        scale_max=Decimal(5),
        scale_step=Decimal("0.1"),
        consensus_rule="mean",
        min_quality=Decimal("1.5"),
        min_scores={"arkiv": "2.5", "gjennomforing": 2},
    )
    text = _award_criteria_text(db, unlocked)
    assert "skala fra 0 til 5, i tideler (trinn på 0,1)" in text
    assert "Konsensus: Gjennomsnitt av evaluatorenes poeng." in text
    assert "gjennomsnittet av evaluatorenes individuelle poeng" in text
    assert "Arkivfunksjonalitet: minst 2,5 poeng." in text
    assert "Gjennomføring: minst 2 poeng." in text
    # Qmax = 5 × (50 % + 20 %) = 3.5
    assert "Vektede kvalitetspoeng til sammen: minst 1,5 av høyst 3,5." in text
    assert "Et tilbud under en av disse minstegrensene avvises" in text


def test_the_award_criteria_of_a_plain_model_say_whole_points_agreed_scores_and_no_thresholds(
    db, world
) -> None:
    draft = _assembled(db, world)
    document = next(d for d in ops.documents_of(draft) if d.kind is DocumentKind.AWARD_CRITERIA)
    text = pdftotext(document.data)
    assert "skala fra 0 til 10, i hele poeng." in text
    assert "Konsensus: Enighet i gruppen." in text
    assert "Det er ikke satt minstepoeng for kvalitet" in text
    assert "avvises:" not in text


@pytest.mark.parametrize(
    ("method", "settings", "expected"),
    [
        (
            "price_surcharge",
            {"surcharge_percent": "30"},
            ["S, pristillegg ved null kvalitet: 30 %", "S % ved null kvalitet", "Qmax de høyest mulige (10)"],
        ),
        (
            "price_deduction",
            {"deduction_percent": "12.5"},
            ["D, prisfradrag ved full kvalitet: 12,5 %", "D % ved full kvalitet", "Qmax"],
        ),
        (
            "value_for_money_offset",
            {"nok_per_point": "25000"},
            [
                "Kroner per poeng: 25 000,00 kr",
                "prisen pluss verdien av kvaliteten tilbudet ikke leverer",
                "aldri lavere enn prisen",
            ],
        ),
        ("value_for_money", {"nok_per_point": "1000"}, ["Kroner per poeng: 1 000,00 kr", "lavere enn null"]),
        ("linear_zero_at", {"price_k": "2"}, ["k (null poeng ved k × laveste pris): 2"]),
        ("linear", {"scale_step": "0"}, ["fritt, uten faste trinn (kontinuerlig skala)"]),
    ],
)
def test_the_award_criteria_state_each_price_method_with_its_formula_and_parameters_in_norwegian(
    db, unlocked, method, settings, expected
) -> None:
    from decimal import Decimal

    from tender.core.scoring.methods import PRICE_METHODS

    values = {k: Decimal(v) for k, v in settings.items()}
    _announce(db, unlocked, method=method, **values)
    text = pdftotext_nbsp(_award_criteria_text(db, unlocked))
    cls = PRICE_METHODS[method]
    assert f"Metode: {cls.label}" in text
    assert f"Formel: {cls.formula}" in text
    for phrase in expected:
        assert phrase in text, phrase
    ranking = "rangeres etter evaluert pris" if cls.ranks_by_evaluated_price else "samlet vektet poengsum"
    assert ranking in text


def pdftotext_nbsp(text: str) -> str:
    """The PDF keeps the non-breaking spaces of the Norwegian number format; read them as spaces."""
    return text.replace("\u00a0", " ")
