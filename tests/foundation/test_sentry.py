"""Errors reach Sentry tagged with the comune, without personal data.

Sentry's server is a network boundary we cannot reach: a local HTTP server
answers the real envelope protocol, and the real SDK talks to it.
"""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sentry_sdk

from config.sentry import init_sentry
from tests.conftest import host_client


class _Collector(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        for line in body.splitlines():
            item = json.loads(line)
            if item.get("exception") or item.get("message"):
                self.received.append(item)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    _Collector.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    init_sentry(f"http://publickey@127.0.0.1:{server.server_port}/1", environment="test")
    yield _Collector.received
    sentry_sdk.get_client().close()
    sentry_sdk.init(dsn=None)
    server.shutdown()


def test_error_event_is_tagged_with_the_comune_and_has_no_body(sentry_server, cesena, settings):
    settings.ROOT_URLCONF = "tests.foundation.sentry_urls"
    client = host_client("cesena.localhost")
    client.raise_request_exception = False
    response = client.post(
        "/rotto/", data=json.dumps({"email": "mario.rossi@example.org"}), content_type="application/json"
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)

    [event] = sentry_server
    assert event["tags"]["comune"] == "cesena"
    assert "prova di errore" in json.dumps(event["exception"])
    assert "mario.rossi@example.org" not in json.dumps(event)
