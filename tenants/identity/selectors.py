"""Reads about a person that the comuni's apps ask (src/ may import this module)."""

from django.utils.translation import gettext_lazy as _

EMAIL_UNVERIFIED = _(
    "Prima di prenotare conferma il tuo indirizzo e-mail con il link che ti abbiamo inviato. "
    "Non lo trovi? Chiedi di reinviarlo da «Conferma l'indirizzo e-mail» (/account/email/conferma/)."
)


def can_book(user) -> tuple[bool, str]:
    """May this signed-in person book, register or take an appointment with the account?

    Yes once the e-mail address is confirmed, or when SPID/CIE verified the person's
    identity (with or without an e-mail claim: the person is known, and the address is
    the one they chose). An anonymous visitor is left to the view's own rules.
    """
    if not getattr(user, "is_authenticated", False):
        return True, ""
    if user.identity_verified or user.email_verified:
        return True, ""
    return False, str(EMAIL_UNVERIFIED)
