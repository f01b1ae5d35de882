"""The `workbench` command: open the app, or new / info / check / import / export / merge / diff / git-setup /
encrypt / decrypt / rekey / bench on a case file."""

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
    WrongPassword,
    check_case,
    cipher,
    create_case,
    open_case,
    schema_version,
    verified,
)
from workbench.core.times import case_zone, utc_to_local

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_REFUSED = 2
SUBCOMMANDS = ("new", "info", "check", "bench", "import", "export", "merge", "diff", "git-setup", "encrypt", "decrypt",
               "rekey")
# Tries a person gets at a password prompt before the command gives up.
PASSWORD_TRIES = 3
DECK_FORMATS = ("pdf", "pptx", "html")
EXPORT_FORMATS = ("case", "json", "casedir", "csv", "graphml", "gexf", "stix", "timelinejs", "geojson", "kml", "pdf",
                  "pptx", "html")


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
        from workbench.core.gitcase import find_case_directories

        if find_case_directories(path):  # a case directory, or a repository holding one (ui.team)
            return None
        return f"workbench: {path} is a folder holding no case directory, not a case file."
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
    add_password_option(parser)
    parser.add_argument(
        "--exit-after-paint", action="store_true", help="quit as soon as the window has painted (start-up timing)"
    )
    parser.add_argument(
        "--exit-after-views", action="store_true",
        help="print when every view has been built and drawn on the case, and when its background work has finished, "
             "then quit (opening timing)",
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
    if options.case is not None:
        verified.digest_ahead(options.case)  # read while Qt and the views' modules load (store.verified)
    # Qt is imported only here so that the subcommands start fast and run without a display.
    from workbench.ui.app import run

    if options.case is not None and not cipher.is_plain_database(options.case):
        # A password given on the command line (or a screenshot, which has no window to ask in) is taken here, a
        # wrong one refused in one sentence; otherwise the window asks for it.
        given = options.password_file is not None or cipher.environment_password() is not None
        if given or options.screenshot is not None:
            try:
                unlock_case(options.case, options.password_file)
            except CaseError as error:
                print(error, file=sys.stderr)
                return EXIT_REFUSED
    return run(
        case_path=options.case,
        screenshot=options.screenshot,
        read_only=options.read_only,
        exit_after_paint=options.exit_after_paint,
        exit_after_views=options.exit_after_views,
    )


def add_password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-file", type=Path, metavar="FILE",
                        help=f"an encrypted case's password: the first line of FILE (else ${cipher.PASSWORD_VARIABLE}, "
                             "else asked for on the terminal)")


def add_new_password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--new-password-file", type=Path, metavar="FILE",
                        help=f"the new password: the first line of FILE (else ${cipher.NEW_PASSWORD_VARIABLE}, else "
                             "asked for twice on the terminal)")


