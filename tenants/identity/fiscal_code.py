"""Italian fiscal code (codice fiscale) of a person: format and check character."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Letters may replace digits (omocodia): L M N P Q R S T U V stand for 0-9.
_PATTERN = re.compile(r"^[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]$")
_ODD = {
    **dict(zip("0123456789", (1, 0, 5, 7, 9, 13, 15, 17, 19, 21))),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23),
        )
    ),
}
_EVEN = {**{d: int(d) for d in "0123456789"}, **{c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}}


def check_character(first15: str) -> str:
    # Positions are counted from 1: odd positions are indexes 0, 2, 4...
    total = sum((_ODD if i % 2 == 0 else _EVEN)[c] for i, c in enumerate(first15))
    return chr(ord("A") + total % 26)


def normalize_fiscal_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_fiscal_code(value: str) -> None:
    code = normalize_fiscal_code(value)
    if len(code) != 16:
        raise ValidationError(_("Il codice fiscale deve avere 16 caratteri."), code="length")
    if not _PATTERN.match(code):
        raise ValidationError(_("Il codice fiscale non ha un formato valido."), code="format")
    if check_character(code[:15]) != code[15]:
        raise ValidationError(
            _("Il codice fiscale non è valido: il carattere di controllo non corrisponde."), code="check"
        )
