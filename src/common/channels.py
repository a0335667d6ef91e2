"""Where a change came from, recorded with every change of state (bookings, appointments, events)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("sito web")
    API = "api", _("app / API")
    FRONT_DESK = "front_desk", _("sportello")
    # The periodic jobs (no-show release, hold expiry, waitlist offers).
    SYSTEM = "system", _("automatico")
