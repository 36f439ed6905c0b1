"""Format families from first bytes, declared formats and file names."""

from __future__ import annotations

import pytest

from tender.core.noark.documents import (
    declared_family,
    extension_family,
    is_document_path,
    is_sha256_name,
    parse_size,
    sniff,
)


@pytest.mark.parametrize(
    ("head", "family"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3", "pdf"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"<?xml version='1.0'?><a/>", "xml"),
        (b"\xef\xbb\xbf<?xml version='1.0'?>", "xml"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "ole"),
        ("Brev til Ærlige Åse på Øya".encode(), "text"),
        (b"", "empty"),
        (b"\x00\x01\x02\x03\x04binary", None),
    ],
)
def test_first_bytes_tell_the_format_family(head: bytes, family: str | None) -> None:
    assert sniff(head) == family


def test_a_utf8_character_cut_at_the_end_of_the_sample_is_still_text() -> None:
    assert sniff(("a" * 62).encode() + "ø".encode()[:1]) == "text"


@pytest.mark.parametrize(
    ("declared", "family"),
    [
        ("pdf", "pdf"),
        ("PDF", "pdf"),
        ("pdf/a", "pdf"),
        ("PDF/A-1b", "pdf"),
        ("fmt/95", "pdf"),
        ("fmt/354", "pdf"),
        ("application/pdf", "pdf"),
        ("tiff", "tiff"),
        ("fmt/353", "tiff"),
        ("jpeg", "jpeg"),
        ("xml", "xml"),
        ("x-fmt/111", "text"),
        ("noe ukjent", None),
        (None, None),
        ("", None),
    ],
)
def test_declared_formats_are_read_by_family(declared: str | None, family: str | None) -> None:
    assert declared_family(declared) == family


def test_file_names_tell_a_family_by_extension() -> None:
    assert extension_family("dokumenter/1.PDF") == "pdf"
    assert extension_family("dokumenter/scan.tif") == "tiff"
    assert extension_family("dokumenter/uten-endelse") is None


def test_documents_live_in_one_of_the_four_folder_names() -> None:
    assert is_document_path("dokumenter/1.pdf") and is_document_path("DOKUMENT/a/b.pdf")
    assert not is_document_path("arkivstruktur.xml") and not is_document_path("andre/1.pdf")


def test_file_sizes_must_be_plain_byte_counts() -> None:
    assert parse_size("20637") == 20637
    assert parse_size(" 20637 ") == 20637
    assert parse_size("87kB") is None and parse_size("87 kB") is None and parse_size(None) is None


@pytest.mark.parametrize("name", ["SHA256", "SHA-256", "sha-256", "Sha 256"])
def test_sha256_is_recognised_under_every_spelling(name: str) -> None:
    assert is_sha256_name(name)


@pytest.mark.parametrize("name", ["MD5", "SHA-1", "SHA512", "", None])
def test_other_algorithms_are_not_sha256(name: str | None) -> None:
    assert not is_sha256_name(name)
