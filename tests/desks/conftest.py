from tests.hubs.conftest import in_cesena  # noqa: F401 - shared fixture
