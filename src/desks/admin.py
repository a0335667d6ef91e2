"""Service desks in the comune's admin, scoped like the hubs they belong to."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from src.common.admin import comune_admin
from src.desks.models import DeskHours, ServiceDesk
from src.hubs.admin import CLOSES_AFTER_OPENS, WEEKDAY_RANGE, CatalogueAdmin, CatalogueInline

NO_HOURS_FOR_APPOINTMENTS = _(
    "Uno sportello che riceve su appuntamento ha bisogno di almeno un orario: senza orari i cittadini "
    "non troverebbero nessun appuntamento libero. Aggiungi gli orari qui sotto, oppure togli la spunta "
    "a «riceve su appuntamento»."
)


class DeskHoursFormSet(BaseInlineFormSet):
    """A desk that takes appointments keeps at least one weekly hour (the rows left after deletions)."""

    def clean(self):
        super().clean()
        if not self.instance.takes_appointments:
            return
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or (form.has_changed() and form.cleaned_data))
        ]
        if not kept:
            raise ValidationError(NO_HOURS_FOR_APPOINTMENTS, code="no_hours")


class DeskHoursInline(CatalogueInline):
    model = DeskHours
    formset = DeskHoursFormSet
    constraint_messages = {
        "desk_hours_closes_after_opens": CLOSES_AFTER_OPENS,
        "desk_hours_weekday_range": WEEKDAY_RANGE,
    }


@admin.register(ServiceDesk, site=comune_admin)
class ServiceDeskAdmin(CatalogueAdmin):
    list_display = ["name", "kind", "hub", "takes_appointments"]
    list_filter = ["kind", ("hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "hub__name", "topics"]
    inlines = [DeskHoursInline]
