"""The specification as PDF: every requirement and approval in the text, a real contents page, æøå."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import pdfmetrics

from tender.core.spec import Chapter, SpecError, SpecFileError, Specification, content_hash
from tender.core.spec.samples import example_spec, generated_spec
from tender.core.spec.toml_format import load_spec_toml
from tender.reports import spec_pdf
from tender.reports.spec_pdf import Approval, render_spec_pdf

BASE_SPEC = Path(__file__).resolve().parents[1] / "requirements_specs" / "base-sak-arkiv.toml"
OSLO = timezone(timedelta(hours=1), "CET")
APPROVALS = [
    Approval(
        "Porsgrunn", "Kari Nordmann", "Godkjent", "Ingen merknader.", datetime(2025, 3, 3, 9, 15, tzinfo=OSLO)
    ),
    (
        "Kragerø",
        "Øystein Ås",
        "Godkjent med merknad",
        "Krav 2.1 bør presiseres før kunngjøring.",
        datetime(2025, 3, 4, 13, 5, tzinfo=UTC),
    ),
    ("Kárášjohka", "Áilu Čoavddáš", "Avvist", "", "05.03.2025 kl. 10:00"),
]


def render(spec: Specification | None = None, **kwargs: Any) -> bytes:
    spec = spec or example_spec()
    options: dict[str, Any] = {
        "tender_title": "Grenland: felles sak-/arkivsystem",
        "case_reference": "2025/00123",
        "version_label": "1.0",
        "content_hash": content_hash(spec),
        "approvals": APPROVALS,
    } | kwargs
    buffer = io.BytesIO()
    render_spec_pdf(spec, buffer, **options)
    return buffer.getvalue()


def pdftotext(data: bytes, *args: str) -> str:
    result = subprocess.run(["pdftotext", *args, "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def example_text() -> str:
    return pdftotext(render())


# --------------------------------------------------------------------------- content


def test_the_pdf_holds_every_requirement_id_and_text(example_text: str) -> None:
    for requirement in example_spec().requirements:
        assert requirement.id in example_text
        assert flat(requirement.text)[:60] in flat(example_text)


def test_every_requirement_of_the_base_specification_is_in_the_pdf() -> None:
    spec = load_spec_toml(BASE_SPEC.read_bytes())
    text = pdftotext(render(spec))
    missing = [r.id for r in spec.requirements if r.id not in text]
    assert missing == []
    assert len(spec.requirements) > 150


def test_norwegian_letters_come_out_of_the_pdf_as_text(example_text: str) -> None:
    for word in ("være", "Løsningen", "gårds-", "møter", "Kragerø", "Øystein Ås"):
        assert word in example_text


def test_sami_letters_survive_in_the_unicode_font(example_text: str) -> None:
    assert spec_pdf.fonts().unicode, "DejaVu Sans must be installed (fonts-dejavu-core)"
    assert "Kárášjohka" in example_text and "Áilu Čoavddáš" in example_text


def test_the_approvals_are_listed_at_the_end(example_text: str) -> None:
    approvals = flat(example_text[example_text.rindex("Godkjenninger") :])
    for municipality, signer, decision, comment, _ in APPROVALS:
        for value in (municipality, signer, decision, comment):
            assert flat(value) in approvals
    # moments are shown in Oslo time, written out as on the pages (tender.formatting)
    assert "3. mars 2025 kl. 09.15" in approvals
    assert "4. mars 2025 kl. 14.05" in approvals
    assert "05.03.2025 kl. 10:00" in approvals


def test_a_specification_without_approvals_says_so() -> None:
    assert "Ingen godkjenninger er registrert" in pdftotext(render(approvals=[]))


def test_the_title_page_names_the_tender_the_case_the_version_and_the_full_hash(example_text: str) -> None:
    title_page = example_text.split("\f")[0]
    digest = content_hash(example_spec())
    assert "Grenland: felles sak-/arkivsystem" in title_page
    assert "2025/00123" in title_page and "1.0" in title_page
    assert digest[:32] in title_page and digest[32:] in title_page
    assert "2 minstekrav, 2 evalueringskrav, 1 informasjon" in title_page


def test_requirements_show_kind_criterion_and_weight(example_text: str) -> None:
    text = flat(example_text)
    assert "1.2 · Evalueringskrav · Arkiv og journalføring, vekt 5" in text
    assert "2.1 · Evalueringskrav · Brukervennlighet og læring, vekt 2,5" in text
    assert "3.1 · Minstekrav" in text and "Enhet: sekunder" in text


def test_municipality_numbers_are_shown_as_names_when_names_are_given() -> None:
    text = flat(pdftotext(render(municipality_names={"4001": "Porsgrunn", "4012": "Bamble"})))
    assert "Gjelder: Porsgrunn, Bamble" in text


def test_every_page_after_the_title_says_side_x_av_y() -> None:
    pages = pdftotext(render(generated_spec(150))).split("\f")[:-1]
    total = len(pages)
    assert total > 5
    assert "Side" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Side {number} av {total}" in page


# --------------------------------------------------------------------------- table of contents


def contents(text: str) -> dict[str, int]:
    entries = {}
    for line in text.split("\f")[1].splitlines():
        match = re.match(r"\s*(\S.*?)\s*(?:\.\s*){3,}(\d+)\s*$", line)
        if match:
            entries[match.group(1)] = int(match.group(2))
    return entries


def test_the_contents_page_gives_the_real_page_of_every_chapter() -> None:
    spec = generated_spec(400, chapters=12)
    text = pdftotext(render(spec), "-layout")
    pages = text.split("\f")
    toc = contents(text)
    assert list(toc) == [f"{c.number} {c.title}" for c in spec.chapters] + ["Godkjenninger"]
    for heading, page in toc.items():
        alone_on_a_line = re.compile(rf"^\s*{re.escape(heading)}\s*$", re.MULTILINE)
        assert alone_on_a_line.search(pages[page - 1]), heading
        assert not any(alone_on_a_line.search(p) for p in pages[2 : page - 1]), heading


def test_a_contents_list_longer_than_a_page_still_points_to_the_right_pages() -> None:
    spec = generated_spec(90, chapters=45)
    text = pdftotext(render(spec), "-layout")
    pages = text.split("\f")
    toc = {}
    for page in pages[1:3]:
        for line in page.splitlines():
            match = re.match(r"\s*(\S.*?)\s*(?:\.\s*){3,}(\d+)\s*$", line)
            if match:
                toc[match.group(1)] = int(match.group(2))
    assert len(toc) == 46
    for heading, page in toc.items():
        assert re.search(rf"^\s*{re.escape(heading)}\s*$", pages[page - 1], re.MULTILINE), heading


# --------------------------------------------------------------------------- layout details


def test_a_very_long_requirement_flows_over_pages_without_losing_words() -> None:
    spec = example_spec()
    words = [f"ord{n}æ" for n in range(1500)]
    long = replace(spec.requirements[3], text=" ".join(words))
    spec = replace(spec, requirements=spec.requirements[:3] + (long,) + spec.requirements[4:])
    text = flat(pdftotext(render(spec)))
    assert "ord0æ" in text and "ord1499æ" in text
    assert sum(1 for w in words if f" {w} " in f" {text} ") == len(words)


def test_a_requirement_head_never_ends_a_page_alone() -> None:
    fonts = spec_pdf.fonts()
    line = spec_pdf._Line("x", fonts.regular, 9.5, 12.0, None)
    block = spec_pdf._Lines([line] * 10)
    assert block.split(500, 30) == []  # room for two lines: move the whole block
    first, rest = block.split(500, 50)
    assert (len(first.lines), len(rest.lines)) == (4, 6)
    assert block.split(500, 1000) == []  # fits whole: no split


def test_a_word_longer_than_a_line_is_cut_to_fit() -> None:
    fonts = spec_pdf.fonts()
    url = "https://eksempel.no/" + "arkiv/" * 60
    lines = spec_pdf.wrap(f"Se {url} for detaljer.", fonts.regular, 9.5, 200)
    assert all(pdfmetrics.stringWidth(line, fonts.regular, 9.5) <= 200 for line in lines)
    assert "".join(lines[1:-1]) == url and lines[0] == "Se" and lines[-1].endswith("detaljer.")


def test_an_approval_without_comment_or_time_is_listed_with_blanks() -> None:
    text = flat(pdftotext(render(approvals=[("Siljan", "Per Hansen", "Venter", None, None)])))
    assert "Siljan Per Hansen Venter" in text


def test_the_same_specification_gives_the_same_pdf_bytes() -> None:
    assert render() == render()


def test_only_embedded_unicode_fonts_are_used() -> None:
    result = subprocess.run(["pdffonts", "-"], input=render(), capture_output=True, check=False)
    if result.returncode != 0:  # older poppler reads no stdin: go through a file
        pytest.fail(result.stderr.decode())
    fonts = [line.split()[0] for line in result.stdout.decode().splitlines()[2:]]
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts


@pytest.fixture
def without_dejavu(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(spec_pdf, "_FONT_DIRS", ())
    spec_pdf.fonts.cache_clear()
    yield
    spec_pdf.fonts.cache_clear()


@pytest.mark.usefixtures("without_dejavu")
def test_without_dejavu_the_pdf_falls_back_to_helvetica_and_keeps_aeoeaa() -> None:
    assert spec_pdf.fonts().regular == "Helvetica"
    text = pdftotext(render(approvals=APPROVALS[:2]))
    assert "Løsningen" in text and "Øystein Ås" in text and "R0005" in text


# --------------------------------------------------------------------------- refusals


def test_a_hash_that_is_not_the_specifications_is_refused() -> None:
    with pytest.raises(SpecError) as error:
        render(content_hash="f" * 64)
    assert error.value.code == "hash_mismatch"


def test_an_invalid_specification_is_refused() -> None:
    spec = example_spec()
    broken = replace(spec, chapters=spec.chapters + (Chapter("K01", "9", "Igjen"),))
    with pytest.raises(SpecFileError) as error:
        render(broken)
    assert [p.code for p in error.value.problems] == ["duplicate_id"]


def test_markup_characters_in_texts_are_printed_not_interpreted() -> None:
    spec = example_spec()
    spec = replace(
        spec,
        title="Krav <b>& co</b>",
        chapters=(replace(spec.chapters[0], description="Se <a href='x'>her</a> & der"),) + spec.chapters[1:],
    )
    text = pdftotext(render(spec))
    assert "Krav <b>& co</b>" in text and "Se <a href='x'>her</a> & der" in text
