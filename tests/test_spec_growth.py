"""The specification's pages at many chapters, and the per-process cache of parsed frozen versions (issue 17,
point 4: the list page grouped its rows once per chapter; frozen versions were parsed on every use)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from tender.core import spec as core
from tender.core.spec.toml_format import dump_spec_toml
from tender.errors import DomainError
from tender.requirements import operations as ops
from tender.requirements.operations import FrozenContents

CHAPTERS = 40


def many_chapters(requirements: int = 160) -> core.Specification:
    """Chapters listed out of their numbers' order and requirements dealt round them like cards, so that
    neither the order of the file nor the numbers give the page's order away; every fifth chapter is empty."""
    chapters = tuple(
        core.Chapter(id=f"K{c:02d}", number=str(c), title=f"Kapittel {c}: arkiv og saksbehandling")
        for c in reversed(range(1, CHAPTERS + 1))
    )
    filled = [c for c in range(1, CHAPTERS + 1) if c % 5]
    reqs = []
    for n in range(1, requirements + 1):
        chapter = filled[(n * 7) % len(filled)]
        kind = (core.Kind.MINSTEKRAV, core.Kind.EVALUERINGSKRAV, core.Kind.INFORMASJON)[n % 3]
        reqs.append(
            core.Requirement(
                id=f"R{n:04d}",
                number=f"{chapter}.{n}",
                chapter=f"K{chapter:02d}",
                kind=kind,
                text=f"Løsningen skal støtte funksjon {n} (søkeord{'-sjelden' if n % 17 == 0 else ''}).",
                answer_form=core.AnswerForm.JA_NEI_DELVIS
                if kind is core.Kind.EVALUERINGSKRAV
                else core.AnswerForm.JA_NEI,
                criterion="arkiv" if kind is core.Kind.EVALUERINGSKRAV else None,
                weight=Decimal(n % 9 + 1) if kind is core.Kind.EVALUERINGSKRAV else None,
            )
        )
    return core.Specification(
        title="Kravspesifikasjon med mange kapitler",
        criteria=(core.Criterion(id="arkiv", name="Arkivfunksjonalitet"),),
        chapters=chapters,
        requirements=tuple(reqs),
    )


def expected_order(content: core.Specification, keep=lambda r: True) -> list[str]:  # noqa: ANN001
    """Chapters in their listed order, each followed by its requirements in the file's order: the order the
    page showed before it grouped in the view (a filter over every row for each chapter)."""
    out = []
    for chapter in content.chapters:
        out.append(chapter.id)
        out += [r.id for r in content.requirements if r.chapter == chapter.id and keep(r)]
    return out


def shown_order(html: str) -> list[str]:
    """Chapter headings and requirement rows as they come on the page."""
    return [m.group(1) or m.group(2) for m in re.finditer(r'<h3 id="ch-([^"]+)"|<tr id="(R\d{4})"', html)]


@pytest.fixture
def many(db, create_tender, login_as):
    tender = create_tender()
    lead = tender.memberships[0].user
    content = many_chapters()
    ops.replace_draft(tender, content, actor=lead, origin="test")
    db.session.commit()
    login_as(lead)
    return tender, lead, content


def test_the_list_page_shows_every_requirement_once_under_its_chapter_in_order_at_many_chapters(
    client, many
) -> None:
    tender, _, content = many
    html = client.get(f"/konkurranser/{tender.id}/krav").get_data(as_text=True)
    assert shown_order(html) == expected_order(content)
    assert f"{len(content.requirements)} av {len(content.requirements)} krav" in html


def test_the_list_pages_editing_buttons_post_to_their_own_requirement(client, many) -> None:
    tender, _, content = many
    html = client.get(f"/konkurranser/{tender.id}/krav").get_data(as_text=True)
    base = f"/konkurranser/{tender.id}/krav/"
    for r in content.requirements:
        row = re.search(rf'<tr id="{r.id}">(.*?)</tr>', html, re.S)
        assert row, r.id
        cells = row.group(1)
        assert f'href="{base}{r.id}"' in cells
        for action in ("flytt/opp", "flytt/ned", "slett"):
            form = re.search(
                rf'<form method="post" class="inline" action="{base}{r.id}/{action}">(.*?)</form>', cells
            )
            assert form and 'name="csrf_token"' in form.group(1), (r.id, action)
    assert html.count('name="lock_version"') == len(content.requirements)


