"""One sign-in for the union's subdomains; sign-in also works on institutional hostnames."""

from tests.conftest import host_client

PASSWORD = "una-password-lunga-1"


def _log_in(host, user):
    return host_client(host).post("/account/accedi/", {"username": user.email, "password": PASSWORD})


def test_session_cookie_is_shared_on_the_union_domain_and_host_only_elsewhere(cesena, citizen, settings):
    from tenants.comuni.models import Domain

    settings.SESSION_COOKIE_DOMAIN = ".localhost.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".localhost.example", "servizi.comune.cesena.fc.it"]
    Domain.objects.create(tenant=cesena, domain="cesena.localhost.example", is_primary=False)
    Domain.objects.create(tenant=cesena, domain="servizi.comune.cesena.fc.it", is_primary=False)

    on_subdomain = _log_in("cesena.localhost.example", citizen)
    assert on_subdomain.status_code == 302
    assert on_subdomain.cookies["sessionid"]["domain"] == ".localhost.example"

    on_institutional_host = _log_in("servizi.comune.cesena.fc.it", citizen)
    assert on_institutional_host.status_code == 302
    assert on_institutional_host.cookies["sessionid"]["domain"] == ""
