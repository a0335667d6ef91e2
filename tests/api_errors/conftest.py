# The bookings' small hub in Cesena (one comune of the session), to have real objects to refuse.
from tests.bookings.conftest import cowork, hub, in_cesena, seats, tomorrow  # noqa: F401
