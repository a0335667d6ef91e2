"""Forms of the booking pages: they parse and check the shape of input; the rules live in services."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from src.common.codes import code_normalize
from src.common.forms import LocalDateTimeField
from src.common.time import ROME
from src.hubs.models import Seat, Space


class PeriodForm(forms.Form):
    """A form with `start` and `end`: the end must come after the start."""

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            raise forms.ValidationError(_("La fine deve essere successiva all'inizio."))
        return data

    @property
    def period(self):
        return (self.cleaned_data["start"], self.cleaned_data["end"])


class PlaceForm(PeriodForm):
    """A place (a seat, or a whole space when seat is empty) and a period."""

    space = forms.ModelChoiceField(queryset=Space.objects.all(), label=_("Sala"))
    seat = forms.ModelChoiceField(queryset=Seat.objects.all(), required=False, label=_("Postazione"))
    start = LocalDateTimeField(label=_("Inizio"))
    end = LocalDateTimeField(label=_("Fine"))

    def __init__(self, *args, hub=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hub is not None:
            # Only this hub's rooms: an id from another hub is "not a valid choice", not a booking elsewhere.
            self.fields["space"].queryset = Space.objects.filter(hub=hub)
            self.fields["seat"].queryset = Seat.objects.filter(space__hub=hub)


class SlotForm(PeriodForm):
    """A time chosen in the booking steps: the start and end of one slot."""

    start = LocalDateTimeField(label=_("Inizio"))
    end = LocalDateTimeField(label=_("Fine"))


class RepeatForm(forms.Form):
    """Optional on the confirmation page: book the same place and hours again, a number of times."""

    EVERY = {"settimana": 7, "giorno": 1}

    repeat = forms.ChoiceField(
        label=_("Ripeti"),
        required=False,
        choices=[("", _("No, solo questa volta")), ("settimana", _("Ogni settimana")), ("giorno", _("Ogni giorno"))],
    )
    count = forms.IntegerField(
        label=_("Quante volte in tutto"),
        required=False,
        min_value=2,
        max_value=26,
        initial=4,
        help_text=_(
            "Compresa la prima. Ogni prenotazione segue le regole del comune: quelle non possibili ti vengono elencate con il motivo."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("repeat") and not data.get("count"):
            self.add_error("count", _("Indica quante volte ripetere la prenotazione."))
        return data

    @property
    def every_days(self) -> int | None:
        return self.EVERY.get(self.cleaned_data.get("repeat") or "")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Codice di prenotazione"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}),
        help_text=_("Scrivi il codice o inquadra il QR code con il lettore."),
    )

    def clean_code(self):
        code = code_normalize(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Scrivi un codice."))
        return code


class WalkInForm(PeriodForm):
    """A booking at the front desk, today: the person's e-mail, a place and slots from the hub's grid."""

    email = forms.EmailField(label=_("E-mail della persona"), help_text=_("Se non ha un account, ne viene creato uno."))
    place = forms.ChoiceField(label=_("Posto"))
    start = forms.TypedChoiceField(label=_("Dalle"), coerce=datetime.fromisoformat)
    end = forms.TypedChoiceField(label=_("Alle"), coerce=datetime.fromisoformat)
    check_in_now = forms.BooleanField(label=_("Fai subito il check-in"), required=False, initial=True)

    def __init__(self, data=None, *, hub, places, slots, **kwargs):
        """`places`: the grid's rows (space, whole-room row or None, seat rows); `slots`: (start, end) pairs."""
        super().__init__(data, **kwargs)
        self.hub = hub
        choices = []
        for space, whole, seat_rows in places:
            group = [(f"{space.pk}", _("%(space)s: sala intera") % {"space": space.name})] if whole else []
            group += [(f"{space.pk}-{row.seat.pk}", f"{row.seat.label} · {space.name}") for row in seat_rows]
            if group:
                choices.append((space.name, group))
        self.fields["place"].choices = choices
        self.fields["start"].choices = [(s.isoformat(), f"{s.astimezone(ROME):%H:%M}") for s, _e in slots]
        self.fields["end"].choices = [(e.isoformat(), f"{e.astimezone(ROME):%H:%M}") for _s, e in slots]

    def clean(self):
        data = super().clean()
        place = data.get("place")
        if place:
            space_id, _sep, seat_id = place.partition("-")
            data["space"] = Space.objects.filter(hub=self.hub, pk=space_id).first()
            data["seat"] = Seat.objects.filter(space_id=space_id, pk=seat_id).first() if seat_id else None
            if data["space"] is None or (seat_id and data["seat"] is None):
                raise forms.ValidationError(_("Posto sconosciuto."))
        return data
