"""An English-speaking visitor reads the sign-in page and the privacy notice in English."""

import pytest

from tests.conftest import page_text


@pytest.fixture
def spid_cie_on(settings):
    # The buttons show when a client is configured; nothing is fetched to draw the page.
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = "hub-valle-savio"


def test_sign_in_page_in_english(union_client, spid_cie_on):
    page = page_text(union_client.get("/account/accedi/", HTTP_ACCEPT_LANGUAGE="en"))
    for english in (
        "With your digital identity",
        "Log in with SPID",
        "Log in with CIE",
        "No SPID?",
        "With e-mail and password",
        "Get a login link, no password needed",
    ):
        assert english in page
    assert "Entra con SPID" not in page and "Con la tua identità digitale" not in page


def test_language_switch_turns_the_sign_in_page_english(union_client, spid_cie_on):
    union_client.post("/i18n/setlang/", {"language": "en", "next": "/account/accedi/"})
    page = page_text(union_client.get("/account/accedi/"))
    assert "Log in with SPID" in page and "Get a login link, no password needed" in page


@pytest.mark.parametrize("client_fixture", ["cesena_client", "union_client"])
def test_privacy_notice_in_english(request, client_fixture, settings):
    response = request.getfixturevalue(client_fixture).get("/legale/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = page_text(response)
    days = settings.SESSION_COOKIE_AGE // 86400
    for english in (
        "Personal data processing notice",
        "Who the data controller is",
        "Legal basis",
        "For how long",
        f"Sign-in sessions: until you log out, and at most {days} days.",
        "Your rights and how to exercise them",
        "To use the features of the personal area you must be logged in.",
    ):
        assert english in page
    assert "Chi è il titolare del trattamento" not in page and "I tuoi diritti" not in page
