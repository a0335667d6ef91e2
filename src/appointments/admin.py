"""Desk appointments in the comune's admin, read-only: people book them through the flow and the
API, operators mark them on the desk's agenda. Operators see their hubs' desks only; every look
is on the audit log (they carry names, e-mail addresses, fiscal codes)."""

from django.contrib import admin

from src.appointments.models import Appointment
from src.common.admin import comune_admin
from src.hubs.admin import HubScopedAdmin
from tenants.audit.admin_mixins import AuditedAdmin
from tenants.identity.policy import Action


@admin.register(Appointment, site=comune_admin)
class AppointmentAdmin(AuditedAdmin, HubScopedAdmin):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = "desk__hub"
    list_display = ["code", "desk", "period", "topic", "applicant_name", "state", "created_at"]
    list_filter = ["state", ("desk__hub", admin.RelatedOnlyFieldListFilter), ("desk", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "email", "applicant_name"]
    list_select_related = ["desk"]
    fields = [
        "code",
        "desk",
        "period",
        "topic",
        "details",
        "applicant_name",
        "email",
        "phone",
        "fiscal_code",
        "person",
        "language",
        "state",
        "created_at",
        "hold_expires_at",
        "reminded_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False  # through the flow, the API or the desk

    def has_change_permission(self, request, obj=None):
        return False  # states change through the services, which record them

    def has_delete_permission(self, request, obj=None):
        return False
