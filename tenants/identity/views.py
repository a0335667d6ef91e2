from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tenants.identity import links, oidc, services
from tenants.identity.forms import EmailForm, RegistrationForm
from tenants.identity.models import IdentityMethod
from tenants.identity.throttling import throttle

BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING = "identity_pending"  # a checked SPID/CIE identity waiting for an e-mail address
PENDING_MAX_AGE = 15 * 60


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


@throttle("signup")
@require_http_methods(["GET", "POST"])
def register(request):
    """Sign-up answers the same whether or not the address has an account (no enumeration):
    a new address gets a confirmation link, a known one a note to its owner."""
    if request.user.is_authenticated:
        return redirect("/")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        User = get_user_model()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            try:
                with transaction.atomic():
                    user = form.save()
            except IntegrityError:  # the same address signed up a moment ago
                existing = User.objects.filter(email__iexact=email).first()
            else:
                links.send_email_verification(request, user)
        if existing is not None:
            links.send_already_registered(request, existing)
        request.session["identity_registered_email"] = email
        return redirect("identity:register_sent")
    return render(request, "identity/register.html", {"form": form}, status=400 if form.errors else 200)


def register_sent(request):
    return render(request, "identity/register_sent.html", {"email": request.session.get("identity_registered_email")})


def email_verify(request, token):
    """The link of the confirmation e-mail: the address is confirmed (a prefetch by a mail scanner confirms it too)."""
    opened, email = links.email_verification_open(token)
    if opened.user is None:
        message = (
            _("Il link di conferma è scaduto: chiedine uno nuovo.")
            if opened.problem == "expired"
            else _("Il link di conferma non è valido. Chiedine uno nuovo.")
        )
        return render(request, "identity/link_problem.html", {"message": message, "resend": True}, status=400)
    if not opened.user.email_verified:
        services.email_mark_verified(opened.user, email=email)
    messages.success(request, _("Indirizzo e-mail confermato: ora puoi prenotare."))
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return redirect("identity:login")


@login_required
@require_http_methods(["GET", "POST"])
def email_verify_resend(request):
    """Where a person whose address is not confirmed yet asks for the link again ("reinvia il link")."""
    user = request.user
    if request.method == "POST":
        if user.email_verified:
            messages.info(request, _("Il tuo indirizzo e-mail è già confermato."))
        else:
            links.send_email_verification(request, user)
            messages.success(
                request,
                _("Ti abbiamo inviato un nuovo link a %(email)s: aprilo per confermare.") % {"email": user.email},
            )
        return redirect("identity:email_verify_resend")
    return render(request, "identity/email_verify_resend.html", {"verified": user.email_verified})


