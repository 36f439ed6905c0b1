"""The specification pages as the procurement group uses them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.requirements import operations as ops
from tender.requirements.models import SpecChapter, SpecRequirement, SpecVersion
from tender.tenders.models import Role
from tests.test_access_requirements import small_spec

KRAV_TSV = Path(__file__).resolve().parent.parent.parent / "shared" / "noark5" / "krav.tsv"


@pytest.fixture
def lead_with_spec(db, create_tender, login_as):
    tender = create_tender()
    lead = tender.memberships[0].user
    ops.replace_draft(tender, small_spec(), actor=lead, origin="test")
    db.session.commit()
    login_as(lead)
    return tender, lead


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_lead_loads_the_base_specification_into_an_empty_tender(
    client, db, forms, create_tender, login_as
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    assert "Last inn grunnspesifikasjonen" in client.get(f"/konkurranser/{tender.id}/krav").get_data(
        as_text=True
    )
    response = forms.post(
        f"/konkurranser/{tender.id}/krav/last-inn", {"kilde": "grunnspesifikasjon"}, follow=True
    )
    assert "er lastet inn som utkast" in response.get_data(as_text=True)
    assert _count(db, SpecRequirement) >= 150


def test_an_uploaded_invalid_toml_file_lists_every_problem_and_changes_nothing(
    client, db, forms, create_tender, login_as
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    data = {
        "csrf_token": forms.token("/"),
        "file": (
            io.BytesIO(b'format = 1\ntitle = "T"\n[[requirement]]\nid = "R1"\nkind = "x"\n'),
            "feil.toml",
        ),
    }
    response = client.post(
        f"/konkurranser/{tender.id}/krav/last-inn", data=data, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ingenting er endret" in html and "linje 5" in html
    assert ops.specification_of(tender) is None or not ops.specification_of(tender).requirements


def test_filters_narrow_the_list_by_kind_chapter_and_text(client, lead_with_spec) -> None:
    tender, _ = lead_with_spec
    everything = client.get(f"/konkurranser/{tender.id}/krav").get_data(as_text=True)
    minimum = client.get(f"/konkurranser/{tender.id}/krav?type=minstekrav").get_data(as_text=True)
    total = everything.count('<tr id="R')
    only_min = minimum.count('<tr id="R')
    assert 0 < only_min < total
    searched = client.get(f"/konkurranser/{tender.id}/krav?q=zzzz-finnes-ikke").get_data(as_text=True)
    assert searched.count('<tr id="R') == 0 and f"0 av {total} krav" in searched


def test_an_evaluator_edits_a_requirement_and_the_change_is_audited(
    client, db, forms, lead_with_spec, add_member, login_as
) -> None:
    tender, _ = lead_with_spec
    login_as(add_member(tender, Role.EVALUATOR))
    row = ops.ordered_requirements(ops.specification_of(tender))[0]
    page = client.get(f"/konkurranser/{tender.id}/krav/{row.key}").get_data(as_text=True)
    assert row.text[:30] in page
    response = forms.post(
        f"/konkurranser/{tender.id}/krav/{row.key}", _form(row, text="Ny tekst for kravet.")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SpecRequirement, row.id).text == "Ny tekst for kravet."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "requirement.changed"))
    assert event.object_id == row.key and event.payload["changed"]["text"] == "Ny tekst for kravet."


def _form(row, **changes) -> dict:
    data = {
        "chapter": row.chapter.key,
        "number": row.number,
        "kind": row.kind.value,
        "text": row.text,
        "answer_form": row.answer_form.value,
        "unit": row.unit or "",
        "criterion": row.criterion_key or "",
        "weight": str(row.weight or ""),
        "documentation": row.documentation,
        "source": row.source,
        "lock_version": str(row.lock_version),
    }
    data.update(changes)
    return data


def test_two_people_saving_the_same_requirement_the_second_is_refused_with_what_changed(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    row = ops.ordered_requirements(ops.specification_of(tender))[0]
    opened = _form(row)  # both opened the form at the same version
    assert (
        forms.post(
            f"/konkurranser/{tender.id}/krav/{row.key}", {**opened, "text": "Først lagret."}
        ).status_code
        == 302
    )
    second = forms.post(f"/konkurranser/{tender.id}/krav/{row.key}", {**opened, "text": "Lagret etterpå."})
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Kravet ble endret av" in html and "Endringen din er ikke lagret" in html
    assert "<del>Først</del>" in html and "<ins>etterpå</ins>" in html
    db.session.expire_all()
    assert db.session.get(SpecRequirement, row.id).text == "Først lagret."
    # the diff table's cells sit under their headers: "Før" holds the old text, "Etter" the new one
    table = html.split('<table class="list diff">')[1].split("</table>")[0]
    assert "colspan" not in table
    text_row = next(r for r in table.split("<tr>")[2:] if "Først" in r)
    before, after = text_row.split("<td")[1:3]
    assert "<del>Først</del>" in before and "<ins>" not in before and "etterpå" not in before
    assert "<ins>etterpå</ins>" in after and "<del>" not in after and "Først" not in after


def test_a_tampered_lock_version_ends_as_a_conflict_and_changes_nothing(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    row = ops.ordered_requirements(ops.specification_of(tender))[0]
    for tampered in ("abc", "²", "9" * 30):
        response = forms.post(
            f"/konkurranser/{tender.id}/krav/{row.key}",
            _form(row, lock_version=tampered, text="Endret med falsk versjon."),
        )
        assert response.status_code == 409, tampered
    db.session.expire_all()
    assert db.session.get(SpecRequirement, row.id).text != "Endret med falsk versjon."


def test_a_weight_that_is_not_a_number_is_refused_next_to_the_field(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    row = next(
        r for r in ops.ordered_requirements(ops.specification_of(tender)) if r.kind.value == "evalueringskrav"
    )
    response = forms.post(f"/konkurranser/{tender.id}/krav/{row.key}", _form(row, weight="mye"))
    assert response.status_code == 422 and "Vekten må være et tall" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SpecRequirement, row.id).weight == row.weight


def test_the_lead_adds_moves_and_deletes_a_chapter(client, db, forms, lead_with_spec) -> None:
    tender, _ = lead_with_spec
    forms.post(
        f"/konkurranser/{tender.id}/krav/kapitler/nytt", {"title": "Særskilte krav", "description": ""}
    )
    chapter = db.session.scalar(select(SpecChapter).where(SpecChapter.title == "Særskilte krav"))
    forms.post(f"/konkurranser/{tender.id}/krav/kapitler/{chapter.key}/opp", {})
    db.session.expire_all()
    assert [c.key for c in ops.specification_of(tender).chapters][-2] == chapter.key
    forms.post(f"/konkurranser/{tender.id}/krav/kapitler/{chapter.key}/slett", {})
    assert db.session.scalar(select(SpecChapter).where(SpecChapter.title == "Særskilte krav")) is None


def test_a_chapter_with_requirements_cannot_be_deleted(client, db, forms, lead_with_spec) -> None:
    tender, _ = lead_with_spec
    key = ops.specification_of(tender).chapters[0].key
    response = forms.post(f"/konkurranser/{tender.id}/krav/kapitler/{key}/slett", {}, follow=True)
    assert "Flytt eller slett kravene først" in response.get_data(as_text=True)


def test_the_excel_answer_form_downloads_and_an_edited_copy_comes_back_as_a_diff(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    response = client.get(f"/konkurranser/{tender.id}/krav/excel")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(response.data), "krav.xlsx")}
    unchanged = client.post(
        f"/konkurranser/{tender.id}/krav/import/excel", data=data, content_type="multipart/form-data"
    )
    assert "identisk med utkastet" in unchanged.get_data(as_text=True)


def test_a_zip_that_is_not_a_workbook_is_refused_with_a_clear_message(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hemmelig.txt", "ikke et regneark")
    before = _count(db, AuditEvent)
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(buffer.getvalue()), "krav.xlsx")}
    response = client.post(
        f"/konkurranser/{tender.id}/krav/import/excel", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "Ingenting er endret" in response.get_data(as_text=True)
    assert _count(db, AuditEvent) == before


def test_the_lead_imports_ticked_requirements_from_the_national_catalogue(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    before = _count(db, SpecRequirement)
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(KRAV_TSV.read_bytes()), "krav.tsv")}
    preview = client.post(
        f"/konkurranser/{tender.id}/krav/import/katalog", data=data, content_type="multipart/form-data"
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "384 krav i 74 kravgrupper" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    response = forms.post(
        f"/konkurranser/{tender.id}/krav/import/katalog",
        {"token": token, "take": ["2.6.1", "2.6.2"], "kind-2.6.1": "minstekrav", "kind-2.6.2": "informasjon"},
        follow=True,
    )
    assert "2 krav fra kravkatalogen" in response.get_data(as_text=True)
    assert _count(db, SpecRequirement) == before + 2
    sources = db.session.scalars(
        select(SpecRequirement.source).where(SpecRequirement.source.like("%krav 2.6.%"))
    ).all()
    assert any(s.startswith("Noark 5 v5.0 krav 2.6.1") for s in sources)


def test_a_catalogue_in_the_wrong_encoding_is_refused(client, db, forms, lead_with_spec) -> None:
    tender, _ = lead_with_spec
    garbled = (
        KRAV_TSV.read_text(encoding="utf-8")
        .encode("utf-8")
        .decode("cp1252", errors="replace")
        .encode("utf-8")
    )
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(garbled), "krav.tsv")}
    response = client.post(
        f"/konkurranser/{tender.id}/krav/import/katalog", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422


def test_a_signer_approves_the_frozen_version_and_the_lead_publishes_it(
    client, db, forms, login_as, lead_with_spec, add_member
) -> None:
    tender, lead = lead_with_spec
    forms.post(f"/konkurranser/{tender.id}/krav/frys", {"note": "Til godkjenning"})
    version = db.session.scalar(select(SpecVersion))
    signers = [add_member(tender, Role.SIGNER, municipality=m) for m in tender.participating_municipalities]
    for signer, municipality in zip(signers, tender.participating_municipalities, strict=True):
        login_as(signer)
        page = client.get(f"/konkurranser/{tender.id}/krav/versjoner/1").get_data(as_text=True)
        assert "Din beslutning" in page and version.content_hash[:16] in page
        response = forms.post(
            f"/konkurranser/{tender.id}/krav/versjoner/1",
            {
                "municipality": str(municipality.id),
                "decision": "approved",
                "comment": "",
                "content_hash": version.content_hash,
            },
        )
        assert response.status_code == 302
    login_as(lead)
    response = forms.post(f"/konkurranser/{tender.id}/krav/versjoner/1/kunngjor", {}, follow=True)
    assert "Versjon 1 er kunngjort" in response.get_data(as_text=True)
    pdf = client.get(f"/konkurranser/{tender.id}/krav/versjoner/1/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_rejection_without_a_comment_is_refused(
    client, db, forms, login_as, lead_with_spec, add_member
) -> None:
    tender, lead = lead_with_spec
    forms.post(f"/konkurranser/{tender.id}/krav/frys", {"note": ""})
    version = db.session.scalar(select(SpecVersion))
    municipality = tender.participating_municipalities[0]
    login_as(add_member(tender, Role.SIGNER, municipality=municipality))
    response = forms.post(
        f"/konkurranser/{tender.id}/krav/versjoner/1",
        {
            "municipality": str(municipality.id),
            "decision": "rejected",
            "comment": "",
            "content_hash": version.content_hash,
        },
    )
    assert response.status_code == 422 and "begrunnelse" in response.get_data(as_text=True)
    assert not version.decisions


def test_the_diff_between_two_versions_shows_word_level_changes(client, db, forms, lead_with_spec) -> None:
    tender, lead = lead_with_spec
    ops.freeze_version(tender, actor=lead)
    row = ops.ordered_requirements(ops.specification_of(tender))[0]
    forms.post(f"/konkurranser/{tender.id}/krav/{row.key}", _form(row, text=row.text + " Tilleggsord."))
    ops.freeze_version(tender, actor=lead)
    db.session.commit()
    html = client.get(f"/konkurranser/{tender.id}/krav/diff?fra=1&til=2").get_data(as_text=True)
    assert "<ins> Tilleggsord.</ins>" in html
    assert "1 endret krav" in html


def test_duplicate_and_malformed_numbers_in_the_catalogue_are_shown_by_row_not_merged(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    table = (
        "Krav nr.\tKravgruppe\tBeskrivelse\tType\tMerknad\n"
        "2.6.1\tArkivdel\tFørste beskrivelse\tO\t\n"
        "2.6.1\tArkivdel\tAndre beskrivelse med samme nummer\tB\t\n"
        "2.x.7\tArkivdel\tMisformet nummer\tV\t\n"
    ).encode()
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(table), "krav.tsv")}
    html = client.post(
        f"/konkurranser/{tender.id}/krav/import/katalog", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Avvik i kildetabellen" in html
    assert "Første beskrivelse" in html and "Andre beskrivelse med samme nummer" in html
    assert "2.x.7" in html


def test_a_draft_broken_behind_the_apps_back_is_not_exported_but_explained(
    client, db, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    row = next(
        r for r in ops.ordered_requirements(ops.specification_of(tender)) if r.kind.value == "evalueringskrav"
    )
    db.session.execute(
        SpecRequirement.__table__.update().where(SpecRequirement.id == row.id).values(weight=None)
    )
    db.session.commit()
    db.session.expire_all()
    response = client.get(f"/konkurranser/{tender.id}/krav/excel")
    assert response.status_code == 422 and row.key in response.get_data(as_text=True)


def test_applying_a_catalogue_selection_with_nothing_ticked_changes_nothing(
    client, db, forms, lead_with_spec
) -> None:
    tender, _ = lead_with_spec
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(KRAV_TSV.read_bytes()), "krav.tsv")}
    html = client.post(
        f"/konkurranser/{tender.id}/krav/import/katalog", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    token = html.split('name="token" value="')[1].split('"')[0]
    before = _count(db, SpecRequirement)
    response = forms.post(f"/konkurranser/{tender.id}/krav/import/katalog", {"token": token}, follow=True)
    assert "Ingen krav er krysset av" in response.get_data(as_text=True)
    assert _count(db, SpecRequirement) == before


def test_an_unknown_or_forged_upload_token_is_refused(client, db, forms, lead_with_spec) -> None:
    tender, _ = lead_with_spec
    for token in ("0" * 64, "../../etc/passwd"):
        response = forms.post(
            f"/konkurranser/{tender.id}/krav/import/katalog", {"token": token, "take": "2.6.1"}, follow=True
        )
        assert "finnes ikke lenger" in response.get_data(as_text=True)
        response = forms.post(
            f"/konkurranser/{tender.id}/krav/import/excel", {"token": token, "accept": "R0001"}, follow=True
        )
        assert "finnes ikke lenger" in response.get_data(as_text=True)


def test_staged_uploads_older_than_a_day_are_removed_at_the_next_upload(app, tmp_path) -> None:
    import os
    import time

    from tender.web import uploads

    with app.test_request_context():
        old = uploads.stash(b"gammel fil")
        folder = Path(app.instance_path) / "uploads" / "staged"
        day_ago = time.time() - uploads.KEEP_SECONDS - 60
        os.utime(folder / old, (day_ago, day_ago))
        fresh = uploads.stash(b"ny fil")
        assert uploads.unstash(old) is None and uploads.unstash(fresh) == b"ny fil"


def test_any_two_versions_can_be_compared_from_the_specification_page(
    client, db, forms, lead_with_spec
) -> None:
    tender, lead = lead_with_spec
    ops.freeze_version(tender, actor=lead)
    row = ops.ordered_requirements(ops.specification_of(tender))[1]
    forms.post(f"/konkurranser/{tender.id}/krav/{row.key}", _form(row, text=row.text + " Endret."))
    ops.freeze_version(tender, actor=lead)
    db.session.commit()
    page = client.get(f"/konkurranser/{tender.id}/krav").get_data(as_text=True)
    assert 'aria-label="Sammenlign versjoner"' in page and 'name="fra"' in page and 'value="utkast"' in page
    diff = client.get(f"/konkurranser/{tender.id}/krav/diff?fra=2&til=1").get_data(as_text=True)
    assert "Endringer fra versjon 2 til versjon 1" in diff and "<del> Endret.</del>" in diff
    assert client.get(f"/konkurranser/{tender.id}/krav/diff?fra=9&til=1").status_code == 404
    assert client.get(f"/konkurranser/{tender.id}/krav/diff?fra=x").status_code == 404


def test_applying_a_workbook_after_the_draft_changed_under_it_explains_instead_of_failing(
    client, db, forms, lead_with_spec
) -> None:
    tender, lead = lead_with_spec
    first, second = ops.ordered_requirements(ops.specification_of(tender))[:2]
    workbook = load_workbook(io.BytesIO(client.get(f"/konkurranser/{tender.id}/krav/excel").data))
    cell = next(c for row in workbook.active.iter_rows() for c in row if c.value == first.text)
    cell.value = first.text + " Endret i regnearket."
    edited = io.BytesIO()
    workbook.save(edited)
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(edited.getvalue()), "krav.xlsx")}
    preview = client.post(
        f"/konkurranser/{tender.id}/krav/import/excel", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    token = preview.split('name="token" value="')[1].split('"')[0]
    ops.delete_requirement(tender, second, expected_version=second.lock_version, actor=lead)  # someone else
    db.session.commit()
    before = _count(db, AuditEvent)
    response = forms.post(
        f"/konkurranser/{tender.id}/krav/import/excel", {"token": token, "accept": first.key}
    )
    assert response.status_code == 422 and "passer ikke lenger" in response.get_data(as_text=True)
    assert _count(db, AuditEvent) == before
    db.session.expire_all()
    assert db.session.get(SpecRequirement, first.id).text == first.text


def test_after_publication_the_editing_and_import_pages_send_back_to_the_specification_with_why(
    client, db, forms, create_tender, add_member, create_user, login_as
) -> None:
    from tests.evaluation_helpers import setup_tender

    s = setup_tender(db, create_tender, add_member, create_user)
    login_as(s.lead)
    tender = s.tender
    excel = client.get(f"/konkurranser/{tender.id}/krav/excel").data
    key = ops.ordered_requirements(ops.specification_of(tender))[0].key
    chapter = ops.specification_of(tender).chapters[0].key
    for path in ("nytt", key, "kapitler/nytt", f"kapitler/{chapter}", "import/excel", "import/katalog"):
        response = client.get(f"/konkurranser/{tender.id}/krav/{path}", follow_redirects=True)
        html = response.get_data(as_text=True)
        assert response.request.path == f"/konkurranser/{tender.id}/krav", path
        assert "Kravspesifikasjonen er kunngjort og kan ikke endres lenger." in html, path
    # an upload is refused before its diff is shown, and nothing is stashed or recorded
    before = _count(db, AuditEvent)
    data = {"csrf_token": forms.token("/"), "file": (io.BytesIO(excel), "krav.xlsx")}
    response = client.post(
        f"/konkurranser/{tender.id}/krav/import/excel", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302 and 'name="token"' not in response.get_data(as_text=True)
    assert _count(db, AuditEvent) == before
    index = client.get(f"/konkurranser/{tender.id}/krav").get_data(as_text=True)
    for button in ("Les inn redigert regneark", "Importer fra kravkatalogen", "Nytt krav", "Frys ny versjon"):
        assert button not in index
