from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "src.bookings"
    label = "bookings"
    verbose_name = _("Prenotazioni")

    def ready(self):
        from src.bookings.selectors import POLICY_NAMESPACE
        from src.common.cache import namespace_changed

        def policy_changed(**_signal):
            namespace_changed(POLICY_NAMESPACE)

        policy = self.get_model("BookingPolicy")
        post_save.connect(policy_changed, sender=policy, dispatch_uid="booking-policy-save", weak=False)
        post_delete.connect(policy_changed, sender=policy, dispatch_uid="booking-policy-delete", weak=False)

        # Events hold their room through src.common.occupancy, with a row of our table.
        from src.bookings.services import occupancy
        from src.common.occupancy import occupancy_register

        occupancy_register(
            check=occupancy.space_check_for_event,
            hold=occupancy.space_hold_for_event,
            release=occupancy.space_release_for_event,
        )

        # Payments confirm a held booking through src.common.charging; bookings never import them.
        from src.bookings.services.booking import booking_hold_extend, booking_paid
        from src.common.charging import bookings_register

        bookings_register(paid=booking_paid, hold_extend=booking_hold_extend)
