"""One row per look at, or change of, personal data by someone other than the person.

The table is append-only in the database itself: a trigger (migration 0001) refuses every
UPDATE, DELETE and TRUNCATE, whoever sends it, the ORM or raw SQL. So the rows hold no
foreign key: a person's erasure deletes their account, and a foreign key would have to be
emptied (an UPDATE the trigger refuses). The actor is kept as an id and a snapshot of who
they were; the comune as its slug.

What is recorded says which object was looked at (its type and id) and a short description
that carries no personal data itself: never a name, an e-mail address or a fiscal code.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TABLE = "audit_auditentry"


class AuditAction(models.TextChoices):
    READ = "read", _("consultazione")
    CHANGE = "change", _("modifica")
    EXPORT = "export", _("esportazione")
    SEARCH = "search", _("ricerca di persone")
    ROLE_GRANT = "role_grant", _("ruolo assegnato")
    ROLE_REVOKE = "role_revoke", _("ruolo revocato")
    PASSWORD_SET = "password_set", _("password impostata dal personale")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("quando"), default=timezone.now, db_index=True)
    # Who: the account's id (no foreign key, see above) and how they were shown at the time.
    actor_id = models.BigIntegerField(_("id dell'account"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("chi"), max_length=254, blank=True)
    action = models.CharField(_("azione"), max_length=20, choices=AuditAction.choices, db_index=True)
    # What: "bookings.booking" and its id, "hubs.hub" for a hub's front-desk sheet, ...
    target_type = models.CharField(_("tipo di oggetto"), max_length=60, blank=True)
    target_id = models.CharField(_("id dell'oggetto"), max_length=64, blank=True)
    description = models.CharField(_("descrizione"), max_length=200, blank=True)
    # Where: the comune's slug (its host), or empty for the union's site.
    comune = models.CharField(_("comune"), max_length=63, null=True, blank=True)
    path = models.CharField(_("pagina"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    request_id = models.CharField(_("id della richiesta"), max_length=64, blank=True)

    class Meta:
        db_table = TABLE
        verbose_name = _("accesso ai dati personali")
        verbose_name_plural = _("registro degli accessi ai dati personali")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["comune", "-at"], name="audit_comune_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.target_type}"
