"""Bring files into a case: reports (.md/.html/.txt) as reviewed proposals, CSV tables, our canonical
JSON export and STIX 2.1 bundles. `run_import` is the command line's entry point."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from workbench.core.importers.encoding import Decoded, decode
from workbench.core.importers.proposals import (
    ImportRefused,
    Plan,
    apply_plan,
    describe_counts,
)
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.rules import MAX_TITLE, clean_text
from workbench.core.store import Case, CaseError, create_case, open_case

__all__ = ["ImportRefused", "Plan", "apply_plan", "document_title", "file_kind", "import_whole", "propose_file",
           "read_decoded", "run_import"]
MAX_REPORT_BYTES = 50 * 1024 * 1024


def file_kind(path: Path, text: str | None = None) -> str:
    """report, csv, stix, canonical (our JSON export) or casedir (our case directory), from the name and, for
    .json, the content."""
    if path.is_dir():
        from workbench.core.casedir import HEADER_FILE, is_case_directory

        if is_case_directory(path):
            return "casedir"
        raise ImportRefused(f"{path.name} is a folder but not a case directory (it has no {HEADER_FILE}).")
    suffix = path.suffix.lower()
    if suffix in (".tsv", ".tab", ".xlsx", ".xlsm"):
        return "events"
    if suffix == ".csv":
        from workbench.core.importers.event_table import is_event_table

        return "events" if is_event_table(path) else "csv"
    if suffix == ".zip":
        return "csvzip"
    if suffix in (".json", ".stix"):
        from workbench.core.importers.stix_import import is_stix, load_json

        data = load_json(path.name, text if text is not None else read_text(path))
        return "stix" if is_stix(data) else "canonical"
    if suffix in (".md", ".markdown", ".html", ".htm", ".txt", ".text"):
        return "report"
    raise ImportRefused(f"{path.name}: Case Workbench imports reports (.md, .html, .txt), .csv, its own CSV "
                        f".zip, .json, STIX bundles and event tables (.tsv, .xlsx), not "
                        f"'{suffix or 'files without an extension'}'.")


def read_text(path: Path) -> str:
    """A report's or JSON file's text, in the encoding detected (see `read_decoded`)."""
    return read_decoded(path).text


def read_decoded(path: Path) -> Decoded:
    """A text file from someone else, decoded: its byte-order mark, else UTF-16 by its zero bytes, else
    UTF-8, else Windows-1251 or -1252 as the words say (`importers.encoding`); `.name` says which."""
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise ImportRefused(f"{path.name} is larger than {MAX_REPORT_BYTES // 2**20} MB; split it first.")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused(f"{path.name} does not exist.") from None
    except OSError as error:
        raise ImportRefused(f"Cannot read {path.name}: {error.strerror or error}.") from None
    return decode(raw)


def import_whole(path: Path, case: Case, progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """Our own exports, written without a review: the canonical JSON, the case directory, or the CSV zip."""
    kind = file_kind(path)
    if kind == "casedir":
        from workbench.core.importers.casedir import import_casedir

        return import_casedir(path, case, progress=progress)
    if kind == "csvzip":
        from workbench.core.importers.csv_import import import_csv_zip

        return import_csv_zip(path, case, progress=progress)
    from workbench.core.importers.canonical import import_canonical

    return import_canonical(path, case, progress=progress)


def propose_file(case: Case, path: Path, progress: Progress = NO_PROGRESS, report_date: date | None = None) -> Plan:
    """A report or STIX bundle -> the proposals for review; writes nothing.

    A report that states no date with a year is refused (report.ReportDateMissing) unless `report_date`
    gives it.
    """
    decoded = read_decoded(path)
    text = decoded.text
    kind = file_kind(path, text)
    if kind == "report":
        from workbench.core.importers.report import propose_report

        plan = propose_report(case, text, path.name, progress=progress, report_date=report_date)
        if decoded.guessed:
            plan.notes.insert(0, f"Read as {decoded.name}, guessed from the text.")
        return plan
    if kind == "stix":
        from workbench.core.importers.stix_import import load_json, propose_stix

        return propose_stix(case, load_json(path.name, text), path.name)
    raise ImportRefused(f"{path.name} is a {kind} file; it is imported without a review of proposals.")


def run_import(file: Path, into: Path, accept_all: bool = False,
               waiting: Callable[[float], None] | None = None, create: bool = False,
               preset: str | None = None, report_date: date | None = None) -> str:
    """`workbench import FILE --into CASE [--accept-all] [--create] [--report-date D]`: one line on what was
    written.

    A report that states no date with a year is refused unless `report_date` (--report-date) gives it.
    Reports need a review: without --accept-all nothing is written and the refusal says how many
    proposals wait (review them in the app with File > Import...). CSV and STIX files are written
    directly when every row is valid; with rejected rows nothing is written unless --accept-all,
    which writes the valid rows and lists the rejected ones.

    With `create`, a missing CASE is created first, titled from the document (a JSON export restores
    its own title, marking and time zone); if the import is refused, the new file goes again.

    Event tables (ACLED, ICEWS, GDELT, a spreadsheet of events: .tsv, .xlsx, or a .csv that is not
    one of our templates) are recognised from their header, or read with `preset` ('acled', 'icews',
    'gdelt', 'generic'); see core.importers.event_table.

    The import plans and writes inside one write transaction, so another writer (the app, a
    second import) cannot change the case between the plan and the write; while another holds
    the write lock, it waits, calling `waiting(seconds)` now and then (the command line says so).
    """
    file, into = Path(file), Path(into)
    events = preset is not None or file.suffix.lower() in (".tsv", ".tab", ".xlsx", ".xlsm")
    # an event table streams (it may be larger than a report); the CSV zip is read as a zip
    text = None if events or file.is_dir() or file.suffix.lower() == ".zip" else read_text(file)
    kind = "events" if preset else file_kind(file, text)
    created = False
    if not into.exists():
        if not create:
            raise CaseError(f"{into.name} does not exist; nothing was imported; pass --create to make it a new "
                            "case (a JSON export then restores its title, marking and time zone).")
        create_case(into, document_title(file, text, kind)).close()
        created = True
    try:
        with open_case(into) as case:
            if case.read_only:
                raise CaseError(f"{into.name} is read-only; nothing was imported.")
            with case.transaction(waiting=waiting):
                summary = _import_into(case, file, text, kind, accept_all, preset, report_date)
    except BaseException:
        if created:  # the case was made for this import only: a refused import leaves no empty case behind
            for leftover in (into, *(into.with_name(into.name + end) for end in ("-wal", "-shm", "-journal"))):
                leftover.unlink(missing_ok=True)
        raise
    return f"Created {into.name}. {summary}" if created else summary


def document_title(file: Path, text: str, kind: str) -> str:
    """The title a case made for importing `file` gets: a report's own title, a STIX report's name, else
    the file's name (a JSON export brings its title with it when restored)."""
    title = ""
    if kind == "report":
        from workbench.core.document import read_document
        from workbench.core.importers.report import parse_header, report_format
        from workbench.core.importers.webpage import is_web_page, read_web_page

        fmt = report_format(file.name, text)
        title = read_web_page(text).title if fmt == "html" and is_web_page(text) else parse_header(
            read_document(text, fmt)).title
    elif kind == "stix":
        from workbench.core.importers.stix_import import load_json

        data = load_json(file.name, text)
        reports = [obj for obj in data.get("objects", []) if isinstance(obj, dict) and obj.get("type") == "report"]
        title = str(reports[0].get("name", "")) if reports else ""
    title = clean_text(title)[:MAX_TITLE].strip()
    return title or file.stem


