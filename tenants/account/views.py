"""The personal area, on every host (the union site and each comune's): /account/.

Every page is about the signed-in person only: no page takes a person's id, so nobody
can reach another person's profile, data export or erasure.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tenants.account.erasure import ErasureRefused, account_erase
from tenants.account.export import export_filename, export_zip
from tenants.account.forms import CommuteForm, ErasureForm, NotificationsForm, ProfileForm
from tenants.audit.services import AuditAction, audit_record
from tenants.comuni.selectors import municipality_list, municipality_url
from tenants.firms import selectors as firm_selectors
from tenants.firms import services as firm_services
from tenants.firms.forms import JoinForm
from tenants.identity.calendar_feed import calendar_feed_token
from tenants.identity.selectors import personal_settings_get, sessions_active
from tenants.identity.services import calendar_feed_renew, personal_settings_update, sessions_end_all
from tenants.reporting.models import CommuteProfile
from tenants.union.my_bookings import my_items

SECTIONS = (
    ("account:home", gettext_lazy("Panoramica")),
    ("account:profile", gettext_lazy("Profilo")),
    ("account:security", gettext_lazy("Accesso e dispositivi")),
    ("account:notifications", gettext_lazy("Notifiche e calendario")),
    ("account:bookings", gettext_lazy("Le mie prenotazioni")),
    ("account:firm", gettext_lazy("La mia azienda")),
    ("account:data", gettext_lazy("I miei dati")),
)


def _render(request, template: str, current: str, context: dict | None = None, status: int = 200):
    title = dict(SECTIONS).get(current, "")
    context = {
        "sections": [(reverse(name), str(label), name == current) for name, label in SECTIONS],
        "section_title": title,
        "breadcrumbs": [(_("Home"), "/"), (_("Area personale"), reverse("account:home")), (title, None)]
        if current != "account:home"
        else [(_("Home"), "/"), (_("Area personale"), None)],
        **(context or {}),
    }
    return render(request, template, context, status=status)


@login_required
def home(request):
    upcoming = [item for item in my_items(request.user, request=request) if item.is_upcoming]
    return _render(request, "account/home.html", "account:home", {"upcoming": upcoming[:3], "more": len(upcoming) > 3})


@login_required
def profile(request):
    user = request.user
    commute = CommuteProfile.objects.filter(user=user).first() or CommuteProfile(user=user)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=user, prefix="profilo")
    commute_form = CommuteForm(data, instance=commute, prefix="spostamenti")
    if request.method == "POST" and form.is_valid() and commute_form.is_valid():
        with transaction.atomic():
            form.save()
            if commute_form.cleaned_data["consent"]:
                profile = commute_form.save(commit=False)
                profile.consented_at = profile.consented_at or timezone.now()
                profile.save()
            elif commute.pk:
                commute.delete()  # consent withdrawn (or never given): the commute is not kept
        messages.success(request, _("Profilo aggiornato."))
        return redirect("account:profile")
    status = 400 if request.method == "POST" else 200
    return _render(
        request, "account/profile.html", "account:profile", {"form": form, "commute_form": commute_form}, status
    )


def _password_form(request, data=None):
    form_class = PasswordChangeForm if request.user.has_usable_password() else SetPasswordForm
    return form_class(request.user, data)


@login_required
def security(request, password_form=None):
    current = request.session.session_key
    sessions = [(session, session.key == current) for session in sessions_active(request.user)]
    return _render(
        request,
        "account/security.html",
        "account:security",
        {
            "password_form": password_form or _password_form(request),
            "has_password": request.user.has_usable_password(),
            "sessions": sessions,
        },
        status=400 if password_form is not None else 200,
    )


@login_required
@require_POST
def password_change(request):
    form = _password_form(request, request.POST)
    if not form.is_valid():
        return security(request, password_form=form)
    form.save()
    # This browser stays signed in; every other session ends (their password hash no longer matches).
    update_session_auth_hash(request, form.user)
    messages.success(request, _("Password cambiata. Gli altri dispositivi dovranno accedere di nuovo."))
    return redirect("account:security")


@login_required
@require_POST
def sessions_end(request):
    user = request.user
    sessions_end_all(user)
    logout(request)
    messages.success(request, _("Sei uscito da tutti i dispositivi, compreso questo."))
    return redirect(f"{reverse('identity:login')}?next={reverse('account:home')}")


def _feed_urls(request) -> list[tuple]:
    token = calendar_feed_token(request.user)
    path = reverse("bookings:calendar_feed", args=[token], urlconf=settings.ROOT_URLCONF)
    return [(m, municipality_url(m, path, request=request)) for m in municipality_list().prefetch_related("domains")]


@login_required
def notifications(request):
    current = personal_settings_get(request.user)
    form = NotificationsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        personal_settings_update(user=request.user, **{name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, _("Preferenze delle notifiche salvate."))
        return redirect("account:notifications")
    return _render(
        request,
        "account/notifications.html",
        "account:notifications",
        {"form": form, "feeds": _feed_urls(request), "current_municipality": getattr(request, "municipality", None)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def calendar_renew(request):
    calendar_feed_renew(user=request.user)
    messages.success(
        request,
        _(
            "Nuovo link del calendario creato: quello vecchio non funziona più. Aggiorna l'abbonamento nel tuo calendario."
        ),
    )
    return redirect(f"{reverse('account:notifications')}#calendario")


@login_required
def bookings(request):
    items = my_items(request.user, request=request)
    upcoming = [item for item in items if item.is_upcoming]
    past = [item for item in reversed(items) if not item.is_upcoming]
    return _render(request, "account/bookings.html", "account:bookings", {"upcoming": upcoming, "past": past})


@login_required
def firm(request):
    """The person's employer: invitations to accept, the enrolment code, leaving. Every
    action is on the signed-in person's own invitations and enrolments only."""
    user = request.user
    join_form = JoinForm(request.POST if request.POST.get("action") == "join" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                enrolment = firm_services.enrolment_accept(enrolment_id=request.POST.get("enrolment"), user=user)
                messages.success(request, _("Ora sei iscritto a %(firm)s.") % {"firm": enrolment.firm.name})
                return redirect("account:firm")
            if action == "decline":
                firm_services.enrolment_decline(enrolment_id=request.POST.get("enrolment"), user=user)
                messages.success(request, _("Invito rifiutato."))
                return redirect("account:firm")
            if action == "leave":
                enrolment = firm_selectors.person_enrolments(user).filter(pk=request.POST.get("enrolment")).first()
                if enrolment is not None:
                    firm_services.enrolment_end(enrolment=enrolment, removed=False)
                    messages.success(
                        request,
                        _("Hai lasciato %(firm)s: le tue prenotazioni restano, senza la convenzione per le prossime.")
                        % {"firm": enrolment.firm.name},
                    )
                return redirect("account:firm")
            if action == "join" and join_form.is_valid():
                enrolment = firm_services.enrolment_join(
                    user=user, code=join_form.cleaned_data["code"], site=join_form.cleaned_data["site"]
                )
                messages.success(request, _("Ora sei iscritto a %(firm)s.") % {"firm": enrolment.firm.name})
                return redirect("account:firm")
        except ValidationError as error:
            if action != "join":
                messages.error(request, " ".join(error.messages))
                return redirect("account:firm")
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    join_form.add_error(name if name in join_form.fields else None, errors)
            else:
                join_form.add_error(None, error)
    if join_form.is_bound:
        code_firm = firm_services.firm_for_code(join_form.data.get("code", ""))
        join_form.fields["site"].queryset = (
            code_firm.sites.all() if code_firm else join_form.fields["site"].queryset.none()
        )
    else:
        join_form.fields["site"].widget = join_form.fields["site"].hidden_widget()
    return _render(
        request,
        "account/firm.html",
        "account:firm",
        {
            "invitations": firm_services.invitations_for(user).select_related("firm", "site"),
            "enrolments": firm_selectors.person_enrolments(user),
            "join_form": join_form,
        },
        status=400 if join_form.errors else 200,
    )


@login_required
def data(request):
    return _render(request, "account/data.html", "account:data")


@login_required
def data_export(request):
    audit_record(
        request=request,
        action=AuditAction.EXPORT,
        target=request.user,
        description=_("Esportazione dei propri dati personali (zip)"),
    )
    response = HttpResponse(export_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def erase(request):
    form = ErasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(user=request.user)
        except ErasureRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("account:erase")
        logout(request)
        messages.success(
            request,
            _(
                "Il tuo account è stato cancellato e i tuoi dati anonimizzati in tutti i comuni dell'Unione. "
                "Grazie di aver usato gli hub di comunità."
            ),
        )
        return redirect("/")
    return _render(request, "account/erase.html", "account:data", {"form": form}, status=400 if form.errors else 200)
