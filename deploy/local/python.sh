#!/usr/bin/env bash
# Creates .venv and installs the project (libs/common and the four services, editable)
# with pinned versions from constraints.txt. Re-runs only when a pyproject or the
# constraints changed, so a second call is a quick no-op.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

VENV="$ROOT/.venv"
STAMP="$VENV/.installed"
want="$(cat "$ROOT/constraints.txt" "$ROOT"/libs/common/pyproject.toml "$ROOT"/services/*/pyproject.toml | sha256sum | cut -d' ' -f1)"

if [[ -f "$STAMP" && "$(<"$STAMP")" == "$want" ]]; then
  exit 0
fi
command -v python3 >/dev/null || apt_install python3 python3-venv
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  python3 -m venv "$VENV" || { apt_install python3-venv && python3 -m venv "$VENV"; }
fi
log "installing Python packages (pinned by constraints.txt)"
"$VENV/bin/pip" install -q --upgrade pip
packages=(-e "$ROOT/libs/common")
for service in "$ROOT"/services/*/; do packages+=(-e "$service"); done
"$VENV/bin/pip" install -q -c "$ROOT/constraints.txt" "${packages[@]}" pytest pytest-asyncio ruff mypy
echo "$want" >"$STAMP"
