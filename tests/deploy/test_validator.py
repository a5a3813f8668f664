"""Each check of deploy/k8s/tools/validate.py fails on a manifest broken the way it guards against
(docs/operations.md#manifest-checks). The real overlays are built once, one thing is broken per
variant, and all variants go through the validator in one run; the unbroken build is the control.
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("TRUST_TOOLS_DIR", ROOT / ".local" / "tools"))
KUSTOMIZE = TOOLS / "bin" / "kustomize"
PYTHON = TOOLS / "k8s-check-venv" / "bin" / "python"
VALIDATE = ROOT / "deploy" / "k8s" / "tools" / "validate.py"
CRDS = TOOLS / "crd-schemas"

Docs = list[dict]


def _one(docs: Docs, kind: str, name: str | None = None) -> dict:
    return next(d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name))


def _alert(docs: Docs, name: str) -> dict:
    rules = _one(docs, "PrometheusRule")["spec"]["groups"]
    return next(r for g in rules for r in g["rules"] if r.get("alert") == name)


def _env(container: dict, name: str, value: str) -> None:
    container["env"] = [e for e in container.get("env", []) if e["name"] != name] + [{"name": name, "value": value}]


def unbalanced_template(docs: Docs) -> None:
    _alert(docs, "TrustOutboxStuck")["annotations"]["summary"] = "{{ $labels.job } outbox stuck"


def label_the_expression_drops(docs: Docs) -> None:
    # `max by (job)` keeps only job: {{ $labels.pod }} would render empty in every notification.
    _alert(docs, "TrustOutboxStuck")["annotations"]["description"] = "pod {{ $labels.pod }} is stuck"


def unknown_template_function(docs: Docs) -> None:
    _alert(docs, "TrustApiLatencyP99High")["annotations"]["summary"] = "p99 {{ $value | humanise }}"


def topic_with_one_replica(docs: Docs) -> None:
    _one(docs, "KafkaTopic", "certification-events")["spec"]["replicas"] = 1


def topic_with_min_isr_one(docs: Docs) -> None:
    _one(docs, "KafkaTopic", "platform-accounts")["spec"]["config"]["min.insync.replicas"] = 1


def connection_budget_exceeded(docs: Docs) -> None:
    worker = _one(docs, "Deployment", "notifier-worker")["spec"]["template"]["spec"]["containers"][0]
    _env(worker, "TRUST_DATABASE_POOL_SIZE", "30")


def overflow_counts_in_the_budget(docs: Docs) -> None:
    worker = _one(docs, "Deployment", "shop-binding-worker")["spec"]["template"]["spec"]["containers"][0]
    _env(worker, "TRUST_DATABASE_MAX_OVERFLOW", "20")


def image_by_tag(docs: Docs) -> None:
    api = _one(docs, "Deployment", "certification-api")["spec"]["template"]["spec"]["containers"][0]
    api["image"] = "registry.example.com/trust/certification:1.2.3"


def cluster_without_wal_archiving(docs: Docs) -> None:
    del _one(docs, "Cluster", "notifier-db")["spec"]["backup"]


def cluster_without_scheduled_backup(docs: Docs) -> None:
    docs.remove(_one(docs, "ScheduledBackup", "employee-accounts-db-daily"))


def brokers_without_rack_awareness(docs: Docs) -> None:
    del _one(docs, "Kafka")["spec"]["kafka"]["rack"]


def brokers_without_anti_affinity(docs: Docs) -> None:
    del _one(docs, "KafkaNodePool")["spec"]["template"]["pod"]["affinity"]


def ingress_without_tls(docs: Docs) -> None:
    _one(docs, "Ingress", "shop-binding-api")["spec"]["tls"] = []


def worker_beyond_partitions(docs: Docs) -> None:
    _one(docs, "HorizontalPodAutoscaler", "notifier-worker")["spec"]["maxReplicas"] = 13


def worker_scaled_on_cpu_only(docs: Docs) -> None:
    hpa = _one(docs, "HorizontalPodAutoscaler", "certification-worker")
    hpa["spec"]["metrics"] = [m for m in hpa["spec"]["metrics"] if m["type"] != "External"]


def runtime_role_with_ddl(docs: Docs) -> None:
    roles = _one(docs, "Cluster", "shop-binding-db")["spec"]["managed"]["roles"]
    next(r for r in roles if r["name"] == "shop_binding_app")["createrole"] = True


# Broken variants of the production build: (what is broken, the error it must cause).
PROD_CASES: dict[str, tuple[Callable[[Docs], None], str]] = {
    "unbalanced-template": (unbalanced_template, r"TrustOutboxStuck: template of summary: unbalanced"),
    "dropped-label": (label_the_expression_drops, r"TrustOutboxStuck: template of description: \$labels\.pod"),
    "unknown-function": (unknown_template_function, r"TrustApiLatencyP99High: template of summary: unknown function"),
    "topic-replicas": (topic_with_one_replica, r"KafkaTopic/certification-events: replicas 1 < 3"),
    "topic-min-isr": (topic_with_min_isr_one, r"KafkaTopic/platform-accounts: min.insync.replicas 1 < 2"),
    "budget-pool": (connection_budget_exceeded, r"service notifier connection budget: \d+ connections"),
    "budget-overflow": (overflow_counts_in_the_budget, r"service shop-binding connection budget: \d+ connections"),
    "image-tag": (image_by_tag, r"Deployment/certification-api container api: image .* not pinned by digest"),
    "no-wal-archive": (cluster_without_wal_archiving, r"Cluster/notifier-db: needs backup.barmanObjectStore"),
    "no-scheduled-backup": (cluster_without_scheduled_backup, r"Cluster/employee-accounts-db: needs a ScheduledBackup"),
    "no-rack": (brokers_without_rack_awareness, r"Kafka/trust: spec.kafka.rack.topologyKey must be set"),
    "no-anti-affinity": (brokers_without_anti_affinity, r"KafkaNodePool/dual-role: brokers need required pod anti"),
    "ingress-no-tls": (ingress_without_tls, r"Ingress/shop-binding-api: host \S+ is not served over TLS"),
    "worker-max": (worker_beyond_partitions, r"service notifier: worker maxReplicas 13 exceeds the partition count"),
    "worker-cpu-only": (worker_scaled_on_cpu_only, r"certification: worker HPA must scale on kafka_consumergroup_lag"),
    "runtime-ddl": (runtime_role_with_ddl, r"Cluster/shop-binding-db: needs a managed runtime role shop_binding_app"),
}


def _owner_logs_in_the_worker(docs: Docs) -> None:
    """dev carries its Secrets: make the worker's URL the schema owner's."""
    import base64
    dep = _one(docs, "Deployment", "certification-worker")
    name = next(s["secretRef"]["name"] for s in dep["spec"]["template"]["spec"]["containers"][0]["envFrom"]
                if "secretRef" in s)
    secret = _one(docs, "Secret", name)
    url = "postgresql+asyncpg://certification:dev-only-password@certification-db-rw:5432/certification"
    secret.setdefault("data", {})["TRUST_DATABASE_URL"] = base64.b64encode(url.encode()).decode()
    secret.get("stringData", {}).pop("TRUST_DATABASE_URL", None)


def _tools() -> None:
    if not (KUSTOMIZE.exists() and PYTHON.exists() and CRDS.exists()):
        subprocess.run(["bash", str(ROOT / "deploy/k8s/check")], cwd=ROOT, check=True, capture_output=True,
                       timeout=1800)


def _build(overlay: str) -> Docs:
    out = subprocess.run([str(KUSTOMIZE), "build", str(ROOT / "deploy/k8s/overlays" / overlay)],
                         capture_output=True, text=True, check=True)
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def _validate(files: list[Path], crds: Path = CRDS, ci: bool = False, schemas: bool = True) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    out = subprocess.run([str(PYTHON), str(VALIDATE), "--kustomize", str(KUSTOMIZE), "--crd-dir", str(crds),
                          "--k8s-version", "1.34.0", "--repo", str(ROOT), *([] if schemas else ["--skip-schemas"]),
                          *map(str, files)],
                         capture_output=True, text=True, env=env, timeout=900)
    return out.returncode, out.stdout + out.stderr


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Errors per variant, from one validator run over every broken build and the controls."""
    _tools()
    tmp = tmp_path_factory.mktemp("variants")
    prod, dev = _build("prod"), _build("dev")
    files = []
    for name, docs in (("control-prod", prod), ("control-dev", dev)):
        files.append(tmp / f"{name}.yaml")
        files[-1].write_text(yaml.safe_dump_all(docs))
    for name, (breaks, _) in PROD_CASES.items():
        docs = copy.deepcopy(prod)
        breaks(docs)
        files.append(tmp / f"{name}.yaml")
        files[-1].write_text(yaml.safe_dump_all(docs))
    docs = copy.deepcopy(dev)
    _owner_logs_in_the_worker(docs)
    files.append(tmp / "owner-in-worker.yaml")
    files[-1].write_text(yaml.safe_dump_all(docs))
    # The controls with every schema; the variants differ only in wiring, which is what is tested.
    _, output = _validate(files[:2])
    _, wiring = _validate(files[2:], schemas=False)
    output += wiring
    errors: dict[str, list[str]] = {}
    for line in output.splitlines():
        if m := re.match(r"check: overlays/([\w-]+): (\d+) resources", line):
            errors[m[1]] = []
        elif m := re.match(r"ERROR overlays/([\w-]+): (.*)", line):
            errors[m[1]].append(m[2])
    assert set(errors) == {f.stem for f in files}, output[-3000:]  # every variant was read
    return errors


