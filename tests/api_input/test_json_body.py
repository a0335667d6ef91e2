"""JSON bodies are bounded (src/common/parsers.py): depth, numbers and size are a 4xx with a message.

Every case here was a 500 before (RecursionError, OverflowError) or an HTML page.
"""

import pytest
from django.test import override_settings

from src.common.parsers import MAX_DEPTH, too_deep
from tests.api_input.conftest import refusal, send


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_tens_of_thousands_deep_is_a_400(anonymous):
    text = refusal(send(anonymous, "/api/v1/appointments/lookup/", nested(50_000)))
    assert f"Il JSON è annidato troppo in profondità: al massimo {MAX_DEPTH} livelli." in text
    assert "too_deep" in text


def test_the_depth_limit_is_exact(anonymous):
    body = '{"code": ' + nested(MAX_DEPTH - 1) + ', "email": "a@example.org"}'  # MAX_DEPTH levels in all
    text = refusal(send(anonymous, "/api/v1/appointments/lookup/", body))
    assert "annidato" not in text  # parsed: the field says what is wrong with a list as a code
    body = '{"code": ' + nested(MAX_DEPTH) + "}"
    assert "annidato troppo" in refusal(send(anonymous, "/api/v1/appointments/lookup/", body))


def test_depth_is_measured_without_recursion():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert too_deep(deep) and not too_deep([[{"a": [1, {"b": 2}]}]])


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_a_400(signed_in, place, number):
    body = '{"space": ' + number + ', "start": "2030-01-01T10:00:00+01:00", "end": "2030-01-01T11:00:00+01:00"}'
    text = refusal(send(signed_in, "/api/v1/bookings/", body))
    assert "i numeri devono essere finiti" in text


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "-9223372036854775809", "1" * 5000])
def test_integers_beyond_64_bits_are_a_400(anonymous, number):
    text = refusal(send(anonymous, "/api/v1/appointments/", '{"desk": ' + number + "}"))
    assert "è fuori dall'intervallo ammesso" in text


def test_the_largest_64_bit_integer_is_parsed_and_then_not_found(anonymous):
    text = refusal(send(anonymous, "/api/v1/appointments/", {"desk": 9223372036854775807}))
    assert "fuori dall'intervallo" not in text


@pytest.mark.parametrize("value", [1e20, 1.5, -3, 0, 9223372036854775807, "uno"])
def test_ids_that_are_no_ids_are_a_400_from_the_field(signed_in, place, value):
    body = {"space": value, "start": "2030-01-01T10:00:00+01:00", "end": "2030-01-01T11:00:00+01:00"}
    text = refusal(send(signed_in, "/api/v1/bookings/", body))
    assert '"space"' in text


def test_malformed_json_is_a_400_in_italian(anonymous):
    text = refusal(send(anonymous, "/api/v1/appointments/lookup/", '{"code": "AB12",'))
    assert "Il corpo della richiesta non è un JSON valido (riga 1, colonna 17)." in text


def test_messages_follow_accept_language(anonymous):
    response = send(anonymous, "/api/v1/appointments/lookup/", nested(5_000), HTTP_ACCEPT_LANGUAGE="en")
    assert f"The JSON is nested too deeply: {MAX_DEPTH} levels at most." in refusal(response)
    response = send(anonymous, "/api/v1/appointments/", '{"desk": 1e400}', HTTP_ACCEPT_LANGUAGE="en")
    assert "numbers must be finite" in refusal(response)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_over_the_upload_limit_is_a_json_413(anonymous):
    body = '{"code": "' + "A" * 20_000 + '", "email": "a@example.org"}'
    text = refusal(send(anonymous, "/api/v1/appointments/lookup/", body), status=413)
    assert "La richiesta è troppo grande: al massimo 9 KB." in text
    assert '"fields": {}' in text


def test_the_default_upload_limit_applies_to_json_bodies(anonymous, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # Django's default: 2.5 MB
    body = '{"code": "' + "A" * 2_700_000 + '"}'
    refusal(send(anonymous, "/api/v1/appointments/lookup/", body), status=413)
