"""The database goes away under a running server (gunicorn, through the proxy), then comes back.

Pages answer a standalone 503 page in Italian, /api/ a JSON 503, both with Retry-After
and without a stack trace, whether the failure hits the host -> comune lookup (a host not
in the middleware's cache) or a view (a host already cached). Once the proxy is restored,
the same server process serves again by itself.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults.conftest import wait_for

COMUNE = "prova-guasti.localhost"
API_BODY = {
    "detail": "Servizio momentaneamente non disponibile: riprova tra poco.",
    "code": "service_unavailable",
    "fields": {},
}


def assert_outage_page(reply):
    assert reply.status == 503, reply.text[:500]
    assert int(reply.headers["retry-after"]) > 0
    assert reply.headers["content-type"].startswith("text/html")
    assert '<html lang="it">' in reply.text
    assert "Servizio momentaneamente non disponibile" in reply.text
    assert "bootstrap-italia" in reply.text  # the look of the other pages
    # The same Content-Security-Policy as every page, with its own nonce.
    assert "script-src 'self' 'nonce-" in reply.headers["content-security-policy"]
    assert "unsafe-inline" not in reply.headers["content-security-policy"]
    for leak in ("Traceback", "OperationalError", "psycopg2", "127.0.0.1"):
        assert leak not in reply.text


def assert_outage_json(reply):
    assert reply.status == 503, reply.text[:500]
    assert int(reply.headers["retry-after"]) > 0
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == API_BODY


@pytest.fixture
def warmed_up(app_server, database_outage):
    """The server has served the comune: its host is cached and it holds a database connection."""
    assert app_server.get("/", host=COMUNE).status == 200
    assert app_server.get("/api/v1/hubs/", host=COMUNE).status == 200
    return database_outage


def test_pages_and_api_answer_503_while_the_database_is_cut(app_server, warmed_up):
    warmed_up.cut()

    assert_outage_page(app_server.get("/", host=COMUNE))  # cached host: the view fails
    assert_outage_page(app_server.get("/", host="cesena.localhost"))  # not cached: the host lookup fails
    assert_outage_page(app_server.get("/hub/", host="localhost"))  # the union site
    assert_outage_json(app_server.get("/api/v1/hubs/?limit=7", host=COMUNE))  # a read not cached yet
    assert_outage_json(app_server.get("/api/v1/availability/?hub=1", host="sarsina.localhost"))
    assert_outage_json(app_server.get("/api/v1/events/", host=COMUNE))


def test_the_cached_catalogue_still_answers_during_the_outage(app_server, warmed_up):
    # The warm-up read it: the catalogue cache (src/hubs/catalogue_cache.py) serves it without PostgreSQL.
    warmed_up.cut()
    assert app_server.get("/api/v1/hubs/", host=COMUNE).status == 200


def test_the_outage_speaks_english_to_who_asks_for_it(app_server, warmed_up):
    warmed_up.cut()
    reply = app_server.get("/", host=COMUNE, headers={"Accept-Language": "en"})
    assert reply.status == 503 and '<html lang="en">' in reply.text
    assert "Service temporarily unavailable" in reply.text
    reply = app_server.get("/api/v1/hubs/", host=COMUNE, headers={"Accept-Language": "en"})
    assert reply.json()["detail"] == "Service temporarily unavailable: please try again shortly."


def test_service_resumes_by_itself_when_the_database_is_back(app_server, warmed_up):
    warmed_up.cut()
    assert app_server.get("/", host=COMUNE).status == 503
    assert app_server.get("/api/v1/events/", host=COMUNE).status == 503

    warmed_up.restore()
    accepted = warmed_up.accepted
    wait_for(lambda: app_server.get("/", host=COMUNE).status == 200, timeout=20, what="the home page")
    assert app_server.get("/api/v1/hubs/", host=COMUNE).status == 200
    assert app_server.get("/", host="cesena.localhost").status == 200
    assert warmed_up.accepted > accepted  # new connections, made by the same server process
    assert app_server.process.poll() is None


def test_the_failure_is_logged_without_reaching_the_response(app_server, warmed_up):
    warmed_up.cut()
    app_server.get("/api/v1/spaces/", host=COMUNE)
    log = wait_for(
        lambda: (text := app_server.log()) and "GET /api/v1/spaces/ answered 503" in text and text,
        timeout=5,
        what="the log line",
    )
    assert "Database unavailable" in log


def test_a_database_lost_in_the_middle_of_a_request_is_a_503_too(app_server, warmed_up):
    logged_before = len(app_server.log())
    warmed_up.latency = 0.6  # every answer of the database now takes 0.6 s
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(app_server.get, "/api/v1/spaces/", host=COMUNE)
        time.sleep(0.9)  # the first query (the connection's health check) has its answer, the next one not yet
        warmed_up.cut()
        reply = pending.result()

    assert_outage_json(reply)
    log = wait_for(
        lambda: (text := app_server.log()[logged_before:]) and "GET /api/v1/spaces/ answered 503" in text and text,
        timeout=5,
        what="the log line",
    )
    line = next(line for line in log.splitlines() if "GET /api/v1/spaces/ answered 503" in line)
    # Lost under a query (psycopg2 says "server closed the connection unexpectedly", or the
    # InterfaceError "cursor already closed" that follows it), not refused at connect.
    assert "Connection refused" not in line
    assert "server closed the connection unexpectedly" in line or "already closed" in line
