"""Domain errors of event registrations: a message for a person and the HTTP status it maps to."""


class RegistrationError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class RegistrationConflict(RegistrationError):
    status = 409
    code = "conflict"


class RegistrationNotFound(RegistrationError):
    status = 404
    code = "not_found"
