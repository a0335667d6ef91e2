"""Sign-in pages, served on the union site and on every comune's subdomain."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tenants.identity import second_factor_views, sso_views, views
from tenants.identity.forms import PasswordResetForm, SetPasswordForm
from tenants.identity.throttling import posted_email, throttle

app_name = "identity"

urlpatterns = [
    path("registrati/", views.register, name="register"),
    path("registrati/controlla-la-posta/", views.register_sent, name="register_sent"),
    path("email/conferma/", views.email_verify_resend, name="email_verify_resend"),
    path("email/conferma/<str:token>/", views.email_verify, name="email_verify"),
    path("accedi/link/", views.login_link, name="login_link"),
    path("accedi/link/inviato/", views.login_link_sent, name="login_link_sent"),
    path("accedi/link/<str:token>/", views.login_link_open, name="login_link_open"),
    path("spid/entra/", views.oidc_start, name="oidc_start"),
    path("spid/ritorno/", views.oidc_callback, name="oidc_callback"),
    path("spid/email/", views.oidc_email, name="oidc_email"),
    path("identita/", views.identity_page, name="identity"),
    path("accedi/", sso_views.SignInView.as_view(), name="login"),
    path("esci/", sso_views.SignOutView.as_view(), name="logout"),
    path("esci/ovunque/", sso_views.SignOutView.as_view(), name="logout_everywhere"),
    path("secondo-fattore/", second_factor_views.verify, name="second_factor"),
    path("secondo-fattore/attiva/", second_factor_views.setup, name="second_factor_setup"),
    path("secondo-fattore/codici/", second_factor_views.recovery_codes, name="second_factor_codes"),
    path("sso/", sso_views.sign_on, name="sign_on"),
    path("sso/callback/", sso_views.sign_on_callback, name="sign_on_callback"),
    path(
        "password/recupero/",
        # Per client address, and per address written in the form: nobody floods someone's mailbox.
        throttle("password_reset")(
            throttle("password_reset_email", key=posted_email)(
                auth_views.PasswordResetView.as_view(
                    form_class=PasswordResetForm,  # accounts without a usable password too (walk-ins)
                    template_name="identity/password_reset.html",
                    email_template_name="identity/password_reset_email.txt",
                    subject_template_name="identity/password_reset_subject.txt",
                    success_url=reverse_lazy("identity:password_reset_done"),
                )
            )
        ),
        name="password_reset",
    ),
    path(
        "password/recupero/inviato/",
        auth_views.PasswordResetDoneView.as_view(template_name="identity/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/nuova/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=SetPasswordForm,  # the link reached the mailbox: the address is confirmed
            template_name="identity/password_reset_confirm.html",
            success_url=reverse_lazy("identity:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/nuova/fatto/",
        auth_views.PasswordResetCompleteView.as_view(template_name="identity/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
