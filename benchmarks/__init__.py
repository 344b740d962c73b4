"""The performance suite of issue 5: ``nox -s bench`` or ``python -m benchmarks``.

One run prints every figure side by side (medians over repetitions, min-max,
and the ratios the goals name); see BENCHMARKS.md for a run and the goals.
"""
