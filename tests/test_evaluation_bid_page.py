"""The evaluators' page of one bid writes each minimum requirement's own check form directly
(tender/evaluation/views.py, _check_fields; issue 17 point 4) instead of one CheckForm per row. It must be
the HTML CheckForm rendered through the ``field`` macro, byte for byte (the CSRF token aside, which is signed
anew on every request): the same names, ids, labels, chosen status and justification."""

from __future__ import annotations

import re

import pytest

from tender.bids import operations as bid_ops
from tender.core.scoring import RequirementStatus
from tender.core.spec import Kind
from tender.core.spec.samples import generated_spec
from tender.evaluation import operations as ev
from tender.evaluation.forms import CheckForm
from tests.evaluation_helpers import open_all, setup_tender, submit_bid

#: the template's line before issue 17: a row's check form through the field macro of _macros.html
OLD_LINE = """{% from "_macros.html" import field %}
        {{ f.csrf_token }}{{ field(f.status) }}{{ field(f.reason) }}<button type="submit">Lagre vurdering</button>
"""  # noqa: E501
TOKEN = re.compile(r'(-csrf_token" type="hidden" value=")[^"]+"')
REASON = 'Svaret viser «ikke» & <b>ufullstendig</b> "eksport"\nny linje'


@pytest.fixture
def opened(db, create_tender, add_member, create_user, clock):
    s = setup_tender(db, create_tender, add_member, create_user, content=generated_spec(300, chapters=12))
    bids = [submit_bid(db, s, 0), submit_bid(db, s, 1, one_off="800000")]
    open_all(db, s, clock)
    return s, bids


def _old(app, spec, checks) -> dict[str, str]:
    template = app.jinja_env.from_string(OLD_LINE)
    out = {}
    for r in spec.requirements:
        if r.kind is not Kind.MINSTEKRAV:
            continue
        f = CheckForm(formdata=None, prefix=f"k{r.id}")
        if r.id in checks:
            f.status.data, f.reason.data = checks[r.id].status.value, checks[r.id].reason
        out[r.id] = TOKEN.sub(r'\1TOKEN"', template.render(f=f))
    return out


def test_every_minimum_requirements_check_form_is_rendered_as_checkform_did(
    app, client, db, login_as, opened
) -> None:
    s, bids = opened
    spec = bid_ops.published_spec(s.tender)
    minimum = [r for r in spec.requirements if r.kind is Kind.MINSTEKRAV]
    assert len(minimum) == 100
    statuses = list(RequirementStatus)
    for n, r in enumerate(minimum[:60]):  # 40 left unassessed
        status = statuses[n % 3]
        reason = REASON if n % 2 else ("" if status is RequirementStatus.MET else f"Begrunnelse {n}")
        ev.check_requirement(s.tender, bids[1], r.id, status=status, reason=reason, actor=s.lead)
    db.session.commit()
    login_as(s.evaluators[0])
    response = client.get(f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}")
    assert response.status_code == 200
    html = TOKEN.sub(r'\1TOKEN"', response.get_data(as_text=True))
    with app.test_request_context():
        old = _old(app, spec, ev.requirement_checks(bids[1]))
    assert len(old) == 100
    missing = [key for key, chunk in old.items() if chunk not in html]
    assert missing == [], f"{len(missing)} check forms render differently, e.g. {missing[:3]}"
    assert html.count("<option selected ") == 60
    assert "Svaret viser «ikke» &amp; &lt;b&gt;ufullstendig&lt;/b&gt; &#34;eksport&#34;" in html
    # one form per minimum requirement, each posting to its own row
    assert len(re.findall(r'name="kR\d+-status"', html)) == 100
    assert len(set(re.findall(r'action="[^"]*/minstekrav/(R\d+)"', html))) == 100


def test_an_observer_sees_the_answers_and_no_check_form(client, login_as, opened) -> None:
    s, bids = opened
    login_as(s.observer)
    html = client.get(f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}").get_data(as_text=True)
    assert "Standard funksjonalitet" in html and "-status" not in html and "Lagre vurdering" not in html