def subcommand_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench")
    commands = parser.add_subparsers(dest="command", required=True)

    new = commands.add_parser("new", help="create an empty case file")
    new.add_argument("case", type=Path)
    new.add_argument("--encrypt", action="store_true",
                     help="encrypt it (SQLCipher): the password comes from --password-file, "
                          f"${cipher.PASSWORD_VARIABLE} or the terminal")
    add_password_option(new)
    new.add_argument("--title", help="the case's title (default: the file's name)")
    new.add_argument("--classification", default="UNCLASSIFIED",
                     help="marking, a level and caveats, e.g. SECRET//NOFORN or TLP:AMBER")
    new.add_argument("--timezone", default="UTC", help="IANA time zone of the case, e.g. Europe/Minsk")

    info = commands.add_parser("info", help="counts per table and the date range of a case")
    info.add_argument("case", type=Path)
    add_password_option(info)

    check = commands.add_parser("check", help="integrity and schema report; exit 0 healthy, 2 refused")
    check.add_argument("case", type=Path)
    check.add_argument("--repair", action="store_true",
                       help="fix dangling references and rebuild a stale search index, in one transaction")
    add_password_option(check)

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
    add_password_option(imports)

    export = commands.add_parser("export", help="write the case in another format")
    export.add_argument("case", type=Path)
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export.add_argument("--out", type=Path, required=True)
    add_password_option(export)

    merge = commands.add_parser("merge", help="bring a colleague's case into this one by stable ids")
    merge.add_argument("case", type=Path)
    merge.add_argument("other", type=Path)
    merge.add_argument("--base", type=Path, metavar="BASE",
                       help="git's merge driver (set up by git-setup): CASE, OTHER and BASE are three versions of one "
                            "table file of a case directory; the merge is written into CASE; exit 0 clean, 1 when "
                            "true conflicts are left for the app's merge dialog")
    merge.add_argument("--name", metavar="PATH", help="with --base: the file's path in the repository (git's %%P)")
    merge.add_argument("--marker-size", type=int, default=7, metavar="N", help="with --base: git's %%L")
    add_password_option(merge)
    merge.add_argument("--other-password-file", type=Path, metavar="FILE",
                       help="OTHER's password when it differs from CASE's: the first line of FILE (else the same "
                            "password is tried, else asked for on the terminal)")

    diff = commands.add_parser("diff", help="record by record: what differs between two cases (files, JSON exports, "
                                            "case directories, or REV:FOLDER of two commits)")
    diff.add_argument("a", nargs="?", help="the old side")
    diff.add_argument("b", nargs="?", help="the new side")
    diff.add_argument("--textconv", type=Path, metavar="FILE",
                      help="print one table file record by record, one field a line (git's textconv driver)")

    setup = commands.add_parser("git-setup", help="make a git repository merge and diff case directories through "
                                                  "workbench (writes .gitattributes and the repository's config)")
    setup.add_argument("repo", type=Path, nargs="?", default=Path("."), help="the repository (default: here)")

    encrypt = commands.add_parser("encrypt", help="encrypt a case file with a password (SQLCipher)")
    encrypt.add_argument("case", type=Path)
    add_password_option(encrypt)
    decrypt = commands.add_parser("decrypt", help="remove a case file's encryption")
    decrypt.add_argument("case", type=Path)
    add_password_option(decrypt)
    rekey = commands.add_parser("rekey", help="give an encrypted case file a new password")
    rekey.add_argument("case", type=Path)
    add_password_option(rekey)
    add_new_password_option(rekey)

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


