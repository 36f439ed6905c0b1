"""Uploaded file names are cleaned before they are kept (control characters, path separators, length), and
every download names its file with an RFC 6266 ``filename*``; the stored bytes and their hash are
unchanged."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from werkzeug.http import parse_options_header

from tender.bids import operations as bid_ops
from tender.web.uploads import MAX_FILENAME_LENGTH, clean_filename, content_disposition
from tests.evaluation_helpers import setup_tender
from tests.test_noark_web import noark_world, post_upload, samples

LONG_NAME = "tilbud-" + "ø" * 993 + ".pdf"  # 1 004 characters, 2 000+ bytes


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user)


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member):
    return noark_world(db, clock, create_tender, create_user, add_member)


def upload_attachment(client: Any, forms: Any, s: Any, data: bytes, filename: str) -> Any:
    token = forms.token(f"/konkurranser/{s.id}/mitt-tilbud")
    return client.post(
        f"/konkurranser/{s.id}/mitt-tilbud/vedlegg",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def download_name(response: Any) -> str:
    """The name a browser saves the download under: ``filename*`` when present (RFC 6266)."""
    value, options = parse_options_header(response.headers["Content-Disposition"])
    assert value == "attachment"
    return options["filename"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("rapport\x00.exe.pdf", "rapport.exe.pdf"),
        ("../../../etc/passwd", "passwd"),
        ("..", "vedlegg"),
        ("\x00\x01\x1f", "vedlegg"),
        ("faktura\u202efdp.exe", "fakturafdp.exe"),
        ("  Tilbud – Ærlig & Øvrig.docx  ", "Tilbud – Ærlig & Øvrig.docx"),
    ],
)
def test_uploaded_attachment_names_are_kept_cleaned_and_downloaded_under_that_name(
    client, forms, login_as, db, clock, s, sent, kept
) -> None:
    data = b"%PDF-1.4 " + sent.encode("utf-8", "surrogatepass") + b"\x00 the bytes stay as they are"
    login_as(s.vendor_users[0])
    response = upload_attachment(client, forms, s, data, sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    [attachment] = bid_ops.bid_of(s.tender, s.vendors[0].id).attachments
    assert attachment.filename == kept
    assert attachment.data == data and attachment.sha256 == hashlib.sha256(data).hexdigest()

    got = client.get(f"/konkurranser/{s.id}/mitt-tilbud/vedlegg/{attachment.id}")
    assert got.status_code == 200 and got.data == data
    assert download_name(got) == kept
    assert "filename*=UTF-8''" in got.headers["Content-Disposition"]


def test_a_thousand_character_name_is_shortened_keeping_its_extension(
    client, forms, login_as, db, clock, s
) -> None:
    data = b"%PDF-1.4 lang"
    login_as(s.vendor_users[0])
    assert upload_attachment(client, forms, s, data, LONG_NAME).status_code == 302
    [attachment] = bid_ops.bid_of(s.tender, s.vendors[0].id).attachments
    assert len(attachment.filename) == MAX_FILENAME_LENGTH
    assert attachment.filename.startswith("tilbud-øøø") and attachment.filename.endswith("ø.pdf")
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    got = client.get(f"/konkurranser/{s.id}/mitt-tilbud/vedlegg/{attachment.id}")
    assert download_name(got) == attachment.filename


def test_a_noark_sample_keeps_a_cleaned_name_and_its_hash(
    client, forms, login_as, db, world, valid_zip
) -> None:
    login_as(world.sellers[0])
    response = post_upload(client, forms, world, valid_zip, "../../mine\x00 prøver/uttrekk\x07.zip")
    assert response.status_code == 302, response.get_data(as_text=True)
    [sample] = samples(db)
    assert sample.original_filename == "uttrekk.zip"
    assert sample.sha256 == hashlib.sha256(valid_zip).hexdigest() and sample.size_bytes == len(valid_zip)


def test_the_content_disposition_has_an_ascii_fallback_and_a_utf8_name() -> None:
    header = content_disposition('Svar på «krav» – ÆØÅ "sitat".xlsx')
    assert header.startswith("attachment; filename=\"Svar pa _krav_ _ __A _sitat_.xlsx\"; filename*=UTF-8''")
    header.encode("ascii")  # a header value must be plain ASCII
    _, options = parse_options_header(header)
    assert options["filename"] == "Svar på «krav» – ÆØÅ _sitat_.xlsx"


def test_a_name_already_stored_raw_is_cleaned_on_its_way_out() -> None:
    # attachments stored before names were cleaned are still sent safely
    _, options = parse_options_header(content_disposition("gammel\x00\nfil.pdf"))
    assert options["filename"] == "gammelfil.pdf"


def test_a_windows_path_keeps_only_its_last_part_and_line_breaks_go() -> None:
    # old browsers sent the whole local path; the test client cannot send backslashes unescaped
    assert clean_filename("C:\\Users\\kari\\..\\Tilbud.pdf", "fil") == "Tilbud.pdf"
    assert clean_filename("..\\..\\windows\\win.ini", "fil") == "win.ini"
    # a line break would end a multipart header in transit, so this one is checked here only
    assert clean_filename("linje\r\nSet-Cookie: x=1.pdf", "fil") == "linjeSet-Cookie_ x=1.pdf"


def test_cleaning_a_name_twice_changes_nothing_more() -> None:
    for raw in ("../a\x00b.pdf", LONG_NAME, "  .skjult ", "a" * 300, "x." + "y" * 300):
        once = clean_filename(raw, "fil")
        assert clean_filename(once, "fil") == once and 0 < len(once) <= MAX_FILENAME_LENGTH


def test_every_download_goes_through_the_one_helper() -> None:
    """``send_file`` is called in tender/web/uploads.py only, so that every download gets the same
    Content-Disposition (a new ``send_file(..., download_name=...)`` elsewhere would bypass it)."""
    from pathlib import Path

    import tender

    root = Path(tender.__file__).parent
    callers = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "send_file(" in p.read_text(encoding="utf-8") or "download_name=" in p.read_text(encoding="utf-8")
    )
    assert callers == ["web/uploads.py"]
