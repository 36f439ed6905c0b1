"""The vendor's bid page at many requirements writes its answer fields directly (tender/bids/answer_fields.py,
issue 17 point 4) instead of through one WTForms form per requirement. It must render every requirement's
fields exactly as the forms did through the ``field`` macro: the same names, ids, labels, values, hints,
errors and disabled state, byte for byte. Each test renders the old way from the forms the POST still
validates with and looks for that HTML on the page, for a saved draft, a refused draft and a locked bid."""

from __future__ import annotations

import dataclasses
import re

import pytest
from werkzeug.datastructures import MultiDict

from tender.bids import operations as bid_ops
from tender.core import spec as core
from tender.core.spec.samples import generated_spec
from tests.evaluation_helpers import AFTER, setup_tender

#: the template's lines before issue 17: each requirement's fields through the field macro of _macros.html
OLD_LINES = """{% from "_macros.html" import field %}
    {% if f.choice is defined %}{{ field(f.choice) }}{% else %}{{ field(f.value, hint=(_('Et tall') ~ (' (' ~ r.unit ~ ')' if r.unit else '') ~ _(', f.eks. 1 250,5')) if r.answer_form.value == 'tall' else _('Kort svar; forklar gjerne mer i beskrivelsen.')) }}{% endif %}
    {{ field(f.description) }}{{ field(f.documentation_ref) }}{{ field(f.reservation) }}{{ field(f.reservation_text, hint=_('Fylles ut når du tar forbehold.')) }}
"""  # noqa: E501

REQUIREMENTS = 240
TRICKY = "Se «vedlegg 3» & <kapittel 2> \"ord\" 'sitat'\nny linje"


def _spec() -> core.Specification:
    """Many requirements of every answer form: Ja/Nei, Ja/Nei/Delvis, free text and numbers with and without
    units."""
    spec = generated_spec(REQUIREMENTS, chapters=12)
    reqs = []
    for n, r in enumerate(spec.requirements):
        if r.kind is core.Kind.INFORMASJON and n % 2:
            unit = "dager" if n % 4 == 1 else "m² & <kr>"
            r = dataclasses.replace(r, answer_form=core.AnswerForm.TALL, unit=unit)
        reqs.append(r)
    return dataclasses.replace(spec, requirements=tuple(reqs))


@pytest.fixture
def many(db, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user, content=_spec())


def _draft(s, *, broken: bool = False, complete: bool = False) -> dict[str, str]:
    """What a browser posts for a draft touching most requirements in every way (broken: with errors;
    complete: answering every requirement)."""
    data = {"lock_version": ""}
    for n, r in enumerate(bid_ops.published_spec(s.tender).requirements):
        if n % 5 == 4 and not complete:
            continue  # left untouched: not stored, shown empty
        own = f"a-{r.id}-choice" if r.answer_form.choices else f"a-{r.id}-value"
        if r.answer_form.choices:
            data[own] = r.answer_form.choices[n % len(r.answer_form.choices)]
        elif r.answer_form is core.AnswerForm.TALL:
            data[own] = "1 250,5" if n % 3 else "12"
        else:
            data[own] = TRICKY[:60] if n % 3 else "PostgreSQL 16"
        data[f"a-{r.id}-description"] = TRICKY if n % 2 else "Dekkes av standardløsningen."
        data[f"a-{r.id}-documentation_ref"] = "Vedlegg 2, kap. 3" if n % 3 else ""
        if n % 7 == 0:
            data[f"a-{r.id}-reservation"] = "y"
            data[f"a-{r.id}-reservation_text"] = "Krever tilleggsmodul <b>" if not broken else ""
        if broken and n % 11 == 0:
            data[own] = "Kanskje" if r.answer_form.choices else "x" * 201
        if broken and n % 13 == 0:
            data[f"a-{r.id}-documentation_ref"] = "y" * 301
    data[f"p-{s.items[0].id}-0-amount"] = "1 000 000,50"
    for m in s.tender.participating_municipalities:
        data[f"p-{s.items[1].id}-{m.id}-amount"] = "120000"
    return data


def _old(app, spec, forms, *, disabled: bool) -> dict[str, str]:
    """Each requirement's fields as the WTForms forms and the field macro rendered them."""
    template = app.jinja_env.from_string(OLD_LINES)
    out = {}
    for r in spec.requirements:
        f = forms[r.id]
        if disabled:
            for field in f:
                field.render_kw = {**(field.render_kw or {}), "disabled": True}
        out[r.id] = template.render(f=f, r=r)
    return out


