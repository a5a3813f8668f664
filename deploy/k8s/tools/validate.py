"""Validate the kustomize output of every overlay, offline. Run by deploy/k8s/check.

For each overlay: `kustomize build`, then for each resource
  * schema: core kinds against the Kubernetes JSON schemas of kubernetes-validate
    (strict: unknown fields are errors); custom resources against the
    openAPIV3Schema of their CRD (made strict the same way), or SKIPPED with the
    reason when that operator's CRDs could not be produced on this machine;
  * wiring: references resolve (ConfigMaps, ServiceAccounts, PVCs, HPA targets),
    selectors select something (Services, PDBs, NetworkPolicies,
    ServiceMonitors), pod security settings, probes, the per-service contract
    (names, ports, topics, databases), the collector's personal-data
    processors, alerts (PromQL, annotations, runbook anchors in
    docs/operations.md, known metric names) and dashboards.
Prints every problem and a summary; exits 1 if there was any error.
"""

from __future__ import annotations

import argparse
import copy
import importlib.resources
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import promql_parser
import yaml
from referencing import Registry, Resource

# The four services: Kubernetes name -> database (and owner role) name.
SERVICES = {
    "certification": "certification",
    "employee-accounts": "employee_accounts",
    "shop-binding": "shop_binding",
    "notifier": "notifier",
}
EXTERNAL_TOPICS = ("platform.accounts", "platform.shops")
DAY_MS = 24 * 3600 * 1000

# Which CRD source (a directory under --crd-dir) provides which API group.
CRD_SOURCES = {
    "kafka.strimzi.io": "strimzi",
    "postgresql.cnpg.io": "cnpg",
    "monitoring.coreos.com": "prometheus-operator",
}

# Metrics the services expose (histograms also as _bucket/_sum/_count).
APP_COUNTERS_GAUGES = {
    "http_requests_total", "outbox_backlog", "outbox_oldest_unsent_age_seconds",
    "outbox_published_total", "consumer_lag", "consumer_messages_total",
    "timers_pending", "timers_fired_total", "timers_failed_total", "certification_reviews_overdue",
    "timers_failing", "timers_failing_oldest_age_seconds",
    "certification_review_sla_breaches_total", "invitation_outcomes_total",
    "notification_deliveries_total",
}
APP_HISTOGRAMS = {
    "http_request_duration_seconds", "outbox_publish_duration_seconds",
    "consumer_processing_duration_seconds", "timer_fire_lag_seconds",
}
# Series Prometheus itself or kube-state-metrics provide.
OTHER_METRICS = {"up", "ALERTS", "ALERTS_FOR_STATE"}
OTHER_METRIC_PREFIXES = ("kube_", "container_")
# CloudNativePG's exporter (default monitoring queries) on every instance.
CNPG_METRICS = {
    "cnpg_collector_up", "cnpg_pg_replication_lag", "cnpg_backends_total", "cnpg_pg_settings_setting",
    "cnpg_pg_stat_archiver_failed_count", "cnpg_pg_stat_archiver_seconds_since_last_archival",
    "cnpg_collector_last_available_backup_timestamp", "cnpg_collector_first_recoverability_point",
}
# Strimzi's Kafka exporter, and the broker JMX rules of base/kafka/monitoring.yaml.
KAFKA_METRICS = {
    "kafka_consumergroup_lag", "kafka_brokers", "kafka_topic_partitions",
    "kafka_topic_partition_under_replicated_partition", "kafka_topic_partition_in_sync_replica",
    "kafka_server_replicamanager_underreplicatedpartitions", "kafka_server_replicamanager_underminisrpartitioncount",
    "kafka_server_replicamanager_offlinereplicacount", "kafka_server_replicamanager_partitioncount",
    "kafka_controller_kafkacontroller_offlinepartitionscount", "kafka_controller_kafkacontroller_activecontrollercount",
    "kafka_controller_kafkacontroller_globalpartitioncount", "kafka_server_replicafetchermanager_maxlag",
}


def known_metric(name: str, recorded: set[str]) -> bool:
    if name in APP_COUNTERS_GAUGES or name in OTHER_METRICS or name in recorded:
        return True
    if name in CNPG_METRICS or name in KAFKA_METRICS:
        return True
    if name.startswith(OTHER_METRIC_PREFIXES):
        return True
    base = re.sub(r"_(bucket|sum|count)$", "", name)
    return base in APP_HISTOGRAMS


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    validated: int = 0
    validated_core: int = 0
    validated_custom: int = 0
    skipped: int = 0

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")


def rid(doc: dict) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


# --------------------------------------------------------------------------- schemas


class CoreSchemas:
    """Strict JSON schemas of the Kubernetes API, shipped by kubernetes-validate."""

    def __init__(self, k8s_version: str) -> None:
        root = importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema"
        wanted = tuple(int(x) for x in k8s_version.split(".")[:2])
        versions = []
        for entry in root.iterdir():
            m = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", entry.name)
            if m and (int(m[1]), int(m[2])) <= wanted:
                versions.append(((int(m[1]), int(m[2])), entry))
        if not versions:
            raise SystemExit(f"no Kubernetes schemas for {k8s_version}")
        self.version, self.dir = max(versions, key=lambda v: v[0])
        defs = json.loads((self.dir / "_definitions.json").read_text())
        self.registry = Resource.from_contents(defs) @ Registry()
        self._cache: dict[str, Any] = {}

    def validator(self, api_version: str, kind: str):
        name = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        filename = f"{kind.lower()}-{name}.json"
        if filename not in self._cache:
            path = self.dir / filename
            if not path.is_file():
                self._cache[filename] = None
            else:
                schema = json.loads(path.read_text())
                self._cache[filename] = jsonschema.Draft202012Validator(
                    schema, registry=self.registry
                )
        return self._cache[filename]


