"""Web push: the browsers a person allowed to receive notifications (public schema: one person,
every comune). Sending goes through the outbox's channels (a later issue); this keeps the
subscriptions the browsers gave us (RFC 8030 endpoint, RFC 8291 keys)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PushSubscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # The push service's address for this browser: unique, a browser that subscribes again
    # (or passes to another person on a shared device) updates its row.
    endpoint = models.URLField(_("indirizzo del servizio push"), max_length=2000, unique=True)
    p256dh = models.CharField(_("chiave pubblica del browser"), max_length=200)
    auth = models.CharField(_("segreto di autenticazione"), max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    class Meta:
        verbose_name = _("iscrizione alle notifiche push")
        verbose_name_plural = _("iscrizioni alle notifiche push")
        indexes = [models.Index(fields=["user"], name="push_subscription_user_idx")]

    def __str__(self):
        return f"{self.user_id} · {self.endpoint[:60]}"
