"""One sign-in for the union's hosts, through the union's sign-in with a one-time ticket;
one sign-out ends the person's sessions on every host.

`Browser` below keeps one cookie jar per host, as a browser does when the union runs on
`localhost` (no cookie is ever shared with `cesena.localhost`) or a comune answers on an
institutional hostname: every session here is reached only through single sign-on.
"""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.identity.models import SignOnTicket
from tenants.identity.sso import sessions_end_all
from tests.conftest import page_text
from tests.signin import totp_code

PASSWORD = "una-password-lunga-1"
INSTITUTIONAL = "servizi.comune.cesena.fc.it"
# What a browser sends when it loads a page (the silent check runs only for these).
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


class Browser:
    """One test Client per host, each with its own cookies; follows redirects across hosts."""

    def __init__(self):
        self.clients: dict[str, Client] = {}
        self.chain: list[str] = []

    def client(self, host: str) -> Client:
        if host not in self.clients:
            self.clients[host] = Client(HTTP_HOST=host)
        return self.clients[host]

    def _request(self, method, url, data=None, headers=None):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        client = self.client(parts.hostname)
        if method == "post":
            return client.post(path, data or {}, headers=headers)
        return client.get(path, headers=headers)

    def open(self, url, *, method="get", data=None, follow=True, headers=NAVIGATE):
        """The last response; `self.chain` lists every URL visited, redirects included."""
        self.chain = [url]
        response = self._request(method, url, data, headers)
        while follow and response.status_code in (301, 302):
            location = response["Location"]
            if not urlsplit(location).hostname:  # a path on the same host
                parts = urlsplit(url)
                location = f"{parts.scheme}://{parts.netloc}{location}"
            url = location
            self.chain.append(url)
            response = self._request("get", url, headers=headers)
        return response

    def hosts(self) -> list[str]:
        return [urlsplit(url).hostname for url in self.chain]

    def signed_in(self, host: str, user) -> bool:
        response = self.client(host).get("/")  # not a page load: no silent check
        return response.wsgi_request.user == user


@pytest.fixture
def institutional(cesena, settings):
    """Cesena's institutional hostname, outside the union's domain."""
    from tenants.comuni.middleware import forget_hosts
    from tenants.comuni.models import Domain

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, INSTITUTIONAL]
    forget_hosts()
    Domain.objects.create(tenant=cesena, domain=INSTITUTIONAL, is_primary=False)
    yield INSTITUTIONAL
    forget_hosts()


