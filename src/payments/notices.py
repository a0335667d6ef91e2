"""pagoPA notice numbers, IUV and the notice's QR code string.

A notice number is 18 digits, `<aux digit><position global id>`. With aux digit 3 (a creditor
whose positions sit in more than one intermediary station) the 17 digits are the IUV:
`<segregation code (2)><position local id, the IUV base (13)><check digits (2)>`, where the
check digits are the remainder of the division by 93 of the number formed by every digit
before them, aux digit included (pagoPA, "Specifiche attuative del Nodo dei Pagamenti",
§ "Avviso di pagamento"; SACI).

The QR code printed on the notice carries `PAGOPA|002|<notice number>|<creditor fiscal
code>|<amount in cents>`.
"""

import re

AUX_DIGIT = "3"
_NOTICE = re.compile(r"^3\d{17}$")


def check_digits(prefix: str) -> str:
    """The two check digits of `<aux digit><segregation code><IUV base>`."""
    if not prefix.isdigit():
        raise ValueError("A notice number is made of digits only")
    return f"{int(prefix) % 93:02d}"


def notice_number_make(*, segregation_code: str, sequence: int) -> tuple[str, str]:
    """(notice number, IUV) for the `sequence`-th position of a station."""
    if not re.fullmatch(r"\d{2}", segregation_code or ""):
        raise ValueError("The segregation code is two digits")
    base = f"{sequence:013d}"
    if len(base) != 13:
        raise ValueError("The IUV base is at most 13 digits")
    prefix = AUX_DIGIT + segregation_code + base
    iuv = segregation_code + base + check_digits(prefix)
    return AUX_DIGIT + iuv, iuv


def notice_number_valid(number: str) -> bool:
    """An 18-digit aux-digit-3 notice number whose check digits are right."""
    return bool(_NOTICE.match(number or "")) and check_digits(number[:16]) == number[16:]


def qr_string(*, notice_number: str, fiscal_code: str, amount_cents: int) -> str:
    """What the notice's QR code encodes (pagoPA's "PAGOPA|002|..." format)."""
    if not notice_number_valid(notice_number):
        raise ValueError("Not a valid notice number")
    if not re.fullmatch(r"\d{11}", fiscal_code or ""):
        raise ValueError("The creditor's fiscal code is 11 digits")
    if amount_cents < 1:
        raise ValueError("A notice asks for a positive amount")
    return f"PAGOPA|002|{notice_number}|{fiscal_code}|{int(amount_cents)}"
