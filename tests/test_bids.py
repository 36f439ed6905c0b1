"""The vendor portal and sealed bids: drafts, answers to the published specification, submission receipts,
the deadline with an injectable clock, late bids, the opening record."""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.bids import operations as bid_ops
from tender.bids.models import BidStatus
from tender.clock import now
from tender.errors import DomainError
from tests.evaluation_helpers import AFTER, BEFORE, DEADLINE, setup_tender, submit_bid


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user)


def _draft_data(s, answer="Ja", amount="1 000 000,50"):
    data = {"lock_version": ""}
    for r in bid_ops.published_spec(s.tender).requirements:
        data[f"a-{r.id}-choice"] = answer
        data[f"a-{r.id}-description"] = "Dekkes av standardløsningen."
        data[f"a-{r.id}-documentation_ref"] = "Vedlegg 2, kap. 3"
    data[f"p-{s.items[0].id}-0-amount"] = amount
    for m in s.tender.participating_municipalities:
        data[f"p-{s.items[1].id}-{m.id}-amount"] = "120000"
    return data


def _events(db, tender, event_type):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == event_type)
    ).all()


def test_a_vendor_saves_a_draft_and_sees_it_again(client, forms, login_as, clock, s) -> None:
    login_as(s.vendor_users[0])
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud", _draft_data(s))
    assert response.status_code == 302, response.get_data(as_text=True)
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert bid.status is BidStatus.DRAFT and len(bid.answers) == 4
    assert {str(p.amount) for p in bid.prices} == {"1000000.50", "120000.00"}
    html = client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    assert "Dekkes av standardløsningen." in html and "Utkast" in html


def test_an_answer_outside_the_answer_form_is_refused_and_nothing_is_stored(
    client, forms, login_as, clock, s
) -> None:
    login_as(s.vendor_users[0])
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud", _draft_data(s, answer="Kanskje"))
    assert response.status_code == 422
    assert bid_ops.bid_of(s.tender, s.vendors[0].id) is None


def test_a_bad_amount_is_refused_with_a_norwegian_message(client, forms, login_as, clock, s) -> None:
    login_as(s.vendor_users[0])
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud", _draft_data(s, amount="mange penger"))
    assert response.status_code == 422
    assert "beløpet må være et tall" in response.get_data(as_text=True)


def test_a_reservation_must_be_described(db, clock, s) -> None:
    bid = bid_ops.ensure_bid(s.tender, s.vendors[0], at=BEFORE, actor=s.vendor_users[0])
    with pytest.raises(DomainError, match="beskriv forbeholdet"):
        bid_ops.save_draft(
            s.tender,
            bid,
            answers=[bid_ops.AnswerInput("R0001", "Ja", reservation=True)],
            prices={},
            at=BEFORE,
            actor=s.vendor_users[0],
        )


def test_submitting_an_incomplete_bid_lists_what_is_missing(client, forms, login_as, clock, s) -> None:
    login_as(s.vendor_users[0])
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud/lever", {})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "4 krav er ikke besvart: 1.1, 1.2, 1.3, 1.4." in html and "Prisskjemaet mangler beløp" in html


