"""The `workbench` command: open the app, or new / info / check / bench on a case file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from workbench import __version__
from workbench.core.store import (
    COUNTED_TABLES,
    CaseError,
    CaseNeedsRepair,
    check_case,
    create_case,
    open_case,
    schema_version,
)
from workbench.core.times import case_zone, utc_to_local

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_REFUSED = 2
SUBCOMMANDS = ("new", "info", "check", "bench", "import", "export", "merge")
DECK_FORMATS = ("pdf", "pptx", "html")
EXPORT_FORMATS = ("case", "json", "csv", "graphml", "gexf", "stix", "timelinejs", "pdf", "pptx", "html")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        return run_subcommand(args)
    return run_app(args)


def app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Case Workbench: timeline, actor graph and sources of one investigation, offline. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (workbench SUBCOMMAND --help).",
    )
    parser.add_argument("case", nargs="?", type=Path, help="case file to open (default: the sample case)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="render the main window to PNG and exit")
    parser.add_argument("--read-only", action="store_true", help="open the case without allowing changes")
    parser.add_argument(
        "--exit-after-paint", action="store_true", help="quit as soon as the window has painted (start-up timing)"
    )
    parser.add_argument("--version", action="version", version=f"Case Workbench {__version__}")
    return parser


def run_app(args: list[str]) -> int:
    options = app_parser().parse_args(args)
    # Qt is imported only here so that the subcommands start fast and run without a display.
    from workbench.ui.app import run

    return run(
        case_path=options.case,
        screenshot=options.screenshot,
        read_only=options.read_only,
        exit_after_paint=options.exit_after_paint,
    )


def subcommand_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench")
    commands = parser.add_subparsers(dest="command", required=True)

    new = commands.add_parser("new", help="create an empty case file")
    new.add_argument("case", type=Path)
    new.add_argument("--title", required=True)
    new.add_argument("--classification", default="UNCLASSIFIED")
    new.add_argument("--timezone", default="UTC", help="IANA time zone of the case, e.g. Europe/Minsk")

    info = commands.add_parser("info", help="counts per table and the date range of a case")
    info.add_argument("case", type=Path)

    check = commands.add_parser("check", help="integrity and schema report; exit 0 healthy, 2 refused")
    check.add_argument("case", type=Path)
    check.add_argument("--repair", action="store_true",
                       help="fix dangling references and rebuild a stale search index, in one transaction")

    imports = commands.add_parser("import", help="bring a report (.md/.html/.txt), .csv, .json or STIX bundle in")
    imports.add_argument("file", type=Path)
    imports.add_argument("--into", type=Path, required=True, metavar="CASE", help="case file to add to")
    imports.add_argument("--accept-all", action="store_true", help="accept every proposal without review")

    export = commands.add_parser("export", help="write the case in another format")
    export.add_argument("case", type=Path)
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export.add_argument("--out", type=Path, required=True)

    merge = commands.add_parser("merge", help="bring a colleague's case into this one by stable ids")
    merge.add_argument("case", type=Path)
    merge.add_argument("other", type=Path)

    bench = commands.add_parser("bench", help="build a synthetic case for benchmarks")
    bench.add_argument("--generate", type=int, required=True, metavar="N", help="number of events")
    bench.add_argument("--out", type=Path, required=True, help="case file to create")
    bench.add_argument("--seed", type=int, default=20200815)
    return parser


def waiting_message(case: Path) -> Callable[[float], None]:
    """Say once, on stderr, that the command waits for another program's write to finish."""
    said: list[bool] = []

    def waiting(seconds: float) -> None:
        if not said:
            print(f"Waiting for another program to finish writing to {Path(case).name}\u2026 (Ctrl+C stops)",
                  file=sys.stderr, flush=True)
            said.append(True)

    return waiting


def run_subcommand(args: list[str]) -> int:
    options = subcommand_parser().parse_args(args)
    try:
        if options.command == "new":
            create_case(options.case, options.title, options.classification, options.timezone).close()
            print(f"Created {options.case} ({options.title}).")
            return EXIT_OK
        if options.command == "info":
            return print_info(options.case)
        if options.command == "check":
            return print_check(options.case, repair=options.repair)
        if options.command == "import":
            # workbench/core/importers/__init__.py: run_import(file, into, accept_all) -> one-line summary
            from workbench.core.importers import run_import

            print(run_import(options.file, options.into, accept_all=options.accept_all,
                             waiting=waiting_message(options.into)))
            return EXIT_OK
        if options.command == "export":
            if options.format in DECK_FORMATS:
                # Briefing decks draw the storyboard's views with Qt (offscreen): a ui module.
                from workbench.ui.briefing.deck import export_deck

                print(export_deck(options.case, options.format, options.out))
                return EXIT_OK
            # workbench/core/exporters/__init__.py: run_export(case, fmt, out) -> one-line summary
            from workbench.core.exporters import run_export

            print(run_export(options.case, options.format, options.out))
            return EXIT_OK
        if options.command == "merge":
            # workbench/core/merge.py: run_merge(case, other) -> one-line summary (conflicts listed)
            from workbench.core.merge import run_merge

            print(run_merge(options.case, options.other))
            return EXIT_OK
        if options.command == "bench":
            from workbench.core.synthetic import generate_case

            generate_case(options.out, options.generate, seed=options.seed).close()
            print(f"Generated {options.out} with {options.generate} events.")
            return EXIT_OK
    except CaseError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_USAGE


def print_info(path: Path) -> int:
    with open_case(path, read_only=True) as case:
        counts = case.counts()
        zone = case_zone(case.meta("timezone"))
        print(f"{case.title}")
        print(f"  file            {path}")
        print(f"  classification  {case.classification}")
        print(f"  time zone       {zone.key}")
        span = case.date_range()
        if span:
            first, last = (utc_to_local(t, zone) for t in span)
            print(f"  date range      {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}")
        else:
            print("  date range      (no events)")
        for table in COUNTED_TABLES:
            print(f"  {table:<15} {counts[table]}")
    return EXIT_OK


def print_check(path: Path, repair: bool = False) -> int:
    """Report a case's health; with `repair`, fix what Check Case can fix and list each fix.

    Exit 0 healthy (or repaired), 2 refused, damaged, or in need of a repair not asked for.
    """
    from workbench.core.repair import inspect, repair_file

    try:
        version = check_case(path)  # raises CaseRefused with the reason
    except CaseNeedsRepair as needs:
        if not repair:
            print(f"{path.name}: {len(needs.dangling)} dangling reference(s); nothing was changed:", file=sys.stderr)
            for line in describe_all(needs.dangling):
                print(f"  {line}", file=sys.stderr)
            print(f"Run `workbench check --repair {path}` to fix them in one step.", file=sys.stderr)
            return EXIT_REFUSED
        version = None
    if repair:
        report = repair_file(path)
        for fix in report.fixes:
            print(f"Fixed: {fix}")
        version = check_case(path)
    else:
        with open_case(path, read_only=True) as case:
            report = inspect(case)
        if not report.healthy:
            for problem in report.problems():
                print(f"{path.name}: {problem}", file=sys.stderr)
            print(f"Run `workbench check --repair {path}` to fix it.", file=sys.stderr)
            return EXIT_REFUSED
    print(f"{path.name}: healthy (schema {version} of {schema_version()}, integrity ok, references ok, "
          "search index ok).")
    return EXIT_OK


def describe_all(dangling: Sequence[object]) -> list[str]:
    from workbench.core.repair import describe

    return [describe(item) for item in dangling]  # type: ignore[arg-type]

if __name__ == "__main__":
    sys.exit(main())