OBJECT_META_REF = "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def strict(schema: Any) -> Any:
    """A CRD's structural schema as JSON Schema that rejects unknown fields."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    s = {k: strict(v) if k in ("items", "not", "additionalProperties") else v
         for k, v in schema.items() if not k.startswith("x-kubernetes-")
         or k == "x-kubernetes-preserve-unknown-fields"}
    for key in ("allOf", "anyOf", "oneOf"):
        if key in s:
            s[key] = [strict(x) for x in s[key]]
    if "properties" in s:
        s["properties"] = {k: strict(v) for k, v in s["properties"].items()}
    if schema.get("x-kubernetes-int-or-string"):
        s.pop("anyOf", None)
        s["type"] = ["integer", "string"]
    if s.pop("nullable", False) and "type" in s:
        s["type"] = (s["type"] if isinstance(s["type"], list) else [s["type"]]) + ["null"]
    preserve = s.pop("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in s and "additionalProperties" not in s and not preserve:
        s["additionalProperties"] = False
    return s


class CrdSchemas:
    """openAPIV3Schemas of the operators' CRDs, produced by deploy/k8s/check."""

    def __init__(self, crd_dir: Path, core: CoreSchemas) -> None:
        self.validators: dict[tuple[str, str, str], Any] = {}
        self.origin: dict[tuple[str, str, str], str] = {}
        self.skipped: dict[str, str] = {}
        for group, source in CRD_SOURCES.items():
            sdir = crd_dir / source
            if (sdir / "SKIPPED").is_file():
                self.skipped[group] = (sdir / "SKIPPED").read_text().strip()
                continue
            if not sdir.is_dir():
                self.skipped[group] = f"no CRD schemas were produced for {source}"
                continue
            for path in sorted(sdir.iterdir()):
                if path.suffix == ".json":
                    docs = [json.loads(path.read_text())]
                elif path.suffix == ".jsonl":
                    docs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
                elif path.suffix in (".yaml", ".yml"):
                    docs = list(yaml.safe_load_all(path.read_text()))
                else:
                    continue
                for crd in docs:
                    if not crd or crd.get("kind") != "CustomResourceDefinition":
                        continue
                    spec = crd["spec"]
                    for version in spec["versions"]:
                        schema = strict(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
                        props = schema.setdefault("properties", {})
                        props.setdefault("apiVersion", {"type": "string"})
                        props.setdefault("kind", {"type": "string"})
                        props["metadata"] = {"$ref": OBJECT_META_REF}
                        schema["additionalProperties"] = False
                        key = (spec["group"], version["name"], spec["names"]["kind"])
                        self.validators[key] = jsonschema.Draft202012Validator(
                            schema, registry=core.registry
                        )
                        self.origin[key] = f"{source}/{path.name}"


# --------------------------------------------------------------------------- schema pass


def validate_schema(doc: dict, where: str, core: CoreSchemas, crds: CrdSchemas,
                    report: Report, verbose: bool) -> None:
    api_version, kind = doc.get("apiVersion", ""), doc.get("kind", "")
    group, _, version = api_version.rpartition("/")
    validator = core.validator(api_version, kind)
    origin = f"Kubernetes {core.version[0]}.{core.version[1]}"
    custom = False
    if validator is None:
        key = (group, version, kind)
        if group in crds.skipped:
            report.skipped += 1
            report.notes.append(f"SKIPPED {where}: {api_version} {kind}: {crds.skipped[group]}")
            return
        validator = crds.validators.get(key)
        if validator is None:
            report.error(where, f"no schema for {api_version} {kind}")
            return
        origin, custom = f"CRD {crds.origin[key]}", True
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for err in errors[:10]:
        path = "/".join(str(p) for p in err.absolute_path) or "(root)"
        report.error(where, f"{path}: {err.message[:300]}")
    if not errors:
        report.validated += 1
        if custom:
            report.validated_custom += 1
        else:
            report.validated_core += 1
        if verbose:
            print(f"  ok  {where}  ({origin})")


# --------------------------------------------------------------------------- wiring


def selects(selector: dict | None, labels: dict) -> bool:
    if not selector:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def pod_templates(docs: list[dict]) -> Iterable[tuple[dict, dict]]:
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield d, d["spec"]["template"]
        elif d["kind"] == "CronJob":
            yield d, d["spec"]["jobTemplate"]["spec"]["template"]


def check_workloads(docs: list[dict], overlay: str, report: Report) -> None:
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    for owner, tpl in pod_templates(docs):
        where = f"{overlay}: {rid(owner)}"
        spec = tpl["spec"]
        psc = spec.get("securityContext") or {}
        if spec.get("automountServiceAccountToken") is not False:
            report.error(where, "automountServiceAccountToken must be false")
        if psc.get("runAsNonRoot") is not True:
            report.error(where, "pod securityContext.runAsNonRoot must be true")
        if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            report.error(where, "pod seccompProfile must be RuntimeDefault")
        sa = spec.get("serviceAccountName")
        if sa and ("ServiceAccount", sa) not in names:
            report.error(where, f"ServiceAccount {sa} is not in the build")
        volumes = {v["name"]: v for v in spec.get("volumes") or []}
        for v in volumes.values():
            if "configMap" in v and ("ConfigMap", v["configMap"]["name"]) not in names:
                report.error(where, f"volume {v['name']}: ConfigMap {v['configMap']['name']} is not in the build")
            if "persistentVolumeClaim" in v:
                claim = v["persistentVolumeClaim"]["claimName"]
                if ("PersistentVolumeClaim", claim) not in names:
                    report.error(where, f"volume {v['name']}: PVC {claim} is not in the build")
        for tsc in spec.get("topologySpreadConstraints") or []:
            overlap = set(tsc.get("matchLabelKeys") or []) & set(
                ((tsc.get("labelSelector") or {}).get("matchLabels") or {}))
            if overlap:
                report.error(where, f"topologySpreadConstraints: {sorted(overlap)} in both matchLabelKeys and labelSelector")
        for c in spec["containers"]:
            cw = f"{where} container {c['name']}"
            sc = c.get("securityContext") or {}
            if sc.get("readOnlyRootFilesystem") is not True:
                report.error(cw, "readOnlyRootFilesystem must be true")
            if sc.get("allowPrivilegeEscalation") is not False:
                report.error(cw, "allowPrivilegeEscalation must be false")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                report.error(cw, "capabilities must drop ALL")
            res = c.get("resources") or {}
            for part in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    if r not in (res.get(part) or {}):
                        report.error(cw, f"resources.{part}.{r} missing")
            tmp = [m for m in c.get("volumeMounts") or [] if m["mountPath"] == "/tmp"]
            if not tmp or "emptyDir" not in volumes.get(tmp[0]["name"], {}):
                report.error(cw, "needs an emptyDir mounted at /tmp")
            for src in c.get("envFrom") or []:
                if "configMapRef" in src and ("ConfigMap", src["configMapRef"]["name"]) not in names:
                    report.error(cw, f"ConfigMap {src['configMapRef']['name']} is not in the build")
                if "secretRef" in src and ("Secret", src["secretRef"]["name"]) not in names:
                    report.notes.append(f"{overlay}: {rid(owner)} expects existing Secret {src['secretRef']['name']}")
            if owner["kind"] == "Deployment":
                for probe in ("livenessProbe", "readinessProbe"):
                    if probe not in c:
                        report.error(cw, f"{probe} missing")
                comp = tpl["metadata"].get("labels", {}).get("app.kubernetes.io/component")
                if comp in ("api", "worker"):
                    live = ((c.get("livenessProbe") or {}).get("httpGet") or {}).get("path")
                    ready = ((c.get("readinessProbe") or {}).get("httpGet") or {}).get("path")
                    if live != "/healthz" or ready != "/readyz":
                        report.error(cw, "liveness must probe /healthz and readiness /readyz")


def check_selectors(docs: list[dict], overlay: str, report: Report) -> None:
    by_kind: dict[str, list[dict]] = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    templates = [(o, t) for o, t in pod_templates(docs)]
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}

    def matching(selector: dict | None) -> list[tuple[dict, dict]]:
        return [(o, t) for o, t in templates if selects(selector, t["metadata"].get("labels", {}))]

    for d in by_kind.get("Deployment", []):
        if not selects(d["spec"]["selector"], d["spec"]["template"]["metadata"].get("labels", {})):
            report.error(f"{overlay}: {rid(d)}", "selector does not match its own pod template")
    for svc in by_kind.get("Service", []):
        where = f"{overlay}: {rid(svc)}"
        sel = svc["spec"].get("selector")
        pods = matching({"matchLabels": sel} if sel else None)
        if len(pods) != 1:
            report.error(where, f"selector matches {len(pods)} workloads, expected 1")
            continue
        ports = {p.get("name") for c in pods[0][1]["spec"]["containers"] for p in c.get("ports") or []}
        for p in svc["spec"]["ports"]:
            if isinstance(p.get("targetPort"), str) and p["targetPort"] not in ports:
                report.error(where, f"targetPort {p['targetPort']} is no container port of {rid(pods[0][0])}")
    for pdb in by_kind.get("PodDisruptionBudget", []):
        if len(matching(pdb["spec"]["selector"])) != 1:
            report.error(f"{overlay}: {rid(pdb)}", "selector must match exactly one workload")
    for np in by_kind.get("NetworkPolicy", []):
        if not matching(np["spec"]["podSelector"]):
            report.error(f"{overlay}: {rid(np)}", "podSelector selects no workload")
    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        ref = hpa["spec"]["scaleTargetRef"]
        if (ref["kind"], ref["name"]) not in names:
            report.error(f"{overlay}: {rid(hpa)}", f"scaleTargetRef {ref['kind']}/{ref['name']} is not in the build")
        target = next((d for d in by_kind.get(ref["kind"], []) if d["metadata"]["name"] == ref["name"]), None)
        if target and "replicas" in target["spec"]:
            report.error(f"{overlay}: {rid(target)}", "sets spec.replicas although an HPA owns it (kubectl apply would reset it)")
    services = by_kind.get("Service", [])
    for sm in by_kind.get("ServiceMonitor", []):
        where = f"{overlay}: {rid(sm)}"
        chosen = [s for s in services if selects(sm["spec"]["selector"], s["metadata"].get("labels", {}))]
        if not chosen:
            report.error(where, "selects no Service")
        for ep in sm["spec"].get("endpoints", []):
            for s in chosen:
                if ep.get("port") not in {p.get("name") for p in s["spec"]["ports"]}:
                    report.error(where, f"{rid(s)} has no port named {ep.get('port')}")
    kafkas = {d["metadata"]["name"] for d in by_kind.get("Kafka", [])}
    for kind in ("KafkaTopic", "KafkaNodePool"):
        for d in by_kind.get(kind, []):
            cluster = d["metadata"].get("labels", {}).get("strimzi.io/cluster")
            if cluster not in kafkas:
                report.error(f"{overlay}: {rid(d)}", f"strimzi.io/cluster {cluster!r} names no Kafka in the build")


