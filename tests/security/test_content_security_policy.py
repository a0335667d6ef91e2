"""Every response carries the Content-Security-Policy with a fresh nonce, the Permissions-Policy
and the Referrer-Policy: pages of a comune and of the union, the personal area, the sign-in,
both admin sites, the error pages (403, 404, 429, 500; the 503 is in tests/faults), the API.

The policy allows nothing inline but what carries the response's nonce, so the templates hold
no inline script, no on*= handler and no style= attribute (checked here over every template).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django_tenants.utils import tenant_context

from tests.conftest import host_client
from tests.pages.builders import add_photo, build_hub
from tests.signin import sign_in_staff

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]{16,})'")


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def nonce_of(response) -> str:
    script_nonces = NONCE.findall(" ".join(directives(response)["script-src"]))
    assert len(script_nonces) == 1, response["Content-Security-Policy"]
    return script_nonces[0]


def assert_protected(response, expected_status=200):
    assert response.status_code == expected_status, (response.status_code, response.content[:300])
    policy = directives(response)
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, header
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and nonce_of(response)
    assert policy["style-src"][:2] == ["'self'", f"'nonce-{nonce_of(response)}'"]
    assert all(source.startswith("'sha256-") for source in policy["style-src"][2:])
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"][0] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    return policy


@pytest.fixture
def cesena_hub(cesena):
    with tenant_context(cesena):
        hub = build_hub("hub-rocca", "Hub della Rocca", town="Cesena", hours={1: [("09:00", "13:00")]})
        add_photo(hub, "La sala lettura con le finestre sulla piazza")
    return hub


PAGES = [
    ("cesena.localhost", "/"),
    ("cesena.localhost", "/hub/"),
    ("cesena.localhost", "/hub/hub-rocca/"),
    ("cesena.localhost", "/appuntamenti/verifica/"),
    ("cesena.localhost", "/appuntamenti/prenota/1-luogo/"),
    ("cesena.localhost", "/eventi/"),
    ("cesena.localhost", "/account/registrati/?sso=0"),
    ("cesena.localhost", "/api/docs/"),
    ("cesena.localhost", "/api/v1/hubs/"),
    ("localhost", "/"),
    ("localhost", "/hub/"),
    ("localhost", "/account/accedi/"),
    ("localhost", "/admin/login/?next=/admin/"),  # a redirect to the sign-in page
    ("localhost", "/statistiche/open-data/"),
]


@pytest.mark.parametrize(("host", "path"), PAGES)
def test_every_page_kind_carries_the_policy(cesena_hub, host, path):
    response = host_client(host).get(path)
    assert_protected(response, 302 if path.startswith("/admin/login/") else 200)


def test_the_personal_area_and_bookings_carry_the_policy(cesena_hub, citizen):
    for host, path in [
        ("localhost", "/account/"),
        ("cesena.localhost", "/prenotazioni/"),
        ("localhost", "/le-mie-prenotazioni/"),
    ]:
        assert_protected(host_client(host, citizen).get(path))


def test_both_admin_sites_carry_the_policy(cesena_hub, cesena_admin, union_staff):
    comune = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    assert_protected(comune.get("/admin/"))
    assert_protected(comune.get(f"/admin/hubs/hub/{cesena_hub.pk}/change/"))
    union = sign_in_staff(host_client("localhost"), union_staff)
    assert_protected(union.get("/admin/"))
    assert_protected(union.get("/admin/comuni/municipality/"))


def test_error_pages_carry_the_policy(cesena, citizen, settings):
    assert_protected(host_client("cesena.localhost").get("/non-esiste/"), 404)
    assert_protected(host_client("nessun-comune.localhost").get("/"), 404)  # a host no comune has
    assert_protected(host_client("cesena.localhost", citizen).get("/statistiche/"), 403)
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup": "1/h"}
    host_client("cesena.localhost").post("/account/registrati/", {"email": "x"})
    assert_protected(host_client("cesena.localhost").post("/account/registrati/", {"email": "x"}), 429)
    settings.ROOT_URLCONF = "tests.api_errors.urls"
    client = host_client("cesena.localhost")
    client.raise_request_exception = False
    assert_protected(client.get("/prova/rotto/"), 500)
    assert_protected(client.get("/healthz"))


def test_the_nonce_differs_on_every_response_and_is_the_pages_own(db):
    client = host_client("localhost")
    first, second = client.get("/statistiche/open-data/"), client.get("/statistiche/open-data/")
    assert nonce_of(first) != nonce_of(second)
    # The page's one inline element (its JSON-LD metadata) carries the nonce of its own response.
    for response in (first, second):
        assert f'<script type="application/ld+json" nonce="{nonce_of(response)}">' in response.content.decode()
    nonces = {nonce_of(host_client("cesena.localhost").get("/account/accedi/")) for _ in range(5)}
    assert len(nonces) == 5


def test_forms_may_end_on_the_unions_hosts_only(db):
    form_action = directives(host_client("localhost").get("/"))["form-action"]
    # Signing in on a comune's host passes through the union and back: every host of the union,
    # at any port locally (HTTPS=1 names https:// and the default port).
    assert form_action[:3] == ["'self'", "http://localhost:*", "http://*.localhost:*"]
    assert not any(source in ("*", "http:", "https:") for source in form_action)


# --- nothing inline in the templates -------------------------------------------------------


def _template_files():
    folders = [Path(folder) for folder in engines["django"].engine.dirs]
    folders += [Path(p) for p in (settings.BASE_DIR / "src").glob("*/templates")]
    folders += [Path(p) for p in (settings.BASE_DIR / "tenants").glob("*/templates")]
    for folder in folders:
        for path in folder.rglob("*.html"):
            if "email" not in path.parts:  # e-mails are read in a mail client, under no page's policy
                yield path


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b(?![^>]*\bnonce=)", re.I)


def test_no_template_has_inline_script_handler_or_style():
    problems = []
    for path in _template_files():
        text = path.read_text()
        for name, pattern in [
            ("inline <script> without nonce", INLINE_SCRIPT),
            ("on*= handler", HANDLER),
            ("style= attribute", STYLE_ATTRIBUTE),
            ("<style> without nonce", STYLE_ELEMENT),
        ]:
            problems += [
                f"{path.relative_to(settings.BASE_DIR)}: {name}: {m.group(0)[:80]}" for m in pattern.finditer(text)
            ]
    assert not problems, "\n".join(problems)
