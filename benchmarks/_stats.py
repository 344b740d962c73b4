"""Figures (repetitions of one measurement), goals (ratios of figures), and their tables."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass
class Figure:
    """One measured quantity: every repetition is kept; the table shows median and min-max."""

    section: str
    key: str
    label: str
    unit: str  # "us", "ms" (per call), "req/s", "s"
    values: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def cells(self) -> tuple[str, str]:
        if not self.values:
            return "n/a", self.note or "not measured"
        spread = f"{_num(min(self.values))} - {_num(max(self.values))}"
        return f"{_num(self.median)} {self.unit}", spread


@dataclass(frozen=True)
class Goal:
    """``numerator / denominator`` (medians) compared with ``target``; ``at_least`` says which way."""

    text: str
    numerator: str
    denominator: str  # "" for an absolute goal on the numerator itself
    target: float
    at_least: bool = True


def _num(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def per_call(fn: Callable[[], object], calls: int, repeats: int, unit: str = "us") -> list[float]:
    """Mean CPU time per call of ``calls`` calls, once per repetition (after one untimed warm-up call)."""
    fn()
    return [batch(fn, calls, unit) for _ in range(repeats)]


def batch(fn: Callable[[], object], calls: int, unit: str) -> float:
    """Mean CPU time per call over ``calls`` calls.

    CPU time, not wall time: on a shared machine a process that is descheduled for a while
    would otherwise be charged for other people's work.  Single-threaded code on an idle
    machine gives the same figure either way.
    """
    scale = 1e6 if unit == "us" else 1e3
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls * scale


@dataclass(frozen=True)
class Case:
    """One per-call measurement of a round-robin set."""

    section: str
    key: str
    label: str
    unit: str
    fn: Callable[[], object]
    calls: int


def round_robin(results: Results, cases: Sequence[Case], repeats: int) -> None:
    """Each repetition measures every case once, so drift over the run touches all cases alike."""
    figures = [Figure(c.section, c.key, c.label, c.unit) for c in cases]
    for case in cases:
        case.fn()  # warm-up
    for _ in range(repeats):
        for case, figure in zip(cases, figures):
            figure.values.append(batch(case.fn, case.calls, case.unit))
    for figure in figures:
        results.add(figure)


class Results:
    """Every figure of a run, by key, in the order measured."""

    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}

    def add(self, figure: Figure) -> Figure:
        self.figures[figure.key] = figure
        print(f"  {figure.label}: {' '.join(figure.cells())} {figure.note}".rstrip(), flush=True)
        return figure

    def median_in(self, key: str, unit: str) -> Optional[float]:
        figure = self.figures.get(key)
        if figure is None or not figure.values:
            return None
        value = figure.median
        # Compare like with like: per-call figures may be in us or ms.
        factor = {("ms", "us"): 1000.0, ("us", "ms"): 0.001}.get((figure.unit, unit), 1.0)
        return value * factor

    def ratio(self, goal: Goal) -> Optional[float]:
        num = self.figures.get(goal.numerator)
        if num is None:
            return None
        top = self.median_in(goal.numerator, num.unit)
        bottom = self.median_in(goal.denominator, num.unit) if goal.denominator else 1.0
        if top is None or bottom is None or bottom == 0:
            return None
        return top / bottom

    def table(self) -> str:
        rows = [("section", "figure", "median", "min - max", "note")]
        for figure in self.figures.values():
            median, spread = figure.cells()
            rows.append((figure.section, figure.label, median, spread, figure.note))
        return _markdown(rows)

    def goals_table(self, goals: Sequence[Goal]) -> str:
        rows = [("goal", "ratio (medians)", "target", "met")]
        for goal in goals:
            ratio = self.ratio(goal)
            sign = ">=" if goal.at_least else "<="
            if ratio is None:
                rows.append((goal.text, "n/a", f"{sign} {goal.target:g}", "not measured"))
                continue
            met = ratio >= goal.target if goal.at_least else ratio <= goal.target
            unit = "x" if goal.denominator else f" {self.figures[goal.numerator].unit}"
            shown = f"{ratio:.2f}{unit}" if ratio < 1000 else f"{ratio:,.0f}{unit}"
            rows.append((goal.text, shown, f"{sign} {goal.target:g}{unit}", "yes" if met else "**no**"))
        return _markdown(rows)


def _markdown(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