def check_contract(docs: list[dict], overlay: str, report: Report) -> None:
    """The names and numbers the services and the runbooks rely on."""
    index = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    topics = {d["spec"].get("topicName", d["metadata"]["name"]): d
              for d in docs if d["kind"] == "KafkaTopic"}
    for svc, db in SERVICES.items():
        where = f"{overlay}: service {svc}"
        for proc, port in (("api", 8000), ("worker", 9000)):
            s = index.get(("Service", f"{svc}-{proc}"))
            if not s or not any(p.get("name") == "http" and p.get("port") == port for p in s["spec"]["ports"]):
                report.error(where, f"needs Service {svc}-{proc} with port {port} named http")
            dep = index.get(("Deployment", f"{svc}-{proc}"))
            if not dep:
                report.error(where, f"needs Deployment {svc}-{proc}")
                continue
            env = {e["name"]: e.get("value") for e in dep["spec"]["template"]["spec"]["containers"][0].get("env", [])}
            if env.get("TRUST_HTTP_PORT") != str(port):
                report.error(where, f"{svc}-{proc} must set TRUST_HTTP_PORT={port}")
        if ("Job", f"{svc}-migrate") not in index:
            report.error(where, f"needs the migration Job {svc}-migrate")
        cluster = index.get(("Cluster", f"{svc}-db"))
        initdb = ((cluster or {}).get("spec", {}).get("bootstrap") or {}).get("initdb") or {}
        if initdb.get("database") != db or initdb.get("owner") != db:
            report.error(where, f"needs Cluster {svc}-db bootstrapping database and owner {db}")
        for topic, days in ((f"{svc}.events", 7), (f"{svc}.dlt", 30)):
            t = topics.get(topic)
            if not t:
                report.error(where, f"needs KafkaTopic {topic}")
                continue
            if int((t["spec"].get("config") or {}).get("retention.ms", 0)) != days * DAY_MS:
                report.error(where, f"{topic}: retention.ms must be {days} days")
        events = topics.get(f"{svc}.events")
        if events and events["spec"].get("partitions") != 12:
            report.error(where, f"{svc}.events must have 12 partitions")
        hpa = index.get(("HorizontalPodAutoscaler", f"{svc}-worker"))
        # Every consumer reads *.events and platform.* topics; dead-letter topics are only replayed.
        consumed = [t["spec"].get("partitions", 0) for name, t in topics.items() if not name.endswith(".dlt")]
        if hpa and consumed and hpa["spec"]["maxReplicas"] > min(consumed):
            report.error(where, f"worker maxReplicas {hpa['spec']['maxReplicas']} exceeds the partition count "
                                f"{min(consumed)}: extra consumers would idle")
        if hpa:
            lag = [m for m in hpa["spec"].get("metrics", []) if m.get("type") == "External"
                   and m["external"]["metric"]["name"] == "kafka_consumergroup_lag"]
            groups = [m["external"]["metric"].get("selector", {}).get("matchLabels", {}).get("consumergroup")
                      for m in lag]
            if groups != [svc]:
                report.error(where, f"worker HPA must scale on kafka_consumergroup_lag of consumer group {svc}")
    for topic in EXTERNAL_TOPICS:
        if topic not in topics:
            report.error(f"{overlay}: topics", f"needs KafkaTopic {topic}")
    check_common_settings(docs, overlay, report)