def test_the_unbroken_builds_pass(verdicts):
    assert verdicts["control-prod"] == []
    assert verdicts["control-dev"] == []


@pytest.mark.parametrize("case", sorted(PROD_CASES))
def test_each_check_fails_its_broken_manifest(verdicts, case):
    pattern = PROD_CASES[case][1]
    assert any(re.search(pattern, e) for e in verdicts[case]), verdicts[case]


def test_only_the_migration_job_logs_in_as_the_schema_owner(verdicts):
    assert any("Deployment/certification-worker: worker logs in as certification" in e
               for e in verdicts["owner-in-worker"]), verdicts["owner-in-worker"]


def test_skipped_crd_schemas_fail_in_ci(tmp_path):
    _tools()
    crds = tmp_path / "crds"
    shutil.copytree(CRDS, crds)
    shutil.rmtree(crds / "cnpg")
    (crds / "cnpg").mkdir()
    (crds / "cnpg" / "SKIPPED").write_text("cargo is needed (simulated)\n")
    control = tmp_path / "prod.yaml"
    control.write_text(yaml.safe_dump_all(_build("prod")))
    code, output = _validate([control], crds)
    assert code == 0 and re.search(r"; [1-9]\d* skipped; 0 errors", output), output[-3000:]
    code, output = _validate([control], crds, ci=True)
    assert code == 1
    assert "custom resources were SKIPPED (CI=true requires every CRD schema)" in output