def read_password_file(path: Path) -> str:
    """The first line of a password file, without its line ending; CaseError when it cannot be read or is empty."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "it is not UTF-8 text"
        raise CaseError(f"Cannot read the password file {path.name}: {reason}.") from None
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise CaseError(f"The password file {path.name} is empty.")
    return password


def can_ask() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def ask_password(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


def unlock_case(path: Path, password_file: Path | None, ask: bool = True, variable: str = cipher.PASSWORD_VARIABLE,
                also: str | None = None) -> None:
    """Make an encrypted case at `path` openable by this command (its password remembered in memory only): the
    password from `password_file`, else `also` (a password already given for another case), else the environment
    variable, else asked for on the terminal (another try after a wrong one). A plain case needs nothing."""
    path = Path(path)
    if not path.is_file() or cipher.is_plain_database(path):
        return
    given = read_password_file(password_file) if password_file is not None else None
    if given is None and not cipher.looks_encrypted(path) and cipher.environment_password(variable) is None:
        return  # no password given for a file that is no encrypted case: opening it refuses it as before
    tried = False
    for candidate in (given, also, cipher.environment_password(variable)):
        if candidate is None:
            continue
        try:
            cipher.unlock(path, candidate)
            return
        except WrongPassword:
            tried = True
    if tried and not (ask and can_ask()):
        raise WrongPassword(path)
    if not (ask and can_ask()):
        raise CaseError(f"Cannot open {path.name}: it is encrypted, so give its password with --password-file FILE, "
                        f"the {variable} environment variable, or on a terminal.")
    for attempt in range(PASSWORD_TRIES):
        try:
            cipher.unlock(path, ask_password(f"Password for {path.name}: "))
            return
        except WrongPassword as wrong:
            if attempt == PASSWORD_TRIES - 1:
                raise
            print(f"{wrong} Try again.", file=sys.stderr, flush=True)


def new_password(password_file: Path | None, variable: str, what: str) -> str:
    """A new password: from `password_file`, else the environment variable, else asked for twice on the terminal."""
    if password_file is not None:
        return read_password_file(password_file)
    from_environment = cipher.environment_password(variable)
    if from_environment is not None:
        return from_environment
    if not can_ask():
        raise CaseError(f"A password is needed for {what}: give it with --password-file FILE (or "
                        f"--new-password-file), the {variable} environment variable, or on a terminal.")
    for _attempt in range(PASSWORD_TRIES):
        first = ask_password(f"New password for {what}: ")
        if not first:
            print("An empty password encrypts nothing; type one.", file=sys.stderr, flush=True)
            continue
        if ask_password("The same password again: ") == first:
            return first
        print("The two passwords differ; type them again.", file=sys.stderr, flush=True)
    raise CaseError(f"No password was set for {what}; nothing was changed.")


def unlock_for(options: argparse.Namespace) -> None:
    """Before a subcommand opens its case(s): take the passwords of the encrypted ones."""
    password_file = getattr(options, "password_file", None)
    if getattr(options, "base", None) is not None:
        return  # the merge driver reads table files, never a case file
    if options.command in ("info", "check", "export", "merge", "decrypt", "rekey"):
        unlock_case(options.case, password_file)
    if options.command == "import":
        unlock_case(options.into, password_file)
    if options.command == "merge":
        other_file = options.other_password_file or password_file
        unlock_case(options.other, other_file, also=cipher.password_for(options.case))


def run_subcommand(args: list[str]) -> int:
    options = subcommand_parser().parse_args(args)
    try:
        unlock_for(options)
        if options.command == "new":
            password = None
            if options.encrypt:
                password = new_password(options.password_file, cipher.PASSWORD_VARIABLE, options.case.name)
            return new_case(options.case, options.title, options.classification, options.timezone, password)
        if options.command in ("encrypt", "decrypt", "rekey"):
            return change_encryption(options)
        if options.command == "info":
            return print_info(options.case)
        if options.command == "check":
            if options.case.is_dir():
                return print_check_casedir(options.case)
            return print_check(options.case, repair=options.repair)
        if options.command == "diff":
            return print_diff(options)
        if options.command == "git-setup":
            from workbench.core.gitcase import setup_repository

            print(setup_repository(options.repo))
            return EXIT_OK
        if options.command == "import":
            # workbench/core/importers/__init__.py: run_import(file, into, accept_all) -> one-line summary
            from workbench.core.importers import run_import

            print(run_import(options.file, options.into, accept_all=options.accept_all,
                             waiting=waiting_message(options.into), create=options.create, preset=options.preset,
                             report_date=options.report_date))
            return EXIT_OK
        if options.command == "export":
            from workbench.core.exporters import plain_output_note

            note = plain_output_note(cipher.password_for(options.case) is not None, options.format)
            if note:  # said once, before the export, on stderr: the summary on stdout stays one line
                print(note, file=sys.stderr, flush=True)
            if options.format in DECK_FORMATS:
                # Briefing decks draw the storyboard's views with Qt (offscreen): a ui module.
                from workbench.ui.briefing.deck import export_deck

                print(export_deck(options.case, options.format, options.out))
                return EXIT_OK
            if options.format == "casedir":
                from workbench.core.exporters.casedir import run_export_casedir

                print(run_export_casedir(options.case, options.out))
                return EXIT_OK
            # workbench/core/exporters/__init__.py: run_export(case, fmt, out) -> one-line summary
            from workbench.core.exporters import run_export

            print(run_export(options.case, options.format, options.out))
            return EXIT_OK
        if options.command == "merge" and options.base is not None:
            from workbench.core.gitcase import run_merge_driver

            code, lines = run_merge_driver(options.case, options.other, options.base, options.name,
                                           options.marker_size)
            for line in lines:  # git shows the driver's terminal output during `git merge`
                print(line, file=sys.stderr)
            return code
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


def change_encryption(options: argparse.Namespace) -> int:
    """`workbench encrypt|decrypt|rekey CASE`: each through a checked copy renamed into place."""
    from workbench.core.store.encryption import change_password, decrypt_case, encrypt_case

    path = options.case
    if not path.is_file():
        raise CaseError(f"There is no case file at {path}.")
    if options.command == "encrypt":
        if not cipher.is_plain_database(path):
            raise CaseError(f"{path.name} is already encrypted; workbench rekey gives it another password.")
        print(encrypt_case(path, new_password(options.password_file, cipher.PASSWORD_VARIABLE, path.name)))
    elif options.command == "decrypt":
        print(decrypt_case(path))
    else:
        if cipher.is_plain_database(path):
            raise CaseError(f"{path.name} is not encrypted; workbench encrypt gives it a password.")
        print(change_password(path, new_password(options.new_password_file, cipher.NEW_PASSWORD_VARIABLE,
                                                 path.name)))
    return EXIT_OK


def new_case(path: Path, title: str | None, classification: str, timezone: str, password: str | None = None) -> int:
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
    create_case(path, values["title"], values["classification"], values["timezone"], key=password).close()
    encrypted = "; encrypted" if password is not None else ""
    print(f"Created {path} ({values['title']}; {values['classification']}; {values['timezone']}{encrypted}).")
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


def print_diff(options: argparse.Namespace) -> int:
    """`workbench diff A B` (exit 0 the same, 1 different, as diff(1)) or `workbench diff --textconv FILE`."""
    from workbench.core.casediff import run_diff, textconv

    if options.textconv is not None:
        sys.stdout.write(textconv(options.textconv))
        return EXIT_OK
    if options.a is None or options.b is None:
        print("workbench diff needs two cases: workbench diff A B (or --textconv FILE).", file=sys.stderr)
        return EXIT_USAGE
    text, differ = run_diff(options.a, options.b)
    sys.stdout.write(text)
    return 1 if differ else EXIT_OK


def print_check_casedir(folder: Path) -> int:
    """`workbench check DIR` on a case directory: no conflict left, it reads into a new case that checks healthy,
    and it is canonical (an export of that case writes exactly its files)."""
    import tempfile

    from workbench.core.casedir import HEADER_FILE, TABLE_SUFFIX
    from workbench.core.exporters.casedir import export_casedir
    from workbench.core.importers.casedir import import_casedir

    with tempfile.TemporaryDirectory(prefix="workbench-check-") as scratch:
        copy = Path(scratch) / f"{folder.name}.case"
        case = create_case(copy, folder.name)
        try:
            import_casedir(folder, case)
            again = Path(scratch) / "again"
            export_casedir(case, again)
        finally:
            case.close()
        if print_check(copy) != EXIT_OK:
            return EXIT_REFUSED
        names = [HEADER_FILE, *sorted(p.name for p in again.glob(f"*{TABLE_SUFFIX}"))]
        differing = [n for n in names
                     if not (folder / n).is_file() or (folder / n).read_bytes() != (again / n).read_bytes()]
    if differing:
        print(f"{folder.name}: the records are sound, but {', '.join(differing)} differ(s) from what an export writes "
              "(an edit by hand?); `workbench import` and `workbench export --format casedir` make it canonical.",
              file=sys.stderr)
        return EXIT_REFUSED
    print(f"{folder.name}: a canonical case directory; its records check healthy.")
    return EXIT_OK


def describe_all(dangling: Sequence[object]) -> list[str]:
    from workbench.core.repair import describe

    return [describe(item) for item in dangling]  # type: ignore[arg-type]

if __name__ == "__main__":
    sys.exit(main())
