"""Service desks in the comune's admin, scoped like the hubs they belong to."""

from django.contrib import admin

from src.common.admin import comune_admin
from src.desks.models import DeskHours, ServiceDesk
from src.hubs.admin import CatalogueAdmin, CatalogueInline


class DeskHoursInline(CatalogueInline):
    model = DeskHours


@admin.register(ServiceDesk, site=comune_admin)
class ServiceDeskAdmin(CatalogueAdmin):
    list_display = ["name", "kind", "hub", "takes_appointments"]
    list_filter = ["kind", ("hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "hub__name", "topics"]
    inlines = [DeskHoursInline]
