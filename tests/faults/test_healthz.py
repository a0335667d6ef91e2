"""/healthz: the process is up. Any host (load balancers probe by IP), no database needed."""

from tests.faults.conftest import wait_for

HOSTS = ("127.0.0.1", "10.0.3.17:8000", "probe.internal", "localhost", "prova-guasti.localhost")


def test_healthz_answers_on_every_host_even_those_that_are_no_comune(app_server):
    for host in HOSTS:
        reply = app_server.get("/healthz", host=host)
        assert reply.status == 200, (host, reply.text)
        assert reply.headers["content-type"] == "application/json"
        assert reply.json() == {"status": "ok"}
    # The same hosts on a page are refused as usual: only the probe skips ALLOWED_HOSTS.
    assert app_server.get("/", host="probe.internal").status == 400


def test_healthz_stays_200_while_the_database_is_cut(app_server, database_outage):
    app_server.get("/", host="prova-guasti.localhost")  # the worker holds a connection, which the cut drops
    database_outage.cut()
    for host in HOSTS:
        reply = app_server.get("/healthz", host=host)
        assert reply.status == 200 and reply.json() == {"status": "ok"}
    assert app_server.get("/", host="prova-guasti.localhost").status == 503  # the database really is away
    database_outage.restore()
    wait_for(lambda: app_server.get("/", host="prova-guasti.localhost").status == 200, timeout=20, what="the home page")
