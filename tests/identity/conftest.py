import pytest

from tests.identity.provider import running


@pytest.fixture(scope="session")
def provider():
    with running() as provider:
        yield provider


@pytest.fixture
def oidc(settings, provider):
    """SPID/CIE switched on, pointing at the provider on localhost; one client for the union."""
    settings.OIDC_ISSUER = provider.url
    settings.OIDC_DISCOVERY_URL = f"{provider.url}/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = "hub-valle-savio"
    settings.OIDC_CLIENT_SECRET = "segreto-del-client"
    settings.OIDC_COMUNE_CLIENTS = {}
    provider.tamper = None
    yield provider
    provider.tamper = None


@pytest.fixture
def oidc_off(settings):
    settings.OIDC_ISSUER = ""
    settings.OIDC_DISCOVERY_URL = ""
    settings.OIDC_CLIENT_ID = ""
