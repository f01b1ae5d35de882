"""Exports of a case: every format an analyst passes a case on in, written atomically, cancellable.

`export(case, fmt, out, ...)` writes one format from an open case; `run_export(path, fmt, out)` is
the command line's entry. Every writer builds its file under a hidden temporary name beside the
destination and renames it into place only when complete, so a failed or cancelled export never
leaves a partial file. Heavy libraries (networkx, stix2) are imported by the writers that need them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.atomic import atomic_path
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case, CaseError, open_case


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    suffix: str
    description: str


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("case", "Case file copy", ".case",
                 "a checked copy of the case file: whole, or a subset, optionally redacted"),
    ExportFormat("json", "Canonical JSON", ".json",
                 "the whole case as one deterministic JSON document that diffs well under git"),
    ExportFormat("csv", "CSV tables (zip)", ".zip", "one CSV file per table in a zip, with a README of the columns"),
    ExportFormat("graphml", "GraphML (actor graph)", ".graphml",
                 "the actor graph with kinds, centralities, colours and positions (Gephi, yEd, networkx)"),
    ExportFormat("gexf", "GEXF (actor graph, dynamic)", ".gexf",
                 "the actor graph with relation time intervals for Gephi's timeline"),
    ExportFormat("stix", "STIX 2.1 bundle", ".json", "actors, events, relations and sources for OpenCTI or MISP"),
    ExportFormat("timelinejs", "TimelineJS JSON", ".json", "the events in Knight Lab's TimelineJS format"),
    ExportFormat("geojson", "GeoJSON (places)", ".geojson",
                 "places with their events, and events between places, for QGIS or any GIS"),
    ExportFormat("kml", "KML (places)", ".kml", "places with their events, and events between places, "
                 "for Google Earth or any GIS"),
)}
# Storyboard formats: the briefing issue adds them; until then they are refused with a reason.
BRIEFING_FORMATS = ("pdf", "pptx", "html")


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """`core.atomic.atomic_path` for exports: the destination is checked first, and a failed
    write is refused in one sentence (CaseError) instead of an OSError."""
    out = Path(out)
    if out.is_dir():
        raise CaseError(f"{out.name} is a folder; name a file to export to.")
    if not out.parent.is_dir():
        raise CaseError(f"The folder {out.parent} does not exist.")
    try:
        with atomic_path(out) as partial:
            yield partial
    except OSError as error:
        raise CaseError(f"Cannot write {out.name}: {error.strerror or error}.") from None


def plain_output_note(encrypted: bool, fmt: str) -> str | None:
    """The one sentence an export of an encrypted case says when its output is not encrypted (every format but a
    case copy, which is encrypted with the case's password); None otherwise."""
    if not encrypted or fmt == "case":
        return None
    return (f"This case is encrypted, but the {fmt.upper()} export is not: anyone who has the exported file can "
            "read it.")


def check_format(fmt: str) -> None:
    """Refuse, in one sentence, a format this version cannot write."""
    if fmt in BRIEFING_FORMATS:
        raise CaseError(f"Export to {fmt.upper()} comes with the briefing storyboard, which this version "
                        "does not have yet; choose case, json, csv, graphml, gexf, stix, timelinejs, geojson or kml.")
    if fmt not in FORMATS:
        raise CaseError(f"Unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}.")


def export(
    case: Case,
    fmt: str,
    out: Path,
    *,
    options: Any = None,
    progress: Progress = NO_PROGRESS,
) -> str:
    """Write `case` to `out` in format `fmt`; returns a one-line summary. `options`: CopyOptions for 'case'."""
    out = Path(out)
    check_format(fmt)
    if out.exists() and out.resolve() == case.path.resolve():
        raise CaseError("An export cannot overwrite the case it is exported from; choose another name.")
    if fmt == "case":
        from workbench.core.exporters.case_copy import CopyOptions, export_case_copy

        return export_case_copy(case, out, options or CopyOptions(), progress=progress)
    if fmt == "json":
        from workbench.core.exporters.canonical import export_canonical

        return export_canonical(case, out, progress=progress)
    if fmt == "csv":
        from workbench.core.exporters.csv_zip import export_csv

        return export_csv(case, out, progress=progress)
    if fmt == "graphml":
        from workbench.core.exporters.graphml import export_graphml

        return export_graphml(case, out, progress=progress)
    if fmt == "gexf":
        from workbench.core.exporters.gexf import export_gexf

        return export_gexf(case, out, progress=progress)
    if fmt == "stix":
        from workbench.core.exporters.stix import export_stix

        return export_stix(case, out, progress=progress)
    if fmt in ("geojson", "kml"):
        from workbench.core.exporters.geo import export_geojson, export_kml

        return (export_geojson if fmt == "geojson" else export_kml)(case, out, progress=progress)
    from workbench.core.exporters.timelinejs import export_timelinejs

    return export_timelinejs(case, out, progress=progress)


def run_export(case: Path, fmt: str, out: Path) -> str:
    """`workbench export CASE --format F --out PATH`: open the case read-only, export, summarise in one line."""
    check_format(fmt)
    with open_case(Path(case), read_only=True) as opened:
        return export(opened, fmt, Path(out))
