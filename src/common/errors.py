"""Domain errors: a message for a person, a machine code and the HTTP status they map to.

Services raise them; pages show `message`, the API (config/api.py) turns them
into its JSON error. They depend on neither DRF nor the request, so services,
pages, tasks and commands all use them alike.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal the person can act on: 400 unless a subclass says otherwise.

    `message` is Italian first and may be lazy (it is translated when shown);
    `code` lets an app tell refusals apart without parsing text; `field` names
    the input the message is about, when there is one.
    """

    status = 400
    code = "invalid"
    default_message = _("La richiesta non può essere accolta.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = self.default_message if message is None else message
        super().__init__(self.message)
        if code:
            self.code = code
        self.field = field

    def __str__(self):
        return str(self.message)


class Conflict(DomainError):
    """The request collides with the current state (a place taken, a duplicate, an object in use)."""

    status = 409
    code = "conflict"
    default_message = _("La richiesta è in conflitto con dati esistenti.")


class Forbidden(DomainError):
    # The same code as DRF's own 403s: one vocabulary for the API's clients.
    status = 403
    code = "permission_denied"
    default_message = _("Non hai i permessi per questa operazione.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Non trovato.")
