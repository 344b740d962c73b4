"""The `h3conformance` command: run, interop, list, explain, check, doctor, report, adapters, new-adapter."""

from __future__ import annotations

import argparse
import fnmatch
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional, TextIO

from . import __version__
from .adapter import Adapter, AdapterError, available_adapters, load_adapter
from .interop import red_cells, render_grids, run_interop
from .lint import lint, stale_expectations
from .loader import ScenarioFormatError, ScenarioSet, load_dir
from .model import DEFAULT_PASSWORD, PROFILES, Scenario
from .results import InteropRecord, Record, ResultRecord, ResultsWriter
from .runner import run_adapter
from .summary import FAIL_ON_LEVELS, PROGRESS, counts_table, failure_lines, print_progress, red_results

__all__ = ["main", "select"]

EXIT_OK, EXIT_RED, EXIT_USAGE = 0, 1, 2
_PROGRESS_WIDTH = 76  # interop cells per progress line


class UsageError(Exception):
    """Bad arguments, unreadable scenarios or an unknown adapter: exit code 2."""


def select(scenarios: Sequence[Scenario], patterns: Sequence[str]) -> list[Scenario]:
    """Scenarios whose id matches any pattern: a glob ("tamper.*") or else a substring of the id."""
    if not patterns:
        return list(scenarios)

    def hit(scenario_id: str, pattern: str) -> bool:
        if any(c in pattern for c in "*?["):
            return fnmatch.fnmatchcase(scenario_id, pattern)
        return pattern in scenario_id

    return [s for s in scenarios if any(hit(s.id, p) for p in patterns)]


def _scenarios(args: argparse.Namespace) -> ScenarioSet:
    try:
        return load_dir(args.scenarios)
    except ScenarioFormatError as exc:
        raise UsageError(f"the scenario files break the format:\n{exc}") from exc


def _adapters(args: argparse.Namespace) -> list[Adapter]:
    adapters: list[Adapter] = []
    names = list(args.adapter or [])
    if args.all_adapters:
        names += [name for name in available_adapters() if name not in names]
    try:
        adapters.extend(load_adapter(name) for name in names)
    except AdapterError as exc:
        raise UsageError(str(exc)) from exc
    if args.command:
        adapters.append(
            Adapter(
                name="command",
                kind="command",
                command=shlex.split(args.command),
                profiles=tuple(args.profile or PROFILES),
            )
        )
    if args.url:
        if not args.profile or len(args.profile) != 1:
            raise UsageError("--url needs exactly one --profile: a running server has one configuration")
        try:
            config = json.loads(args.url_config) if args.url_config else {"password": DEFAULT_PASSWORD}
        except ValueError as exc:
            raise UsageError(f"--url-config is not JSON: {exc}") from exc
        adapters.append(
            Adapter(
                name=args.url,
                kind="url",
                url=args.url,
                profiles=tuple(args.profile),
                config={**config, "profile": args.profile[0]},
            )
        )
    if args.all_adapters:
        adapters = [a for a in adapters if _runnable(a)]
    if not adapters:
        raise UsageError(
            f"name an implementation: --adapter NAME, --all-adapters (installed: "
            f"{', '.join(available_adapters()) or 'none'}), --command CMD or --url URL"
        )
    return adapters


def _runnable(adapter: Adapter) -> bool:
    missing = [name for name, version in adapter.framework().items() if version == "missing"]
    if missing:
        sys.stderr.write(f"h3conformance: not running {adapter.name}: {', '.join(missing)} not installed\n")
    return not missing


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    scenario_set = _scenarios(args)
    chosen = select(scenario_set.scenarios, args.id)
    if not chosen:
        raise UsageError(f"no scenario id matches {args.id}")
    adapters = _adapters(args)
    records: list[Record] = []
    interop: list[InteropRecord] = []
    writer = ResultsWriter(args.results) if args.results else None
    try:
        for adapter in adapters:
            for record in run_adapter(
                adapter, chosen, scenario_set_version=scenario_set.version, profiles=args.profile
            ):
                records.append(record)
                if writer:
                    writer.write(record)
                if isinstance(record, ResultRecord):
                    print_progress(record, out)
                elif record.type == "run":
                    out.write(f"{record.adapter} [{record.profile}] ")
                else:
                    out.write("\n")
        if args.interop:
            interop = _interop(adapters, args.profile, writer, out)
    finally:
        if writer:
            writer.close()
    if args.report_dir:
        _reports([*records, *interop], args.report_dir, out)
    if args.interop:
        out.write("\n" + render_grids(interop) + "\n")
    lines = failure_lines(records)
    if lines:
        out.write("\n" + "\n".join(lines) + "\n")
    # The adapter x profile matrix comes last: it is what a reader of the main job looks for.
    red = red_results(records, args.fail_on)
    levels = " or ".join(FAIL_ON_LEVELS[args.fail_on])
    out.write("\n" + counts_table(records) + "\n")
    if args.interop:
        out.write(f"interop: {len(interop)} pair(s), {len(red_cells(interop))} red\n")
    out.write(f"{len(red)} {levels} scenario(s) failed or errored (--fail-on {args.fail_on})\n")
    return EXIT_RED if red or red_cells(interop) else EXIT_OK


