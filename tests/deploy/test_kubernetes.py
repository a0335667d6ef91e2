"""Every overlay renders with kustomize and validates against the Kubernetes schemas, offline;
the web tier is probed on /readyz and /healthz, bounded in resources, autoscaled and protected
from disruptions; the pooler runs in session mode (transaction mode mixes comuni's schemas)."""

import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ["staging", "production"]
KUBERNETES_VERSION = "1.31.0"


def render(overlay: str) -> list[dict]:
    if not shutil.which("kubectl"):
        pytest.skip("kubectl is not installed (apt-get install kubernetes-client, README 'Deploy checks')")
    result = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "deploy" / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def find(docs, kind, name):
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request):
    return request.param, render(request.param)


def test_every_resource_validates_against_the_kubernetes_schema(overlay):
    name, docs = overlay
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    assert {d["metadata"]["namespace"] for d in docs} == {f"hub-{name}"}


def test_web_is_probed_bounded_autoscaled_and_protected(overlay):
    _, docs = overlay
    web = find(docs, "Deployment", "web")["spec"]["template"]["spec"]
    container = web["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert web["securityContext"]["runAsNonRoot"] is True
    assert find(docs, "HorizontalPodAutoscaler", "web")["spec"]["scaleTargetRef"]["name"] == "web"
    assert find(docs, "PodDisruptionBudget", "web")
    assert find(docs, "Deployment", "beat")["spec"]["replicas"] == 1
    assert find(docs, "Deployment", "sensors")
    assert find(docs, "Deployment", "worker")


def test_migrations_run_as_a_job_straight_to_postgresql(overlay):
    _, docs = overlay
    job = find(docs, "Job", "migrate")["spec"]["template"]["spec"]["containers"][0]
    assert "migrate_schemas --executor=multiprocessing" in " ".join(job["command"])
    assert job["env"][0]["valueFrom"]["secretKeyRef"]["key"] == "DATABASE_DIRECT_URL"


def test_ingress_serves_the_union_and_its_wildcard_with_tls(overlay):
    _, docs = overlay
    ingress = find(docs, "Ingress", "web")
    hosts = ingress["spec"]["tls"][0]["hosts"]
    assert any(h.startswith("*.") for h in hosts) and any(not h.startswith("*.") for h in hosts)
    assert "cert-manager.io/cluster-issuer" in ingress["metadata"]["annotations"]


def test_pooler_is_in_session_mode_and_only_the_app_reaches_it(overlay):
    _, docs = overlay
    ini = find(docs, "ConfigMap", "pgbouncer-config")["data"]["pgbouncer.ini"]
    assert "pool_mode = session" in ini and "pool_mode = transaction" not in ini
    policies = {d["metadata"]["name"] for d in docs if d["kind"] == "NetworkPolicy"}
    assert {"default-deny-ingress", "pgbouncer-from-app", "web-from-ingress-and-monitoring"} <= policies


def test_no_secret_value_is_committed(overlay):
    _, docs = overlay
    assert not [d for d in docs if d["kind"] == "Secret"]
    config = find(docs, "ConfigMap", "hub-config")["data"]
    assert not {"SECRET_KEY", "DATABASE_URL", "EMAIL_HOST_PASSWORD", "SENTRY_DSN"} & set(config)
