"""Exports read back by the tools that receive them: sqlite3, json, networkx, stix2-validator, zip/csv."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from workbench.cli import main
from workbench.core.exporters import FORMATS, export, run_export
from workbench.core.exporters.canonical import canonical_text, export_canonical
from workbench.core.importers.canonical import import_canonical
from workbench.core.progress import Cancelled, Progress
from workbench.core.store import Case, CaseError, check_case, create_case, open_case

ANALYST = "Ivanova-Analyst-7"
NOTE = "Private hunch: the BelTA timing is staged"
ARCHIVED = "Archived page text nobody outside may read"


@pytest.fixture
def rich_case(small_case: Path) -> Path:
    """The small case plus what the plain one lacks: a place, a view with a thumbnail, chart positions,
    archived text, a formula-looking title, notes and an audit trail by a named analyst."""
    case = open_case(small_case, analyst=ANALYST)
    with case.transaction():
        place = case.insert("places", {"id": "place-minsk", "name": "Minsk", "lat": 53.9, "lon": 27.56,
                                       "country": "BY"})
        case.link("event_places", {"event_id": "event-call", "place_id": place})
        case.insert("views", {"id": "view-1", "title": "Opening slide", "state": '{"time_window": null}',
                              "thumbnail": b"\x89PNG\x00\x01binary"})
        case.link("actor_layout", {"actor_id": "actor-luka", "x": 10.5, "y": -20.0, "pinned": 1})
        case.update("sources", "source-belta", {"archived_text": ARCHIVED})
        case.update("sources", "source-tass", {"title": "=HYPERLINK(\"http://x\")"})
        case.insert("notes", {"id": "note-private", "text": NOTE, "author": ANALYST, "event_id": "event-rumour"})
        case.insert("relations", {"id": "relation-dated", "from_actor_id": "actor-omon", "to_actor_id": "actor-luka",
                                  "kind": "loyalist of", "start": "2020-08-10T00:00:00Z",
                                  "end": "2020-08-16T00:00:00Z", "confidence": "likely", "directed": 0})
    case.close()
    return small_case


def test_canonical_json_round_trip_is_byte_identical(rich_case: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    with open_case(rich_case, read_only=True) as case:
        export_canonical(case, first)
    copy = create_case(tmp_path / "restored.case", "placeholder")
    added = import_canonical(first, copy)
    second = tmp_path / "second.json"
    export_canonical(copy, second)
    copy.close()
    assert first.read_bytes() == second.read_bytes()
    assert added["events"] == 2 and added["views"] == 1 and added["actor_layout"] == 1
    with open_case(tmp_path / "restored.case", read_only=True) as restored:
        assert restored.title == "Minsk — Минск, small case"
        assert restored.get("views", "view-1")["thumbnail"] == b"\x89PNG\x00\x01binary"
        assert restored.search_index_ok()
        assert restored.search("Лукашенко")


def test_canonical_json_is_one_record_per_line_sorted_by_id(rich_case: Path) -> None:
    with open_case(rich_case, read_only=True) as case:
        text = canonical_text(case)
        assert canonical_text(case) == text  # deterministic
    document = json.loads(text)
    assert list(document)[:4] == ["case_workbench", "meta", "places", "actors"]
    assert "audit" not in document and not any("_fts" in key for key in document)
    events = document["events"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert list(events[0]) == ["id", "title", "summary", "kind", "start", "end", "time_precision", "time_note",
                               "earliest", "latest", "confidence", "created_at", "updated_at"]
    lines = text.splitlines()
    record_lines = [line for line in lines if line.startswith("{\"")]
    assert len(record_lines) == sum(len(v) for k, v in document.items() if k != "case_workbench")
    for line in record_lines:
        json.loads(line.rstrip(","))


def test_one_edit_changes_one_line(rich_case: Path) -> None:
    with open_case(rich_case) as case:
        before = canonical_text(case).splitlines()
        case.update("events", "event-call", {"title": "Lukashenko phones Putin"})
        after = canonical_text(case).splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and "Lukashenko phones Putin" in changed[0][1]


def test_import_into_a_case_with_records_adds_only_what_it_lacks(rich_case: Path, tmp_path: Path) -> None:
    document = tmp_path / "case.json"
    with open_case(rich_case) as case:
        export_canonical(case, document)
        case.update("events", "event-call", {"title": "Edited here"})
        case.delete("notes", "note-private")
        added = import_canonical(document, case)
        assert added["notes"] == 1 and added["events"] == 0 and added["meta"] == 0
        assert case.get("events", "event-call")["title"] == "Edited here"  # ours kept
        assert case.get("notes", "note-private")["text"] == NOTE


def test_import_with_audit_appends_history(rich_case: Path, tmp_path: Path) -> None:
    document = tmp_path / "with-audit.json"
    with open_case(rich_case, read_only=True) as case:
        export_canonical(case, document, include_audit=True)
        trail = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert len(json.loads(document.read_text())["audit"]) == trail
    with create_case(tmp_path / "new.case", "new") as new:
        before = new.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        assert import_canonical(document, new)["audit"] == trail
        whos = {who for (who,) in new.conn.execute("SELECT who FROM audit")}
        assert ANALYST in whos
        assert new.conn.execute("SELECT count(*) FROM audit").fetchone()[0] > before + trail


@pytest.mark.parametrize("content, reason", [
    ("not json", "not valid JSON"),
    ('{"events": []}', "not a Case Workbench export"),
    ('{"case_workbench": {"schema_version": 999}}', "newer Case Workbench"),
    ('{"case_workbench": {"schema_version": 1}, "secrets": []}', "table 'secrets'"),
    ('{"case_workbench": {"schema_version": 1}, "events": [{"id": "e", "title": "t", "start": "yesterday"}]}',
     "cannot be imported"),
    ('{"case_workbench": {"schema_version": 1}, "events": [{"id": "e", "evil": 1}]}', "field 'evil'"),
])
def test_import_refuses_what_is_not_a_sound_export(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with create_case(tmp_path / "target.case", "t") as case:
        with pytest.raises(CaseError, match=reason):
            import_canonical(path, case)
        assert case.counts()["events"] == 0


def test_graphml_reads_back_with_networkx(rich_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "actors.graphml"
    with open_case(rich_case, read_only=True) as case:
        export(case, "graphml", out)
        actors = {row["id"]: row for row in case.rows("actors")}
        relations = {row["id"]: row for row in case.rows("relations")}
    g = nx.read_graphml(out, force_multigraph=True)
    assert set(g.nodes) == set(actors)
    assert {key for _a, _b, key in g.edges(keys=True)} == set(relations)
    luka = g.nodes["actor-luka"]
    assert luka["label"] == "Александр Лукашенко" and luka["kind"] == "person"
    assert (luka["x"], luka["y"]) == (10.5, 20.0)  # the stored chart position, y up
    assert luka["degree"] == 2 and 0 <= luka["betweenness"] <= 1 and luka["color"].startswith("#")
    edge = g.edges["actor-omon", "actor-luka", "relation-dated"]
    assert edge["kind"] == "loyalist of" and edge["confidence"] == "likely" and edge["directed"] is False
    assert edge["start"] == "2020-08-10T00:00:00Z" and edge["end"] == "2020-08-16T00:00:00Z"


def test_gexf_reads_back_with_networkx_and_is_dynamic(rich_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "actors.gexf"
    with open_case(rich_case, read_only=True) as case:
        export(case, "gexf", out)
        actors = {row["id"] for row in case.rows("actors")}
    g = nx.read_gexf(out)
    assert g.graph["mode"] == "dynamic"
    assert set(g.nodes) == actors and g.number_of_edges() == 2
    luka = g.nodes["actor-luka"]
    assert luka["label"] == "Александр Лукашенко" and luka["kind"] == "person"
    assert luka["viz"]["position"]["x"] == 10.5 and set(luka["viz"]["color"]) >= {"r", "g", "b"}
    edge = g.edges["actor-omon", "actor-luka"]
    # Minsk is UTC+3: 2020-08-10T00:00Z is the 10th there, 2020-08-16T00:00Z the 16th.
    assert (edge["start"], edge["end"]) == ("2020-08-10", "2020-08-16")
    assert edge["kind"] == "loyalist of" and edge["confidence_score"] == 70
    undated = g.edges["actor-luka", "actor-kremlin"]
    assert "start" not in undated and undated["citations"] == 1


def test_stix_bundle_passes_the_official_validator(rich_case: Path, tmp_path: Path) -> None:
    stix2validator = pytest.importorskip("stix2validator")
    out = tmp_path / "case.stix.json"
    with open_case(rich_case, read_only=True) as case:
        summary = export(case, "stix", out)
    assert "STIX 2.1" in summary
    result = stix2validator.validate_file(str(out))
    errors = [str(error) for obj in result.object_results for error in obj.errors]
    assert result.is_valid, errors
    bundle = json.loads(out.read_text(encoding="utf-8"))
    by_type: dict[str, list[dict]] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert {o["name"] for o in by_type["threat-actor"]} == {"OMON (Special Purpose Police Unit)"}
    assert {o["name"] for o in by_type["report"]} == {"Lukashenko calls Putin", "Unmarked vehicles seen near Minsk"}
    assert by_type["sighting"][0]["first_seen"].startswith("2020-08-14T15:00:00")
    relationship = next(o for o in by_type["relationship"] if o["relationship_type"] == "requests-support-from")
    assert relationship["external_references"][0]["url"] == "https://tass.com/politics/2"
    call = next(o for o in by_type["report"] if o["name"] == "Lukashenko calls Putin")
    assert call["confidence"] == 50 and call["published"].startswith("2020-08-15T09:00:00")
    assert by_type["marking-definition"][0]["definition"]["statement"].endswith("SECRET//NOFORN")
    # Exporting again gives the same ids (platforms update rather than duplicate).
    export(open_case(rich_case, read_only=True), "stix", tmp_path / "again.json")
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert [o["id"] for o in again["objects"]] == [o["id"] for o in bundle["objects"]]


def test_timelinejs_escapes_and_keeps_precision(rich_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "timeline.json"
    with open_case(rich_case) as case:
        case.update("events", "event-call", {"summary": "<script>alert(1)</script>", "time_precision": "minute"})
        export(case, "timelinejs", out)
    document = json.loads(out.read_text(encoding="utf-8"))
    events = {e["unique_id"]: e for e in document["events"]}
    call = events["event-call"]
    assert "<script>" not in json.dumps(document) and "&lt;script&gt;" in call["text"]["text"]
    assert call["start_date"] == {"year": 2020, "month": 8, "day": 15, "hour": 12, "minute": 0}  # Minsk time
    assert call["display_date"] == "15 Aug 2020, 12:00"  # on the slide, where TimelineJS shows it alone
    assert "hour" not in events["event-rumour"]["start_date"]
    assert '<a href="https://www.belta.by/president/view/1">' in call["text"]["text"]


def test_timelinejs_file_is_the_documents_json_on_awkward_events(rich_case: Path, tmp_path: Path) -> None:
    """The export writes its lines column by column from the rows; `timeline_document` builds the same events as
    dicts. The file must be those dicts as `write_timeline` writes them, byte for byte, on markup, Cyrillic, shared
    times, ranges, approximate times, sources sharing a title and link, a non-web link and an actor without events."""
    from workbench.core.exporters.timelinejs import timeline_document, write_timeline

    with open_case(rich_case) as case:
        with case.transaction():
            case.insert("actors", {"id": "actor-b", "name": "<b>Бацька</b> & \"co\"", "kind": "person"})
            case.insert("actors", {"id": "actor-lonely", "name": "Nobody's event", "kind": "person"})
            case.insert("sources", {"id": "source-twin", "url": "https://www.belta.by/president/view/1",
                                    "title": "Лукашенко провел переговоры с Путиным"})  # the belta link again
            case.insert("sources", {"id": "source-js", "url": "javascript:alert(1)", "title": "<i>click</i>"})
            for number, (start, end, precision, note) in enumerate([
                    ("2020-08-15T09:00:00Z", None, "day", ""), ("2020-08-15T09:00:00Z", None, "minute", ""),
                    ("2020-08-15T09:00:00Z", "2020-08-16T21:30:00Z", "hour", "<img src=x onerror=alert(1)>"),
                    ("2020-10-24T23:30:00Z", "2020-10-25T00:30:00Z", "minute", ""),
                    ("2020-08-13T00:00:00Z", None, "approximate", "")]):
                event = case.insert("events", {
                    "id": f"event-{9 - number}", "title": f"</script><b>Марш {number}</b> \"цитата\" & 🇧🇾",
                    "summary": "" if number % 2 else "Line one\nline <two> & \\ back", "start": start, "end": end,
                    "time_precision": precision, "time_note": note, "confidence": "likely",
                    "kind": "<em>protest</em>" if number % 2 else "", "earliest": "2020-08-12T00:00:00Z"
                    if precision == "approximate" else None})
                case.link("event_actors", {"event_id": event, "actor_id": "actor-b"})
                case.link("event_actors", {"event_id": event, "actor_id": "actor-luka"})
                for source in ("source-belta", "source-twin", "source-js", "source-tass"):
                    case.insert("citations", {"source_id": source, "event_id": event})
        expected = tmp_path / "expected.json"
        with expected.open("wb") as handle:
            write_timeline(handle, timeline_document(case))
        export(case, "timelinejs", tmp_path / "timeline.json")
        with create_case(tmp_path / "empty.case", "Пусто <b>") as empty:  # no events at all
            with (tmp_path / "expected-empty.json").open("wb") as handle:
                write_timeline(handle, timeline_document(empty))
            export(empty, "timelinejs", tmp_path / "empty.json")
    assert (tmp_path / "timeline.json").read_bytes() == expected.read_bytes()
    assert (tmp_path / "empty.json").read_bytes() == (tmp_path / "expected-empty.json").read_bytes()
    assert "<b>" not in json.dumps(json.load(expected.open(encoding="utf-8")))


def test_csv_zip_has_every_table_and_a_readme(rich_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables.zip"
    with open_case(rich_case, read_only=True) as case:
        export(case, "csv", out)
        counts = case.counts()
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert {"README.txt", "events.csv", "actors.csv", "relations.csv", "audit.csv", "meta.csv"} <= names
        readme = archive.read("README.txt").decode("utf-8")
        assert "events.csv (2 rows)" in readme and "reliability" in readme
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open("events.csv"), encoding="utf-8-sig")))
        assert len(rows) == counts["events"] and rows[0]["start"].endswith("Z")
        sources = list(csv.DictReader(io.TextIOWrapper(archive.open("sources.csv"), encoding="utf-8-sig")))
        assert {s["title"] for s in sources} >= {"Лукашенко провел переговоры с Путиным", "'=HYPERLINK(\"http://x\")"}


def test_whole_case_copy_opens_and_passes_integrity_check(rich_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.case"
    with open_case(rich_case, read_only=True) as case:
        export(case, "case", out)
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    conn.close()
    check_case(out)
    assert not list(tmp_path.glob(".*partial*"))


def test_redacted_copy_holds_none_of_the_redacted_text(rich_case: Path, tmp_path: Path) -> None:
    from workbench.core.exporters.case_copy import CopyOptions

    out = tmp_path / "redacted.case"
    options = CopyOptions(drop_notes=True, drop_archived_texts=True, replace_analyst="Analyst")
    with open_case(rich_case, read_only=True) as case:
        assert NOTE.encode() in rich_case.read_bytes() or case.get("notes", "note-private")
        export(case, "case", out, options=options)
    raw = out.read_bytes()
    for secret in (NOTE, ARCHIVED, ANALYST, "Check the BelTA timing"):
        assert secret.encode("utf-8") not in raw, secret
    with open_case(out, read_only=True) as copy:
        assert copy.counts()["notes"] == 0 and copy.counts()["events"] == 2
        assert copy.counts()["audit"] > 0 and copy.search_index_ok()
        assert copy.meta("copy_redacted") == "notes, archived texts, analyst names"
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_subset_by_time_window_keeps_what_is_tied(rich_case: Path, tmp_path: Path) -> None:
    from workbench.core.exporters.case_copy import CopyOptions

    out = tmp_path / "window.case"
    with open_case(rich_case, read_only=True) as case:
        summary = export(case, "case", out, options=CopyOptions(start="2020-08-15T00:00:00Z",
                                                                end="2020-08-15T23:59:59Z", drop_audit=True))
    assert "1 events" in summary
    raw = out.read_bytes()
    assert b"Unmarked vehicles" not in raw and NOTE.encode() not in raw
    with open_case(out, read_only=True) as copy:
        assert [e["id"] for e in copy.rows("events")] == ["event-call"]
        # the undated relation between two of the event's actors may hold then, the dated one overlaps
        assert {r["id"] for r in copy.rows("relations")} == {"relation-support", "relation-dated"}
        assert {a["id"] for a in copy.rows("actors")} == {"actor-luka", "actor-kremlin", "actor-omon"}
        assert {s["id"] for s in copy.rows("sources")} == {"source-belta", "source-tass"}
        assert copy.counts()["audit"] == 0 and copy.counts()["views"] == 0
        assert copy.rows("event_places") == [{"event_id": "event-call", "place_id": "place-minsk", "role": "location"}]


def test_subset_by_actors_takes_their_events_relations_and_other_ends(rich_case: Path, tmp_path: Path) -> None:
    from workbench.core.exporters.case_copy import CopyOptions

    out = tmp_path / "omon.case"
    with open_case(rich_case, read_only=True) as case:
        export(case, "case", out, options=CopyOptions(actor_ids=("actor-omon",)))
    with open_case(out, read_only=True) as copy:
        assert [e["id"] for e in copy.rows("events")] == ["event-rumour"]
        assert {r["id"] for r in copy.rows("relations")} == {"relation-dated"}
        assert {a["id"] for a in copy.rows("actors")} == {"actor-omon", "actor-luka"}
        assert [n["id"] for n in copy.rows("notes")] == ["note-private"]
        assert copy.counts()["citations"] == 0


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_cancelled_export_leaves_no_file(rich_case: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    stopped = Progress()
    stopped.cancel()
    with open_case(rich_case, read_only=True) as case, pytest.raises(Cancelled):
        export(case, fmt, out, progress=stopped)
    assert list(tmp_path.iterdir()) == [rich_case] or not out.exists()
    assert not out.exists() and not list(tmp_path.glob(".*"))


def test_export_refuses_to_overwrite_its_case_and_briefing_formats(rich_case: Path, tmp_path: Path) -> None:
    with open_case(rich_case, read_only=True) as case:
        with pytest.raises(CaseError, match="cannot overwrite"):
            export(case, "json", rich_case)
    with pytest.raises(CaseError, match="briefing storyboard"):
        run_export(rich_case, "pdf", tmp_path / "x.pdf")


def test_cli_exports_every_format(rich_case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = rich_case.read_bytes()
    for fmt in FORMATS:
        out = tmp_path / f"out-{fmt}{FORMATS[fmt].suffix}"
        assert main(["export", str(rich_case), "--format", fmt, "--out", str(out)]) == 0
        assert out.stat().st_size > 0
    assert rich_case.read_bytes() == before  # exporting is only looking
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(FORMATS) and all(line.startswith("Exported") for line in lines)
    assert main(["export", str(rich_case), "--format", "json", "--out", str(tmp_path / "nowhere" / "x.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_sample_case_round_trips(tmp_path: Path) -> None:
    from workbench.core.sample import build_sample_case

    case: Case = build_sample_case(tmp_path / "sample.case")
    export_canonical(case, tmp_path / "a.json")
    case.close()
    with create_case(tmp_path / "b.case", "b") as restored:
        import_canonical(tmp_path / "a.json", restored)
        export_canonical(restored, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