def _interop(
    adapters: list[Adapter], profiles: Optional[list[str]], writer: Optional[ResultsWriter], out: TextIO
) -> list[InteropRecord]:
    """Run the interop matrix, writing each cell to the results stream as it is judged."""
    records: list[InteropRecord] = []
    table, column = None, 0
    for record in run_interop(adapters, profiles):
        head = f"interop [{record.profile}] "
        if record.profile != table:
            out.write(("\n" if records else "") + head)
            table, column = record.profile, 0
        elif column % _PROGRESS_WIDTH == 0:
            out.write("\n" + " " * len(head))
        column += 1
        records.append(record)
        if writer:
            writer.write(record)
        out.write(PROGRESS.get(record.verdict, "?"))
        out.flush()
    out.write("\n")
    return records


def cmd_interop(args: argparse.Namespace, out: TextIO) -> int:
    adapters = _adapters(args)
    writer = ResultsWriter(args.results) if args.results else None
    try:
        records = _interop(adapters, args.profile, writer, out)
    finally:
        if writer:
            writer.close()
    if args.report_dir:
        _reports(records, args.report_dir, out)
    out.write("\n" + render_grids(records) + "\n")
    return EXIT_RED if red_cells(records) else EXIT_OK


def _reports(records: Sequence[object], directory: Path, out: TextIO) -> None:
    try:
        from .reports import render_all
    except ImportError:
        out.write("\n(no reports package installed: --report-dir ignored)\n")
        return
    directory.mkdir(parents=True, exist_ok=True)
    written = render_all(records, directory)
    out.write(f"\nreports: {', '.join(str(p) for p in written.values())}\n")


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    chosen = select(_scenarios(args).scenarios, args.id)
    if args.json:
        rows = [
            {
                "id": s.id,
                "theme": s.theme,
                "title": s.title,
                "level": s.level,
                "profiles": list(s.profiles),
                "source": s.source,
                "rows": list(s.rows),
                "reason": s.reason,
                "file": s.file.name,
            }
            for s in chosen
        ]
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    width = max((len(s.id) for s in chosen), default=0)
    for s in chosen:
        out.write(f"{s.id.ljust(width)}  {s.level:6}  {','.join(s.profiles):5}  {s.title}\n")
    out.write(f"{len(chosen)} scenario(s)\n")
    return EXIT_OK


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    scenario = _scenarios(args).by_id().get(args.scenario_id)
    if scenario is None:
        raise UsageError(f"no scenario with id {args.scenario_id!r} (see `h3conformance list`)")
    out.write(f"{scenario.id}  ({scenario.level}; profiles {', '.join(scenario.profiles)}; {scenario.file.name})\n")
    out.write(f"  {scenario.title}\n  source: {scenario.source}\n")
    if scenario.rows:
        out.write(f"  rows: {', '.join(scenario.rows)}\n")
    if scenario.reason:
        out.write(f"  reason: {scenario.reason}\n")
    out.write(f'  config: {_compact(scenario.config)}  (+ "profile")\n')
    for step, raw in zip(scenario.steps, scenario.raw.get("step", [])):
        only = f"  [only {', '.join(step.profiles)}]" if step.profiles != scenario.profiles else ""
        out.write(f"\n  {step.label}{only}\n    send:   {_compact(raw.get('send', {}))}\n")
        for key in ("expect", "expect_v1", "expect_v2"):
            if key in raw:
                out.write(f"    {key + ':':8}{_compact(raw[key])}\n")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    scenario_set = _scenarios(args)
    issues = lint(scenario_set)
    if args.scenarios is None:  # the kit's own set: installed adapters' expectations must match it
        adapters = []
        for name in available_adapters():
            try:
                adapters.append(load_adapter(name))
            except AdapterError as exc:
                issues.append(str(exc))
        issues += stale_expectations(scenario_set, adapters)
    for issue in issues:
        out.write(issue + "\n")
    out.write(
        f"{len(scenario_set.scenarios)} scenario(s) in {len(scenario_set.files)} file(s), "
        f"set version {scenario_set.version}: {len(issues)} issue(s)\n"
    )
    return EXIT_RED if issues else EXIT_OK


