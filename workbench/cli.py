"""The `workbench` command: open the app, or new / info / check / bench on a case file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from workbench import __version__
from workbench.core.store import (
    COUNTED_TABLES,
    CaseError,
    CaseHoldsBadValues,
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
        try:
            code = run_subcommand(args)
            sys.stdout.flush()
        except BrokenPipeError:
            return reader_gone()
        return code
    return run_app(args)


def unknown_case(path: Path) -> str | None:
    """Why the app cannot open `path`, said on the terminal before any window exists; None when it is a file.

    A word that is no file and looks like a command (no folder, no suffix) is taken for a mistyped
    subcommand, and the nearest commands are suggested.
    """
    if path.is_file():
        return None
    if path.is_dir():
        return f"workbench: {path} is a folder, not a case file."
    text = str(path)
    if not path.suffix and "/" not in text and "\\" not in text:
        import difflib

        near = difflib.get_close_matches(text, SUBCOMMANDS, n=2, cutoff=0.5)
        hint = f" Did you mean {' or '.join(near)}?" if near else ""
        return (f"workbench: '{text}' is neither a command nor a case file.{hint} "
                f"Commands: {', '.join(SUBCOMMANDS)}; workbench --help says more.")
    return f"workbench: there is no case file at {path}; workbench new {path} creates one."


def reader_gone() -> int:
    """The program reading our output stopped early (`workbench info case | head`): that is no error
    of ours, so no traceback. Python flushes stdout again at exit, so it goes to /dev/null first."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_OK


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
    if options.case is not None:
        problem = unknown_case(options.case)
        if problem:  # before Qt: no window, no dialog nobody can answer, no abort without a display
            print(problem, file=sys.stderr)
            return EXIT_REFUSED
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
    new.add_argument("--title", help="the case's title (default: the file's name)")
    new.add_argument("--classification", default="UNCLASSIFIED",
                     help="marking, a level and caveats, e.g. SECRET//NOFORN or TLP:AMBER")
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
    imports.add_argument("--preset", choices=("acled", "icews", "gdelt", "generic"),
                         help="read FILE as an event table of this format (else recognised from its header)")
    imports.add_argument("--create", action="store_true",
                         help="create CASE when it does not exist, titled from the document "
                              "(a JSON export is restored whole: title, marking, time zone, records)")
    imports.add_argument("--report-date", type=report_day, metavar="YYYY-MM-DD",
                         help="the report's date, for a report that states none with a year")

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
            return new_case(options.case, options.title, options.classification, options.timezone)
        if options.command == "info":
            return print_info(options.case)
        if options.command == "check":
            return print_check(options.case, repair=options.repair)
        if options.command == "import":
            # workbench/core/importers/__init__.py: run_import(file, into, accept_all) -> one-line summary
            from workbench.core.importers import run_import

            print(run_import(options.file, options.into, accept_all=options.accept_all,
                             waiting=waiting_message(options.into), create=options.create, preset=options.preset,
                             report_date=options.report_date))
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


def new_case(path: Path, title: str | None, classification: str, timezone: str) -> int:
    """`workbench new`: the title defaults to the file's name; a bad marking or zone is refused, naming it."""
    from workbench.core.ops import clean_meta, meta_problem

    values = {"title": title if title is not None else path.stem, "classification": classification,
              "timezone": timezone}
    values = {key: clean_meta(key, value) for key, value in values.items()}
    for key, value in values.items():
        problem = meta_problem(key, value)
        if problem:
            print(f"Cannot create {path.name}: {problem}.", file=sys.stderr)
            return EXIT_REFUSED
    create_case(path, values["title"], values["classification"], values["timezone"]).close()
    print(f"Created {path} ({values['title']}; {values['classification']}; {values['timezone']}).")
    return EXIT_OK


def report_day(text: str) -> date:
    """--report-date: a calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def print_info(path: Path) -> int:
    """Title, marking, zone, date range and counts; a case holding values the app cannot read is shown as the app
    shows it (those values as '(unreadable)'), with a note saying how many and what to run."""
    from workbench.core.store.masked import open_masked

    note = ""
    try:
        case = open_case(path, read_only=True)
    except CaseHoldsBadValues as bad:
        case = open_masked(path)
        note = (f"{len(bad.bad)} value(s) cannot be read and show as '(unreadable)'; `workbench check {path}` "
                "lists them")
    with case:
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
        if note:
            print(f"  note            {note}")
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
    except CaseHoldsBadValues as bad:
        if not repair:
            print(f"{path.name}: {len(bad.bad)} value(s) the app cannot read; nothing was changed:", file=sys.stderr)
            for value in bad.bad:
                print(f"  {value.describe()}", file=sys.stderr)
            print(f"Run `workbench check --repair {path}` to replace them with neutral values in one step (the old "
                  "values stay in the case's history).", file=sys.stderr)
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
    print(f"{path.name}: healthy (schema {version} of {schema_version()}, integrity ok, references ok, values ok, "
          "search index ok).")
    return EXIT_OK


def describe_all(dangling: Sequence[object]) -> list[str]:
    from workbench.core.repair import describe

    return [describe(item) for item in dangling]  # type: ignore[arg-type]

if __name__ == "__main__":
    sys.exit(main())