@require_http_methods(["GET", "POST"])
def login_link(request):
    """ "Ricevi un link per accedere": the same answer whether or not the address has an account."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if user is not None:
            links.send_login_link(request, user)
        request.session["identity_login_link_email"] = form.cleaned_data["email"]
        return redirect("identity:login_link_sent")
    return render(
        request,
        "identity/login_link.html",
        {"form": form, "minutes": settings.LOGIN_LINK_MAX_AGE // 60},
        status=400 if form.errors else 200,
    )


def login_link_sent(request):
    return render(
        request,
        "identity/login_link_sent.html",
        {"email": request.session.get("identity_login_link_email"), "minutes": settings.LOGIN_LINK_MAX_AGE // 60},
    )


_LINK_PROBLEMS = {
    "expired": lambda: _("Il link per accedere è scaduto: chiedine uno nuovo."),
    "used": lambda: _("Questo link per accedere è già stato usato: vale una volta sola. Chiedine uno nuovo."),
    "invalid": lambda: _("Il link per accedere non è valido. Chiedine uno nuovo."),
}


@require_http_methods(["GET", "POST"])
def login_link_open(request, token):
    """GET shows a button, POST signs in: a mail scanner opening the link does not use it up."""
    opened = links.login_link_open(token)
    if opened.user is None:
        return render(
            request,
            "identity/link_problem.html",
            {"message": _LINK_PROBLEMS[opened.problem](), "login_link": True},
            status=400,
        )
    if request.method == "GET":
        return render(request, "identity/login_link_open.html", {"person": opened.user})
    login(request, opened.user, backend=BACKEND)  # changes last_login: the link is used up
    if not opened.user.email_verified:  # the link reached the mailbox: the address is the person's
        services.email_mark_verified(opened.user, email=opened.user.email)
    messages.success(request, _("Hai effettuato l'accesso."))
    return redirect(settings.LOGIN_REDIRECT_URL)


# --- SPID and CIE ------------------------------------------------------------------------


def _refused(request, refusal: oidc.IdentityRefused):
    return render(request, "identity/oidc_error.html", {"message": refusal.message}, status=refusal.status)


def _unavailable(request):
    return render(request, "identity/oidc_unavailable.html", status=404)


def _method(request) -> str | None:
    value = request.GET.get("metodo") or request.POST.get("metodo") or IdentityMethod.SPID
    return value if value in IdentityMethod.values else None


def oidc_start(request):
    """ "Entra con SPID" / "Entra con CIE": off to the union's proxy, which asks the right provider."""
    if not oidc.is_enabled(getattr(request, "municipality", None)):
        return _unavailable(request)
    method = _method(request)
    if method is None:
        return _refused(request, oidc.IdentityRefused(_("Scegli SPID oppure CIE."), status=400))
    try:
        url = oidc.authorization_redirect(request, method=method, next_url=_safe_next(request, request.GET.get("next")))
    except oidc.IdentityRefused as refusal:
        return _refused(request, refusal)
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def identity_page(request):
    """The account's identity: confirmed address, SPID/CIE linked or the buttons to link it."""
    if request.method == "GET":
        return render(request, "identity/identity.html", {"person": request.user})
    if not oidc.is_enabled(getattr(request, "municipality", None)):
        return _unavailable(request)
    method = _method(request)
    if method is None:
        return _refused(request, oidc.IdentityRefused(_("Scegli SPID oppure CIE."), status=400))
    try:
        url = oidc.authorization_redirect(request, method=method, next_url=request.path, link_user_id=request.user.pk)
    except oidc.IdentityRefused as refusal:
        return _refused(request, refusal)
    return redirect(url)


def oidc_callback(request):
    """The proxy sends the person back here with a code: check everything, then sign in."""
    if not oidc.is_enabled(getattr(request, "municipality", None)):
        return _unavailable(request)
    try:
        identity, flow = oidc.complete(request)
        link_to = None
        if flow.get("link_user_id") is not None:
            if not request.user.is_authenticated or request.user.pk != flow["link_user_id"]:
                raise oidc.IdentityRefused(
                    _("Per collegare SPID o CIE devi essere entrato nel tuo account da questo browser."), status=403
                )
            link_to = request.user
        person = services.person_for_identity(identity, link_to=link_to)
        if person is None and not identity.email:
            request.session[PENDING] = {
                **identity.__dict__,
                "next": flow.get("next"),
                "at": timezone.now().timestamp(),
            }
            return redirect("identity:oidc_email")
        if person is None:
            person = services.person_create_from_identity(identity, email=identity.email)
    except oidc.IdentityRefused as refusal:
        return _refused(request, refusal)
    login(request, person, backend=BACKEND)
    if link_to is not None:
        messages.success(request, _("Fatto: il tuo account è collegato alla tua identità SPID/CIE."))
    else:
        messages.success(request, _("Hai effettuato l'accesso con %(method)s.") % {"method": identity.method.upper()})
    return redirect(_safe_next(request, flow.get("next")))


@require_http_methods(["GET", "POST"])
def oidc_email(request):
    """A first SPID/CIE sign-in without an e-mail claim: the person gives the address for the account."""
    pending = request.session.get(PENDING)
    if not pending or timezone.now().timestamp() - pending.get("at", 0) > PENDING_MAX_AGE:
        request.session.pop(PENDING, None)
        return _refused(request, oidc.IdentityRefused(oidc.STATE_INVALID, status=400))
    identity = oidc.Identity(**{name: pending[name] for name in oidc.Identity.__dataclass_fields__})
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create_from_identity(identity, email=form.cleaned_data["email"])
        except oidc.IdentityRefused as refusal:
            form.add_error("email", str(refusal.message))
        else:
            del request.session[PENDING]
            login(request, person, backend=BACKEND)
            if not person.email_verified:
                links.send_email_verification(request, person)
            messages.success(
                request,
                _("Account creato. Ti abbiamo inviato un link per confermare l'indirizzo %(email)s.")
                % {"email": person.email},
            )
            return redirect(_safe_next(request, pending.get("next")))
    return render(
        request, "identity/oidc_email.html", {"form": form, "identity": identity}, status=400 if form.errors else 200
    )
