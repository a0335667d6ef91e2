"""The private link of a person's calendar feed (their bookings in a comune, as iCalendar).

The link carries the person's id and the version of their link, signed. Renewing the link
(`tenants.identity.services.calendar_feed_renew`) moves the version on, so a link someone
else got hold of stops working. Version 0, the first link, is the id alone, signed as it
always was: links handed out before versions existed keep working until renewed.
"""

from django.core import signing

from tenants.identity.selectors import calendar_feed_version

FEED_SALT = "bookings.calendar-feed"


def calendar_feed_token(person) -> str:
    version = calendar_feed_version(person.pk)
    value = str(person.pk) if version == 0 else f"{person.pk}.{version}"
    return signing.Signer(salt=FEED_SALT).sign(value)


def calendar_feed_person_id(token: str) -> int | None:
    """The person whose current link `token` is; None for a forged, mangled or renewed one."""
    try:
        value = signing.Signer(salt=FEED_SALT).unsign(token)
        person, _dot, version = value.partition(".")
        person_id, version = int(person), int(version or 0)
    except (signing.BadSignature, ValueError):
        return None
    return person_id if calendar_feed_version(person_id) == version else None
