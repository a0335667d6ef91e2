"""Sign-in pages, served on the union site and on every comune's subdomain."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tenants.identity import views
from tenants.identity.throttling import posted_email, throttle

app_name = "identity"

urlpatterns = [
    path("registrati/", views.register, name="register"),
    path("accedi/", auth_views.LoginView.as_view(template_name="identity/login.html"), name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/recupero/",
        # Per client address, and per address written in the form: nobody floods someone's mailbox.
        throttle("password_reset")(
            throttle("password_reset_email", key=posted_email)(
                auth_views.PasswordResetView.as_view(
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
