"""The image never carries the working copy's secrets or data, and never runs as root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_dockerignore_keeps_local_secrets_and_data_out():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".venv", ".data", ".env", ".git", "demo-credentials.txt", "media"} <= ignored


def test_image_runs_as_an_unprivileged_user_with_a_healthcheck():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "collectstatic" in dockerfile