def _import_into(case: Case, file: Path, text: str | None, kind: str, accept_all: bool,
               preset: str | None = None, report_date: date | None = None) -> str:
    into = case.path
    if kind == "events":
        from workbench.core.importers.event_table import import_event_table, preset_mapping

        result = import_event_table(case, file, preset_mapping(file, preset) if preset else None,
                                    accept_all=accept_all)
        return _summary(file, into, result.written, result.rejected, result.skipped)
    if kind in ("canonical", "csvzip", "casedir"):
        counts = import_whole(file, case)
        return f"Imported {file.name} into {into.name}: {describe_counts(counts)}."
    if kind == "csv":
        from workbench.core.importers.csv_import import describe_rejected, read_csv, write_csv

        plan = read_csv(case, file)
        if plan.rejected and not accept_all:
            raise ImportRefused(
                f"{file.name}: {len(plan.rejected)} rows rejected ({describe_rejected(plan.rejected)}); nothing "
                f"was imported; fix them, or pass --accept-all to import the {len(plan.rows)} valid rows.")
        written = write_csv(case, plan)
        return _summary(file, into, written, plan.rejected, plan.skipped, reading=plan.reading)
    plan = propose_file(case, file, report_date=report_date)
    if kind == "report" and not accept_all:
        counts = plan.counts()
        raise ImportRefused(
            f"{file.name} proposes {counts.get('event', 0)} events, {counts.get('actor', 0)} actors and "
            f"{counts.get('source', 0)} sources for review; nothing was imported; review them in the app "
            "(File > Import...) or pass --accept-all to accept every proposal.")
    if plan.rejected and not accept_all:
        from workbench.core.importers.csv_import import describe_rejected

        raise ImportRefused(
            f"{file.name}: {len(plan.rejected)} objects rejected ({describe_rejected(plan.rejected, 'object')}); "
            "nothing was imported; pass --accept-all to import the valid ones.")
    written = apply_plan(case, plan)
    return _summary(file, into, written, plan.rejected, 0, unit="object")


def _summary(file: Path, into: Path, written: dict[str, int], rejected: list[tuple[int, str]], skipped: int,
             unit: str = "line", reading: str = "") -> str:
    text = f"Imported {file.name}{f' (read as {reading})' if reading else ''} into {into.name}: " \
           f"{describe_counts(written)}"
    if skipped:
        text += f"; {skipped} rows already in the case"
    if rejected:
        from workbench.core.importers.csv_import import describe_rejected

        text += f"; rejected {len(rejected)} ({describe_rejected(rejected, unit)})"
    return text + "."
