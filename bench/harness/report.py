"""Results: one row per target (figure, ceiling, ratio over interleaved rounds), printed as a
table and written as JSON."""
from __future__ import annotations

import json
import math
import operator
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

OPS = {">=": operator.ge, "<=": operator.le}


@dataclass
class Row:
    benchmark: str
    figure: str
    unit: str
    figures: list[float]
    ceiling: str
    ceilings: list[float]
    target: str | None = None  # e.g. ">= 0.6"; None for a figure shown for information
    note: str = ""
    ratios: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Paired per round: a ratio compares arms that ran back to back under the same noise.
        self.ratios = [f / c if c else float("nan") for f, c in zip(self.figures, self.ceilings, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else float("nan")

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        op, threshold = self.target.split()
        return bool(OPS[op](self.ratio, float(threshold)))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(figure_stats=stats(self.figures), ceiling_stats=stats(self.ceilings), ratio=self.ratio,
                    ratio_stats=stats(self.ratios), met=self.met)
        return data


def stats(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


@dataclass
class Results:
    profile: dict[str, Any]
    path: Path
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        """Print the row and rewrite the JSON at once: a run cut short keeps what it measured."""
        self.rows.append(row)
        print(render([row], header=False), flush=True)
        self.write()
        return row

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {"profile": self.profile, "rows": [r.as_dict() for r in self.rows]}
        self.path.write_text(json.dumps(_finite(document), indent=2))


def _finite(value: Any) -> Any:
    """JSON has no infinity or NaN (a prompt that never came, say): those become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _fmt(value: float) -> str:
    if value != value:  # nan
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _triple(values: list[float]) -> str:
    s = stats(values)
    return f"{_fmt(s['median'])} ({_fmt(s['min'])}–{_fmt(s['max'])})"


COLUMNS = ("benchmark", "figure: median (min–max)", "ceiling: median (min–max)", "ratio (min–max)", "target",
           "met")


def render(rows: list[Row], *, header: bool = True) -> str:
    lines = []
    if header:
        lines += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        met = {None: "info", True: "yes", False: "NO"}[r.met]
        lines.append(f"| {r.benchmark} | {r.figure}: {_triple(r.figures)} {r.unit} | {r.ceiling}: "
                     f"{_triple(r.ceilings)} | {_triple(r.ratios)} | {r.target or '—'} | {met} |")
    return "\n".join(lines)


def load(path: Path) -> list[Row]:
    """Rows back from a results file (for rendering several runs as one table)."""
    rows = []
    for data in json.loads(path.read_text())["rows"]:
        def numbers(values: list[float | None]) -> list[float]:
            return [math.nan if v is None else v for v in values]

        rows.append(Row(data["benchmark"], data["figure"], data["unit"], numbers(data["figures"]), data["ceiling"],
                        numbers(data["ceilings"]), data["target"], data["note"]))
    return rows


if __name__ == "__main__":
    import sys

    print(render([row for name in sys.argv[1:] for row in load(Path(name))]))
