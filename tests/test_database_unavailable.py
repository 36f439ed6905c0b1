"""With the database out of reach, a page answers 503 in Norwegian in the site's layout with Retry-After,
and the log gets one line without the connection URL's password (tender/web/errors.py). The real outage,
with PostgreSQL stopped under a running server and its recovery, is in tests/test_faults.py."""

from __future__ import annotations

import logging

from tests.conftest import csrf_from, dispose, make_app
from tests.process_harness import free_port


def test_a_page_answers_503_in_norwegian_and_the_log_line_keeps_the_password_out(tmp_path, caplog) -> None:
    from tender.web import errors

    nobody_listens = f"postgresql+psycopg://tender:hemmelig-db-passord@127.0.0.1:{free_port()}/tender"
    app = make_app(nobody_listens, tmp_path, TESTING=False)
    errors._logged.update(at=float("-inf"), since=0)
    try:
        client = app.test_client()
        with caplog.at_level(logging.INFO, logger="tender"):
            first = client.get("/helse")
            token = csrf_from(client.get("/logg-inn").get_data(as_text=True))  # the form needs no database
            second = client.post("/logg-inn", data={"csrf_token": token, "email": "a@b.no", "password": "x"})
        for answer in (first, second):
            html = answer.get_data(as_text=True)
            assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"
            assert "Tjenesten er midlertidig utilgjengelig" in html and '<html lang="nb"' in html
            assert "Traceback" not in html and "psycopg" not in html and "hemmelig" not in html
        lines = [r.getMessage() for r in caplog.records if "Databasen er utilgjengelig" in r.getMessage()]
        assert len(lines) == 1 and "OperationalError" in lines[0]  # once per minute, not once per request
        assert all("hemmelig-db-passord" not in r.getMessage() for r in caplog.records)
        assert all(r.exc_info is None for r in caplog.records if r.name.startswith("tender"))
    finally:
        dispose(app)
