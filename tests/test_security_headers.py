"""Security headers on every kind of response, no inline script or style for the Content-Security-Policy to
forbid, and URL ids that cannot name a row giving 404 on every route (never a 500)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tender import TEMPLATE_FOLDER
from tender.tenders.models import Role
from tests.conftest import PASSWORD, FormClient, make_app
from tests.evaluation_helpers import setup_tender
from tests.test_file_names import upload_attachment

HTML_ROUTE_LOGIN = "/logg-inn"


def assert_security_headers(response, *, hsts: bool = False) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "default-src 'self'", csp
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", csp
    assert directives.get("script-src") == "script-src 'self'", csp
    assert directives.get("style-src") == "style-src 'self'", csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin"}
    if hsts:
        assert headers.get("Strict-Transport-Security", "").startswith("max-age=31536000")
    else:
        assert "Strict-Transport-Security" not in headers


@pytest.fixture
def world(db, create_tender, add_member, create_user):
    from tender.tenders import operations

    tender = create_tender()
    lead = tender.memberships[0].user
    vendor = operations.register_vendor(
        tender, name="Leverandør AS", organisasjonsnummer="974760673", actor=lead
    )
    db.session.commit()
    seller = add_member(tender, Role.VENDOR, vendor=vendor)
    evaluator = add_member(tender, Role.EVALUATOR)
    return tender, lead, seller, evaluator


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user)


# -- headers on every kind of response ---------------------------------------------------------------------
def test_an_html_page_carries_the_security_headers(client, login_as, world) -> None:
    tender, lead, _, _ = world
    login_as(lead)
    response = client.get(f"/konkurranser/{tender.id}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert_security_headers(response)


def test_a_redirect_carries_the_security_headers(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert_security_headers(response)


def test_the_403_and_404_error_pages_carry_the_security_headers(client, login_as, world) -> None:
    tender, _, _, evaluator = world
    login_as(evaluator)
    forbidden = client.get(f"/konkurranser/{tender.id}/rediger")
    assert forbidden.status_code == 403 and "Ingen tilgang" in forbidden.get_data(as_text=True)
    assert_security_headers(forbidden)
    missing = client.get("/finnes-ikke")
    assert missing.status_code == 404 and "Finnes ikke" in missing.get_data(as_text=True)
    assert_security_headers(missing)


def test_the_500_error_page_carries_the_security_headers(app, tmp_path: Path) -> None:
    # An app of its own: routes cannot be added to the shared one once it has served a request.
    broken = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, PROPAGATE_EXCEPTIONS=False)

    @broken.route("/knekt")
    def _broken() -> str:
        raise RuntimeError("en feil i koden")

    try:
        response = broken.test_client().get("/knekt")
        assert response.status_code == 500 and "Noe gikk galt" in response.get_data(as_text=True)
        assert_security_headers(response)
    finally:
        from tests.conftest import dispose

        dispose(broken)


def test_a_json_response_carries_the_security_headers(client, login_as, world) -> None:
    tender, _, seller, _ = world
    login_as(seller)
    response = client.get(f"/konkurranser/{tender.id}/noark/prover/status.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert_security_headers(response)


def test_a_file_download_carries_the_security_headers(client, forms, login_as, db, clock, s) -> None:
    from tender.bids import operations as bid_ops

    login_as(s.vendor_users[0])
    assert upload_attachment(client, forms, s, b"%PDF-1.4 vedlegg", "vedlegg.pdf").status_code == 302
    [attachment] = bid_ops.bid_of(s.tender, s.vendors[0].id).attachments
    response = client.get(f"/konkurranser/{s.id}/mitt-tilbud/vedlegg/{attachment.id}")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    assert_security_headers(response)


def test_a_static_file_carries_the_security_headers(client) -> None:
    with client.get("/static/tender.css") as response:
        assert response.status_code == 200 and response.mimetype == "text/css"
        assert_security_headers(response)


def test_strict_transport_security_is_sent_when_cookies_are_secure(app, client, monkeypatch) -> None:
    assert_security_headers(client.get(HTML_ROUTE_LOGIN), hsts=False)
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert_security_headers(client.get(HTML_ROUTE_LOGIN), hsts=True)


# -- nothing inline for the policy to block ---------------------------------------------------------------
_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_an_inline_script_or_style() -> None:
    found = []
    for path in sorted(TEMPLATE_FOLDER.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in _INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATE_FOLDER)}:{line}: {what}")
    assert found == []


# -- ids that cannot be a row -------------------------------------------------------------------------------
_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>[a-z_]+)>")
TOO_LARGE = [2**31, 2**63, 2**64, 10**30]


def _int_routes(app) -> list[tuple[str, str, str, list[str]]]:
    """(endpoint, rule, method, int argument names) for every route method with an int argument."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [m["name"] for m in _ARGUMENT.finditer(rule.rule) if m["converter"] == "int"]
        if ints:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, rule.rule, method, ints))
    return found