def check_common_settings(docs: list[dict], overlay: str, report: Report) -> None:
    """trust-common must parse as the services' settings expect and point at real peers."""
    common = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("trust-common")]
    where = f"{overlay}: ConfigMap trust-common"
    if len(common) != 1:
        report.error(where, "expected exactly one")
        return
    env = common[0].get("data", {})
    if env.get("TRUST_HTTP_HOST") != "0.0.0.0":
        report.error(where, "TRUST_HTTP_HOST must be 0.0.0.0 (the code defaults to loopback)")
    if env.get("TRUST_ENVIRONMENT") not in ("development", "test", "production"):
        report.error(where, "TRUST_ENVIRONMENT must be development, test or production")
    try:
        algorithms = json.loads(env.get("TRUST_JWT_ALGORITHMS", ""))
        if not (isinstance(algorithms, list) and algorithms and all(isinstance(a, str) for a in algorithms)):
            raise ValueError
    except ValueError:
        report.error(where, 'TRUST_JWT_ALGORITHMS must be a JSON list of strings, e.g. ["RS256"]')
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    kafkas = {d["metadata"]["name"] for d in docs if d["kind"] == "Kafka"}
    host = env.get("TRUST_KAFKA_BOOTSTRAP", "").split(":")[0]
    if not any(host == f"{k}-kafka-bootstrap" for k in kafkas):
        report.error(where, f"TRUST_KAFKA_BOOTSTRAP host {host!r} is no Kafka bootstrap Service of the build")
    otlp = re.sub(r"^\w+://", "", env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")).split(":")[0]
    if otlp not in services:
        report.error(where, f"OTEL_EXPORTER_OTLP_ENDPOINT host {otlp!r} is no Service of the build")


def check_collector(docs: list[dict], overlay: str, report: Report) -> None:
    """The collector's traces and logs pipelines must drop and mask personal data."""
    configs = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("otel-collector-config")]
    if len(configs) != 1:
        report.error(f"{overlay}: otel-collector", "expected one otel-collector-config ConfigMap")
        return
    data = configs[0].get("data", {})
    merged: dict = {}

    def merge(a: dict, b: dict) -> dict:
        for k, v in b.items():
            a[k] = merge(a.get(k, {}), v) if isinstance(v, dict) and isinstance(a.get(k), dict) else v
        return a

    for key in ("collector.yaml", "overrides.yaml"):
        merged = merge(merged, yaml.safe_load(data.get(key, "")) or {})
    where = f"{overlay}: otel-collector config"
    for section in ("receivers", "processors", "exporters"):
        defined = set(merged.get(section) or {})
        for name, pipe in (merged.get("service", {}).get("pipelines") or {}).items():
            for comp in pipe.get(section, []):
                if comp not in defined:
                    report.error(where, f"pipeline {name} uses undefined {section[:-1]} {comp}")
    for name, pipe in (merged.get("service", {}).get("pipelines") or {}).items():
        procs = pipe.get("processors", [])
        needed = ["attributes/drop-personal-data"]
        if name.split("/")[0] in ("traces", "logs"):
            needed.append("redaction/personal-data")
        for p in needed:
            if p not in procs:
                report.error(where, f"pipeline {name} must run {p}")
        if procs and procs[-1] != "batch":
            report.error(where, f"pipeline {name}: batch should be the last processor")
    redaction = (merged.get("processors") or {}).get("redaction/personal-data") or {}
    for pattern in redaction.get("blocked_values", []) + redaction.get("blocked_key_patterns", []):
        try:
            re.compile(pattern)
        except re.error as exc:
            report.error(where, f"bad pattern {pattern!r}: {exc}")


