"""deploy/compose.yaml is a valid Compose file (checked by docker-compose against the Compose
specification's schema) and starts what a single host needs, in the right order."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"


@pytest.fixture(scope="module")
def config():
    if not shutil.which("docker-compose"):
        pytest.skip("docker-compose is not installed (apt-get install docker-compose, README 'Deploy checks')")
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "--env-file", str(ROOT / "deploy" / ".env.example"), "config"],
        capture_output=True,
        text=True,
        cwd=ROOT / "deploy",
        env={**os.environ, "HUB_ENV_FILE": ".env.example"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_validates_against_the_compose_schema(config):
    assert set(config["services"]) >= {"web", "worker", "beat", "db", "redis", "mqtt", "proxy", "migrate", "sensors"}


def test_web_worker_and_beat_wait_for_the_one_shot_migration(config):
    for name in ("web", "worker", "beat", "sensors"):
        assert config["services"][name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert config["services"]["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "migrate_schemas" in " ".join(config["services"]["migrate"]["command"])


def test_database_is_postgresql_16_and_no_secret_is_written_in_the_file():
    text = COMPOSE.read_text()
    assert "image: postgres:16" in text
    assert "POSTGRES_PASSWORD:?" in text  # compose refuses to start without it
    assert "SECRET_KEY" not in text
