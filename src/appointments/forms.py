"""Forms of the appointment flow: each step's fields; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.identity.fiscal_code import normalize_fiscal_code, validate_fiscal_code


class DetailsForm(forms.Form):
    topic = forms.CharField(label=_("Motivo dell'appuntamento"), max_length=120)
    details = forms.CharField(
        label=_("Dettagli"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facoltativo: descrivi brevemente la tua richiesta, così lo sportello può prepararsi."),
    )

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        if topics:
            # The desk's own topics, plus a way out when none fits.
            choices = [("", _("Scegli un motivo")), *[(t, t) for t in topics], (str(_("Altro")), _("Altro"))]
            self.fields["topic"] = forms.ChoiceField(label=_("Motivo dell'appuntamento"), choices=choices)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["details"].widget.attrs["aria-describedby"] = "id_details_help"


class ApplicantForm(forms.Form):
    applicant_name = forms.CharField(
        label=_("Nome e cognome"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Telefono"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=16,
        required=False,
        help_text=_("Facoltativo."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["fiscal_code"].widget.attrs["aria-describedby"] = "id_fiscal_code_help"

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_fiscal_code(self):
        code = normalize_fiscal_code(self.cleaned_data.get("fiscal_code"))
        if code:
            validate_fiscal_code(code)
        return code

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not all(c.isdigit() or c in "+ -./()" for c in phone):
            raise forms.ValidationError(_("Indica un numero di telefono valido."))
        return phone


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Codice di prenotazione"), max_length=20)
    email = forms.EmailField(label=_("E-mail usata per prenotare"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["code"].widget.attrs["autocapitalize"] = "characters"
