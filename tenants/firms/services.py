"""Writes on firms: applications and onboarding, mobility managers, agreements and their
signed PDF, enrolment of employees (invitation by e-mail, enrolment code) and leaving.

Refusals are Django `ValidationError`s with a sentence for a person (pages show it, the
API answers 400 with it): tenants/ does not import src/, where DomainError lives.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.firms import notifications
from tenants.firms.models import Agreement, Enrolment, Firm, FirmManager, WorkSite
from tenants.firms.validators import normalize_tax_code
from tenants.identity.models import Role

PDF_MAGIC = b"%PDF-"


def pdf_validate(upload) -> None:
    """A signed agreement: a real PDF (its header, and the end-of-file marker near its end), not too large."""
    if upload is None:
        return
    limit = settings.FIRMS_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Il file è troppo grande: al massimo %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(upload.size - 2048, 0))
    tail = upload.read()
    upload.seek(0)
    if not head.startswith(PDF_MAGIC) or b"%%EOF" not in tail:
        raise ValidationError(_("Il file non è un PDF valido: carica la convenzione firmata in PDF."), code="not_pdf")
    if not upload.name.lower().endswith(".pdf"):
        upload.name = f"{upload.name}.pdf"


def _role_ensure(user) -> None:
    Role.objects.get_or_create(user=user, kind=Role.Kind.MOBILITY_MANAGER, municipality=None)


def manager_grant(*, firm: Firm, user) -> FirmManager:
    """Make `user` a mobility manager of `firm` (and give them the role, scoped by FirmManager)."""
    with transaction.atomic():
        manager, _created = FirmManager.objects.get_or_create(firm=firm, user=user)
        _role_ensure(user)
    return manager


def manager_revoke(*, firm: Firm, user) -> None:
    with transaction.atomic():
        FirmManager.objects.filter(firm=firm, user=user).delete()
        if not FirmManager.objects.filter(user=user).exists():
            Role.objects.filter(user=user, kind=Role.Kind.MOBILITY_MANAGER).delete()


def _firm_full_clean(firm: Firm) -> None:
    firm.tax_code = normalize_tax_code(firm.tax_code)
    if Firm.objects.filter(tax_code=firm.tax_code).exclude(pk=firm.pk).exists():
        raise ValidationError(
            {"tax_code": _("Un'azienda con questa partita IVA o codice fiscale è già registrata.")}, code="duplicate"
        )
    firm.full_clean()


def firm_apply(
    *,
    user,
    name: str,
    tax_code: str,
    size_band: str,
    site_name: str,
    site_address: str,
    site_istat_code: str,
    municipality=None,
    email_domain: str = "",
    note: str = "",
) -> Firm:
    """A firm asks to join through the public form; union staff (or the comune named) review it."""
    firm = Firm(
        name=name,
        tax_code=tax_code,
        size_band=size_band,
        municipality=municipality,
        email_domain=email_domain,
        state=Firm.State.APPLIED,
        applied_by=user,
        application_note=note,
    )
    _firm_full_clean(firm)
    with transaction.atomic():
        firm.save()
        site = WorkSite(firm=firm, name=site_name, address=site_address, istat_code=site_istat_code)
        site.full_clean()
        site.save()
    return firm


def firm_review(*, firm: Firm, reviewer, approve: bool, now=None) -> Firm:
    """Approve (the applicant becomes the firm's mobility manager) or reject an application."""
    now = now or timezone.now()
    with transaction.atomic():
        firm = Firm.objects.select_for_update().get(pk=firm.pk)
        if firm.state != Firm.State.APPLIED:
            raise ValidationError(_("Questa domanda è già stata esaminata."), code="already_reviewed")
        firm.state = Firm.State.ACTIVE if approve else Firm.State.REJECTED
        firm.reviewed_by, firm.reviewed_at = reviewer, now
        firm.save(update_fields=["state", "reviewed_by", "reviewed_at"])
        if approve and firm.applied_by_id:
            manager_grant(firm=firm, user=firm.applied_by)
    return firm


def firm_create(
    *,
    name: str,
    tax_code: str,
    size_band: str,
    sites: list[dict],
    municipality=None,
    kind: str = Firm.Kind.PRIVATE,
    email_domain: str = "",
    managers=(),
) -> Firm:
    """Onboarding by union staff or a comune: the firm is active at once."""
    firm = Firm(
        name=name,
        tax_code=tax_code,
        size_band=size_band,
        municipality=municipality,
        kind=kind,
        email_domain=email_domain,
        state=Firm.State.ACTIVE,
    )
    _firm_full_clean(firm)
    with transaction.atomic():
        firm.save()
        for data in sites:
            site = WorkSite(firm=firm, **data)
            site.full_clean()
            site.save()
        for user in managers:
            manager_grant(firm=firm, user=user)
    return firm


def agreement_save(*, agreement: Agreement, sites=None, hubs=None, document=None) -> Agreement:
    """Create or change an agreement; `hubs`: [(municipality, hub_id, hub_name)] when not all hubs."""
    pdf_validate(document)
    if document is not None:
        agreement.document = document
    agreement.full_clean()
    if agreement.terms == Agreement.Terms.DISCOUNT and not agreement.discount_percent:
        raise ValidationError({"discount_percent": _("Indica la percentuale di sconto.")})
    with transaction.atomic():
        agreement.save()
        if sites is not None:
            agreement.sites.set([s for s in sites if s.firm_id == agreement.firm_id])
        if hubs is not None:
            agreement.hubs.all().delete()
            for municipality, hub_id, hub_name in hubs:
                agreement.hubs.create(municipality=municipality, hub_id=hub_id, hub_name=hub_name)
    return agreement


# --- enrolment ---------------------------------------------------------------------------


def _domain_check(firm: Firm, email: str) -> None:
    if firm.email_domain and not email.lower().endswith("@" + firm.email_domain):
        raise ValidationError(
            _("%(firm)s iscrive solo indirizzi e-mail aziendali @%(domain)s.")
            % {"firm": firm.name, "domain": firm.email_domain},
            code="email_domain",
        )


def _site_check(firm: Firm, site: WorkSite | None) -> None:
    if site is not None and site.firm_id != firm.pk:
        raise ValidationError({"site": _("Scegli una sede di questa azienda.")}, code="other_site")


def enrolment_invite(*, firm: Firm, email: str, site: WorkSite | None, by, now=None) -> Enrolment:
    """Invite an employee by e-mail: the message goes through the outbox, and the person accepts
    from their personal area once signed in with that (verified) address."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    _domain_check(firm, email)
    _site_check(firm, site)
    already = Enrolment.objects.filter(firm=firm, state=Enrolment.State.ACTIVE, user__email=email).exists()
    if already:
        raise ValidationError(_("%(email)s è già iscritto.") % {"email": email}, code="already_enrolled")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                firm=firm, email=email, site=site, state=Enrolment.State.INVITED, invited_by=by, invited_at=now
            )
            notifications.invitation_later(enrolment)
    except IntegrityError:
        raise ValidationError(
            _("%(email)s ha già un invito in attesa.") % {"email": email}, code="already_invited"
        ) from None
    return enrolment


def _verified_email(user) -> str:
    return user.email.lower() if user.email_verified else ""


def invitations_for(user):
    """Invitations waiting for `user`: those sent to their verified address."""
    email = _verified_email(user)
    if not email:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(state=Enrolment.State.INVITED, email=email, firm__state=Firm.State.ACTIVE)


def enrolment_accept(*, enrolment_id, user, now=None) -> Enrolment:
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = invitations_for(user).select_for_update().filter(pk=enrolment_id).first()
        if enrolment is None:
            raise ValidationError(
                _("Invito non trovato: forse è già stato accettato o ritirato, o è per un altro indirizzo."),
                code="no_invitation",
            )
        if Enrolment.objects.filter(firm=enrolment.firm, user=user, state__in=Enrolment.LIVE).exists():
            raise ValidationError(_("Sei già iscritto a questa azienda."), code="already_enrolled")
        enrolment.user, enrolment.email = user, ""
        enrolment.state, enrolment.accepted_at = Enrolment.State.ACTIVE, now
        enrolment.save(update_fields=["user", "email", "state", "accepted_at"])
    return enrolment


def enrolment_decline(*, enrolment_id, user, now=None) -> None:
    now = now or timezone.now()
    invitations_for(user).filter(pk=enrolment_id).update(state=Enrolment.State.LEFT, email="", ended_at=now)


def firm_for_code(code: str) -> Firm | None:
    code = (code or "").strip().upper().replace(" ", "")
    return Firm.objects.filter(enrolment_code=code, state=Firm.State.ACTIVE).first() if code else None


def enrolment_join(*, user, code: str, site: WorkSite | None, now=None) -> Enrolment:
    """Enrol with the code the mobility manager shared. The person must be known: SPID/CIE, or
    a verified address (of the firm's domain when it requires one)."""
    now = now or timezone.now()
    firm = firm_for_code(code)
    if firm is None:
        raise ValidationError({"code": _("Codice di iscrizione non valido: controllalo con il tuo mobility manager.")})
    if not (user.identity_verified or user.email_verified):
        raise ValidationError(
            _("Per iscriverti conferma prima il tuo indirizzo e-mail o accedi con SPID o CIE."), code="unverified"
        )
    if firm.email_domain:
        _domain_check(firm, _verified_email(user))
    _site_check(firm, site)
    if site is None and firm.sites.count() > 1:
        raise ValidationError({"site": _("Scegli la sede in cui lavori.")})
    site = site or firm.sites.first()
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                firm=firm, user=user, site=site, state=Enrolment.State.ACTIVE, accepted_at=now, invited_at=now
            )
    except IntegrityError:
        raise ValidationError(
            _("Sei già iscritto a %(firm)s.") % {"firm": firm.name}, code="already_enrolled"
        ) from None


def enrolment_end(*, enrolment: Enrolment, removed: bool, now=None) -> Enrolment:
    """The employee leaves (or the mobility manager removes them): the row stays for the firm's
    statistics, without the person; their bookings stay theirs."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.state not in Enrolment.LIVE:
            return enrolment
        enrolment.state = Enrolment.State.REMOVED if removed else Enrolment.State.LEFT
        enrolment.user, enrolment.email, enrolment.ended_at = None, "", now
        enrolment.save(update_fields=["state", "user", "email", "ended_at"])
    return enrolment
