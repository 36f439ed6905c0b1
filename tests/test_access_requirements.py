"""Access to the specification pages, every route with every role (the table joins test_access's check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tender.tenders.models import Role
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_READ = {**NOT_MEMBER, "vendor": 403}
EDITORS = {**NOT_MEMBER, "vendor": 403, "signer": 403, "observer": 403}
LEAD_ONLY = {**NOT_MEMBER}

# endpoint -> (method, path, {who: status}, default)
ROUTES = {
    "requirements.index": ("GET", "/konkurranser/{t}/krav", GROUP_READ, 200),
    "requirements.new_requirement": ("GET", "/konkurranser/{t}/krav/nytt", EDITORS, 200),
    "requirements.edit_requirement": ("GET", "/konkurranser/{t}/krav/R0001", EDITORS, 200),
    "requirements.delete_requirement": ("POST", "/konkurranser/{t}/krav/R0001/slett", EDITORS, 302),
    "requirements.move_requirement": ("POST", "/konkurranser/{t}/krav/R0001/flytt/ned", EDITORS, 302),
    "requirements.renumber": ("POST", "/konkurranser/{t}/krav/renummerer", EDITORS, 302),
    "requirements.new_chapter": ("GET", "/konkurranser/{t}/krav/kapitler/nytt", EDITORS, 200),
    "requirements.edit_chapter": ("GET", "/konkurranser/{t}/krav/kapitler/K01", EDITORS, 200),
    "requirements.chapter_action": ("POST", "/konkurranser/{t}/krav/kapitler/K01/ned", EDITORS, 302),
    "requirements.load": ("POST", "/konkurranser/{t}/krav/last-inn", {**LEAD_ONLY, "lead": 302}, 403),
    "requirements.freeze": ("POST", "/konkurranser/{t}/krav/frys", {**LEAD_ONLY, "lead": 302}, 403),
    "requirements.version": ("GET", "/konkurranser/{t}/krav/versjoner/1", GROUP_READ, 200),
    "requirements.diff": ("GET", "/konkurranser/{t}/krav/diff?fra=1&til=utkast", GROUP_READ, 200),
    "requirements.publish": (
        "POST",
        "/konkurranser/{t}/krav/versjoner/1/kunngjor",
        {**LEAD_ONLY, "lead": 302},
        403,
    ),
    "requirements.export_excel": ("GET", "/konkurranser/{t}/krav/excel", GROUP_READ, 200),
    "requirements.export_pdf": ("GET", "/konkurranser/{t}/krav/versjoner/1/pdf", GROUP_READ, 200),
    "requirements.import_excel": (
        "GET",
        "/konkurranser/{t}/krav/import/excel",
        {**LEAD_ONLY, "lead": 200},
        403,
    ),
    "requirements.import_catalogue": (
        "GET",
        "/konkurranser/{t}/krav/import/katalog",
        {**LEAD_ONLY, "lead": 200},
        403,
    ),
}

BASE = Path(__file__).resolve().parent.parent / "requirements_specs" / "base-sak-arkiv.toml"


def small_spec():
    """The base specification's first two chapters: enough for every page, quick to load."""
    from dataclasses import replace

    from tender.core.spec.toml_format import load_spec_toml

    base = load_spec_toml(BASE.read_bytes())
    chapters = base.chapters[:2]
    keep = {c.id for c in chapters}
    return replace(
        base, chapters=chapters, requirements=tuple(r for r in base.requirements if r.chapter in keep)
    )


@pytest.fixture
def spec_people(db, create_tender, create_user, add_member):
    from tender.requirements import operations as ops
    from tender.tenders import operations

    tender = create_tender()
    lead = tender.memberships[0].user
    ops.replace_draft(tender, small_spec(), actor=lead, origin="test")
    ops.freeze_version(tender, actor=lead)
    vendor = operations.register_vendor(
        tender, name="Leverandør AS", organisasjonsnummer="974760673", actor=lead
    )
    db.session.commit()
    return tender, {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": lead,
        "evaluator": add_member(tender, Role.EVALUATOR),
        "signer": add_member(tender, Role.SIGNER, municipality=tender.participating_municipalities[0]),
        "observer": add_member(tender, Role.OBSERVER),
        "vendor": add_member(tender, Role.VENDOR, vendor=vendor),
    }


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives_to_the_specification(
    endpoint, app, spec_people, isolated
) -> None:
    tender, who = spec_people
    extra = {"lock_version": "1", "kilde": "grunnspesifikasjon"} if ROUTES[endpoint][0] == "POST" else None
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id}, extra)
