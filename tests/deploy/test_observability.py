"""Operations can follow a request: an id in the response and on every log line with its comune,
and Prometheus metrics only for the scraper that holds the token."""

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from src.common.observability import RequestContextFilter
from tests.conftest import host_client


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s %(comune)s %(request_id)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_every_response_carries_a_request_id_and_a_clean_one_offered_by_the_proxy_is_kept(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd")["X-Request-ID"] == "edge-1234abcd"
    # A header that could forge log lines is replaced, never echoed.
    assert client.get("/healthz", HTTP_X_REQUEST_ID='x"\n{"level":"ERROR"}')["X-Request-ID"] != 'x"\n{"level":"ERROR"}'


def test_a_log_line_is_json_with_the_comune_and_the_request_id(cesena, json_log):
    response = host_client("cesena.localhost").get("/no-such-page/")
    assert response.status_code == 404
    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert line["comune"] == "cesena"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["levelname"] == "WARNING" and "/no-such-page/" in line["message"]


def test_metrics_are_hidden_without_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404  # off when no token is configured
    settings.METRICS_TOKEN = "scraper-secret-0123456789"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token-0123456789").status_code == 404


def test_metrics_with_the_token_count_requests_with_bounded_labels(client, settings, cesena):
    settings.METRICS_TOKEN = "scraper-secret-0123456789"
    host_client("cesena.localhost").get("/no-such-page/")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scraper-secret-0123456789")
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total_by_method_total" in body
    # No label carries a comune, a path or a person: series stay bounded as comuni are added.
    assert "cesena" not in body and "no-such-page" not in body
