"""A refused page says why in Italian, in the site's layout, with a way back: not Django's
bare English lines ("Bad Request (400)", "CSRF verification failed") nor an empty 405."""

from django.test import Client

from tests.conftest import page_text


def test_a_form_posted_without_its_security_token(citizen):
    client = Client(HTTP_HOST="cesena.localhost", enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post("/account/profilo/", {"first_name": "Anna"})
    assert response.status_code == 403
    text = page_text(response)
    assert "Modulo scaduto" in text and "Ricarica la pagina" in text
    assert "CSRF verification failed" not in text
    assert 'href="/"' in response.content.decode()


def test_a_request_the_server_cannot_read(db):
    # More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): a SuspiciousOperation, a 400.
    response = Client(HTTP_HOST="localhost").post("/account/accedi/", {f"campo{n}": "x" for n in range(1200)})
    assert response.status_code == 400
    text = page_text(response)
    assert "Richiesta non valida" in text and "Bad Request" not in text
    assert '<html lang="it"' in response.content.decode()


def test_a_post_only_address_opened_in_the_browser(cesena):
    response = Client(HTTP_HOST="cesena.localhost").get("/account/esci/")
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    text = page_text(response)
    assert "non si apre in questo modo" in text and "Torna alla pagina iniziale" in text


def test_the_api_keeps_its_json_405(cesena):
    response = Client(HTTP_HOST="cesena.localhost").post("/api/schema/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "method_not_allowed"
