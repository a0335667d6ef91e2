# The backup round trip runs on the reporting tests' fixed data (a comune with known reports).
from tests.reporting.conftest import _fast_passwords, _mercato_saraceno_schema, mercato, people, union_data  # noqa: F401