def cmd_doctor(args: argparse.Namespace, out: TextIO) -> int:
    from .doctor import doctor

    healthy = True
    for adapter in _adapters(args):
        profiles = [p for p in adapter.profiles if not args.profile or p in args.profile]
        healthy = doctor(adapter, profiles, out) and healthy  # prints its verdict: healthy, broken or non-conformant
    return EXIT_OK if healthy else EXIT_RED


def cmd_adapters(args: argparse.Namespace, out: TextIO) -> int:
    rows: list[dict[str, Any]] = []
    for name in available_adapters():
        try:
            adapter = load_adapter(name)
        except AdapterError as exc:
            rows.append({"name": name, "error": str(exc)})
            continue
        versions = adapter.framework()
        rows.append(
            {
                "name": name,
                "kind": adapter.kind,
                "profiles": list(adapter.profiles),
                "requirements": versions,
                "installed": "missing" not in versions.values(),
                "description": adapter.description,
            }
        )
    if args.json:
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        for row in rows:
            versions = row.get("requirements", {}).items()
            row["needs"] = ", ".join(f"{k} {'MISSING' if v == 'missing' else v}" for k, v in versions) or "-"
        width = {key: max((len(str(row.get(key, ""))) for row in rows), default=0) for key in ("name", "needs")}
        for row in rows:
            name = row["name"].ljust(width["name"])
            if "error" in row:
                out.write(f"{name}  BROKEN: {row['error']}\n")
                continue
            profiles = ",".join(row["profiles"])
            line = f"{name}  {row['kind']:7}  {profiles:5}  {row['needs']:{width['needs']}}  {row['description']}"
            out.write(line.rstrip() + "\n")
        not_ready = sum(1 for row in rows if not row.get("installed"))
        out.write(f"{len(rows)} adapter(s); {not_ready} cannot run here (broken, or a requirement is MISSING)\n")
    return EXIT_RED if any("error" in row for row in rows) else EXIT_OK


