"""The account gate of every create that books something: bookings, waitlist, event
registrations, appointments taken with an account.

A signed-in person whose e-mail address is not confirmed (and whose identity SPID/CIE did
not verify) is refused with a sentence that says how to get the link again; the rule
itself is `tenants.identity.selectors.can_book`. Pages call `ensure_can_book`, API views
list `CanBook` among their permissions (it runs before `@idempotent`, so a refusal is
never stored as the answer to replay).
"""

from rest_framework.permissions import BasePermission

from src.common.errors import Forbidden
from tenants.identity.selectors import can_book

CODE = "email_unverified"


def ensure_can_book(user) -> None:
    ok, message = can_book(user)
    if not ok:
        raise Forbidden(message, code=CODE)


class CanBook(BasePermission):
    """POST only: reading one's own bookings needs no confirmed address."""

    def has_permission(self, request, view):
        if request.method == "POST":
            ensure_can_book(request.user)
        return True
