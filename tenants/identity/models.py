"""One person, one account across the union; roles scoped to a comune."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from tenants.identity.fiscal_code import normalize_fiscal_code, validate_fiscal_code


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class IdentityMethod(models.TextChoices):
    SPID = "spid", "SPID"
    CIE = "cie", "CIE"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("nome"), max_length=150, blank=True)
    last_name = models.CharField(_("cognome"), max_length=150, blank=True)
    # Null, not blank: many people have none on file, and unique must hold only for real codes.
    fiscal_code = models.CharField(
        _("codice fiscale"), max_length=16, unique=True, null=True, blank=True, validators=[validate_fiscal_code]
    )
    home_municipality = models.ForeignKey(
        "comuni.Municipality",
        verbose_name=_("comune di residenza"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    language = models.CharField(_("lingua"), max_length=8, choices=settings.LANGUAGES, default="it")
    is_staff = models.BooleanField(_("accesso all'amministrazione dell'Unione"), default=False)
    is_active = models.BooleanField(_("attivo"), default=True)
    date_joined = models.DateTimeField(_("iscritto il"), default=timezone.now)
    # The address that a signed link proved the person reads (tenants/identity/links.py), or that
    # SPID/CIE brought: verified while it equals `email`, so a changed address needs a new link.
    email_verified_address = models.EmailField(_("e-mail verificata"), blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verificata il"), null=True, blank=True)
    # The fiscal code SPID or CIE vouched for: the only one accounts are matched by. The
    # hand-typed `fiscal_code` above is never trusted for that.
    fiscal_code_verified = models.CharField(
        _("codice fiscale verificato"), max_length=16, unique=True, null=True, blank=True, editable=False
    )
    fiscal_code_verified_at = models.DateTimeField(_("identità verificata il"), null=True, blank=True, editable=False)
    fiscal_code_verified_by = models.CharField(
        _("identità verificata con"), max_length=4, choices=IdentityMethod.choices, blank=True, editable=False
    )
    # Sign-out everywhere (tenants/identity/sso.py): every session started before this ends.
    sessions_ended_at = models.DateTimeField(_("uscita da tutti i dispositivi il"), null=True, blank=True)
    # Stamped whenever a role of the person is granted or revoked (tenants/identity/second_factor.py):
    # a session opened before gets a new key and asks the second factor again.
    roles_changed_at = models.DateTimeField(_("ruoli cambiati il"), null=True, blank=True, editable=False)
    # Kept by the firms app (tenants/firms/coverage.py) in the enrolment's own transaction: true
    # while the person has an active enrolment. A booking looks for a firm's agreement only then,
    # so nobody else pays for that lookup on every booking.
    firm_employee = models.BooleanField(_("dipendente di un'azienda in convenzione"), default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        self.fiscal_code = normalize_fiscal_code(self.fiscal_code) or None

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def email_verified(self) -> bool:
        return bool(self.email_verified_address) and self.email_verified_address == (self.email or "").lower()

    @property
    def identity_verified(self) -> bool:
        """SPID or CIE vouched for this person's fiscal code."""
        return bool(self.fiscal_code_verified)

    # Django checks this hash on every request of a signed-in session (as it does after a
    # password change): folding in `sessions_ended_at` ends every session of the person, on
    # every host, once they sign out anywhere. Without a sign-out yet it is Django's own hash,
    # so sessions opened before this existed stay valid.
    def get_session_auth_hash(self):
        return self._sessions_hash(super().get_session_auth_hash(), secret=None)

    def get_session_auth_fallback_hash(self):
        for secret, plain in zip(settings.SECRET_KEY_FALLBACKS, super().get_session_auth_fallback_hash()):
            yield self._sessions_hash(plain, secret=secret)

    def _sessions_hash(self, plain: str, *, secret) -> str:
        if self.sessions_ended_at is None:
            return plain
        ended = int(self.sessions_ended_at.timestamp() * 1_000_000)
        return salted_hmac(
            "identity.User.sessions_ended_at", f"{plain}|{ended}", secret=secret, algorithm="sha256"
        ).hexdigest()