def _path(rule: str, values: dict[str, object]) -> str:
    return _ARGUMENT.sub(lambda m: str(values.get(m["name"], "x")), rule)


def test_ids_beyond_any_row_give_404_on_every_route_and_every_method(app, world, isolated) -> None:
    tender, lead, _, _ = world
    routes = _int_routes(app)
    assert len(routes) >= 60  # the whole app, not a corner of it
    forms = FormClient(app.test_client())
    login = forms.post("/logg-inn", {"email": lead.email, "password": PASSWORD}, page="/logg-inn")
    assert login.status_code == 302
    anonymous = FormClient(app.test_client())
    lead_token, anonymous_token = forms.token("/"), anonymous.token("/logg-inn")
    wrong = []
    for endpoint, rule, method, ints in routes:
        for name in ints:
            for huge in TOO_LARGE:
                # the other ids real (the tender) or small, so that the huge one is what the route meets
                values: dict[str, object] = {n: (tender.id if n == "tender_id" else 1) for n in ints}
                values[name] = huge
                path = _path(rule, values)
                for who, client, token in (
                    ("lead", forms.client, lead_token),
                    ("anonym", anonymous.client, anonymous_token),
                ):
                    with isolated():
                        if method == "GET":
                            response = client.get(path)
                        else:
                            response = client.open(path, method=method, data={"csrf_token": token})
                    login_redirect = response.status_code == 302 and response.headers["Location"].startswith(
                        "/logg-inn"
                    )
                    if response.status_code != 404 and not (who == "anonym" and login_redirect):
                        wrong.append(f"{who}: {method} {path} ({endpoint}) gave {response.status_code}")
    assert wrong == []


def test_the_largest_valid_id_reaches_the_view_and_is_simply_not_found(client, login_as, world) -> None:
    tender, lead, _, _ = world
    login_as(lead)
    assert client.get(f"/konkurranser/{2**31 - 1}").status_code == 404
    assert client.get(f"/konkurranser/{tender.id}/krav/versjoner/{2**31 - 1}").status_code == 404


def test_a_version_number_in_the_query_that_is_no_number_gives_404(client, login_as, world) -> None:
    tender, lead, _, _ = world
    login_as(lead)
    for raw in ("²", "١", str(2**63)):
        response = client.get(f"/konkurranser/{tender.id}/krav/diff?fra={raw}&til=utkast")
        assert response.status_code == 404, raw


def test_a_row_id_from_text_is_only_plain_digits_in_range() -> None:
    from tender.web.security import MAX_ROW_ID, parse_row_id

    assert parse_row_id("17") == 17 and parse_row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    for raw in (None, "", "0", "-1", "1.5", "²", "١٢", str(MAX_ROW_ID + 1), str(2**63), " 1"):
        assert parse_row_id(raw) is None, raw


def test_the_criteria_tree_is_indented_by_classes_from_the_stylesheet(client, login_as, s) -> None:
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True)
    assert 'class="depth-0"' in html and 'class="depth-1"' in html and "style=" not in html
    with client.get("/static/tender.css") as css:
        assert ".depth-1 { padding-left:2rem" in css.get_data(as_text=True)
