import pytest
from django.core.exceptions import ValidationError

from tenants.identity.fiscal_code import check_character, validate_fiscal_code


@pytest.mark.parametrize(
    "code",
    [
        "RSSMRA85T10A562S",  # the textbook example
        "rssmra85t10a562s",  # lower case is accepted and normalised
        "RSS MRA 85T10 A562S",  # so are spaces
        "RSSMRA85T10A56NH",  # omocodia: a digit replaced by a letter, new check character
    ],
)
def test_valid_codes_pass(code):
    validate_fiscal_code(code)


@pytest.mark.parametrize(
    "code, message",
    [
        ("RSSMRA85T10A562", "16 caratteri"),
        ("RSSMRA85T10A562SX", "16 caratteri"),
        ("1SSMRA85T10A562S", "formato"),
        ("RSSMRA85Z10A562S", "formato"),  # Z is not a month letter
        ("RSSMRA85T10A562T", "carattere di controllo"),
    ],
)
def test_invalid_codes_say_why(code, message):
    with pytest.raises(ValidationError) as error:
        validate_fiscal_code(code)
    assert message in str(error.value)


def test_check_character_matches_published_algorithm():
    # Worked by hand in the Agenzia delle Entrate's specification (DM 12/03/1974).
    assert check_character("RSSMRA85T10A562") == "S"
