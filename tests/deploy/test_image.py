"""The image installs exactly the locked dependencies, in a layer of their own before the sources,
and its build context is filtered by a .dockerignore every builder reads (deploy/docker/README.md).
No container engine runs here: these check the files the build is made of."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "deploy/docker/requirements.lock"
DOCKERFILE = ROOT / "deploy/docker/Dockerfile"
LOCAL = {"trust-common", "certification", "employee-accounts", "shop-binding", "notifier"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from the lock."""
    pins: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text()):
        m = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if m:
            pins[_norm(m[1])] = (m[2], len(re.findall(r"--hash=sha256:[0-9a-f]{64}", block)))
    return pins


def test_every_locked_package_is_pinned_with_hashes():
    pins = _locked()
    assert len(pins) > 30
    assert {name for name, (_, hashes) in pins.items() if hashes == 0} == set()


def test_the_lock_covers_every_dependency_of_the_image_at_the_constrained_version():
    pins = _locked()
    wanted = set()
    for path in [ROOT / "libs/common/pyproject.toml", *ROOT.glob("services/*/pyproject.toml")]:
        for dep in tomllib.loads(path.read_text())["project"]["dependencies"]:
            wanted.add(_norm(re.split(r"[\[<>=;~! ]", dep, maxsplit=1)[0]))
    assert wanted - LOCAL - set(pins) == set()
    constraints = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            constraints[_norm(name)] = version.strip()
    drift = {name: (version, constraints[name]) for name, (version, _) in pins.items()
             if name in constraints and constraints[name] != version}
    assert drift == {}, "deploy/docker/lock was not rerun after constraints.txt changed"


def test_dependencies_are_installed_by_hash_in_a_layer_before_the_sources():
    lines = [line.strip() for line in DOCKERFILE.read_text().splitlines()]
    install = next(i for i, line in enumerate(lines) if "--require-hashes" in line)
    assert lines[install].startswith("RUN pip install") and "requirements.lock" in lines[install]
    first_source = next(i for i, line in enumerate(lines) if re.match(r"COPY (libs|services)/", line))
    assert install < first_source
    # Only the lock is copied before the install: a code change cannot invalidate that layer.
    assert [line for line in lines[:install] if line.startswith("COPY")] == [
        "COPY deploy/docker/requirements.lock ./"]
    assert any("--no-deps" in line and "./libs/common" in line for line in lines[first_source:])


def test_the_build_context_is_filtered_by_a_root_dockerignore():
    assert not (ROOT / "deploy/docker/Dockerfile.dockerignore").exists()  # BuildKit-only, and would win there
    rules = [r for r in (ROOT / ".dockerignore").read_text().splitlines() if r and not r.startswith("#")]
    assert rules[0] == "*"
    assert {r[1:] for r in rules if r.startswith("!")} == {
        "deploy/docker/requirements.lock", "libs/common/", "services/"}
