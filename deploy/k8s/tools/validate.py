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


def known_metric(name: str, recorded: set[str]) -> bool:
    if name in APP_COUNTERS_GAUGES or name in OTHER_METRICS or name in recorded:
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
        consumed = [t["spec"].get("partitions", 0) for t in topics.values()]
        if hpa and consumed and hpa["spec"]["maxReplicas"] > max(consumed):
            report.error(where, "worker maxReplicas exceeds the partition count: extra consumers would idle")
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
        name = f"overlays/{overlay.name}"
        try:
            docs = build(args.kustomize, overlay)
        except RuntimeError as exc:
            report.error(name, f"kustomize build failed: {exc}")
            continue
        print(f"check: {name}: {len(docs)} resources")
        for doc in docs:
            validate_schema(doc, f"{name}: {rid(doc)}", core, crds, report, args.verbose)
        checks = (check_workloads, check_selectors, check_contract, check_collector, check_dashboards)
        for check in checks:
            try:
                check(docs, name, report)
            except (KeyError, TypeError, AttributeError) as exc:
                report.error(name, f"{check.__name__} could not read a resource: {exc!r}")
        check_rules(docs, name, report, anchors)

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
