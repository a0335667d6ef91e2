"""The personal area on every host: its pages, the profile with the commute's consent, sign-in required."""

import pytest
from django.utils import timezone

from tenants.reporting.models import CommuteProfile
from tests.conftest import host_client, page_text

PAGES = (
    "/account/",
    "/account/profilo/",
    "/account/accesso/",
    "/account/notifiche/",
    "/account/prenotazioni/",
    "/account/i-miei-dati/",
    "/account/i-miei-dati/cancella-account/",
)


@pytest.mark.parametrize("host", ["localhost", "cesena.localhost"])
def test_every_page_on_the_union_site_and_on_a_comune(host, cesena, citizen):
    client = host_client(host, citizen)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert 'data-element="personal-area-menu"' in html and 'aria-current="page"' in html, path
    # The header links the signed-in person to their area.
    assert 'href="/account/" data-element="personal-area"' in client.get("/").content.decode()


@pytest.mark.parametrize("host", ["localhost", "cesena.localhost"])
def test_signing_in_is_required(host, cesena):
    client = host_client(host)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/account/accedi/?next="), path


def _profile(client, **fields):
    data = {
        "profilo-first_name": "Giulia",
        "profilo-last_name": "Bianchi",
        "profilo-phone": "0547 356111",
        "profilo-home_municipality": "",
        "spostamenti-workplace_istat_code": "",
        "spostamenti-commute_km": "",
    } | fields
    return client.post("/account/profilo/", data)


def test_profile_changes_name_phone_and_home(cesena, citizen):
    client = host_client("localhost", citizen)
    response = _profile(client, **{"profilo-home_municipality": str(cesena.pk)})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name, citizen.phone, citizen.home_municipality_id) == (
        "Giulia",
        "Bianchi",
        "0547 356111",
        cesena.pk,
    )
    assert "Profilo aggiornato." in page_text(client.get("/account/profilo/"))
    assert _profile(client, **{"profilo-first_name": ""}).status_code == 400


def test_the_commute_is_kept_only_with_consent(citizen):
    client = host_client("cesena.localhost", citizen)
    refused = _profile(client, **{"spostamenti-workplace_istat_code": "037006", "spostamenti-commute_km": "90"})
    assert refused.status_code == 400 and "serve il tuo consenso" in page_text(refused)
    assert not CommuteProfile.objects.filter(user=citizen).exists()

    before = timezone.now()
    given = _profile(
        client,
        **{"spostamenti-workplace_istat_code": "037006", "spostamenti-commute_km": "90", "spostamenti-consent": "on"},
    )
    assert given.status_code == 302
    profile = CommuteProfile.objects.get(user=citizen)
    assert (profile.workplace_istat_code, profile.commute_km) == ("037006", 90)
    assert profile.consented_at >= before
    page = client.get("/account/profilo/").content.decode()
    assert 'name="spostamenti-consent"' in page and "checked" in page.split('name="spostamenti-consent"')[1][:200]

    # Withdrawn: the commute goes.
    assert _profile(client).status_code == 302
    assert not CommuteProfile.objects.filter(user=citizen).exists()


def test_my_bookings_in_the_area(cesena, citizen):
    page = page_text(host_client("cesena.localhost", citizen).get("/account/prenotazioni/"))
    assert "Non hai prenotazioni in programma." in page


def test_the_privacy_notice_says_who_what_why_how_long_and_links_each_right(cesena, settings):
    settings.GDPR_RETENTION_MONTHS = 18
    response = host_client("cesena.localhost").get("/legale/privacy/")
    text, html = page_text(response), response.content.decode()
    assert "Il Comune di Cesena" in text and "L'Unione Valle del Savio" in text
    assert "art. 6, par. 1, lett. e" in text and "lett. a" in text  # public task; consent for the commute
    assert "anonimizzati 18 mesi dopo l'appuntamento" in text
    for path in ("/account/i-miei-dati/esporta/", "/account/i-miei-dati/cancella-account/", "/account/profilo/"):
        assert f'href="{path}"' in html
    assert "Garante per la protezione dei dati personali" in text
    union = page_text(host_client("localhost").get("/legale/privacy/"))
    assert "Ciascun comune" in union and "<strong>" not in union
