"""Invalid input: 400 "invalid", a general sentence in `detail`, each field's messages in `fields`."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError

from config.api import exception_handler
from tests.api_errors.contract import api_client, error_of
from tests.bookings.conftest import at

INVALID = {"it": "Dati non validi: controlla i campi indicati.", "en": "Invalid data: check the fields indicated."}
REQUIRED = {"it": "Campo obbligatorio.", "en": "This field is required."}


@pytest.mark.parametrize("language", ["it", "en"])
def test_serializer_errors_name_each_field(hub, citizen, language):
    response = api_client(language, citizen).post("/api/v1/bookings/", {}, content_type="application/json")
    body = error_of(response, 400, "invalid")
    assert body["detail"] == INVALID[language]
    assert body["fields"] == {"space": [REQUIRED[language]], "start": [REQUIRED[language]], "end": [REQUIRED[language]]}


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_models_full_clean_in_a_service_is_a_400_too(hub, cesena_admin, language):
    # The catalogue services run full_clean(): Django's ValidationError, not DRF's.
    response = api_client(language, cesena_admin).post(
        f"/api/v1/hubs/{hub.pk}/closures/",
        {"starts_on": "2030-05-02", "ends_on": "2030-05-01"},
        content_type="application/json",
    )
    body = error_of(response, 400, "invalid")
    assert body["detail"] == INVALID[language] and list(body["fields"]) == ["ends_on"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("it", "07:00–08:00 è fuori dall'orario di apertura dell'hub"),
        ("en", "07:00–08:00 is outside the hub's opening hours"),
    ],
)
def test_a_domain_refusal_about_one_input_names_it(cowork, seats, tomorrow, citizen, language, text):
    place = {
        "space": cowork.pk,
        "seat": seats[0].pk,
        "start": at(tomorrow, "07:00").isoformat(),
        "end": at(tomorrow, "08:00").isoformat(),
    }
    response = api_client(language, citizen).post("/api/v1/bookings/", place, content_type="application/json")
    body = error_of(response, 400, "outside_opening_hours")
    assert text in body["detail"]
    assert body["fields"] == {"period": [body["detail"]]}


def test_nested_errors_are_flattened_with_dots_and_whole_object_messages_become_the_detail():
    error = ValidationError(
        {
            "non_field_errors": ["Il periodo si sovrappone a un altro."],
            "address": {"city": ["Campo obbligatorio."]},
            "items": [{}, {"name": ["Troppo lungo."], "non_field_errors": ["Riga doppia."]}],
            "tags": {0: ["Valore non valido."]},
            "seats": ["Postazione sconosciuta.", "Postazione inattiva."],
        }
    )
    assert exception_handler(error, {}).data == {
        "detail": "Il periodo si sovrappone a un altro.",
        "code": "invalid",
        "fields": {
            "address.city": ["Campo obbligatorio."],
            "items.1.name": ["Troppo lungo."],
            "items.1": ["Riga doppia."],
            "tags.0": ["Valore non valido."],
            "seats": ["Postazione sconosciuta.", "Postazione inattiva."],
        },
    }


def test_djangos_whole_object_errors_become_the_detail():
    error = DjangoValidationError({"__all__": ["Esiste già."], "label": ["Troppo lunga."]})
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"detail": "Esiste già.", "code": "invalid", "fields": {"label": ["Troppo lunga."]}}
