"""Response headers every page carries, and URL ids that can only name a real row.

The Content-Security-Policy allows no inline script or style: every script and style comes from
``tender/static``. That, together with ``frame-ancestors 'none'`` / ``X-Frame-Options: DENY``, keeps a
foreign page from framing the app (one-click actions such as opening the bids cannot be clickjacked) and
keeps an injected ``<script>`` from running.
"""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.routing import IntegerConverter, Map

#: the largest id a URL may carry: PostgreSQL's ``integer`` columns stop here, and SQLite's 64-bit integers
#: overflow (a 500) for ids of 2^63 and above; anything larger cannot be a row and gets a 404
MAX_ROW_ID = 2**31 - 1

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: one year; only sent when the cookies are marked secure, i.e. when the app is served over HTTPS
HSTS = "max-age=31536000; includeSubDomains"


def digits_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 1..``limit`` written without leading zeros."""
    top = str(limit)
    width = len(top)
    parts = [rf"[1-9]\d{{0,{width - 2}}}"] if width > 1 else []  # every shorter number
    for i, digit in enumerate(top):  # numbers as long as ``limit`` that fall below it at position i
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = width - i - 1
            parts.append(top[:i] + f"[{low}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    parts.append(top)
    return "(?:" + "|".join(parts) + ")"


class RowIdConverter(IntegerConverter):
    """``<int:...>`` limited to 1..MAX_ROW_ID, so an id no row can have is a 404 at routing, before any
    query (and before any login check: an impossible id tells nothing about the app's data).

    The range is in the regular expression, not only in ``to_python``: werkzeug answers a path whose
    converter refuses a value with 405 when another rule on the same path takes other methods."""

    regex = digits_up_to(MAX_ROW_ID)

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(
            map,
            fixed_digits=fixed_digits,
            min=1 if min is None else min,
            max=MAX_ROW_ID if max is None else max,
            signed=signed,
        )


def parse_row_id(raw: str | None) -> int | None:
    """A row id from a query string or form field, or None when ``raw`` cannot be one (not plain ASCII
    digits, or out of range)."""
    if not raw or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ROW_ID else None


def security_headers(response: Response, *, secure_cookies: bool) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if secure_cookies:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_url_converters(app: Flask) -> None:
    """Before any blueprint is registered: rules pick their converter up when they are added."""
    app.url_map.converters["int"] = RowIdConverter


def init_proxy(app: Flask) -> None:
    """Believe the last TRUSTED_PROXIES hops of X-Forwarded-For / -Proto, so that ``request.remote_addr``
    (what logins are throttled by) is the client's address, not the proxy's."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        return security_headers(response, secure_cookies=bool(app.config.get("SESSION_COOKIE_SECURE")))
