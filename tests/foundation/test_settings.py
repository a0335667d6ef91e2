"""Production settings pass Django's deployment checks; debug is off unless asked for."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "HTTPS": "1",
    "SECRET_KEY": "q8Jm2v_4T9xL0pR7sW1zK3nB6cF5hD8gY2eA9uI4oP0tV7lQ-test-only-not-a-secret",
    "UNION_DOMAIN": "valledelsavio.example.it",
}


def _manage(*args, env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "HTTPS")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_deploy_check_is_clean_with_production_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env={"HTTPS": "1", "UNION_DOMAIN": "valledelsavio.example.it"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_debug_is_off_unless_turned_on():
    assert settings.DEBUG is False
    assert settings.ALLOWED_HOSTS[:2] == ["localhost", ".localhost"]