def test_submission_gives_a_receipt_with_the_sha256_of_the_submitted_content(
    client, forms, login_as, db, clock, s
) -> None:
    login_as(s.vendor_users[0])
    forms.post(f"/konkurranser/{s.id}/mitt-tilbud", _draft_data(s))
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud/lever", {})
    assert response.status_code == 302
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    canonical = json.dumps(
        bid_ops.bid_content(bid), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert bid.receipt_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    html = client.get(f"/konkurranser/{s.id}/mitt-tilbud/kvittering").get_data(as_text=True)
    assert bid.receipt_sha256 in html
    assert _events(db, s.tender, "bid.submitted")[0].payload["sha256"] == bid.receipt_sha256


def test_a_submitted_bid_cannot_be_changed(client, forms, login_as, db, clock, s) -> None:
    submit_bid(db, s, 0)
    login_as(s.vendor_users[0])
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud", _draft_data(s, answer="Nei"))
    assert response.status_code == 422
    assert {a.fulfilled for a in bid_ops.bid_of(s.tender, s.vendors[0].id).answers} == {"Ja"}


def test_a_bid_one_second_before_the_deadline_is_accepted(db, clock, s) -> None:
    clock.set(BEFORE)
    bid = submit_bid(db, s, 0)
    assert bid.submitted_at == BEFORE


def test_a_bid_one_second_after_the_deadline_is_refused_and_the_attempt_logged(
    client, forms, login_as, db, clock, s
) -> None:
    login_as(s.vendor_users[0])
    forms.post(f"/konkurranser/{s.id}/mitt-tilbud", _draft_data(s))
    clock.set(AFTER)
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud/lever", {})
    assert response.status_code == 409
    assert "Tilbudsfristen er ute" in response.get_data(as_text=True)
    assert bid_ops.bid_of(s.tender, s.vendors[0].id).status is BidStatus.DRAFT
    late = _events(db, s.tender, "bid.late_attempt")
    assert [e.payload["action"] for e in late] == ["submit"]
    assert late[0].payload["at"] == AFTER.isoformat()


def test_a_draft_cannot_be_saved_at_the_deadline_itself(client, forms, login_as, db, clock, s) -> None:
    clock.set(DEADLINE)
    login_as(s.vendor_users[0])
    response = forms.post(f"/konkurranser/{s.id}/mitt-tilbud", _draft_data(s))
    assert response.status_code == 409
    assert bid_ops.bid_of(s.tender, s.vendors[0].id) is None
    assert len(_events(db, s.tender, "bid.late_attempt")) == 1


def test_bids_cannot_be_opened_before_the_deadline(db, clock, s) -> None:
    submit_bid(db, s, 0)
    with pytest.raises(DomainError, match="før tilbudsfristen"):
        bid_ops.confirm_opening(s.tender, at=BEFORE, actor=s.lead)
    assert bid_ops.opening_confirmations(s.tender) == []


def test_bids_cannot_be_opened_before_the_model_is_frozen(
    db, clock, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    with pytest.raises(DomainError, match="låses før"):
        bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead)


def test_opening_is_a_logged_action_that_produces_the_opening_record(
    client, forms, login_as, db, clock, s
) -> None:
    # Two people open the bids now (issue 9): the lead's confirmation alone leaves them sealed.
    submit_bid(db, s, 0)
    clock.set(AFTER)
    login_as(s.lead)
    before = client.get(f"/konkurranser/{s.id}/evaluering/tilbud").get_data(as_text=True)
    assert "ikke åpnet" in before and "Leverandør A AS" not in before
    assert forms.post(f"/konkurranser/{s.id}/evaluering/tilbud/apne", {}).status_code == 302
    waiting = client.get(f"/konkurranser/{s.id}/evaluering/tilbud").get_data(as_text=True)
    assert "Én bekreftelse til trengs" in waiting and "Leverandør A AS" not in waiting
    login_as(s.evaluators[0])
    assert forms.post(f"/konkurranser/{s.id}/evaluering/tilbud/apne", {}).status_code == 302
    html = client.get(f"/konkurranser/{s.id}/evaluering/tilbud").get_data(as_text=True)
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert "Åpningsprotokoll" in html and "Leverandør A AS" in html and bid.receipt_sha256 in html
    assert "Leverandør B AS" not in html  # B never submitted
    opened = _events(db, s.tender, "bids.opened")
    assert [b["organisasjonsnummer"] for b in opened[0].payload["bids"]] == [s.vendors[0].organisasjonsnummer]
    again = forms.post(f"/konkurranser/{s.id}/evaluering/tilbud/apne", {}, follow=True)
    assert "allerede åpnet" in again.get_data(as_text=True)


def test_a_vendor_downloads_their_own_attachment(client, forms, login_as, db, clock, s) -> None:

    login_as(s.vendor_users[0])
    client.get(f"/konkurranser/{s.id}/mitt-tilbud")
    token = forms.token(f"/konkurranser/{s.id}/mitt-tilbud")
    response = client.post(
        f"/konkurranser/{s.id}/mitt-tilbud/vedlegg",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4 losning"), "losning.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = bid_ops.bid_of(s.tender, s.vendors[0].id).attachments[0]
    got = client.get(f"/konkurranser/{s.id}/mitt-tilbud/vedlegg/{attachment.id}")
    assert got.status_code == 200 and got.data == b"%PDF-1.4 losning"


def _filled_form(client, s, rows):
    """The downloaded answer form with ``rows`` = {requirement id: (Oppfylt, Beskrivelse, Forbehold)} filled
    in."""
    from openpyxl import load_workbook

    response = client.get(f"/konkurranser/{s.id}/mitt-tilbud/svarskjema.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb["Kravspesifikasjon"]
    header = [c.value for c in ws[5]]
    col = {
        name: header.index(name) + 1
        for name in ("Krav-ID", "Oppfylt", "Beskrivelse av løsningen", "Forbehold/avvik")
    }
    for row in range(6, ws.max_row + 1):
        rid = ws.cell(row=row, column=col["Krav-ID"]).value
        if rid in rows:
            fulfilled, description, deviation = rows[rid]
            ws.cell(row=row, column=col["Oppfylt"], value=fulfilled)
            ws.cell(row=row, column=col["Beskrivelse av løsningen"], value=description)
            ws.cell(row=row, column=col["Forbehold/avvik"], value=deviation)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, forms, s, data):
    token = forms.token(f"/konkurranser/{s.id}/mitt-tilbud")
    return client.post(
        f"/konkurranser/{s.id}/mitt-tilbud/svarskjema",
        data={"csrf_token": token, "file": (io.BytesIO(data), "svar.xlsx")},
        content_type="multipart/form-data",
    )


def test_a_vendor_fills_in_the_excel_answer_form_offline_and_uploads_it(
    client, forms, login_as, clock, s
) -> None:
    login_as(s.vendor_users[0])
    data = _filled_form(
        client, s, {"R0001": ("Ja", "Standard", None), "R0003": ("Delvis", "Med tillegg", "Krever ny modul")}
    )
    response = _upload(client, forms, s, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    answers = {a.requirement_key: a for a in bid_ops.bid_of(s.tender, s.vendors[0].id).answers}
    assert answers["R0001"].fulfilled == "Ja" and answers["R0003"].fulfilled == "Delvis"
    assert answers["R0003"].reservation and answers["R0003"].reservation_text == "Krever ny modul"


def test_an_uploaded_answer_form_with_errors_names_each_row_and_changes_nothing(
    client, forms, login_as, clock, s
) -> None:
    login_as(s.vendor_users[0])
    data = _filled_form(
        client, s, {"R0001": ("Kanskje", "", None), "R0002": ("Ja", "", None), "R0003": ("Tja", "", None)}
    )
    response = _upload(client, forms, s, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "rad 6: R0001: «Oppfylt» må være Ja / Nei, ikke «Kanskje»." in html
    assert "rad 8: R0003: «Oppfylt» må være Ja / Nei / Delvis, ikke «Tja»." in html
    assert bid_ops.bid_of(s.tender, s.vendors[0].id) is None


def test_a_file_that_is_not_an_answer_form_is_refused(client, forms, login_as, clock, s) -> None:
    login_as(s.vendor_users[0])
    response = _upload(client, forms, s, b"dette er ikke et regneark")
    assert response.status_code == 422 and "ingenting er endret" in response.get_data(as_text=True)


def test_an_answer_too_long_for_its_column_is_refused_with_a_message(db, clock, s) -> None:
    bid = bid_ops.ensure_bid(s.tender, s.vendors[0], at=BEFORE, actor=s.vendor_users[0])
    with pytest.raises(DomainError, match="høyst 300 tegn"):
        bid_ops.save_draft(
            s.tender,
            bid,
            answers=[bid_ops.AnswerInput("R0001", "Ja", documentation_ref="x" * 301)],
            prices={},
            at=BEFORE,
            actor=s.vendor_users[0],
        )


# -- the bid page as a browser posts it: every answer form, only the fields the page renders -----------------
class _Fields(HTMLParser):
    """The names of the fields a browser posts from the bid form (id ``bid-form``)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.names, self.values, self.disabled = False, [], {}, set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "bid-form"
        elif self.inside and tag in ("input", "select", "textarea") and a.get("name"):
            self.names.append(a["name"])
            self.values[a["name"]] = a.get("value") or ""
            if "disabled" in a:
                self.disabled.add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


@pytest.fixture
def mixed(db, create_tender, add_member, create_user):
    from tests.evaluation_helpers import every_answer_form_spec

    return setup_tender(db, create_tender, add_member, create_user, content=every_answer_form_spec())


def _rendered(client, s):
    parser = _Fields()
    parser.feed(client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True))
    return parser


def _as_browser(s, parser, **changes):
    """What the browser posts: the rendered fields (an unchecked box is left out), changed as a person
    would."""
    data = {name: value for name, value in parser.values.items() if not name.endswith("-reservation")}
    data.update(
        {
            "a-R0001-choice": "Ja",
            "a-R0002-choice": "Delvis",
            "a-R0003-value": "PostgreSQL 16",
            "a-R0004-value": "1 500",
            f"p-{s.items[0].id}-0-amount": "1 000 000,50",
        }
    )
    for m in s.tender.participating_municipalities:
        data[f"p-{s.items[1].id}-{m.id}-amount"] = "120000"
    data.update(changes)
    return data


def test_every_field_the_bid_form_validates_is_rendered_on_the_page(client, login_as, clock, mixed) -> None:
    from tender.bids.views import _answer_forms, _price_forms

    login_as(mixed.vendor_users[0])
    rendered = set(_rendered(client, mixed).names)
    spec = bid_ops.published_spec(mixed.tender)
    validated = {field.name for form in _answer_forms(spec, None, None).values() for field in form}
    validated |= {f.amount.name for _, _, f in _price_forms(mixed.tender, None, None)}
    validated |= {"csrf_token", "lock_version"}
    assert validated - rendered == set()
    # a free-text and a number requirement have an answer field, not a choice
    assert {"a-R0003-value", "a-R0004-value"} <= rendered and "a-R0003-choice" not in rendered


def test_a_draft_of_every_answer_form_is_saved_from_what_the_page_renders(
    client, forms, login_as, clock, mixed
) -> None:
    login_as(mixed.vendor_users[0])
    data = _as_browser(
        mixed,
        _rendered(client, mixed),
        **{"a-R0002-reservation": "y", "a-R0002-reservation_text": "Krever tilleggsmodul"},
    )
    response = forms.post(f"/konkurranser/{mixed.id}/mitt-tilbud", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    answers = {a.requirement_key: a for a in bid_ops.bid_of(mixed.tender, mixed.vendors[0].id).answers}
    assert {k: a.fulfilled for k, a in answers.items()} == {
        "R0001": "Ja",
        "R0002": "Delvis",
        "R0003": "PostgreSQL 16",
        "R0004": "1 500",
    }
    assert answers["R0002"].reservation and answers["R0002"].reservation_text == "Krever tilleggsmodul"
    html = client.get(f"/konkurranser/{mixed.id}/mitt-tilbud").get_data(as_text=True)
    assert 'value="PostgreSQL 16"' in html and 'value="1000000,50"' in html and "Utkastet er lagret." in html
    assert "(Draft saved.)" not in html


def test_an_answer_that_is_not_a_number_is_shown_at_its_field_and_at_the_top(
    client, forms, login_as, clock, mixed
) -> None:
    login_as(mixed.vendor_users[0])
    data = _as_browser(mixed, _rendered(client, mixed), **{"a-R0004-value": "mange"})
    response = forms.post(f"/konkurranser/{mixed.id}/mitt-tilbud", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="a-R0004-value-err"' in html and 'aria-invalid="true"' in html
    assert "Krav 1.4, «Svar (tall)»: Svaret må være et tall, ikke «mange»." in html
    assert 'value="PostgreSQL 16"' in html  # what the vendor typed is kept
    assert bid_ops.bid_of(mixed.tender, mixed.vendors[0].id) is None


def test_a_reservation_without_its_text_is_marked_at_the_field(client, forms, login_as, clock, mixed) -> None:
    login_as(mixed.vendor_users[0])
    data = _as_browser(mixed, _rendered(client, mixed), **{"a-R0001-reservation": "y"})
    response = forms.post(f"/konkurranser/{mixed.id}/mitt-tilbud", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="a-R0001-reservation_text-err"' in html and "Beskriv forbeholdet." in html
    assert bid_ops.bid_of(mixed.tender, mixed.vendors[0].id) is None


def test_a_submitted_bid_is_shown_with_nothing_to_type_into(client, login_as, db, clock, s) -> None:
    submit_bid(db, s, 0)
    login_as(s.vendor_users[0])
    parser = _Fields()
    html = client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    parser.feed(html)
    assert 'name="a-R0001-choice"' in html and "Lagre utkast" not in html
    assert set(parser.names) - parser.disabled == {"csrf_token", "lock_version"}


def test_a_receipt_made_in_the_same_session_as_the_draft_can_be_recomputed_from_the_stored_bid(
    db, clock, s
) -> None:
    # The amounts are stored with two decimals: the receipt must cover what is stored, not what was typed.
    bid = submit_bid(db, s, 0, one_off="1000000", yearly="99999.5")
    receipt = bid.receipt_sha256
    db.session.expire_all()
    reloaded = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert {p["amount"] for p in bid_ops.bid_content(reloaded)["prices"]} == {"1000000.00", "99999.50"}
    assert bid_ops.content_sha256(reloaded) == receipt


def test_an_amount_with_more_than_two_decimals_is_refused_not_rounded(db, clock, s) -> None:
    bid = bid_ops.ensure_bid(s.tender, s.vendors[0], at=now(), actor=s.vendor_users[0])
    with pytest.raises(DomainError, match="høyst to desimaler"):
        bid_ops.save_draft(
            s.tender,
            bid,
            answers=[],
            prices={(s.items[0].id, None): Decimal("1000.005")},
            at=now(),
            actor=s.vendor_users[0],
        )


def test_a_vendor_downloads_the_published_specification_as_pdf_from_the_bid_page(
    client, login_as, clock, s, tmp_path
) -> None:
    import subprocess

    login_as(s.vendor_users[0])
    page = client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    link = f"/konkurranser/{s.id}/mitt-tilbud/kravspesifikasjon.pdf"
    assert f'href="{link}"' in page and "Last ned den kunngjorte kravspesifikasjonen (PDF)" in page
    response = client.get(link)
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    assert "kravspesifikasjon-versjon-" in response.headers["Content-Disposition"]
    pdf = tmp_path / "spec.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    content = bid_ops.published_spec(s.tender)
    assert s.tender.title in text and content.requirements[0].number in text