def cmd_new_adapter(args: argparse.Namespace, out: TextIO) -> int:
    from .scaffold import ScaffoldError, plan, write

    try:
        scaffold = plan(args.name, args.kind, args.dir)
        written = write(scaffold)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from exc
    if args.name in available_adapters():
        sys.stderr.write(f"h3conformance: note: an installed adapter is already named {args.name!r}\n")
    out.write("".join(f"created {path}\n" for path in written))
    out.write(
        f"next: pip install -e {scaffold.root if scaffold.root.is_absolute() else f'./{scaffold.root}'}\n"
        f"      h3conformance doctor --adapter {args.name}   # broken until the TODO routes are written\n"
        "      (conformance/WRITING_ADAPTERS.md walks through the rest)\n"
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from .reports import REPORT_FILES, merge_results, print_summary, render_all

    sources = [*args.results_files, *args.merge]
    if not sources:
        raise UsageError("name a results file (RESULTS.jsonl) or --merge DIR")
    # A report written into a merged directory must not feed its own results.jsonl back in.
    exclude = [args.out / REPORT_FILES["results"]] if args.out else []
    try:
        records = merge_results(sources, exclude=exclude)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    red = print_summary(records, out, fail_on_levels=FAIL_ON_LEVELS[args.fail_on])
    if args.out:
        written = render_all(records, args.out)
        out.write(f"reports: {', '.join(str(p) for p in written.values())}\n")
    return EXIT_RED if red else EXIT_OK


def _target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--adapter", action="append", metavar="NAME", help="an installed adapter, or package.module:OBJECT (repeatable)"
    )
    parser.add_argument(
        "--all-adapters", action="store_true", help="every installed adapter whose requirements are installed"
    )
    parser.add_argument("--command", metavar="CMD", help="a server command (env H3_SESSION_CONFIG, PORT)")
    parser.add_argument("--url", metavar="URL", help="a running server (needs one --profile)")
    parser.add_argument(
        "--url-config", metavar="JSON", help="the configuration the --url server runs with (default: the docs password)"
    )
    parser.add_argument(
        "--profile",
        action="append",
        choices=PROFILES,
        help="v1 or v2 (repeatable; default: every profile the adapter supports)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="h3conformance", description="Judge an h3-style session implementation.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--scenarios", type=Path, default=None, metavar="DIR", help="scenario directory (default: the kit's own)"
    )
    sub = parser.add_subparsers(dest="command_name", required=True)

    run = sub.add_parser("run", help="run scenarios against implementations")
    _target_options(run)
    run.add_argument(
        "--id",
        "-k",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only ids matching a glob or containing the text (repeatable)",
    )
    run.add_argument(
        "--fail-on",
        choices=tuple(FAIL_ON_LEVELS),
        default="must",
        help="which levels make the exit code 1 (default: must)",
    )
    run.add_argument("--results", type=Path, metavar="FILE.jsonl", help="write the results stream here")
    run.add_argument("--report-dir", type=Path, metavar="DIR", help="render reports into DIR")
    run.add_argument(
        "--interop", action="store_true", help="then the interop matrix of the same implementations (see interop)"
    )
    run.set_defaults(handler=cmd_run)

    interop = sub.add_parser(
        "interop", help="writer x reader matrix: is a session written by one implementation read by another?"
    )
    _target_options(interop)
    interop.add_argument("--results", type=Path, metavar="FILE.jsonl", help="write the interop records here")
    interop.add_argument("--report-dir", type=Path, metavar="DIR", help="render reports into DIR")
    interop.set_defaults(handler=cmd_interop)

    listing = sub.add_parser("list", help="list scenarios")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.add_argument("--id", "-k", action="append", default=[], metavar="PATTERN")
    listing.set_defaults(handler=cmd_list)

    explain = sub.add_parser("explain", help="show what one scenario sends and expects")
    explain.add_argument("scenario_id", metavar="ID")
    explain.set_defaults(handler=cmd_explain)

    check = sub.add_parser("check", help="lint the scenario files")
    check.set_defaults(handler=cmd_check)

    doctor = sub.add_parser("doctor", help="check that an implementation serves the contract routes at all")
    _target_options(doctor)
    doctor.set_defaults(handler=cmd_doctor)

    adapters = sub.add_parser("adapters", help="list the installed adapters: kind, profiles, requirements")
    adapters.add_argument("--json", action="store_true", help="machine-readable output")
    adapters.set_defaults(handler=cmd_adapters)

    new = sub.add_parser("new-adapter", help="scaffold an installable package for a new adapter")
    new.add_argument("name", metavar="NAME", help="the adapter's name, e.g. my-framework")
    new.add_argument("--kind", required=True, choices=("wsgi", "asgi", "command"), help="how the kit reaches it")
    new.add_argument("--dir", type=Path, default=Path(), metavar="DIR", help="create DIR/NAME (default: .)")
    new.set_defaults(handler=cmd_new_adapter)

    report = sub.add_parser("report", help="summarize results streams and render reports")
    report.add_argument("results_files", nargs="*", type=Path, metavar="RESULTS.jsonl")
    report.add_argument(
        "--merge",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="also every *.jsonl under DIR, recursively (repeatable)",
    )
    report.add_argument(
        "--out", type=Path, metavar="DIR", help="write results.jsonl, junit.xml, report.md and report.html into DIR"
    )
    report.add_argument(
        "--fail-on",
        choices=tuple(FAIL_ON_LEVELS),
        default="must",
        help="which levels make the exit code 1 (default: must)",
    )
    report.set_defaults(handler=cmd_report)
    return parser


def main(argv: Optional[Sequence[str]] = None, out: Optional[TextIO] = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args, out)
    except UsageError as exc:
        sys.stderr.write(f"h3conformance: {exc}\n")
        return EXIT_USAGE
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
