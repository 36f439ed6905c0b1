"""The audit trail in Norwegian (issue 11, point 5): every event type the code records has a name, the page
and its filters show names and a readable list of what changed, and the trail exports as CSV and PDF, sealed
before the opening like the page."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

from tender import audit
from tender.audit import labels as audit_labels
from tender.tenders.models import Role

TENDER = Path(__file__).resolve().parents[1] / "tender"
# record("x.y", ...), audit.record("x.y", ...), and the call split over lines
_RECORDED = re.compile(r"\brecord\(\s*\"([a-z_]+\.[a-z_]+)\"")


def _recorded_event_types() -> set[str]:
    found: set[str] = set()
    for path in TENDER.rglob("*.py"):
        found |= set(_RECORDED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_event_type_the_code_records_has_a_norwegian_name() -> None:
    recorded = _recorded_event_types()
    assert len(recorded) > 50  # the pattern still finds the calls
    missing = sorted(recorded - audit_labels.EVENT_LABELS.keys())
    assert missing == [], f"hendelsestyper uten norsk navn i tender/audit/labels.py: {missing}"


def test_every_table_an_event_can_be_filed_under_has_a_norwegian_name(app) -> None:
    from tender.extensions import db as sqla

    tables = {t.name for t in sqla.metadata.sorted_tables}
    missing = sorted(tables - audit_labels.OBJECT_LABELS.keys())
    assert missing == [], f"tabeller uten norsk navn: {missing}"


def test_the_command_line_reads_as_the_system_and_a_person_by_e_mail() -> None:
    assert audit_labels.actor_label("cli:root") == "Systemet (kommandolinje: root)"
    assert audit_labels.actor_label("anne.lie@grenland-innkjop.no") == "anne.lie@grenland-innkjop.no"


def test_a_payload_reads_as_named_values_in_norwegian() -> None:
    changes = audit_labels.changes(
        '{"role": "lead", "is_admin": true, "vendor": null, '
        '"at": "2026-12-03T07:44:05+00:00", "verdict": "valid", "weight": "12.5"}'
    )
    assert [(c.label, c.text) for c in changes] == [
        ("Rolle", "Prosjektleder (anskaffelse)"),
        ("Administrator", "ja"),
        ("Leverandør", "–"),
        ("Tidspunkt", "3. desember 2026 kl. 08.44.05"),
        ("Resultat", "Gyldig"),
        ("Vekt", "12,5"),
    ]


def test_the_trail_shows_event_names_object_names_and_the_change_list_not_identifiers_or_json(
    client, db, login_as, create_tender, add_member
) -> None:
    tender = create_tender()
    add_member(tender, Role.EVALUATOR)
    audit.record("tender.changed", tender, payload={"title": "Ny tittel"}, actor=None)
    db.session.commit()
    login_as(tender.memberships[0].user)
    page = client.get(f"/konkurranser/{tender.id}/revisjonsspor").get_data(as_text=True)
    assert "Medlem lagt til" in page and "Medlemskap" in page and "Konkurransen endret" in page
    assert "Systemet (kommandolinje: " in page
    assert "<dt>Tittel</dt><dd>Ny tittel</dd>" in page
    # the identifier is left only in attributes (the filter's values, the row's data-event), never in the text
    assert not re.search(r">[^<]*membership\.added[^<]*<", page)
    assert '{"' not in page and "cli:" not in page
    # the filter offers the names, with the identifiers only as the values sent
    assert re.search(r'<option value="membership.added"[^>]*>Medlem lagt til</option>', page)
    assert re.search(r'<option value="membership"[^>]*>Medlemskap</option>', page)


def test_the_csv_export_is_utf8_with_bom_and_semicolons_and_says_what_the_page_says(
    client, db, login_as, create_tender, add_member
) -> None:
    tender = create_tender()
    add_member(tender, Role.EVALUATOR)
    db.session.commit()
    login_as(tender.memberships[0].user)
    response = client.get(f"/konkurranser/{tender.id}/revisjonsspor.csv?type=membership.added")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "revisjonsspor-" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    # no opening yet: sealed, so the sequence numbers are left out as on the page
    assert rows[0] == ["Tid (norsk tid)", "Hvem", "Hendelse", "Objekt", "Endringer", "Sjekksum"]
    # the lead's own membership and the evaluator's, newest first
    assert len(rows) == 3 and {r[2] for r in rows[1:]} == {"Medlem lagt til"}
    assert rows[1][3].startswith("Medlemskap ") and "Rolle: Evaluator" in rows[1][4]


def test_the_pdf_export_reads_in_norwegian(client, db, login_as, create_tender, add_member, tmp_path) -> None:
    tender = create_tender()
    add_member(tender, Role.EVALUATOR)
    db.session.commit()
    login_as(tender.memberships[0].user)
    response = client.get(f"/konkurranser/{tender.id}/revisjonsspor.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "spor.pdf"
    pdf.write_bytes(response.get_data())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Revisjonsspor" in text and "Medlem lagt til" in text and "Rolle: Evaluator" in text
    assert "membership.added" not in text


def test_an_evaluator_may_not_export_the_trail(client, db, login_as, create_tender, add_member) -> None:
    tender = create_tender()
    evaluator = add_member(tender, Role.EVALUATOR)
    db.session.commit()
    login_as(evaluator)
    assert client.get(f"/konkurranser/{tender.id}/revisjonsspor.csv").status_code == 403
    assert client.get(f"/konkurranser/{tender.id}/revisjonsspor.pdf").status_code == 403


# -- the exports are sealed like the page -------------------------------------------------------------------
from tests.evaluation_helpers import AFTER, ORGNR, open_all, setup_tender, submit_bid  # noqa: E402


def _csv_rows(client, tender_id: int, query: str = "") -> list[list[str]]:
    response = client.get(f"/konkurranser/{tender_id}/revisjonsspor.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def test_before_the_opening_the_exports_leave_out_every_vendor_event_and_the_numbers_and_after_it_show_them(
    client, db, login_as, clock, create_tender, add_member, create_user, tmp_path
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user)
    submit_bid(db, s, 0)
    clock.set(AFTER)
    login_as(s.lead)
    bid_names = {
        label for key, label in audit_labels.EVENT_LABELS.items() if key.startswith(("bid.", "noark."))
    }
    for query in ("", "?type=bid.submitted", "?objekttype=bid"):
        rows = _csv_rows(client, s.id, query)
        assert rows[0][0] != "Nr." and not bid_names & {r[2] for r in rows[1:]}, query
        # a vendor is named only where the group itself added it to the tender (as on the page)
        assert {r[2] for r in rows[1:] if any(ORGNR[0] in cell for cell in r)} <= {
            "Leverandør lagt til i konkurransen"
        }
    assert len(_csv_rows(client, s.id, "?type=bid.submitted")) == 1  # the header alone
    pdf = tmp_path / "spor.pdf"
    pdf.write_bytes(client.get(f"/konkurranser/{s.id}/revisjonsspor.pdf?type=bid.submitted").get_data())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "0 hendelser med filteret" in text and "holdt tilbake" in text and "Tilbud levert" not in text

    open_all(db, s, clock)
    rows = _csv_rows(client, s.id, "?type=bid.submitted")
    assert rows[0][0] == "Nr." and [r[3] for r in rows[1:]] == ["Tilbud levert"]
    pdf.write_bytes(client.get(f"/konkurranser/{s.id}/revisjonsspor.pdf?type=bid.submitted").get_data())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "1 hendelse med filteret" in text and "Tilbud levert" in text and "holdt tilbake" not in text


def test_every_field_and_coded_value_the_scored_demo_records_reads_in_norwegian(runner, db) -> None:
    import json

    from sqlalchemy import select

    from tender.audit import AuditEvent

    result = runner.invoke(args=["demo", "--stage", "scored"])
    assert result.exit_code == 0, result.output
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    events = db.session.scalars(select(AuditEvent)).all()
    for event in events:
        walk(json.loads(event.payload_json))
    assert len(keys) > 40
    assert sorted(keys - audit_labels.FIELD_LABELS.keys()) == []
    # every value of a coded field is named, not shown as the stored identifier
    for event in events:
        for change, (key, value) in zip(
            audit_labels.changes(event.payload_json), json.loads(event.payload_json).items(), strict=False
        ):
            if key in audit_labels.VALUE_LABELS and isinstance(value, str) and value != "None":
                assert change.text in audit_labels.VALUE_LABELS[key].values(), (event.event_type, key, value)
    system = {audit_labels.actor_label(e.actor_label) for e in events if not e.actor_id}
    assert system and all(who.startswith("Systemet (") and "cli:" not in who for who in system), system


def test_the_evaluation_model_settings_of_issue_16_read_in_norwegian_with_their_values_named(
    db, clock, create_tender, add_member, create_user
) -> None:
    """Every key the settings change records (the scale's step, the consensus rule, the thresholds, the
    price-adjusting methods' parameters), the criterion's minimum and the price schedule's keys have a
    Norwegian name; the rule and the methods are named, decimals written with a comma."""
    import json
    from decimal import Decimal

    from sqlalchemy import select

    from tender.audit import AuditEvent
    from tender.evaluation_model import operations as model_ops

    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    rows = {r.key: r for r in model_ops.criteria_of(s.tender)}
    model_ops.update_criterion_weight(s.tender, rows["pris"], Decimal(0), actor=s.lead)
    model_ops.update_criterion_weight(s.tender, rows["kvalitet"], Decimal(80), actor=s.lead)
    settings = model_ops.ModelSettings(
        scale_max=Decimal(5),
        price_method="price_surcharge",
        price_k=None,
        nok_per_point=None,
        normalise=False,
        contract_period="4",
        disagreement_threshold=Decimal(3),
        scale_step=Decimal("0.125"),
        consensus_rule="mean",
        min_quality=Decimal("1.75"),
        surcharge_percent=Decimal("12.5"),
    )
    model_ops.update_settings(s.tender, settings, actor=s.lead)
    db.session.commit()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "evaluation.settings_changed")
    ).all()[-1]
    payload = json.loads(event.payload_json)
    assert {"scale_step", "consensus_rule", "min_quality", "surcharge_percent", "deduction_percent"} <= set(
        payload
    )
    assert sorted(set(payload) - audit_labels.FIELD_LABELS.keys()) == []
    read = {c.label: c.text for c in audit_labels.changes(event.payload_json)}
    assert read["Trinn på poengskalaen"] == "0,125"
    assert read["Regel for konsensuspoeng"] == "Gjennomsnitt av evaluatorenes poeng"
    assert read["Minste vektede kvalitetspoeng"] == "1,75"
    assert read["Prismetode"] == "Prosentvis pristillegg for manglende kvalitet"
    assert read["Pristillegg ved null kvalitet (S, %)"] == "12,5"
    assert read["Prisfradrag ved full kvalitet (D, %)"] == "–"
    # the keys other parts record: the criterion's minimum, the price schedule's evaluation
    for key in ("min_score", "price_evaluation", "discount_rate_percent", "price_gaps", "quantity"):
        assert key in audit_labels.FIELD_LABELS, key
    assert audit_labels.value_text("agreed", "consensus_rule") == "Enighet i gruppen"
    assert audit_labels.value_text("0", "scale_step") == "0 (uten faste trinn)"
    assert audit_labels.value_text("2.5000", "min_score") == "2,5"
    assert audit_labels.value_text("basket", "price_evaluation") == "Handlekurv (mengde × enhetspris)"
    assert audit_labels.value_text("highest", "price_gaps").startswith("Regnes med den høyeste prisen")
    assert audit_labels.value_text("3.5", "discount_rate_percent") == "3,5"
    from tender.core.scoring.methods import PRICE_METHODS

    for name, method in PRICE_METHODS.items():
        assert audit_labels.value_text(name, "price_method") == method.label
