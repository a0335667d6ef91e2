from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "src.bookings"
    label = "bookings"

    def ready(self):
        # Events hold their room through src.common.occupancy, with a row of our table.
        from src.bookings.services import occupancy
        from src.common.occupancy import occupancy_register

        occupancy_register(
            check=occupancy.space_check_for_event,
            hold=occupancy.space_hold_for_event,
            release=occupancy.space_release_for_event,
        )
