from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from tenants.comuni.selectors import municipality_list
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
