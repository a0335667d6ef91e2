import pytest

from tests.notify.appio_server import FakeAppIO

CESENA_KEY = "chiave-io-cesena-di-prova"
SARSINA_KEY = "chiave-io-sarsina-di-prova"


@pytest.fixture
def app_io(settings):
    fake = FakeAppIO(keys={CESENA_KEY: "cesena", SARSINA_KEY: "sarsina"})
    settings.APP_IO_URL = fake.start()
    settings.APP_IO_KEYS = {"cesena": CESENA_KEY, "sarsina": SARSINA_KEY}
    settings.APP_IO_PAYEES = {"cesena": "00143280402"}
    yield fake
    fake.stop()
