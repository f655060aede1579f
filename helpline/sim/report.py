"""The simulation's report: per language and overall, as a table or as JSON."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from helpline.sim.telephony import CallResult

ANSWER_TARGET_SECONDS = 30


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Line:
    """One row of the report (a language, or ``all``)."""

    language: str
    calls: int = 0
    answered: int = 0
    answered_in_30s: int = 0
    abandoned: int = 0
    no_volunteer: int = 0
    no_language: int = 0
    errors: int = 0
    mean_wait: float = 0.0
    p90_wait: float = 0.0
    talk_hours: float = 0.0
    volunteer_hours: float | None = None  # on shift, when known (in-process runs)
    utilisation: float | None = None

    @property
    def answer_rate(self) -> float:
        return self.answered / self.calls if self.calls else 0.0


def line(name: str, results: Iterable[CallResult], volunteer_seconds: float | None) -> Line:
    results = list(results)
    waits = [r.wait_seconds for r in results if r.chose_at is not None]
    outcomes = [r.outcome for r in results]
    talk = sum(r.talk_seconds for r in results)
    return Line(
        language=name,
        calls=len(results),
        answered=outcomes.count("answered"),
        answered_in_30s=sum(1 for r in results if r.outcome == "answered"
                            and r.wait_seconds <= ANSWER_TARGET_SECONDS),
        abandoned=outcomes.count("abandoned"),
        no_volunteer=outcomes.count("no_volunteer"),
        no_language=outcomes.count("no_language"),
        errors=outcomes.count("error"),
        mean_wait=round(sum(waits) / len(waits), 1) if waits else 0.0,
        p90_wait=round(percentile(waits, 0.9), 1),
        talk_hours=round(talk / 3600, 2),
        volunteer_hours=None if volunteer_seconds is None else round(volunteer_seconds / 3600, 2),
        utilisation=(round(talk / volunteer_seconds, 3) if volunteer_seconds else None),
    )


@dataclass
class Latency:
    path: str
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class Report:
    simulated_hours: float
    real_seconds: float
    lines: list[Line]
    overall: Line
    webhooks: list[Latency]
    requests: int
    requests_per_second: float
    double_booked_volunteers: int
    warnings: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = self.errors[:20]
        return data


def build(results: Sequence[CallResult], *, simulated_seconds: float, real_seconds: float,
          latencies: Mapping[str, Sequence[float]], double_booked: int,
          on_shift_seconds: Mapping[str, float] | None, overall_on_shift: float | None,
          warnings: Mapping[str, int], errors: Sequence[str]) -> Report:
    by_language: dict[str, list[CallResult]] = {}
    for result in results:
        by_language.setdefault(result.language or "-", []).append(result)
    lines = [
        line(code, rows, None if on_shift_seconds is None else on_shift_seconds.get(code, 0.0))
        for code, rows in sorted(by_language.items())
    ]
    requests = sum(len(v) for v in latencies.values())
    return Report(
        simulated_hours=round(simulated_seconds / 3600, 2),
        real_seconds=round(real_seconds, 1),
        lines=lines,
        overall=line("all", results, overall_on_shift),
        webhooks=[
            Latency(path, len(v), round(percentile(v, 0.5) * 1000, 1),
                    round(percentile(v, 0.99) * 1000, 1), round(max(v) * 1000, 1))
            for path, v in sorted(latencies.items()) if v
        ],
        requests=requests,
        requests_per_second=round(requests / real_seconds, 1) if real_seconds else 0.0,
        double_booked_volunteers=double_booked,
        warnings=dict(warnings),
        errors=list(errors),
    )


def render(report: Report, console: Console) -> None:
    """Print the report with rich."""
    table = Table(title=f"{report.simulated_hours} simulated hours "
                        f"in {report.real_seconds} s", title_justify="left")
    for name in ("lang", "calls", "answered", "≤30 s", "aband.", "no vol.",
                 "no lang.", "wait", "p90", "util."):
        table.add_column(name, justify="left" if name == "lang" else "right", no_wrap=True)
    for row in [*report.lines, report.overall]:
        table.add_row(
            row.language, str(row.calls), f"{row.answered} {row.answer_rate:4.0%}",
            str(row.answered_in_30s), str(row.abandoned), str(row.no_volunteer),
            str(row.no_language), f"{row.mean_wait:.0f} s", f"{row.p90_wait:.0f} s",
            "-" if row.utilisation is None else f"{row.utilisation:.0%}",
            end_section=row.language == report.lines[-1].language if report.lines else False,
        )
    console.print(table)
    hooks = Table(title=f"Webhooks: {report.requests} requests, "
                        f"{report.requests_per_second}/s", title_justify="left")
    for name in ("path", "requests", "p50 ms", "p99 ms", "max ms"):
        hooks.add_column(name, justify="left" if name == "path" else "right")
    for lat in report.webhooks:
        hooks.add_row(lat.path, str(lat.requests), str(lat.p50_ms), str(lat.p99_ms),
                      str(lat.max_ms))
    console.print(hooks)
    console.print(f"Double-booked volunteers: {report.double_booked_volunteers}")
    for warning, count in report.warnings.items():
        console.print(f"[yellow]TwiML warning ({count}×): {warning}[/yellow]")
    for error in report.errors[:5]:
        console.print(f"[red]error:[/red] {error}")
    if len(report.errors) > 5:
        console.print(f"[red]... and {len(report.errors) - 5} more errors[/red]")
