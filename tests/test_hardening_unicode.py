"""Unicode round trip (issue 10, "Bad input"): Cyrillic, Arabic, Hebrew, U+202E (right-to-left override),
combining marks and emoji (ZWJ sequences, flags) go in through the importers (CSV and canonical JSON), sit in
the case file, go out through every export format and come back, through the reader each format has
(networkx for GraphML and GEXF, our own importers for JSON, CSV and STIX), equal to what went in.

What an analyst types is cleaned (core.editing strips bidi overrides from typed text); what was imported
or stored is the case's data and travels unchanged.
"""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from workbench.core.exporters import FORMATS, export
from workbench.core.importers import run_import
from workbench.core.importers.canonical import import_canonical
from workbench.core.importers.csv_import import read_csv
from workbench.core.importers.stix_import import load_json, propose_stix
from workbench.core.store import create_case, open_case

NAMES = {
    "cyrillic": "Александр Лукашенко",
    "arabic": "ألكسندر لوكاشينكو",
    "hebrew": "אלכסנדר לוקשנקו",
    "rlo": "OMON \u202eBYLAMRON\u202c unit",
    "combining": "Zoe\u0308 Ne\u0301ve\u0327 Z\u0337\u0322\u0348a\u0335lgo",  # decomposed: NFC would change it
    "emoji": "Family 👩‍👩‍👧 flag 🇧🇾 skin 👍🏽",
}
TITLE = "Встреча — لقاء — פגישה \u202edetacilpmoc\u202c e\u0301 🇧🇾👩‍👩‍👧"
SUMMARY = "Line one Лукашенко\nLine two \u202eRTL\u202c ا ב e\u0301\u0301 👍🏽"


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A case filled only by importers: CSV actors, events and relations, then a canonical JSON document."""
    path = tmp_path / "unicode.case"
    create_case(path, "Юникод 🇧🇾 \u202ecase", "SECRET//ОСОБОЙ", "Europe/Minsk").close()
    actors = tmp_path / "actors.csv"
    actors.write_text(_csv([["name", "kind", "aliases", "description", "id"],
                            *[[name, "person", f"{name[::-1]};алиас", f"desc {name}", f"actor-{key}"]
                              for key, name in NAMES.items()]]), encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(_csv([["title", "start", "summary", "actors", "id"],
                            [TITLE, "2020-08-15T10:00", SUMMARY, f"{NAMES['cyrillic']};{NAMES['emoji']}",
                             "event-unicode"]]), encoding="utf-8-sig")  # with a BOM, as Excel writes it
    relations = tmp_path / "relations.csv"
    relations.write_text(_csv([["from", "to", "kind", "label", "id"],
                               [NAMES["arabic"], NAMES["hebrew"], "talks with — говорит", NAMES["rlo"],
                                "relation-unicode"]]), encoding="utf-8")
    for file in (actors, events, relations):
        run_import(file, path)
    document = {"case_workbench": {"json_format": 1, "schema_version": 1},
                "sources": [{"id": "source-unicode", "url": "https://example.org/статья?q=👍", "title": TITLE,
                             "publisher": NAMES["arabic"], "language": "ar", "reliability": "C",
                             "archived_text": SUMMARY}],
                "citations": [{"id": "citation-unicode", "source_id": "source-unicode", "event_id": "event-unicode",
                               "quote": SUMMARY}],
                "notes": [{"id": "note-unicode", "text": SUMMARY, "event_id": "event-unicode"}]}
    (tmp_path / "more.json").write_text(json.dumps(document, ensure_ascii=True), encoding="utf-8")
    run_import(tmp_path / "more.json", path)
    return path


def test_imported_text_is_stored_unchanged(imported: Path) -> None:
    with open_case(imported, read_only=True) as case:
        for key, name in NAMES.items():
            actor = case.get("actors", f"actor-{key}")
            assert actor["name"] == name and actor["description"] == f"desc {name}"
            assert json.loads(actor["aliases"]) == [name[::-1], "алиас"]
        event = case.get("events", "event-unicode")
        assert (event["title"], event["summary"]) == (TITLE, SUMMARY)
        assert case.get("relations", "relation-unicode")["label"] == NAMES["rlo"]
        assert case.get("sources", "source-unicode")["archived_text"] == SUMMARY
        assert case.title == "Юникод 🇧🇾 \u202ecase"


def test_every_export_format_carries_the_text_and_reads_back_equal(imported: Path, tmp_path: Path) -> None:
    out = {fmt: tmp_path / f"out-{fmt}{FORMATS[fmt].suffix}" for fmt in FORMATS}
    with open_case(imported, read_only=True) as case:
        for fmt, path in out.items():
            export(case, fmt, path)
        stored = {row["id"]: row for row in case.rows("actors")}

    # canonical JSON: back through our importer into a new case, every record equal
    again = create_case(tmp_path / "again.case", "placeholder")
    import_canonical(out["json"], again)
    with open_case(imported, read_only=True) as case:
        for table in ("actors", "events", "relations", "sources", "citations", "notes", "event_actors"):
            assert sorted(again.rows(table), key=repr) == sorted(case.rows(table), key=repr), table
    assert again.title == "Юникод 🇧🇾 \u202ecase"
    again.close()

    # case copy: the same text in the copy
    with open_case(out["case"], read_only=True) as copy:
        assert copy.get("events", "event-unicode")["summary"] == SUMMARY
        assert {row["id"]: row["name"] for row in copy.rows("actors")} == {k: v["name"] for k, v in stored.items()}

    # CSV zip: the csv module reads the same text; the actors table goes back in through our CSV importer
    with zipfile.ZipFile(out["csv"]) as archive:
        events = list(csv.DictReader(io.TextIOWrapper(archive.open("events.csv"), encoding="utf-8-sig", newline="")))
        assert (events[0]["title"], events[0]["summary"]) == (TITLE, SUMMARY)
        actors_csv = archive.read("actors.csv")
    rows = list(csv.DictReader(io.StringIO(actors_csv.decode("utf-8-sig"), newline="")))
    (tmp_path / "back.csv").write_text(_csv([["name", "kind", "description", "id"],
                                             *[[r["name"], r["kind"], r["description"], r["id"]] for r in rows]]),
                                       encoding="utf-8")
    fresh = create_case(tmp_path / "fresh.case", "fresh")
    plan = read_csv(fresh, tmp_path / "back.csv")
    assert not plan.rejected and {r["id"]: r["name"] for r in plan.rows} == {k: v["name"] for k, v in stored.items()}

    # GraphML and GEXF: networkx reads the labels back equal
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        graph = read(out[fmt])
        assert {node: data["label"] for node, data in graph.nodes(data=True)} == \
            {k: v["name"] for k, v in stored.items()}, fmt
    graph = nx.read_graphml(out["graphml"], force_multigraph=True)
    assert graph.edges["actor-arabic", "actor-hebrew", "relation-unicode"]["kind"] == "talks with — говорит"

    # STIX: our STIX importer proposes the same names and the event's title
    plan = propose_stix(fresh, load_json("stix.json", out["stix"].read_text(encoding="utf-8")), "stix.json")
    assert not plan.rejected
    names = {p.values["name"] for p in plan.proposals if p.kind == "actor"}
    assert set(NAMES.values()) <= names
    assert TITLE in {p.values.get("title") for p in plan.proposals if p.kind == "event"}  # an event again (issue 22)
    assert any(p.values.get("url") == "https://example.org/статья?q=👍" for p in plan.proposals if p.kind == "source")
    fresh.close()

    # TimelineJS: HTML-escaped by design (TimelineJS renders HTML); unescaped, the same text
    timeline = json.loads(out["timelinejs"].read_text(encoding="utf-8"))
    event = next(e for e in timeline["events"] if e["unique_id"] == "event-unicode")
    assert html.unescape(event["text"]["headline"]) == TITLE
    assert html.escape(SUMMARY) in event["text"]["text"]
    assert html.unescape(timeline["title"]["text"]["headline"]) == "Юникод 🇧🇾 \u202ecase"
