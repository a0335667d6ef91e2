"""Domain errors of bookings: a message for a person (Italian first) and the HTTP status it maps to.

Services raise them; pages show the message, the API returns it as JSON with
the status. They never depend on DRF or on the request.
"""


class BookingError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field

    def __str__(self):
        return str(self.message)


class BookingConflict(BookingError):
    """The place is taken (SQLSTATE 23P01 from the exclusion constraint, or a full slot)."""

    status = 409
    code = "conflict"


class BookingForbidden(BookingError):
    status = 403
    code = "forbidden"


class BookingNotFound(BookingError):
    status = 404
    code = "not_found"
