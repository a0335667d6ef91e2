"""The Designers Italia rating widget: "Quanto sono chiare le informazioni su questa pagina?"."""

import json

from django_tenants.utils import tenant_context

from src.portal.models import PageRating
from tests.conftest import page_text


def _ratings(comune):
    with tenant_context(comune):
        return list(PageRating.objects.values_list("path", "stars", "aspect", "detail"))


def test_every_comune_page_carries_the_widget(cesena_client):
    html = cesena_client.get("/").content.decode()
    assert 'data-element="feedback-title">Quanto sono chiare le informazioni su questa pagina?' in html
    assert 'data-element="feedback-rating-positive"' in html and 'data-element="feedback-rating-negative"' in html
    assert 'data-element="feedback-input-text"' in html
    assert html.count('data-element="feedback-rating-answer"') == 10


def test_a_rating_is_stored_and_thanked(cesena_client, cesena):
    response = cesena_client.post("/valutazione/", {"path": "/hub/", "stars": "4"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Grazie, il tuo parere ci aiuterà a migliorare il servizio!" in text
    assert 'href="/hub/"' in response.content.decode()
    assert _ratings(cesena) == [("/hub/", 4, "", "")]


def test_the_javascript_widget_gets_json_with_the_follow_up_answers(cesena_client, cesena):
    response = cesena_client.post(
        "/valutazione/",
        {"path": "/", "stars": "2", "aspect": "not_clear", "detail": " Orari poco chiari "},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert json.loads(response.content)["ok"] is True
    assert _ratings(cesena) == [("/", 2, "not_clear", "Orari poco chiari")]


def test_a_bad_value_is_refused_with_400_and_a_message(cesena_client, cesena):
    response = cesena_client.post("/valutazione/", {"path": "/", "stars": "9"})
    assert response.status_code == 400
    assert "La valutazione deve essere un numero di stelle da 1 a 5." in page_text(response)

    response = cesena_client.post("/valutazione/", {"path": "/"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert json.loads(response.content)["errors"] == ["Scegli da 1 a 5 stelle per valutare la pagina."]
    assert _ratings(cesena) == []


def test_refuses_an_outside_address_and_an_answer_that_does_not_fit_the_stars(cesena_client, cesena):
    response = cesena_client.post("/valutazione/", {"path": "https://esempio.example/", "stars": "5"})
    assert response.status_code == 400
    assert "La pagina valutata non è valida." in page_text(response)
    response = cesena_client.post("/valutazione/", {"path": "//esempio.example/", "stars": "5"})
    assert response.status_code == 400
    response = cesena_client.post("/valutazione/", {"path": "/", "stars": "5", "aspect": "technical_problems"})
    assert response.status_code == 400
    assert "non corrisponde alla valutazione" in page_text(response)
    assert _ratings(cesena) == []


def test_only_post(cesena_client):
    assert cesena_client.get("/valutazione/").status_code == 405


def test_ratings_stay_in_their_comune(cesena_client, sarsina_client, cesena, sarsina):
    sarsina_client.post("/valutazione/", {"path": "/", "stars": "5"})
    assert _ratings(cesena) == [] and len(_ratings(sarsina)) == 1
