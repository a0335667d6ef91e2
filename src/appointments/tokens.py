"""The link that confirms an appointment booked without an account: signed, for one comune, expiring with the hold."""

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils.translation import gettext_lazy

SALT = "appointments.confirm"
# Pages and the API show these (lazy: translated when shown).
HOLD_EXPIRED = gettext_lazy(
    "Il link di conferma è scaduto e l'orario è tornato libero: prenota di nuovo l'appuntamento."
)
LINK_INVALID = gettext_lazy("Il link di conferma non è valido: controlla di averlo copiato per intero.")


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def confirm_token(appointment) -> str:
    return signing.dumps({"s": connection.schema_name, "c": appointment.code}, salt=SALT, compress=True)


def confirm_token_code(token: str) -> str:
    """The booking code a token confirms, if it was signed here, for this comune, less than a hold ago."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.APPOINTMENT_HOLD_MINUTES * 60)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
    if not isinstance(payload, dict) or payload.get("s") != connection.schema_name or not payload.get("c"):
        raise TokenInvalid
    return payload["c"]
