"""The Kubernetes manifests build and validate offline (docs/operations.md#manifest-checks).

deploy/k8s/check builds every kustomize overlay and validates each resource against the
Kubernetes schemas and the operators' CRD schemas, plus the wiring between resources. On a
machine without its tools it installs them into .local/tools first (a few minutes, once).
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "deploy" / "k8s" / "check"


def test_every_overlay_builds_and_every_resource_validates() -> None:
    result = subprocess.run(["bash", str(CHECK)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    summary = re.search(r"validated (\d+) resources .*; (\d+) skipped; (\d+) errors", output)
    assert summary, output[-8000:]
    validated, _skipped, errors = (int(n) for n in summary.groups())
    assert validated > 0, output[-8000:]
    assert errors == 0, output[-8000:]