class Role(models.Model):
    """What a person may do, and where. Operators are further scoped to hubs in the comune's schema."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("cittadino")
        ADMINISTRATOR = "administrator", _("amministratore del comune")
        OPERATOR = "operator", _("operatore")
        UNION_STAFF = "union_staff", _("staff dell'Unione")
        MOBILITY_MANAGER = "mobility_manager", _("mobility manager")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("ruolo"), max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        "comuni.Municipality",
        verbose_name=_("comune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="roles",
        help_text=_("Vuoto per i ruoli dell'Unione."),
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ruolo")
        verbose_name_plural = _("ruoli")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "municipality"], name="role_once_per_comune"),
            models.UniqueConstraint(
                fields=["user", "kind"], condition=Q(municipality__isnull=True), name="union_role_once"
            ),
            # Comune roles need their comune; union staff has none.
            models.CheckConstraint(
                condition=Q(kind="union_staff", municipality__isnull=True)
                | (~Q(kind="union_staff") & Q(municipality__isnull=False))
                | Q(kind="mobility_manager"),
                name="role_scope_matches_kind",
            ),
        ]

    def __str__(self):
        where = self.municipality or _("Unione")
        return f"{self.user} · {self.get_kind_display()} · {where}"


class SignOnTicket(models.Model):
    """A one-time pass from one host of the union to another (single sign-on, tenants/identity/sso.py).

    Issued for one person and one target host, it lives a minute; the row is what makes it
    single-use (consuming it is one conditional UPDATE). `state` binds it to the browser
    that asked for it (a cookie on the target host).
    """

    jti = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_on_tickets")
    host = models.CharField(max_length=253)
    state = models.CharField(max_length=64, blank=True)
    # The second factor the issuing session gave (django-otp's persistent id), carried to the
    # target host so staff give it once for the whole union; empty when none was given.
    otp_device = models.CharField(max_length=100, blank=True)
    issued_at = models.DateTimeField(default=timezone.now, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("passaggio di accesso")
        verbose_name_plural = _("passaggi di accesso")

    def __str__(self):
        return f"{self.user_id} → {self.host}"


class Reminder(models.TextChoices):
    """The e-mails a person may turn off: reminders. Confirmations and cancellations always go out.
    The value is the field of `PersonalSettings` that holds the choice."""

    BOOKING = "booking_reminders", _("promemoria delle prenotazioni di postazioni e sale")
    APPOINTMENT = "appointment_reminders", _("promemoria degli appuntamenti agli sportelli")
    EVENT = "event_reminders", _("promemoria degli eventi")


class NotificationChannel(models.TextChoices):
    """Where a person wants their notices. E-mail is always the fallback: a notice that cannot
    go where the person asked (not on App IO, no browser subscribed to push) goes by e-mail."""

    EMAIL = "email", _("e-mail")
    APP_IO = "app_io", _("app IO")
    WEB_PUSH = "web_push", _("notifiche del browser (web push)")


class PersonalSettings(models.Model):
    """What a person chose in their personal area, for every comune: which reminders they
    want by e-mail, and the version of their private calendar-feed link (renewing the link
    moves the version on, and every link signed with an older one stops working).

    One row per person, created the first time they change something: no row means the
    defaults (every reminder on, the first link).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="personal_settings",
    )
    booking_reminders = models.BooleanField(Reminder.BOOKING.label, default=True)
    appointment_reminders = models.BooleanField(Reminder.APPOINTMENT.label, default=True)
    event_reminders = models.BooleanField(Reminder.EVENT.label, default=True)
    calendar_feed_version = models.PositiveIntegerField(_("versione del link del calendario"), default=0)
    channel = models.CharField(
        _("canale preferito"), max_length=16, choices=NotificationChannel.choices, default=NotificationChannel.EMAIL
    )
    updated_at = models.DateTimeField(_("aggiornate il"), auto_now=True)

    class Meta:
        verbose_name = _("impostazioni personali")
        verbose_name_plural = _("impostazioni personali")

    def __str__(self):
        return str(self.user_id)

    def wants(self, reminder: Reminder) -> bool:
        return getattr(self, reminder.value)