def _assert_each_rendered_as_before(html: str, old: dict[str, str]) -> None:
    assert len(old) == REQUIREMENTS
    missing = [key for key, chunk in old.items() if chunk not in html]
    assert missing == [], f"{len(missing)} requirements render differently, e.g. {missing[:3]}"
    # and nothing else: one fieldset per requirement, each with exactly its five fields
    assert len(re.findall(r'<fieldset id="a-R\d+">', html)) == REQUIREMENTS
    names = re.findall(r'name="(a-R\d+-[a-z_]+)"', html)
    assert len(names) == 5 * REQUIREMENTS == len(set(names))


def test_a_saved_draft_renders_every_requirement_as_the_forms_did(
    app, client, forms, login_as, clock, many
) -> None:
    from tender.bids.views import _answer_forms

    login_as(many.vendor_users[0])
    response = forms.post(f"/konkurranser/{many.id}/mitt-tilbud", _draft(many))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = client.get(f"/konkurranser/{many.id}/mitt-tilbud").get_data(as_text=True)
    spec = bid_ops.published_spec(many.tender)
    bid = bid_ops.bid_of(many.tender, many.vendors[0].id)
    assert len(bid.answers) == REQUIREMENTS - REQUIREMENTS // 5
    with app.test_request_context():
        old = _old(app, spec, _answer_forms(spec, bid, None), disabled=False)
    _assert_each_rendered_as_before(html, old)
    # the stored values are on the page as typed (escaped), the untouched ones empty
    assert "Se «vedlegg 3» &amp; &lt;kapittel 2&gt; &#34;ord&#34;" in html
    assert 'checked id="a-R0001-reservation"' in html or 'checked id="a-R0007-reservation"' in html


def test_a_refused_draft_shows_what_was_typed_and_every_error_as_the_forms_did(
    app, client, forms, login_as, clock, many
) -> None:
    from tender.bids.views import _answer_forms

    login_as(many.vendor_users[0])
    data = _draft(many, broken=True)
    response = forms.post(f"/konkurranser/{many.id}/mitt-tilbud", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    spec = bid_ops.published_spec(many.tender)
    with app.test_request_context(method="POST", data=data):
        posted = _answer_forms(spec, None, MultiDict(data))
        for f in posted.values():
            f.validate()
        assert sum(len(field.errors) for f in posted.values() for field in f) > 20
        old = _old(app, spec, posted, disabled=False)
    _assert_each_rendered_as_before(html, old)
    assert html.count('aria-invalid="true"') == sum(1 for f in posted.values() for field in f if field.errors)
    assert bid_ops.bid_of(many.tender, many.vendors[0].id) is None


def test_a_delivered_bid_is_shown_disabled_as_the_forms_did(
    app, client, forms, login_as, clock, many
) -> None:
    from tender.bids.views import _answer_forms

    login_as(many.vendor_users[0])
    page = f"/konkurranser/{many.id}/mitt-tilbud"
    assert forms.post(page, _draft(many, complete=True)).status_code == 302
    response = forms.post(f"{page}/lever", {}, page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    spec = bid_ops.published_spec(many.tender)
    bid = bid_ops.bid_of(many.tender, many.vendors[0].id)
    assert bid.is_submitted
    with app.test_request_context():
        old = _old(app, spec, _answer_forms(spec, bid, None), disabled=True)
    for moment in (clock(), AFTER):  # before the deadline and after it
        clock.set(moment)
        html = client.get(page).get_data(as_text=True)
        _assert_each_rendered_as_before(html, old)
        assert html.count(" disabled ") >= 5 * REQUIREMENTS


def test_in_english_the_fields_and_errors_are_translated_as_the_forms_did(
    app, client, db, forms, login_as, clock, many
) -> None:
    from flask_babel import force_locale

    from tender.bids.views import _answer_forms

    vendor = login_as(many.vendor_users[0])
    vendor.language = "en"
    db.session.commit()
    data = _draft(many, broken=True)
    response = forms.post(f"/konkurranser/{many.id}/mitt-tilbud", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "Describe the reservation" in html
    spec = bid_ops.published_spec(many.tender)
    with app.test_request_context(method="POST", data=data), force_locale("en"):
        posted = _answer_forms(spec, None, MultiDict(data))
        for f in posted.values():
            f.validate()
        old = _old(app, spec, posted, disabled=False)
    assert ">Met?</label>" in old["R0001"] and ">Yes</option>" in old["R0001"]
    _assert_each_rendered_as_before(html, old)
