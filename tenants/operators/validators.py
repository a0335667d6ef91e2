"""Identifiers of an operator organisation: partita IVA, codice fiscale, card-processor account."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenants.identity.fiscal_code import normalize_fiscal_code, validate_fiscal_code

# A Stripe Connect account id: "acct_" and letters and digits (Stripe documents the prefix only;
# ids seen are 16 characters after it, so some slack either way).
_STRIPE_ACCOUNT = re.compile(r"^acct_[A-Za-z0-9]{8,64}$")


def normalize_number(value: str) -> str:
    return re.sub(r"[\s.]+", "", value or "").upper().removeprefix("IT")


def vat_check_digit(first10: str) -> int:
    """The eleventh digit of a partita IVA (the same algorithm as a numeric codice fiscale)."""
    total = 0
    for position, char in enumerate(first10):
        digit = int(char)
        if position % 2 == 1:  # even positions counted from 1
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def validate_vat_number(value: str) -> None:
    number = normalize_number(value)
    if not re.fullmatch(r"\d{11}", number):
        raise ValidationError(_("La partita IVA deve avere 11 cifre."), code="vat_format")
    if vat_check_digit(number[:10]) != int(number[10]):
        raise ValidationError(
            _("La partita IVA non è valida: la cifra di controllo non corrisponde."), code="vat_check"
        )


def validate_organisation_fiscal_code(value: str) -> None:
    """An organisation's codice fiscale: 11 digits (as a partita IVA) or, for a sole trader, a person's 16 characters."""
    code = normalize_fiscal_code(value)
    if re.fullmatch(r"\d+", code):
        if len(code) != 11:
            raise ValidationError(_("Il codice fiscale numerico di un ente ha 11 cifre."), code="fiscal_code_format")
        if vat_check_digit(code[:10]) != int(code[10]):
            raise ValidationError(
                _("Il codice fiscale non è valido: la cifra di controllo non corrisponde."), code="fiscal_code_check"
            )
        return
    validate_fiscal_code(code)


def validate_payments_account(value: str) -> None:
    if not _STRIPE_ACCOUNT.match(value or ""):
        raise ValidationError(
            _("L'identificativo del conto per i pagamenti con carta ha la forma «acct_» seguito da lettere e cifre."),
            code="payments_account_format",
        )