def _sign_in_on_union(browser, user):
    response = browser.open(
        "http://localhost/account/accedi/", method="post", data={"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200 and browser.signed_in("localhost", user)


def _ticket_url(browser, user, host="cesena.localhost", path="/"):
    """The union's answer for `host` (a callback URL with a ticket), not followed."""
    browser.client("localhost").force_login(user)
    browser.open(f"http://{host}/account/sso/?next=/", follow=False)  # sets the nonce cookie on `host`
    state = browser.client(host).cookies["sso_state"].value
    query = urlencode({"next": f"http://{host}{path}", "state": state})
    response = browser.open(f"http://localhost/account/sso/?{query}", follow=False)
    assert response.status_code == 302 and "token=" in response["Location"]
    return response["Location"]


# --- the round trip -----------------------------------------------------------------------


def test_a_page_that_needs_sign_in_passes_through_the_union_and_comes_back_signed_in(
    citizen, cesena, sarsina, institutional
):
    browser = Browser()
    _sign_in_on_union(browser, citizen)

    for host in ("cesena.localhost", "sarsina.localhost", institutional):
        # Without Sec-Fetch headers (an older browser) there is no silent check: the page's
        # sign-in requirement sends it round.
        response = browser.open(f"http://{host}/prenotazioni/", headers={})
        assert response.status_code == 200, host
        assert browser.chain[-1] == f"http://{host}/prenotazioni/"
        assert browser.hosts() == [host, host, "localhost", host, host]
        assert browser.chain[1] == f"http://{host}/account/accedi/?next=/prenotazioni/"
        assert "/account/sso/callback/?token=" in browser.chain[-2]
        assert browser.signed_in(host, citizen)
        # The session is the host's own: no cookie of the union's came along.
        assert browser.client(host).session.session_key != browser.client("localhost").session.session_key
    assert SignOnTicket.objects.filter(user=citizen, used_at__isnull=False).count() == 3


def test_the_first_page_of_a_comune_checks_the_union_silently_once(citizen, cesena, sarsina):
    browser = Browser()
    _sign_in_on_union(browser, citizen)

    response = browser.open("http://sarsina.localhost/")
    assert browser.hosts() == ["sarsina.localhost", "localhost", "sarsina.localhost", "sarsina.localhost"]
    assert browser.chain[-1] == "http://sarsina.localhost/"
    assert citizen.first_name in page_text(response) and browser.signed_in("sarsina.localhost", citizen)

    # Nobody signed in on the union: back at once, and not sent round again in this browser session.
    stranger = Browser()
    response = stranger.open("http://cesena.localhost/")
    assert response.status_code == 200
    assert stranger.hosts() == ["cesena.localhost", "localhost", "cesena.localhost", "cesena.localhost"]
    assert "Accedi all'area personale" in page_text(response)
    stranger.open("http://cesena.localhost/")
    assert stranger.chain == ["http://cesena.localhost/"]


def test_the_silent_check_spares_api_calls_assets_scripts_and_browsers_without_cookies(cesena):
    browser = Browser()
    assert browser.open("http://cesena.localhost/", headers={}).status_code == 200  # a crawler, a script
    assert browser.open("http://cesena.localhost/api/v1/hubs/").status_code == 200
    assert browser.chain == ["http://cesena.localhost/api/v1/hubs/"]
    prefetch = browser.open("http://cesena.localhost/", headers={**NAVIGATE, "Sec-Purpose": "prefetch"})
    assert prefetch.status_code == 200 and len(browser.chain) == 1
    image = browser.open("http://cesena.localhost/", headers={"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"})
    assert image.status_code == 200 and len(browser.chain) == 1
    # Over plain http to a host other than localhost browsers send no Sec-Fetch-*: a page load
    # is told by its Upgrade-Insecure-Requests and Accept.
    plain_http_page = {"Upgrade-Insecure-Requests": "1", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    browser.open("http://cesena.localhost/", headers=plain_http_page)
    assert browser.hosts() == ["cesena.localhost", "localhost", "cesena.localhost", "cesena.localhost"]

    # A browser that keeps no cookie comes back marked, rather than going round for ever.
    response = browser.client("localhost").get("/account/sso/?" + urlencode({"next": "http://cesena.localhost/"}))
    assert response.status_code == 400  # no browser nonce: not a request a comune's page makes
    cookieless = Client(HTTP_HOST="cesena.localhost")
    back = cookieless.get(
        "/account/sso/callback/?" + urlencode({"prompt": "none", "next": "http://cesena.localhost/"}), headers=NAVIGATE
    )
    assert back["Location"] == "http://cesena.localhost/?sso=0"
    assert cookieless.get("/?sso=0", headers=NAVIGATE).status_code == 200


def test_signing_in_on_a_comune_signs_in_the_union_too(citizen, cesena, sarsina):
    # Its "Accedi" link: the union's sign-in form, then back to the comune signed in on both.
    browser = Browser()
    response = browser.open("http://cesena.localhost/account/accedi/?next=/eventi/")
    assert browser.chain[-1].startswith("http://localhost/account/accedi/?next=/account/sso/")
    login_url = browser.chain[-1]
    response = browser.open(login_url, method="post", data={"username": citizen.email, "password": PASSWORD})
    assert response.status_code == 200
    assert browser.chain[-1] == "http://cesena.localhost/eventi/"
    assert browser.signed_in("cesena.localhost", citizen) and browser.signed_in("localhost", citizen)

    # A form posted on the comune's host itself: signed in there, then through the union.
    browser = Browser()
    response = browser.open(
        "http://sarsina.localhost/account/accedi/?next=/eventi/",
        method="post",
        data={"username": citizen.email, "password": PASSWORD},
    )
    assert browser.hosts() == ["sarsina.localhost", "localhost", "sarsina.localhost"]
    assert browser.chain[-1] == "http://sarsina.localhost/eventi/"
    assert browser.signed_in("sarsina.localhost", citizen) and browser.signed_in("localhost", citizen)
    # ...and from there every other comune.
    browser.open("http://cesena.localhost/prenotazioni/")
    assert browser.signed_in("cesena.localhost", citizen)


def test_the_administration_signs_in_through_the_union(cesena_admin, make_user):
    # A comune's administrator (a role, no is_staff): the union's sign-in form, back to the admin.
    browser = Browser()
    browser.open("http://cesena.localhost/admin/", headers={})
    assert browser.hosts() == ["cesena.localhost", "cesena.localhost", "cesena.localhost", "localhost", "localhost"]
    assert browser.chain[1] == "http://cesena.localhost/admin/login/?next=/admin/"
    response = browser.open(
        browser.chain[-1], method="post", data={"username": cesena_admin.email, "password": PASSWORD}
    )
    # Staff: the second factor next, on the union (the first time, setting the app up: tests/twofactor).
    setup = browser.chain[-1]
    assert response.status_code == 200 and setup.startswith("http://localhost/account/secondo-fattore/attiva/")
    next_url = parse_qs(urlsplit(setup).query)["next"][0]
    device = TOTPDevice.objects.get(user=cesena_admin)
    browser.open(setup, method="post", data={"code": totp_code(device), "next": next_url})
    assert browser.chain[-1].startswith("http://localhost/account/secondo-fattore/codici/")
    response = browser.open(f"http://localhost{next_url}")  # "Ho salvato i codici, continua"
    assert response.status_code == 200 and browser.chain[-1] == "http://cesena.localhost/admin/"
    assert browser.signed_in("localhost", cesena_admin)

    # The admin's own form, posted on a comune's host (staff only): the union is signed in too.
    staff = make_user(is_staff=True, is_superuser=True)
    browser = Browser()
    response = browser.open(
        "http://sarsina.localhost/admin/login/?next=/admin/",
        method="post",
        data={"username": staff.email, "password": PASSWORD},
    )
    assert response.status_code == 200
    # Signed in on both, then round the union for the second factor.
    assert browser.hosts()[:3] == ["sarsina.localhost", "localhost", "sarsina.localhost"]
    assert browser.chain[-1].startswith("http://localhost/account/secondo-fattore/attiva/")
    assert browser.signed_in("localhost", staff)


def test_registering_on_a_comune_signs_in_nowhere_until_the_address_is_confirmed(cesena):
    browser = Browser()
    data = {
        "email": "nuova@example.org",
        "first_name": "Nadia",
        "last_name": "Neri",
        "fiscal_code": "",
        "home_municipality": "",
        "phone": "",
        "language": "it",
        "password1": "lungo-e-sicuro-2026",
        "password2": "lungo-e-sicuro-2026",
    }
    response = browser.open("http://cesena.localhost/account/registrati/", method="post", data=data, follow=True)
    # The same "check your mail" answer whether or not the address has an account (no enumeration).
    assert "/account/registrati/controlla-la-posta/" in browser.chain[-1]
    assert "Nadia" not in page_text(response)
    assert "Nadia" not in page_text(browser.open("http://localhost/"))


def test_the_unions_sign_in_page_continues_after_signing_in_on_the_union(citizen, cesena):
    browser = Browser()
    browser.open("http://cesena.localhost/prenotazioni/", follow=True)
    assert urlsplit(browser.chain[-1]).hostname == "localhost"  # the union's sign-in form
    response = browser.open(browser.chain[-1], method="post", data={"username": citizen.email, "password": PASSWORD})
    assert response.status_code == 200 and browser.chain[-1] == "http://cesena.localhost/prenotazioni/"


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    [
        "http://evil.example/",
        "//evil.example/",
        "http://cesena.localhost.evil.example/",
        "http://evil.example/?http://cesena.localhost/",
        "http://user@evil.example/",
        "http://cesena.localhost@evil.example/",
        "https://cesena.localhost/",  # another scheme than the union's
        "http://cesena.localhost:9999/",  # another port
        "http://not-a-comune.localhost/",  # under the union's domain, but no comune's
        "javascript:alert(1)",
        "http:\\\\evil.example/",
    ],
)
def test_the_union_never_sends_anyone_to_an_address_outside_the_union(citizen, cesena, next_url):
    browser = Browser()
    _sign_in_on_union(browser, citizen)
    query = urlencode({"next": next_url, "state": "s" * 32})
    response = browser.open(f"http://localhost/account/sso/?{query}", follow=False)
    assert response.status_code == 400 and "Location" not in response
    assert "non è un sito dell'Unione" in page_text(response)
    assert not SignOnTicket.objects.exists()


def test_the_callback_and_the_comunes_sign_in_never_send_anyone_away(citizen, cesena):
    browser = Browser()
    ticket_url = _ticket_url(browser, citizen)
    token = parse_qs(urlsplit(ticket_url).query)["token"][0]
    query = urlencode({"token": token, "next": "http://evil.example/"})
    response = browser.open(f"http://cesena.localhost/account/sso/callback/?{query}", follow=False)
    assert response["Location"] == "/"

    response = browser.open(
        "http://cesena.localhost/account/accedi/?" + urlencode({"next": "http://evil.example/"}), follow=False
    )
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == ["http://cesena.localhost/"]


def test_a_ticket_works_once(citizen, cesena):
    browser = Browser()
    ticket_url = _ticket_url(browser, citizen)
    assert browser.open(ticket_url).status_code == 200
    assert browser.signed_in("cesena.localhost", citizen)

    response = browser.open(ticket_url)  # replayed, in the same browser or another
    assert response.status_code == 400
    assert "Il collegamento di accesso è già stato usato" in page_text(response)
    assert "Accedi di nuovo" in page_text(response)
    response = browser.open(ticket_url, headers={**NAVIGATE, "Accept-Language": "en"})
    assert "The sign-in link has already been used" in page_text(response)


def test_a_ticket_works_only_on_the_host_it_was_issued_for(citizen, cesena, sarsina, institutional):
    browser = Browser()
    ticket_url = _ticket_url(browser, citizen, host="sarsina.localhost")
    token = parse_qs(urlsplit(ticket_url).query)["token"][0]
    for host in ("cesena.localhost", institutional, "localhost"):  # the same comune's other name too
        elsewhere = Browser()
        elsewhere.open(f"http://{host}/account/sso/?next=/", follow=False)  # a nonce there
        response = elsewhere.open(f"http://{host}/account/sso/callback/?token={token}&next=/")
        assert response.status_code == 400, host
        assert "emesso per un altro indirizzo" in page_text(response)
        assert not elsewhere.signed_in(host, citizen)
    assert browser.open(ticket_url).status_code == 200  # still good where it belongs
    assert browser.signed_in("sarsina.localhost", citizen)


def test_a_comune_host_starts_sign_on_only_back_to_itself(cesena):
    browser = Browser()
    response = browser.open(
        "http://cesena.localhost/account/sso/?" + urlencode({"next": "http://sarsina.localhost/"}), follow=False
    )
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == ["http://cesena.localhost/"]


def test_on_a_shared_cookie_domain_a_subdomains_sign_in_needs_no_pass_through_the_union(citizen, cesena, settings):
    from tenants.comuni.middleware import forget_hosts
    from tenants.comuni.models import Domain

    settings.SESSION_COOKIE_DOMAIN = ".localhost.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".localhost.example"]
    forget_hosts()
    Domain.objects.create(tenant=cesena, domain="cesena.localhost.example", is_primary=False)
    response = Client(HTTP_HOST="cesena.localhost.example").post(
        "/account/accedi/", {"username": citizen.email, "password": PASSWORD}
    )
    assert response["Location"] == "http://cesena.localhost.example/"
    assert response.cookies["sessionid"]["domain"] == ".localhost.example"
    forget_hosts()


def test_a_ticket_works_only_in_the_browser_that_asked_for_it(citizen, cesena):
    attacker = Browser()
    ticket_url = _ticket_url(attacker, citizen)
    victim = Browser()
    victim.open("http://cesena.localhost/account/sso/?next=/", follow=False)  # the victim's own nonce
    response = victim.open(ticket_url)
    assert response.status_code == 400
    assert "chiesto da un altro browser" in page_text(response)
    assert not victim.signed_in("cesena.localhost", citizen)
    for cookie in ("", "è-non-ascii-" * 3):  # no nonce, or a mangled one
        victim.client("cesena.localhost").cookies["sso_state"] = cookie
        assert victim.open(ticket_url).status_code == 400


def test_a_ticket_expires_and_a_forged_one_is_refused(citizen, cesena, monkeypatch):
    browser = Browser()
    ticket_url = _ticket_url(browser, citizen)
    monkeypatch.setattr("tenants.identity.sso.TICKET_SECONDS", -1)
    response = browser.open(ticket_url)
    assert response.status_code == 400 and "è scaduto" in page_text(response)

    monkeypatch.setattr("tenants.identity.sso.TICKET_SECONDS", 60)
    forged = ticket_url.replace("token=", "token=x")
    assert "non è valido" in page_text(browser.open(forged))


def test_a_silent_check_with_a_bad_ticket_goes_on_quietly(citizen, cesena):
    browser = Browser()
    ticket_url = _ticket_url(browser, citizen)
    browser.open(ticket_url)
    response = browser.open(ticket_url + "&prompt=none")
    assert response.status_code == 200 and browser.chain[-1] == "http://cesena.localhost/"


# --- sign-out everywhere --------------------------------------------------------------------


def test_signing_out_on_one_host_signs_out_on_every_host(citizen, cesena, sarsina, institutional):
    browser = Browser()
    _sign_in_on_union(browser, citizen)
    hosts = ["localhost", "cesena.localhost", "sarsina.localhost", institutional]
    for host in hosts[1:]:
        browser.open(f"http://{host}/prenotazioni/")
    assert all(browser.signed_in(host, citizen) for host in hosts)
    other_device = Browser()
    _sign_in_on_union(other_device, citizen)

    response = browser.open("http://sarsina.localhost/account/esci/", method="post")
    assert response.status_code == 200

    for host in hosts:
        assert not browser.signed_in(host, citizen), host
        assert "Accedi all'area personale" in page_text(browser.open(f"http://{host}/"))
    assert not other_device.signed_in("localhost", citizen)
    # The union is signed out too, so a comune's page asks for the password again.
    browser.open("http://cesena.localhost/prenotazioni/")
    assert browser.chain[-1].startswith("http://localhost/account/accedi/")


def test_a_ticket_issued_before_signing_out_everywhere_is_dead(citizen, cesena):
    browser = Browser()
    ticket_url = _ticket_url(browser, citizen)
    sessions_end_all(citizen)
    response = browser.open(ticket_url)
    assert response.status_code == 400 and not browser.signed_in("cesena.localhost", citizen)


def test_the_personal_area_can_sign_out_of_every_device(citizen, cesena):
    phone, laptop = Browser(), Browser()
    _sign_in_on_union(phone, citizen)
    _sign_in_on_union(laptop, citizen)
    laptop.open("http://cesena.localhost/prenotazioni/")

    assert laptop.client("cesena.localhost").get("/account/esci/ovunque/").status_code == 405  # POST only
    laptop.open("http://cesena.localhost/account/esci/ovunque/", method="post")
    assert not phone.signed_in("localhost", citizen)
    assert not laptop.signed_in("cesena.localhost", citizen)
    # Signing in again afterwards works as before.
    _sign_in_on_union(phone, citizen)


def test_sessions_from_before_any_sign_out_everywhere_stay_valid(citizen):
    # Until the first sign-out everywhere the session hash is Django's own, so deploying
    # this signs nobody out.
    assert citizen.sessions_ended_at is None
    assert citizen.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(citizen)
    sessions_end_all(citizen)
    citizen.refresh_from_db()
    assert citizen.sessions_ended_at is not None
    assert citizen.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(citizen)
