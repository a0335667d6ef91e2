"""Forms of the firms' pages: they parse input; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.comuni.selectors import municipality_list
from tenants.firms.models import Agreement, Firm, WorkSite
from tenants.reporting.commuting import workplace_choices


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Ragione sociale"), max_length=200)
    tax_code = forms.CharField(label=_("Partita IVA o codice fiscale"), max_length=20)
    size_band = forms.ChoiceField(label=_("Numero di dipendenti"), choices=Firm.SizeBand.choices)
    municipality = forms.ModelChoiceField(
        label=_("Comune di riferimento"),
        queryset=municipality_list(),
        required=False,
        empty_label=_("L'Unione (tutti i comuni)"),
        help_text=_("Il comune con cui vorreste la convenzione; lasciate l'Unione per gli hub di tutti i comuni."),
    )
    site_name = forms.CharField(label=_("Nome della sede"), max_length=100, initial=_("Sede principale"))
    site_address = forms.CharField(label=_("Indirizzo della sede"), max_length=200)
    site_istat_code = forms.ChoiceField(label=_("Comune della sede"), choices=workplace_choices)
    email_domain = forms.CharField(
        label=_("Dominio e-mail aziendale (facoltativo)"),
        max_length=100,
        required=False,
        help_text=_("Es. «azienda.it»: si iscriveranno solo indirizzi di quel dominio."),
    )
    note = forms.CharField(label=_("Note per l'Unione"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class FirmForm(ApplicationForm):
    """Onboarding by staff: as the application, plus the kind and the first mobility manager."""

    kind = forms.ChoiceField(label=_("Tipo"), choices=Firm.Kind.choices, initial=Firm.Kind.PRIVATE)
    manager_email = forms.EmailField(
        label=_("E-mail del mobility manager"),
        required=False,
        help_text=_("Deve avere già un account; potrà gestire iscritti e statistiche."),
    )

    def __init__(self, *args, comuni=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        if comuni is not None:  # a comune's administrator: their comuni only
            self.fields["municipality"].queryset = municipality_list().filter(pk__in=comuni)
            self.fields["municipality"].required = True


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail del dipendente"))
    site = forms.ModelChoiceField(label=_("Sede"), queryset=WorkSite.objects.none(), required=False)

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = firm.sites.all()
        if firm.sites.count() == 1:
            self.fields["site"].initial = firm.sites.first()


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Codice di iscrizione"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Te lo dà il mobility manager della tua azienda."),
    )
    site = forms.ModelChoiceField(
        label=_("Sede in cui lavori"),
        queryset=WorkSite.objects.all(),
        required=False,
        help_text=_("Se l'azienda ha più sedi: ti verrà chiesta dopo il codice."),
    )


class AgreementForm(forms.ModelForm):
    hub_list = forms.CharField(
        label=_("Hub coperti (se non tutti)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Uno per riga, come «comune:id-hub», es. «sarsina:3»."),
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "municipality",
            "valid_from",
            "valid_to",
            "state",
            "all_hubs",
            "all_employees",
            "sites",
            "allowance_days",
            "terms",
            "price_per_day_cents",
            "flat_month_cents",
            "discount_percent",
            "document",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "sites": forms.CheckboxSelectMultiple,
            "document": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        }

    def __init__(self, *args, firm, comuni=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = firm.sites.all()
        self.fields["municipality"].queryset = municipality_list()
        if comuni is not None:
            self.fields["municipality"].queryset = municipality_list().filter(pk__in=comuni)
            self.fields["municipality"].required = True

    def clean_hub_list(self):
        hubs = []
        comuni = {m.slug: m for m in municipality_list()}
        for line in self.cleaned_data["hub_list"].splitlines():
            line = line.strip()
            if not line:
                continue
            slug, _sep, hub_id = line.partition(":")
            if slug.strip() not in comuni or not hub_id.strip().isdigit():
                raise forms.ValidationError(_("Riga non valida: «%(line)s» (scrivi comune:id-hub).") % {"line": line})
            hubs.append((comuni[slug.strip()], int(hub_id), ""))
        return hubs
