"""The outbox: messages to send about this comune's rows, one table in each comune's schema."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """One thing to send (an e-mail, later other channels), written in the same transaction
    as the change it is about, so it exists exactly when that change committed."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    # A registered handler's name ("bookings.confirmed"); the handler re-reads the row by obj_id.
    kind = models.CharField(max_length=64)
    obj_id = models.BigIntegerField(null=True, blank=True)
    # What the row alone cannot tell at sending time (e.g. the state it had when the message was written).
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The exception's class (and SMTP or OS code), never its text: that can carry addresses.
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The drain's query: pending rows due by now, oldest first. Partial, so the sent
            # rows (nearly all of them, over time) never weigh on it.
            models.Index(fields=["next_attempt_at", "id"], condition=Q(state="pending"), name="outbox_due"),
            # The purge's query (src/outbox/services.py `outbox_purge`), every round: only sent rows.
            models.Index(fields=["sent_at"], condition=Q(state="sent"), name="outbox_sent"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.obj_id} ({self.state})"
