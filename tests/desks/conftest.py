from tests.hubs.conftest import _fast_passwords, in_cesena  # noqa: F401 - shared fixtures
