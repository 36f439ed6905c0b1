"""The letter to a vendor let go at a reduction: one text made from the stored rows, mailed by the reduction
and read in the portal by the reduced vendor's users (GET /konkurranser/<id>/forhandling/brev), and by the
group on the negotiation page with the addresses it was mailed to (or «ikke sendt på e-post»)."""

from __future__ import annotations

import pytest

from tender.formatting import format_date
from tender.i18n import COOKIE, ENGLISH_FORMAT_LOCALE
from tender.negotiation import operations as neg
from tests.evaluation_helpers import AFTER
from tests.negotiation_helpers import decide_to_negotiate, negotiation_setup

REASON_B = "Nest lavest totalscore etter tildelingskriteriene (rangert som nr. 2)."
REASON_C = "Lavest totalscore etter tildelingskriteriene (rangert som nr. 3)."
NOTE = "Rangeringen etter de kunngjorte tildelingskriteriene; den beste går videre."


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    return negotiation_setup(db, create_tender, add_member, create_user, clock)


def _reduce(db, s, leaving: dict[int, str]):
    decide_to_negotiate(db, s)
    reduction = neg.reduce(s.tender, leaving, note=NOTE, at=AFTER, actor=s.lead)
    db.session.commit()
    return reduction


def _reduce_mailed(db, s, app, smtp_server, leaving: dict[int, str]):
    """The reduction with a mail server: each letter goes to the local SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server[0])
    try:
        return _reduce(db, s, leaving)
    finally:
        app.config.update(MAIL_SERVER="")


def test_the_mailed_letter_is_the_stored_letter_word_for_word(db, s, app, smtp_server) -> None:
    from tests.test_negotiation import body, subject

    _, received = smtp_server
    reduction = _reduce_mailed(db, s, app, smtp_server, {s.vendors[2].id: REASON_C})
    t = s.tender
    expected = (
        "Til Leverandør C AS\n\n"
        f"I konkurransen «{t.title}» (saksnummer {t.case_reference}) er antallet leverandører redusert etter "
        "tilbudsrunde 1, ved å anvende de kunngjorte tildelingskriteriene. Deres tilbud går ikke videre til "
        f"neste runde.\n\nBegrunnelse:\n{REASON_C}\n\nSlik er tildelingskriteriene anvendt:\n{NOTE}\n\n"
        f"Med vennlig hilsen\n{s.lead.name}\n"
    )
    [letter] = neg.reduction_letters(t)
    assert letter.body == expected and letter.leaving is reduction.leaving[0]
    [mailed] = [m for m in received if "går ikke videre" in subject(m)]
    assert subject(mailed) == letter.subject == f"{t.title}: dere går ikke videre i forhandlingene"
    assert body(mailed).replace("\r\n", "\n").rstrip("\n") == expected.rstrip("\n")
    assert letter.leaving.sent_to == s.vendor_users[2].email


def test_the_reduced_vendor_finds_and_reads_its_letter_from_the_tender_page(db, s, client, login_as) -> None:
    _reduce(db, s, {s.vendors[2].id: REASON_C})
    login_as(s.vendor_users[2])
    tender_page = client.get(f"/konkurranser/{s.id}").get_data(as_text=True)
    assert (
        f'href="/konkurranser/{s.id}/forhandling/brev"' in tender_page
        and ">Brev om reduksjon</a>" in tender_page
    )
    response = client.get(f"/konkurranser/{s.id}/forhandling/brev")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Brev til Leverandør C AS" in page and REASON_C in page and NOTE in page
    assert format_date(AFTER) in page and s.lead.name in page and s.tender.case_reference in page
    assert "redusert etter tilbudsrunde 1" in page
    # the mail could not go (no mail server in the tests): the page says so instead of naming addresses
    assert "Brevet ble ikke sendt på e-post." in page


def test_a_kept_vendor_gets_404_and_no_link_and_another_reduced_vendor_sees_only_its_own(
    db, s, client, login_as
) -> None:
    _reduce(db, s, {s.vendors[1].id: REASON_B, s.vendors[2].id: REASON_C})
    login_as(s.vendor_users[0])
    assert ">Brev om reduksjon</a>" not in client.get(f"/konkurranser/{s.id}").get_data(as_text=True)
    missing = client.get(f"/konkurranser/{s.id}/forhandling/brev")
    assert missing.status_code == 404 and REASON_B not in missing.get_data(as_text=True)
    login_as(s.vendor_users[1])
    page = client.get(f"/konkurranser/{s.id}/forhandling/brev").get_data(as_text=True)
    assert REASON_B in page and "Leverandør B AS" in page
    assert REASON_C not in page and "Leverandør C AS" not in page
    login_as(s.vendor_users[2])
    page = client.get(f"/konkurranser/{s.id}/forhandling/brev").get_data(as_text=True)
    assert REASON_C in page and REASON_B not in page and "Leverandør B AS" not in page


def test_a_vendor_of_another_tender_and_the_group_get_no_letter(
    db, s, client, login_as, create_tender
) -> None:
    _reduce(db, s, {s.vendors[2].id: REASON_C})
    other = create_tender(title="En annen konkurranse")
    login_as(s.vendor_users[2])
    assert client.get(f"/konkurranser/{other.id}/forhandling/brev").status_code == 404
    login_as(s.lead)
    answer = client.get(f"/konkurranser/{s.id}/forhandling/brev")
    assert answer.status_code == 403 and REASON_C not in answer.get_data(as_text=True)


def test_the_group_sees_each_letter_and_where_it_was_mailed_on_the_negotiation_page(
    db, s, client, login_as, app, smtp_server
) -> None:
    reduction = _reduce_mailed(db, s, app, smtp_server, {s.vendors[2].id: REASON_C})
    for person in (s.lead, s.observer):
        login_as(person)
        page = client.get(f"/konkurranser/{s.id}/forhandling").get_data(as_text=True)
        assert (
            "Brevet til Leverandør C AS" in page and f"Sendt på e-post til {s.vendor_users[2].email}" in page
        )
        assert "Deres tilbud går ikke videre til neste runde." in page and NOTE in page
    # a letter that went nowhere: the group is told so, to reach the vendor by other means
    reduction.leaving[0].sent_to = ""
    db.session.commit()
    page = client.get(f"/konkurranser/{s.id}/forhandling").get_data(as_text=True)
    assert "ikke sendt på e-post" in page and "Ikke sendt på e-post" in page


def test_the_letter_page_in_english_translates_its_labels_and_keeps_the_groups_words(
    db, s, client, login_as
) -> None:
    _reduce(db, s, {s.vendors[2].id: REASON_C})
    login_as(s.vendor_users[2])
    client.set_cookie(COOKIE, "en")
    page = client.get(f"/konkurranser/{s.id}/forhandling/brev").get_data(as_text=True)
    assert "Letter about the reduction" in page and "Letter to Leverandør C AS" in page
    assert "How the award criteria were applied" in page and "Yours sincerely" in page
    assert (
        "has been reduced after bid round 1" in page
        and format_date(AFTER, locale=ENGLISH_FORMAT_LOCALE) in page
    )
    assert REASON_C in page and NOTE in page  # as the group wrote them
    assert "Brev om reduksjon" not in page and "Med vennlig hilsen" not in page


def test_the_demo_s_reduced_vendor_reads_its_letter_and_the_others_get_404(app, db, client, login_as) -> None:
    from tender.demo import DEMO_PASSWORD
    from tender.demo.negotiation import start_negotiation
    from tender.demo.stages import ENGLISH_BIDDER, build_stage
    from tender.tenders.models import Role
    from tender.web.transactions import transaction

    tender = build_stage("scored")
    with transaction():
        start_negotiation(tender)
    (leaving,) = neg.reduction_of(tender, 1).leaving
    users = {m.vendor_id: m.user for m in tender.memberships if m.role is Role.VENDOR}
    assert leaving.vendor_id in users  # the demo's reduced vendor has a user to read its letter
    # it is the English-reading bidder tests/test_i18n_guard.py walks: the page is checked in English there
    assert ENGLISH_BIDDER in {m.user.email for m in tender.memberships if m.vendor_id == leaving.vendor_id}
    login_as(users[leaving.vendor_id], DEMO_PASSWORD)
    link = f'href="/konkurranser/{tender.id}/forhandling/brev"'
    assert link in client.get(f"/konkurranser/{tender.id}").get_data(as_text=True)
    page = client.get(f"/konkurranser/{tender.id}/forhandling/brev").get_data(as_text=True)
    assert leaving.reason in page and leaving.vendor.name in page and tender.title in page
    for vendor_id, user in users.items():
        if vendor_id != leaving.vendor_id:
            login_as(user, DEMO_PASSWORD)
            assert link not in client.get(f"/konkurranser/{tender.id}").get_data(as_text=True)
            assert client.get(f"/konkurranser/{tender.id}/forhandling/brev").status_code == 404


def test_the_letter_downloads_as_pdf_for_its_vendor_and_the_group_only(db, s, client, login_as) -> None:
    from tests.questions_helpers import pdf_text

    reduction = _reduce(db, s, {s.vendors[1].id: REASON_B, s.vendors[2].id: REASON_C})
    b_row, c_row = reduction.leaving
    path = f"/konkurranser/{s.id}/forhandling/brev/{{}}.pdf"
    login_as(s.vendor_users[2])
    page = client.get(f"/konkurranser/{s.id}/forhandling/brev").get_data(as_text=True)
    assert path.format(c_row.id) in page and path.format(b_row.id) not in page
    response = client.get(path.format(c_row.id))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data).split())
    assert "Til Leverandør C AS" in text and REASON_C in text and " ".join(NOTE.split()) in text
    assert f"Dato: {format_date(AFTER)}" in text and s.tender.case_reference in text
    assert REASON_B not in text
    # another reduced vendor's letter, a kept vendor and a missing id: 404 alike
    assert client.get(path.format(b_row.id)).status_code == 404
    assert client.get(path.format(c_row.id + 1000)).status_code == 404
    login_as(s.vendor_users[0])
    assert client.get(path.format(c_row.id)).status_code == 404
    # the group reads every letter, from the negotiation page too
    login_as(s.evaluators[0])
    page = client.get(f"/konkurranser/{s.id}/forhandling").get_data(as_text=True)
    assert path.format(b_row.id) in page and path.format(c_row.id) in page
    assert REASON_B in " ".join(pdf_text(client.get(path.format(b_row.id)).data).split())
    # the same rows give the same bytes
    assert client.get(path.format(b_row.id)).data == client.get(path.format(b_row.id)).data


def test_the_archive_package_files_each_letter_as_the_vendor_downloads_it_with_where_it_was_mailed(
    db, s, app, smtp_server, client, login_as
) -> None:
    from tender.protocol import archive
    from tests.test_archive_package import open_package

    reduction = _reduce_mailed(
        db, s, app, smtp_server, {s.vendors[1].id: REASON_B, s.vendors[2].id: REASON_C}
    )
    manifest, files = open_package(archive.archive_package(s.tender, built_by="Anne Lie"))
    entries = {e["sti"]: e for e in manifest["filer"] if e["sti"].startswith("3-brev/forhandling/")}
    assert len(entries) == 2
    for row, user in zip(reduction.leaving, (s.vendor_users[1], s.vendor_users[2]), strict=True):
        login_as(user)
        downloaded = client.get(f"/konkurranser/{s.id}/forhandling/brev/{row.id}.pdf").data
        [path] = [p for p, e in entries.items() if row.vendor.name in e["tittel"]]
        assert path.endswith(".pdf") and files[path] == downloaded
        assert entries[path]["tittel"] == (
            f"Brev om reduksjon etter runde 1 til {row.vendor.name} (sendt på e-post til {user.email})"
        )
