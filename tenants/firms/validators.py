"""A firm's tax identifier: a VAT number (partita IVA, 11 digits with its check digit), the
fiscal code of an organisation (the same 11 digits) or, for a sole trader, a person's 16-character code."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenants.identity.fiscal_code import validate_fiscal_code


def normalize_tax_code(value: str) -> str:
    code = re.sub(r"[\s.-]+", "", value or "").upper()
    return code[2:] if code.startswith("IT") and len(code) == 13 else code


def vat_check_digit_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        n = int(char)
        if index % 2 == 1:  # second, fourth... digit: doubled, minus 9 past 9
            n *= 2
            n = n - 9 if n > 9 else n
        total += n
    return total % 10 == 0


def validate_tax_code(value: str) -> None:
    code = normalize_tax_code(value)
    if re.fullmatch(r"\d{11}", code):
        if code == "0" * 11 or not vat_check_digit_ok(code):
            raise ValidationError(
                _("La partita IVA non è valida: la cifra di controllo non corrisponde."), code="vat_check"
            )
        return
    if len(code) == 16:
        validate_fiscal_code(code)
        return
    raise ValidationError(
        _(
            "Scrivi la partita IVA (11 cifre) o il codice fiscale dell'azienda (11 cifre, o 16 caratteri per una ditta individuale)."
        ),
        code="tax_code_format",
    )
