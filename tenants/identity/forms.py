import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from tenants.comuni.selectors import municipality_list
from tenants.identity import services
from tenants.identity.fiscal_code import normalize_fiscal_code
from tenants.identity.models import User


class RegistrationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "fiscal_code", "home_municipality", "phone", "language"]
        help_texts = {
            "fiscal_code": _("Facoltativo: serve a riconoscerti quando accedi con SPID o CIE."),
            "home_municipality": _("Lascia vuoto se risiedi fuori dall'Unione."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = municipality_list()
        self.fields["home_municipality"].empty_label = _("Fuori dall'Unione")
        for name in ("first_name", "last_name"):
            self.fields[name].required = True

    def clean_email(self):
        # An address that already has an account is no error here: the page must not tell
        # a visitor which addresses are registered (views.register writes to its owner instead).
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        # The e-mail's uniqueness is the view's business (above); the fiscal code's is clean_fiscal_code's.
        pass

    def clean_fiscal_code(self):
        code = normalize_fiscal_code(self.cleaned_data.get("fiscal_code")) or None
        if code and User.objects.filter(fiscal_code=code).exists():
            raise forms.ValidationError(_("Questo codice fiscale è già associato a un account."))
        return code


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Indirizzo e-mail"), max_length=254)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


def _same_address(a: str, b: str) -> bool:
    """As Django compares them for a reset: case and Unicode forms folded."""
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """ "Password dimenticata" for every active account, those without a usable password too.

    Django's form skips accounts whose password is unusable, so a person whose account the
    front desk created at a walk-in (tenants/identity/selectors.py `walk_in_accounts`), or who
    came through SPID/CIE, could never set a password by e-mail. The link goes to the
    account's own address, so only its owner can use it; the erased people's tombstone is
    inactive and never receives one."""

    def get_users(self, email):
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if _same_address(email, user.email))


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password from the reset link. The link reached the account's mailbox, so the
    address is confirmed too (as the e-mail sign-in link does): a walk-in's account becomes an
    ordinary one that can book online."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and not user.email_verified:
            services.email_mark_verified(user, email=user.email)
        return user