def test_a_filtered_list_shows_only_the_matching_rows_in_order_under_chapters_that_have_one(
    client, many
) -> None:
    tender, _, content = many
    url = f"/konkurranser/{tender.id}/krav"

    def keep_chapters(order: list[str]) -> list[str]:
        """Drop the headings of chapters left without a row."""
        return [
            k
            for i, k in enumerate(order)
            if k.startswith("R") or (i + 1 < len(order) and order[i + 1].startswith("R"))
        ]

    rare = [r for r in content.requirements if "sjelden" in r.text]
    html = client.get(url + "?q=s%C3%B8keord-sjelden").get_data(as_text=True)
    assert shown_order(html) == keep_chapters(expected_order(content, lambda r: r in rare))
    assert f"{len(rare)} av {len(content.requirements)} krav" in html

    html = client.get(url + "?type=minstekrav").get_data(as_text=True)
    wanted = expected_order(content, lambda r: r.kind is core.Kind.MINSTEKRAV)
    assert shown_order(html) == keep_chapters(wanted)

    html = client.get(url + "?kapittel=K07").get_data(as_text=True)
    assert shown_order(html) == ["K07"] + [r.id for r in content.requirements if r.chapter == "K07"]


def test_the_version_page_shows_every_requirement_once_under_its_chapter_in_order(client, many) -> None:
    tender, lead, content = many
    version = ops.freeze_version(tender, actor=lead)
    html = client.get(f"/konkurranser/{tender.id}/krav/versjoner/{version.number}").get_data(as_text=True)
    rows = re.findall(r"<h3>(\d+) |<code>(R\d{4})</code>", html)
    number_to_id = {c.number: c.id for c in content.chapters}
    assert [number_to_id[n] if n else r for n, r in rows] == expected_order(content)


# -- the cache of frozen versions -------------------------------------------------------------------------
def same(a: tuple[core.Requirement, ...], b: tuple[core.Requirement, ...]) -> bool:
    """The same requirements (a frozen version lists them chapter by chapter)."""
    return sorted(a, key=lambda r: r.id) == sorted(b, key=lambda r: r.id)


def _text_and_hash(content: core.Specification) -> tuple[str, str]:
    return dump_spec_toml(content), core.content_hash(content)


def test_two_different_versions_never_share_an_entry() -> None:
    cache = FrozenContents(size=8)
    one = many_chapters(30)
    two = replace(one, requirements=one.requirements[:-1])  # one requirement fewer
    three = replace(one, title=one.title + " (rettet)")
    texts = [_text_and_hash(c) for c in (one, two, three)]
    assert len({h for _, h in texts}) == 3
    for _ in range(2):  # the second round comes from the cache
        got = [cache.content(text, digest) for text, digest in texts]
        assert [core.content_hash(g) for g in got] == [h for _, h in texts]
        assert got[0].requirements == one.requirements and got[1].requirements == two.requirements
        assert got[2].title == three.title
    assert cache.parses == 3 and len(cache) == 3


def test_a_cached_version_is_parsed_once_and_the_same_content_comes_back() -> None:
    cache = FrozenContents()
    text, digest = _text_and_hash(many_chapters(30))
    first = cache.content(text, digest)
    assert cache.content(str(text.encode().decode()), digest) is first  # an equal text read again
    assert cache.parses == 1


def test_a_text_that_does_not_hash_to_its_key_is_refused_and_not_cached_even_when_its_key_is() -> None:
    cache = FrozenContents()
    text, digest = _text_and_hash(many_chapters(30))
    assert cache.content(text, digest) is not None
    altered = text.replace("skal", "bør", 1)
    assert altered != text
    assert cache.content(altered, digest) is None
    assert cache.content(altered, digest) is None  # still refused: a refusal is never cached
    assert cache.content(text, digest) is not None  # the genuine text still reads


def test_the_cache_is_bounded_and_forgets_the_least_recently_used() -> None:
    cache = FrozenContents(size=2)
    base = many_chapters(10)
    texts = [_text_and_hash(replace(base, title=f"Versjon {i}")) for i in range(3)]
    cache.content(*texts[0])
    cache.content(*texts[1])
    cache.content(*texts[0])  # the first is used again: the second is now the oldest
    cache.content(*texts[2])
    assert len(cache) == 2 and cache.parses == 3
    cache.content(*texts[0])
    assert cache.parses == 3  # still there
    cache.content(*texts[1])
    assert cache.parses == 4  # forgotten, parsed again


def test_a_stored_version_altered_after_the_freeze_is_refused_although_its_content_is_cached(
    db, many
) -> None:
    tender, lead, content = many
    version = ops.freeze_version(tender, actor=lead)
    assert same(ops.version_content(version).requirements, content.requirements)  # now cached
    version.content_toml = version.content_toml.replace("skal", "bør", 1)
    with pytest.raises(DomainError, match="hash"):
        ops.version_content(version)


def test_two_tenders_versions_read_their_own_content(db, create_tender, many) -> None:
    tender, lead, content = many
    first = ops.freeze_version(tender, actor=lead)
    other = create_tender()
    other_content = replace(content, requirements=content.requirements[::2])
    ops.replace_draft(other, other_content, actor=other.memberships[0].user, origin="test")
    second = ops.freeze_version(other, actor=other.memberships[0].user)
    assert first.content_hash != second.content_hash
    assert same(ops.version_content(first).requirements, content.requirements)
    assert same(ops.version_content(second).requirements, other_content.requirements)
    assert same(ops.version_content(first).requirements, content.requirements)
