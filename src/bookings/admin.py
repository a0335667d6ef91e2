"""Bookings in the comune's admin: the policy is edited here by administrators; bookings and
the waitlist are shown read-only (state changes go through the services, which record them)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from src.bookings import services
from src.bookings.models import Booking, BookingPolicy, BookingTransition, WaitlistEntry
from src.bookings.selectors import policy_get
from src.common.admin import comune_admin
from src.common.errors import DomainError
from src.hubs.admin import COMUNE_WIDE, HubScopedAdmin
from tenants.audit.admin_mixins import AuditedAdmin
from tenants.identity.admin_access import PolicyTabularInline
from tenants.identity.policy import Action, can


class BookingPolicyAdmin(HubScopedAdmin):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = COMUNE_WIDE
    grammatical_gender, grammatical_plural = "f", True  # le regole di prenotazione
    constraint_messages = {
        "booking_policy_slot_range": _("La durata di una fascia deve essere tra 15 minuti e 24 ore."),
        "booking_policy_single_row": _(
            "Le regole di prenotazione del comune sono una sola: modifica quelle esistenti."
        ),
    }
    fieldsets = [
        (_("Orari"), {"fields": ["slot_minutes", "max_days_ahead", "max_hours"]}),
        (_("Limiti per persona"), {"fields": ["max_active_per_person", "cancel_deadline_hours"]}),
        (
            _("Presenza e riserve"),
            {"fields": ["checkin_window_minutes", "hold_minutes", "waitlist_offer_minutes", "reminder_hours"]},
        ),
    ]

    def has_add_permission(self, request, *args):
        return False  # one row per comune, created on first read

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Straight to the comune's only row.
        from django.shortcuts import redirect

        policy = policy_get()
        return redirect(f"{request.path}{policy.pk}/change/")


class TransitionInline(PolicyTabularInline):
    model = BookingTransition
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    fields = ["at", "from_state", "to_state", "actor", "channel", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(description=_("Annulla le prenotazioni selezionate"))
def cancel_selected(modeladmin, request, queryset):
    done = 0
    for booking in queryset:
        try:
            services.booking_cancel(
                booking=booking, actor=request.user, channel=Booking.Channel.FRONT_DESK, by_staff=True
            )
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{booking.code}: {error.message}", messages.WARNING)
    if done:
        modeladmin.message_user(request, _("%(n)d prenotazioni annullate.") % {"n": done}, messages.SUCCESS)


class BookingAdmin(AuditedAdmin, HubScopedAdmin):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = "hub"
    grammatical_gender = "f"  # la prenotazione
    list_display = ["code", "hub", "space", "seat", "period", "person", "state", "channel", "created_at"]
    list_filter = ["state", "channel", ("hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "person__email"]
    date_hierarchy = "created_at"
    list_select_related = ["hub", "space", "seat", "person"]
    readonly_fields = [
        "code",
        "person",
        "hub",
        "space",
        "seat",
        "period",
        "state",
        "channel",
        "created_at",
        "created_by",
        "checked_in_at",
        "hold_expires_at",
        "reminder_sent_at",
        "event_id",
        "note",
    ]
    inlines = [TransitionInline]
    actions = [cancel_selected]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can(request.user, Action.ADMINISTER_COMUNE, getattr(request, "municipality", None)):
            actions.pop("cancel_selected", None)
        return actions

    def has_add_permission(self, request, *args):
        return False  # bookings are made through the pages, the API or the front desk

    def has_delete_permission(self, request, obj=None):
        return False  # history is kept; cancel instead


class WaitlistAdmin(AuditedAdmin, HubScopedAdmin):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = "space__hub"
    grammatical_gender = "f"  # l'iscrizione alla lista d'attesa
    list_display = ["person", "space", "seat", "period", "state", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["person", "space", "seat", "period", "state", "created_at", "offered_booking", "offered_at"]

    def has_add_permission(self, request, *args):
        return False


comune_admin.register(BookingPolicy, BookingPolicyAdmin)
comune_admin.register(Booking, BookingAdmin)
comune_admin.register(WaitlistEntry, WaitlistAdmin)
