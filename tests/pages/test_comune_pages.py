"""The comune's home and hub pages, on the comune's own subdomain."""

import re
from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from src.common.time import local_today
from src.hubs.models import Space
from tests.conftest import host_client, page_text
from tests.pages.builders import ALL_WEEK, add_closure, add_desk, add_photo, add_space, build_hub


@pytest.fixture
def cesena_hub(cesena):
    with tenant_context(cesena):
        hub = build_hub(
            "hub-cesena",
            "Hub di comunità di Cesena",
            town="Cesena",
            address="Piazza Aldo Moro 1",
            postal_code="47521",
            latitude="44.139000",
            longitude="12.246000",
            hours=ALL_WEEK,
            description="Coworking, biblioteca e sportelli.",
            accessibility_notes="Ingresso senza gradini e ascensore per il primo piano.",
            phone="0547 356111",
        )
        add_photo(hub, "La sala coworking con le postazioni e i pannelli fonoassorbenti")
        add_space(
            hub,
            "Sala Savio",
            capacity=12,
            amenities=[Space.Amenity.SOUND_ABSORBING_PANELS, Space.Amenity.MOVABLE_FURNITURE],
            bookable_whole=True,
        )
        add_desk(
            hub,
            "Sportello Energia",
            kind="energia",
            hours=ALL_WEEK,
            how_to_reach="Primo piano, a destra dell'ascensore.",
            takes_appointments=True,
        )
        add_closure(hub, local_today() + timedelta(days=10), reason="Manutenzione degli impianti")
    return hub


def test_home_shows_the_comune_its_hubs_and_desks_with_todays_hours(cesena_client, cesena_hub):
    response = cesena_client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Comune di Cesena" in text and "Sarsina" not in text
    assert "Hub di comunità di Cesena" in text
    assert "Aperto ora" in text
    assert "Oggi: 00:00–23:59" in text
    assert "Sportello Energia" in text
    # The card's photo keeps its alternative text.
    assert 'alt="La sala coworking con le postazioni e i pannelli fonoassorbenti"' in response.content.decode()


def test_home_of_another_comune_shows_its_own_name_and_not_cesenas_hubs(sarsina_client, cesena_hub):
    text = page_text(sarsina_client.get("/"))
    assert "Comune di Sarsina" in text
    assert "Hub di comunità di Cesena" not in text
    assert "non ha ancora pubblicato i suoi hub" in text


def test_hub_page_shows_hours_closures_spaces_desks_and_accessibility(cesena_client, cesena_hub):
    response = cesena_client.get("/hub/hub-cesena/")
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(response)
    assert "Comune di Cesena" in text
    assert "<caption>Orari dei prossimi sette giorni" in html
    assert text.count("00:00–23:59") >= 7
    assert "Manutenzione degli impianti" in text
    assert "Sala Savio" in text and "fino a 12 persone" in text
    assert "Pannelli fonoassorbenti" in text and "Arredi mobili" in text  # Italian labels, not codes
    assert "sound_absorbing_panels" not in text
    assert "Primo piano, a destra dell'ascensore." in text
    assert "Ingresso senza gradini" in text
    assert "latitudine 44,13900" in text
    assert "https://www.openstreetmap.org/?mlat=44.139000&amp;mlon=12.246000" in html
    assert 'data-element="page-index"' in html and 'data-element="breadcrumb"' in html


def test_pages_load_nothing_from_other_sites(cesena_client, cesena_hub):
    for path in ("/", "/hub/", "/hub/hub-cesena/"):
        html = cesena_client.get(path).content.decode()
        # Links to OpenStreetMap are fine; scripts, styles, images and fonts must be ours.
        assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', html), path


def test_a_hub_of_sarsina_is_not_found_on_cesenas_site(cesena, sarsina):
    with tenant_context(sarsina):
        build_hub("hub-sarsina", "Hub di Sarsina", town="Sarsina", hours=ALL_WEEK)
    assert host_client("cesena.localhost").get("/hub/hub-sarsina/").status_code == 404
    response = host_client("sarsina.localhost").get("/hub/hub-sarsina/")
    assert response.status_code == 200
    assert "Comune di Sarsina" in page_text(response)


def test_an_unpublished_hub_is_not_found(cesena_client, cesena):
    with tenant_context(cesena):
        build_hub("in-preparazione", "Hub in preparazione", town="Cesena", published=False)
    response = cesena_client.get("/hub/in-preparazione/")
    assert response.status_code == 404
    assert "Pagina non trovata" in page_text(response)
    assert "Hub in preparazione" not in page_text(cesena_client.get("/hub/"))


def test_a_closed_hub_says_so_in_words(cesena_client, cesena):
    with tenant_context(cesena):
        build_hub("hub-chiuso", "Hub senza orari", town="Cesena")
    text = page_text(cesena_client.get("/hub/hub-chiuso/"))
    assert "Chiuso ora" in text and "Oggi chiuso" in text
    assert "Nessuna chiusura programmata." in text


def test_base_layout_has_landmarks_skip_links_legal_links_and_language(cesena_client, cesena_hub):
    html = cesena_client.get("/hub/hub-cesena/").content.decode()
    assert '<html lang="it">' in html
    assert 'href="#main-container"' in html and '<main id="main-container"' in html
    for element in ("privacy-policy-link", "legal-notes", "accessibility-link", "feedback", "feedback-title"):
        assert f'data-element="{element}"' in html
    for stars in range(1, 6):
        assert f'data-element="feedback-rate-{stars}"' in html
    assert "CC BY 4.0" in html
    assert html.count("<h1") == 1


def test_english_is_chosen_with_the_language_switch(cesena_client, cesena_hub):
    response = cesena_client.post("/i18n/setlang/", {"language": "en", "next": "/hub/hub-cesena/"})
    assert response.status_code == 302
    html = cesena_client.get("/hub/hub-cesena/").content.decode()
    assert '<html lang="en">' in html
    assert 'lang="it">Italiano</button>' in html  # the way back, in its own language
