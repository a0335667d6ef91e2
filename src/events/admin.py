"""Events in the comune's admin: administrators edit, operators look; registrations are read-only here
(people register themselves; operators mark attendance on the event's attendance page)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from src.common.admin import comune_admin
from src.events.models import Event, EventRegistration
from src.events.services import event_places_refill
from src.hubs.admin import HubScopedAdmin
from tenants.audit.admin_mixins import AuditedAdmin
from tenants.identity.admin_access import PolicyTabularInline
from tenants.identity.policy import Action


class RegistrationInline(PolicyTabularInline):
    model = EventRegistration
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    fields = ["person", "state", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event, site=comune_admin)
class EventAdmin(AuditedAdmin, HubScopedAdmin):
    """The event's page lists its registrants (personal data): each look is on the audit log."""

    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = "hub"
    audit_lists = False
    list_display = ["title", "hub", "kind", "starts_at", "capacity", "registration_open", "is_published"]
    list_filter = ["kind", ("hub", admin.RelatedOnlyFieldListFilter), "registration_open", "is_published"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]
    constraint_messages = {
        "event_ends_after_start": _("La fine dell'evento deve essere successiva all'inizio."),
        "event_capacity_positive": _("L'evento deve avere almeno un posto."),
    }

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # More places: the waitlist moves up at once, and those promoted get an e-mail.
            event_places_refill(event=obj)


@admin.register(EventRegistration, site=comune_admin)
class EventRegistrationAdmin(AuditedAdmin, HubScopedAdmin):
    """Every registration of the comune's events, read-only (as on the event's page)."""

    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = "event__hub"
    list_display = ["event", "person", "state", "created_at"]
    list_filter = ["state", ("event__hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["event__title", "person__email"]
    list_select_related = ["event", "person"]
    fields = ["event", "person", "state", "created_at", "queued_at", "reminded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False  # people register themselves

    def has_change_permission(self, request, obj=None):
        return False  # attendance is marked on the event's attendance page

    def has_delete_permission(self, request, obj=None):
        return False
