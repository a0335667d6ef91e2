"""Pages of the second factor of staff (tenants/identity/second_factor.py explains it)."""

import math
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from src.common.qr import qr_svg
from tenants.identity import second_factor
from tenants.identity.sso import safe_return_url
from tenants.identity.sso_views import second_factor_redirect


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Codice"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )


def _next(request) -> str:
    return safe_return_url(request.POST.get("next") or request.GET.get("next"), request)


def _refused(request, template: str, context: dict, form: CodeForm, refusal: second_factor.SecondFactorRefused):
    form.add_error("code", refusal.message)
    response = render(request, template, {**context, "form": form}, status=400)
    if isinstance(refusal, second_factor.SecondFactorLocked) and refusal.retry_at is not None:
        response.status_code = 429
        response["Retry-After"] = str(max(1, math.ceil((refusal.retry_at - timezone.now()).total_seconds())))
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """`/account/secondo-fattore/`: the six digits of the app, or a recovery code."""
    user, next_url = request.user, _next(request)
    if not second_factor.requires_second_factor(user) or user.is_verified():
        return redirect(next_url)
    device = second_factor.totp_device(user)
    if device is None:
        return second_factor_redirect(request, next_url)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _(
        "Le sei cifre che l'app di autenticazione mostra adesso, oppure uno dei codici di recupero."
    )
    context = {"next": next_url}
    if request.method == "POST" and form.is_valid():
        try:
            checked = second_factor.second_factor_check(user=user, code=form.cleaned_data["code"])
        except second_factor.SecondFactorRefused as refusal:
            return _refused(request, "identity/second_factor_verify.html", context, form, refusal)
        second_factor.second_factor_login(request, checked.device)
        if checked.recovery_code:
            left = second_factor.recovery_codes_remaining(user)
            messages.warning(
                request,
                ngettext(
                    "Hai usato un codice di recupero: te ne resta %(left)d. Puoi crearne di nuovi dalla pagina dei codici.",
                    "Hai usato un codice di recupero: te ne restano %(left)d. Puoi crearne di nuovi dalla pagina dei codici.",
                    left,
                )
                % {"left": left},
            )
        return redirect(next_url)
    return render(request, "identity/second_factor_verify.html", {**context, "form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """`/account/secondo-fattore/attiva/`: first staff sign-in. QR code or key, then one code from the app."""
    user, next_url = request.user, _next(request)
    if not second_factor.requires_second_factor(user):
        return redirect(next_url)
    if second_factor.totp_device(user) is not None:
        return second_factor_redirect(request, next_url)
    device = second_factor.totp_device_for_setup(user=user)
    form = CodeForm(request.POST or None)
    form.fields["code"].label = _("Codice mostrato dall'app")
    form.fields["code"].widget.attrs["inputmode"] = "numeric"
    context = {
        "next": next_url,
        # Titled, not named by its content: the content is the secret key.
        "qr": qr_svg(device.config_url, scale=4, title=_("QR code da inquadrare con l'app di autenticazione")),
        "key": second_factor.manual_key(device),
    }
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.second_factor_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except second_factor.SecondFactorRefused as refusal:
            return _refused(request, "identity/second_factor_setup.html", context, form, refusal)
        device.refresh_from_db()
        second_factor.second_factor_login(request, device)
        request.session[second_factor.SESSION_NEW_CODES] = codes
        messages.success(request, _("Fatto: da ora, dopo la password, ti chiederemo il codice dell'app."))
        return redirect(f"{reverse('identity:second_factor_codes')}?next={quote(next_url, safe='')}")
    return render(request, "identity/second_factor_setup.html", {**context, "form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """`/account/secondo-fattore/codici/`: new recovery codes, shown once (POST makes new ones)."""
    user, next_url = request.user, _next(request)
    if not second_factor.requires_second_factor(user):
        return redirect(next_url)
    if not user.is_verified():  # the password alone never shows or makes recovery codes
        return second_factor_redirect(request, request.get_full_path())
    if request.method == "POST":
        request.session[second_factor.SESSION_NEW_CODES] = second_factor.recovery_codes_create(user=user)
        return redirect(f"{request.path}?next={quote(next_url, safe='')}")
    codes = request.session.pop(second_factor.SESSION_NEW_CODES, None)
    return render(
        request,
        "identity/second_factor_codes.html",
        {"codes": codes, "next": next_url, "remaining": second_factor.recovery_codes_remaining(user)},
    )
