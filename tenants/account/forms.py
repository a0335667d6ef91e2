from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.comuni.selectors import municipality_list
from tenants.identity.models import NotificationChannel, PersonalSettings, User
from tenants.reporting.models import CommuteProfile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "home_municipality"]
        help_texts = {"home_municipality": _("Lascia vuoto se risiedi fuori dall'Unione.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = municipality_list()
        self.fields["home_municipality"].empty_label = _("Fuori dall'Unione")
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["first_name"].widget.attrs.update(autocomplete="given-name")
        self.fields["last_name"].widget.attrs.update(autocomplete="family-name")


class CommuteForm(forms.ModelForm):
    """Workplace and usual commute, for the union's "commuting avoided" figures: kept only with consent."""

    consent = forms.BooleanField(
        label=_(
            "Acconsento all'uso di questi dati, in forma aggregata e anonima, per le statistiche dell'Unione "
            "sugli spostamenti casa-lavoro evitati"
        ),
        required=False,
        help_text=_("Facoltativo. Senza consenso questi dati non vengono conservati né usati."),
    )

    class Meta:
        model = CommuteProfile
        fields = ["workplace_istat_code", "commute_km", "is_public_employee"]
        labels = {
            "workplace_istat_code": _("Comune del luogo di lavoro abituale"),
            "commute_km": _("Chilometri casa-lavoro (solo andata)"),
            "is_public_employee": _("Sono un dipendente pubblico"),
        }
        help_texts = {
            "workplace_istat_code": _("Dove andresti a lavorare se non lavorassi in un hub."),
            "commute_km": _("Facoltativo: se li indichi, sostituiscono la distanza stimata tra i comuni."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].initial = bool(self.instance.pk and self.instance.consented_at)
        self.fields["workplace_istat_code"].choices = [("", _("Non indicato"))] + [
            choice for choice in self.fields["workplace_istat_code"].choices if choice[0]
        ]

    def has_commute(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("workplace_istat_code") or data.get("commute_km") or data.get("is_public_employee"))

    def clean(self):
        data = super().clean()
        if self.has_commute() and not data.get("consent"):
            raise forms.ValidationError(
                _(
                    "Per conservare il luogo di lavoro e lo spostamento serve il tuo consenso: "
                    "spunta la casella oppure lascia vuoti questi campi."
                )
            )
        return data


class NotificationsForm(forms.ModelForm):
    class Meta:
        model = PersonalSettings
        fields = ["booking_reminders", "appointment_reminders", "event_reminders", "channel"]
        help_texts = {
            "channel": _(
                "L'app IO richiede l'accesso con SPID o CIE; se non sei su IO, o non hai attivato le notifiche "
                "del browser, i messaggi arrivano per e-mail."
            )
        }
        labels = {
            "channel": _("Dove vuoi ricevere promemoria e avvisi"),
            "booking_reminders": _("Promemoria delle prenotazioni di postazioni e sale"),
            "appointment_reminders": _("Promemoria degli appuntamenti agli sportelli, il giorno prima"),
            "event_reminders": _("Promemoria degli eventi, il giorno prima"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].required = False  # left out: e-mail, as before the choice existed

    def clean_channel(self):
        return self.cleaned_data.get("channel") or NotificationChannel.EMAIL


class ErasureForm(forms.Form):
    """ "Cancella il mio account": the person confirms with their password, or their e-mail
    when the account has none (created at a front desk, or signed in with SPID/CIE)."""

    secret = forms.CharField(max_length=254, strip=False)
    understood = forms.BooleanField(
        label=_(
            "Ho capito che il mio account sarà cancellato in tutti i comuni dell'Unione, "
            "che le prenotazioni future saranno annullate e che non si può tornare indietro"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["secret"].label = _("La tua password")
            self.fields["secret"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        else:
            self.fields["secret"].label = _("Il tuo indirizzo e-mail")
            self.fields["secret"].widget = forms.EmailInput(attrs={"autocomplete": "email"})

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if self.user.has_usable_password():
            if not self.user.check_password(secret):
                raise forms.ValidationError(_("La password non è corretta."))
        elif secret.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("L'indirizzo e-mail non è quello del tuo account."))
        return secret
