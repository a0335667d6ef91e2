import pytest

from src.outbox import services


@pytest.fixture
def handlers():
    """Register handlers of the test's own; the real registry is restored afterwards."""
    saved = dict(services._handlers)
    yield services.outbox_handler
    services._handlers.clear()
    services._handlers.update(saved)