# --------------------------------------------------------------------------- production


def is_production(docs: list[dict]) -> bool:
    return any(d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("trust-common")
               and (d.get("data") or {}).get("TRUST_ENVIRONMENT") == "production" for d in docs)


DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
# Third-party images whose digest this repository's machines cannot look up (no
# registry access); release pins them. Listed, reported as notes, never silent.
TAGGED_THIRD_PARTY = ("docker.io/rclone/rclone:", "otel/opentelemetry-collector-contrib:")


def check_production(docs: list[dict], overlay: str, report: Report) -> None:
    """What only production must guarantee: durability of Kafka, immutable images, rack awareness."""
    if not is_production(docs):
        return
    for d in docs:
        where = f"{overlay}: {rid(d)}"
        if d["kind"] == "KafkaTopic":
            spec = d["spec"]
            if int(spec.get("replicas", 0)) < 3:
                report.error(where, f"replicas {spec.get('replicas')} < 3 in production")
            isr = int((spec.get("config") or {}).get("min.insync.replicas", 0))
            if isr < 2:
                report.error(where, f"min.insync.replicas {isr or 'unset'} < 2 in production")
        if d["kind"] == "Kafka":
            kafka = d["spec"]["kafka"]
            config = kafka.get("config") or {}
            if int(config.get("default.replication.factor", 0)) < 3 or int(config.get("min.insync.replicas", 0)) < 2:
                report.error(where, "default.replication.factor >= 3 and min.insync.replicas >= 2 in production")
            if not (kafka.get("rack") or {}).get("topologyKey"):
                report.error(where, "spec.kafka.rack.topologyKey must be set (rack awareness) in production")
            if "kafkaExporter" not in d["spec"]:
                report.error(where, "spec.kafkaExporter must be set: lag alerts and worker autoscaling read it")
        if d["kind"] == "KafkaNodePool":
            anti = ((((d["spec"].get("template") or {}).get("pod") or {}).get("affinity") or {})
                    .get("podAntiAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution") or []
            if not any(t.get("topologyKey") == "kubernetes.io/hostname" for t in anti):
                report.error(where, "brokers need required pod anti-affinity on kubernetes.io/hostname in production")
    for owner, tpl in pod_templates(docs):
        for c in tpl["spec"].get("containers", []) + tpl["spec"].get("initContainers", []):
            image = c.get("image", "")
            if DIGEST.search(image):
                continue
            if image.startswith(TAGGED_THIRD_PARTY):
                report.notes.append(f"{overlay}: {rid(owner)} runs third-party {image} by tag (pin at release)")
            else:
                report.error(f"{overlay}: {rid(owner)} container {c['name']}",
                             f"image {image} is not pinned by digest (@sha256:...) in production")


# --------------------------------------------------------------------------- backups, pooler, ingress


def check_databases(docs: list[dict], overlay: str, report: Report) -> None:
    """Every Cluster archives its WAL and has a scheduled base backup (unless the overlay is not
    production), is scraped, and separates the schema owner from the runtime role."""
    clusters = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Cluster"}
    scheduled = {d["spec"]["cluster"]["name"] for d in docs if d["kind"] == "ScheduledBackup"}
    monitored = {(d["spec"]["selector"].get("matchLabels") or {}).get("cnpg.io/cluster")
                 for d in docs if d["kind"] == "PodMonitor"}
    for kind in ("ScheduledBackup", "Pooler"):
        for d in docs:
            if d["kind"] == kind and d["spec"]["cluster"]["name"] not in clusters:
                report.error(f"{overlay}: {rid(d)}", f"cluster {d['spec']['cluster']['name']} is not in the build")
    for name, cluster in clusters.items():
        where = f"{overlay}: {rid(cluster)}"
        spec = cluster["spec"]
        if is_production(docs):
            store = (spec.get("backup") or {}).get("barmanObjectStore") or {}
            if not store.get("destinationPath") or "wal" not in store:
                report.error(where, "needs backup.barmanObjectStore with WAL archiving in production")
            if name not in scheduled:
                report.error(where, "needs a ScheduledBackup in production")
        if name not in monitored:
            report.error(where, "needs a PodMonitor selecting cnpg.io/cluster: " + name)
        owner = ((spec.get("bootstrap") or {}).get("initdb") or {}).get("owner")
        roles = {r["name"]: r for r in (spec.get("managed") or {}).get("roles") or []}
        runtime = roles.get(f"{owner}_app")
        if not runtime or runtime.get("superuser") or runtime.get("createdb") or runtime.get("createrole"):
            report.error(where, f"needs a managed runtime role {owner}_app without superuser, createdb, createrole")
        sql = " ".join(((spec.get("bootstrap") or {}).get("initdb") or {}).get("postInitApplicationSQL") or [])
        if f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {owner}_app" not in sql:
            report.error(where, f"postInitApplicationSQL must grant {owner}_app the rows of the owner's tables")
    # Which role each process logs in as, where the credentials are in the build (dev).
    secrets = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Secret"}
    for owner_doc, tpl in pod_templates(docs):
        comp = tpl["metadata"].get("labels", {}).get("app.kubernetes.io/component")
        if comp not in ("api", "worker", "migration"):
            continue
        c = tpl["spec"]["containers"][0]
        env: dict[str, str] = {}
        for src in c.get("envFrom") or []:
            ref = (src.get("secretRef") or {}).get("name")
            if ref in secrets:
                env.update(_secret_data(secrets[ref]))
        for e in c.get("env") or []:
            ref = ((e.get("valueFrom") or {}).get("secretKeyRef") or {})
            if ref.get("name") in secrets:
                env[e["name"]] = _secret_data(secrets[ref["name"]]).get(ref.get("key"), "")
        url = env.get("TRUST_DATABASE_URL")
        if not url:
            continue
        user = re.sub(r"^[\w+]+://([^:@/]+).*", r"\1", url)
        where = f"{overlay}: {rid(owner_doc)}"
        if comp == "migration" and user.endswith("_app"):
            report.error(where, f"the migration Job must log in as the schema owner, not {user}")
        if comp != "migration" and not user.endswith("_app"):
            report.error(where, f"{comp} logs in as {user}: only the migration Job may use the schema owner")


def _secret_data(secret: dict) -> dict[str, str]:
    import base64
    data = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    data.update(secret.get("stringData") or {})
    return data


def check_ingress(docs: list[dict], overlay: str, report: Report) -> None:
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    ingresses = [d for d in docs if d["kind"] == "Ingress"]
    for svc in SERVICES:
        if not any(p["backend"]["service"]["name"] == f"{svc}-api" for i in ingresses
                   for r in i["spec"].get("rules", []) for p in r["http"]["paths"]):
            report.error(f"{overlay}: service {svc}", "needs an Ingress routing to its API")
    for ing in ingresses:
        where = f"{overlay}: {rid(ing)}"
        if not ing["spec"].get("ingressClassName"):
            report.error(where, "ingressClassName must be set")
        tls_hosts = {h for t in ing["spec"].get("tls") or [] for h in t.get("hosts") or [] if t.get("secretName")}
        for rule in ing["spec"].get("rules", []):
            if rule.get("host") not in tls_hosts:
                report.error(where, f"host {rule.get('host')} is not served over TLS (spec.tls)")
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                target = services.get(backend["name"])
                if not target:
                    report.error(where, f"backend Service {backend['name']} is not in the build")
                elif backend["port"].get("name") not in {p.get("name") for p in target["spec"]["ports"]} and \
                        backend["port"].get("number") not in {p.get("port") for p in target["spec"]["ports"]}:
                    report.error(where, f"backend port {backend['port']} is no port of Service {backend['name']}")


# --------------------------------------------------------------------------- connection budget

# Connections PostgreSQL keeps for itself and CloudNativePG (superuser_reserved_connections,
# the instance manager, the exporter, backups): kept out of the services' budget.
RESERVED_CONNECTIONS = 10
# A worker pod also holds one LISTEN connection outside its pool (the outbox relay's wake-up).
WORKER_EXTRA_CONNECTIONS = 1
DEFAULT_POOL_SIZE, DEFAULT_MAX_OVERFLOW = 10, 0


def connection_budget(docs: list[dict]) -> dict[str, dict[str, int]]:
    """Per Cluster: max_connections and what the processes of its service may open at their maxima."""
    index = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    budget: dict[str, dict[str, int]] = {}
    for svc in SERVICES:
        cluster = index.get(("Cluster", f"{svc}-db"))
        if not cluster:
            continue
        params = (cluster["spec"].get("postgresql") or {}).get("parameters") or {}
        line = {"max_connections": int(params.get("max_connections", 100)), "reserved": RESERVED_CONNECTIONS}
        poolers = [d for d in docs if d["kind"] == "Pooler" and d["spec"]["cluster"]["name"] == f"{svc}-db"]
        pooler_clients = 0
        for pooler in poolers:
            pg = pooler["spec"].get("pgbouncer", {}).get("parameters", {})
            instances = int(pooler["spec"].get("instances", 1))
            line[f"pooler {pooler['metadata']['name']}"] = instances * (
                int(pg.get("default_pool_size", 20)) + int(pg.get("reserve_pool_size", 0)))
            pooler_clients += instances * int(pg.get("max_client_conn", 100))
        for proc in ("api", "worker"):
            dep = index.get(("Deployment", f"{svc}-{proc}"))
            if not dep:
                continue
            hpa = index.get(("HorizontalPodAutoscaler", f"{svc}-{proc}"))
            replicas = int(hpa["spec"]["maxReplicas"] if hpa else dep["spec"].get("replicas", 1))
            env = {e["name"]: e.get("value") for e in dep["spec"]["template"]["spec"]["containers"][0].get("env", [])}
            per_pod = int(env.get("TRUST_DATABASE_POOL_SIZE") or DEFAULT_POOL_SIZE) + int(
                env.get("TRUST_DATABASE_MAX_OVERFLOW") or DEFAULT_MAX_OVERFLOW)
            if proc == "worker":
                per_pod += WORKER_EXTRA_CONNECTIONS
            if env.get("TRUST_DATABASE_PGBOUNCER") == "true":
                line[f"{proc} clients of the pooler"] = -replicas * per_pod  # counted against the pooler
                line["pooler client capacity"] = pooler_clients
            else:
                line[f"{proc} {replicas} x {per_pod}"] = replicas * per_pod
        migrate = index.get(("Job", f"{svc}-migrate"))
        if migrate:
            line["migrate"] = 2 * int(migrate["spec"].get("parallelism", 1))
        budget[svc] = line
    return budget


def check_connections(docs: list[dict], overlay: str, report: Report) -> None:
    """Every process at its replica maximum, with its full pool, fits max_connections
    (docs/operations.md#connection-budget); pooled clients fit the pooler."""
    for svc, line in connection_budget(docs).items():
        where = f"{overlay}: service {svc} connection budget"
        server = sum(v for k, v in line.items() if k not in ("max_connections", "pooler client capacity") and v > 0)
        if server > line["max_connections"]:
            parts = ", ".join(f"{k} {v}" for k, v in line.items()
                              if k not in ("max_connections", "pooler client capacity") and v > 0)
            report.error(where, f"{server} connections at the maxima ({parts}) "
                                f"> max_connections {line['max_connections']}")
        clients = -sum(v for v in line.values() if v < 0)
        if clients and clients > line.get("pooler client capacity", 0):
            report.error(where, f"{clients} pooled client connections > the poolers' max_client_conn "
                                f"{line.get('pooler client capacity', 0)}")
        if clients and not line.get("pooler client capacity"):
            report.error(where, "a process sets TRUST_DATABASE_PGBOUNCER but no Pooler serves this database")


# --------------------------------------------------------------------------- alert templates

# Functions Prometheus offers in alert templates (text/template plus its own).
TEMPLATE_FUNCTIONS = {
    "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "printf",
    "title", "toUpper", "toLower", "reReplaceAll", "match", "query", "first", "label", "value", "sortByLabel",
    "strvalue", "args", "safeHtml", "stripPort", "stripDomain", "parseDuration", "pathPrefix", "externalURL",
    "tableLink", "graphLink", "toTime", "urlQueryEscape", "len", "index", "not", "and", "or", "eq", "ne",
    "lt", "le", "gt", "ge", "print", "println", "html", "js", "urlquery",
}
OPENERS, CLOSER = {"if", "range", "with", "define", "block"}, "end"
ACTION = re.compile(r"{{-?\s*(.*?)\s*-?}}", re.S)
TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\S+')


def result_labels(node: Any) -> set[str] | None:
    """Labels an alert's expression keeps, when they can be told from its shape (else None)."""
    name = type(node).__name__
    if name == "ParenExpr":
        return result_labels(node.expr)
    if name == "AggregateExpr":
        if node.modifier is None:
            return set()
        return set(node.modifier.labels) if str(node.modifier.type).endswith("By") else None
    if name == "Call" and node.func.name == "absent":
        selector = node.args[0]
        while type(selector).__name__ in ("BinaryExpr", "ParenExpr"):
            selector = selector.lhs if type(selector).__name__ == "BinaryExpr" else selector.expr
        if type(selector).__name__ != "VectorSelector":
            return None
        return {m.name for m in selector.matchers.matchers if str(m.op).endswith("Equal") and
                not str(m.op).endswith("NotEqual")}
    if name == "BinaryExpr":
        lhs, rhs = result_labels(node.lhs), result_labels(node.rhs)
        lhs_scalar = type(node.lhs).__name__ == "NumberLiteral"
        rhs_scalar = type(node.rhs).__name__ == "NumberLiteral"
        if rhs_scalar:
            return lhs
        if lhs_scalar:
            return rhs
        if str(node.op) in ("and", "unless"):
            return lhs
        if str(node.op) == "or":
            return None if lhs is None or rhs is None else lhs & rhs
        return lhs
    return None


def template_problems(text: str, labels: set[str] | None) -> list[str]:
    """Parse a Prometheus alert template (Go text/template): balanced delimiters and blocks,
    known functions and variables, and $labels.X only for labels the expression keeps."""
    problems: list[str] = []
    if ACTION.sub("", text).count("{{") or ACTION.sub("", text).count("}}"):
        problems.append("unbalanced {{ }}")
    depth = 0
    for action in ACTION.findall(text):
        if action.startswith("/*"):
            if not action.endswith("*/"):
                problems.append(f"unterminated comment in {{{{ {action} }}}}")
            continue
        tokens = TOKEN.findall(action)
        if not tokens:
            problems.append("empty action {{ }}")
            continue
        if tokens[0] in OPENERS:
            depth += 1
            tokens = tokens[1:]
        elif tokens[0] == CLOSER:
            depth -= 1
            if depth < 0:
                problems.append("{{ end }} without an opening block")
            continue
        elif tokens[0] == "else":
            tokens = tokens[1:]
            if tokens[:1] == ["if"]:
                tokens = tokens[1:]
        for token in tokens:
            if token == "|" or token[0] in "\"`" or re.fullmatch(r"-?\d+(\.\d+)?", token) or token in ("(", ")"):
                continue
            bare = token.strip("()")
            if not bare:
                continue
            if bare.startswith("$labels."):
                label = bare[len("$labels."):]
                if not re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", label):
                    problems.append(f"bad label reference {bare}")
                elif labels is not None and label not in labels:
                    problems.append(f"{bare}: the expression keeps only {sorted(labels) or 'no labels'}")
            elif bare.startswith("$externalLabels.") or bare.startswith(".Labels.") or bare in (
                    "$value", "$labels", "$externalLabels", "$externalURL", ".Value", ".", "$"):
                continue
            elif re.fullmatch(r"\$\w+", bare) and ":=" in tokens:
                continue
            elif bare == ":=" or bare in TEMPLATE_FUNCTIONS:
                continue
            else:
                problems.append(f"unknown function or variable {bare!r} in {{{{ {action} }}}}")
    if depth > 0:
        problems.append("block without {{ end }}")
    return problems


# --------------------------------------------------------------------------- alerts, dashboards


GRAFANA_VARS = {
    "$__rate_interval": "5m", "${__rate_interval}": "5m", "$__interval": "1m",
    "${__interval}": "1m", "$__range": "1h", "${__range}": "1h",
}


def metric_names(expr: str) -> list[str]:
    names: list[str] = []

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            name = node.name
            if not name:
                for m in node.matchers.matchers:
                    if m.name == "__name__":
                        name = m.value
            if name:
                names.append(name)
        return True

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def runbook_anchors(doc_path: Path) -> set[str]:
    anchors = set()
    for line in doc_path.read_text().splitlines():
        m = re.match(r"#{1,6}\s+(.*)", line)
        if m:
            slug = re.sub(r"[^\w\- ]", "", m[1].strip().lower()).replace(" ", "-")
            anchors.add(slug)
        anchors.update(re.findall(r'<a (?:id|name)="([^"]+)"', line))
    return anchors


def check_rules(docs: list[dict], overlay: str, report: Report, anchors: set[str]) -> None:
    rules = [d for d in docs if d["kind"] == "PrometheusRule"]
    if not rules:
        report.error(f"{overlay}: alerts", "no PrometheusRule in the build")
    recorded = {r["record"] for d in rules for g in d["spec"].get("groups", []) for r in g.get("rules", []) if "record" in r}
    alerts = 0
    for d in rules:
        for g in d["spec"].get("groups", []):
            for r in g.get("rules", []):
                name = r.get("alert") or r.get("record")
                where = f"{overlay}: {rid(d)} group {g['name']} rule {name}"
                try:
                    unknown = [m for m in metric_names(str(r["expr"])) if not known_metric(m, recorded)]
                except (ValueError, TypeError) as exc:
                    report.error(where, f"PromQL does not parse: {exc}")
                    continue
                if unknown:
                    report.error(where, f"unknown metrics {sorted(set(unknown))}")
                if "alert" not in r:
                    continue
                alerts += 1
                ann, labels = r.get("annotations") or {}, r.get("labels") or {}
                for key in ("summary", "description", "runbook_url"):
                    if not ann.get(key):
                        report.error(where, f"annotation {key} missing")
                if labels.get("severity") not in ("page", "ticket", "info"):
                    report.error(where, "label severity must be page, ticket or info")
                try:
                    kept = result_labels(promql_parser.parse(str(r["expr"])))
                except (ValueError, TypeError):
                    kept = None
                for key, text in [*ann.items(), *labels.items()]:
                    for problem in template_problems(str(text), kept):
                        report.error(where, f"template of {key}: {problem}")
                url = ann.get("runbook_url", "")
                if "docs/operations.md#" not in url:
                    report.error(where, "runbook_url must point into docs/operations.md")
                elif url.split("#", 1)[1] not in anchors:
                    report.error(where, f"runbook anchor #{url.split('#', 1)[1]} is not in docs/operations.md")
    if rules and not alerts:
        report.error(f"{overlay}: alerts", "no alerting rules")


def check_dashboards(docs: list[dict], overlay: str, report: Report) -> None:
    uids: dict[str, str] = {}
    boards = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"].get("labels", {}).get("grafana_dashboard") == "1"]
    if not boards:
        report.error(f"{overlay}: dashboards", "no ConfigMap labelled grafana_dashboard=1")
    for cm in boards:
        for key, text in (cm.get("data") or {}).items():
            where = f"{overlay}: {rid(cm)} {key}"
            try:
                board = json.loads(text)
            except json.JSONDecodeError as exc:
                report.error(where, f"not JSON: {exc}")
                continue
            uid = board.get("uid")
            if not uid or not board.get("title"):
                report.error(where, "dashboard needs uid and title")
            elif uid in uids:
                report.error(where, f"uid {uid} also used by {uids[uid]}")
            else:
                uids[uid] = where
            panels = list(board.get("panels", []))
            for p in list(panels):
                panels.extend(p.get("panels", []))
            if not any(p.get("targets") for p in panels):
                report.error(where, "no panel has a query")
            for p in panels:
                for t in p.get("targets", []):
                    expr = t.get("expr", "")
                    for var, value in GRAFANA_VARS.items():
                        expr = expr.replace(var, value)
                    expr = re.sub(r"\$\{?\w+\}?", "x", expr)
                    try:
                        unknown = [m for m in metric_names(expr) if not known_metric(m, set())]
                    except (ValueError, TypeError) as exc:
                        report.error(f"{where} panel {p.get('title')!r}", f"PromQL does not parse: {exc}")
                        continue
                    if unknown:
                        report.error(f"{where} panel {p.get('title')!r}", f"unknown metrics {sorted(set(unknown))}")


# --------------------------------------------------------------------------- main


def build(kustomize: str, overlay: Path) -> list[dict]:
    out = subprocess.run([kustomize, "build", str(overlay)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kustomize", required=True)
    ap.add_argument("--crd-dir", required=True, type=Path)
    ap.add_argument("--k8s-version", required=True)
    ap.add_argument("--repo", required=True, type=Path)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--skip-schemas", action="store_true",
                    help="wiring checks only (tests of the wiring checks; never for CI's verdict)")
    ap.add_argument("overlays", nargs="+", type=Path)
    args = ap.parse_args()

    core = CoreSchemas(args.k8s_version)
    crds = CrdSchemas(args.crd_dir, core)
    for group, reason in sorted(crds.skipped.items()):
        print(f"check: custom resources of {group} will be SKIPPED: {reason}")
    ops_doc = args.repo / "docs" / "operations.md"
    anchors = runbook_anchors(ops_doc) if ops_doc.is_file() else set()
    report = Report()
    if not anchors:
        report.error("docs/operations.md", "missing or without headings: runbook links cannot resolve")

    for overlay in args.overlays:
        name = f"overlays/{overlay.stem if overlay.is_file() else overlay.name}"
        try:
            # A file is an already-built overlay (tests feed broken manifests this way).
            docs = ([d for d in yaml.safe_load_all(overlay.read_text()) if d] if overlay.is_file()
                    else build(args.kustomize, overlay))
        except RuntimeError as exc:
            report.error(name, f"kustomize build failed: {exc}")
            continue
        print(f"check: {name}: {len(docs)} resources")
        for doc in docs if not args.skip_schemas else []:
            validate_schema(doc, f"{name}: {rid(doc)}", core, crds, report, args.verbose)
        checks = (check_workloads, check_selectors, check_contract, check_collector, check_dashboards,
                  check_production, check_databases, check_ingress, check_connections)
        for check in checks:
            try:
                check(docs, name, report)
            except (KeyError, TypeError, AttributeError) as exc:
                report.error(name, f"{check.__name__} could not read a resource: {exc!r}")
        check_rules(docs, name, report, anchors)

    # On a developer machine a missing toolchain may skip schemas (said loudly); CI must
    # prove every resource, so there a skip is a failure.
    if report.skipped and os.environ.get("CI", "").lower() in ("true", "1"):
        report.error("schemas", f"{report.skipped} custom resources were SKIPPED (CI=true requires every CRD schema)")
    for note in sorted(set(report.notes)):
        print(f"note: {note}")
    for err in report.errors:
        print(f"ERROR {err}")
    print(
        f"check: validated {report.validated} resources "
        f"({report.validated_core} against Kubernetes {core.version[0]}.{core.version[1]} schemas, "
        f"{report.validated_custom} against CRD schemas) in {len(args.overlays)} overlays; "
        f"{report.skipped} skipped; {len(report.errors)} errors"
    )
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
