"""Bad input to the importers (issue 10, "Bad input"): CSV, canonical JSON, STIX and report text.

Hostile files are refused, or their bad rows rejected with the line where the row starts, never merged
into a neighbour and never a crash. The properties feed each parser (CSV, canonical JSON, STIX, report)
and the import entry (propose_file) 2,000 generated inputs each (the "fuzz" profile in conftest.py) and
assert that only our own error type (CaseError: ImportRefused and the rest) ever comes out; where a
parser returns a plan, the plan is written too. Each property reuses one case file and rolls back
whatever an example wrote, so 2,000 examples cost seconds, not minutes. The generators make mostly
well-formed input with one thing wrong, so that examples get past the first check and into the case.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workbench.core.exporters.canonical import canonical_text
from workbench.core.importers import ImportRefused, apply_plan, propose_file, run_import
from workbench.core.importers.canonical import import_canonical
from workbench.core.importers.csv_import import read_csv, write_csv
from workbench.core.importers.encoding import decode
from workbench.core.importers.report import propose_report
from workbench.core.importers.stix_import import propose_stix
from workbench.core.store import Case, CaseError, create_case, open_case

FUZZ = settings.get_profile("fuzz")
TEN_MB = 10 * 1024 * 1024


class _Rollback(Exception):
    pass


def rolled_back(case: Case, work) -> None:
    """Run `work` inside a transaction that is always rolled back: the shared case stays as it was."""
    try:
        with case.transaction():
            work()
            raise _Rollback
    except _Rollback:
        pass


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Case, Path]]:
    """One case (an actor and an event, so matches happen) and one folder for every example of a module."""
    folder = tmp_path_factory.mktemp("fuzz")
    case = create_case(folder / "fuzz.case", "Fuzz", timezone="Europe/Minsk")
    with case.transaction():
        case.insert("actors", {"id": "actor-luka", "name": "Lukashenko", "kind": "person", "aliases": ["Батька"]})
        case.insert("events", {"id": "event-1", "title": "Talks", "start": "2020-08-15T09:00:00Z"})
    yield case, folder
    case.close()


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    opened = create_case(tmp_path / "into.case", "Into", timezone="UTC")
    yield opened
    opened.close()


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return path


# --- CSV: the cases the issue names ----------------------------------------------------------------------


def test_csv_ten_megabyte_field_rejects_its_row_only(case: Case, tmp_path: Path) -> None:
    huge = "x" * TEN_MB
    path = write(tmp_path, "actors.csv", f"name,description\nOMON,riot police\nKGB,{huge}\nKremlin,state\n")
    plan = read_csv(case, path)
    assert [r["name"] for r in plan.rows] == ["OMON", "Kremlin"]
    assert len(plan.rejected) == 1 and plan.rejected[0][0] == 3 and "10,485,760 characters" in plan.rejected[0][1]
    huge_title = write(tmp_path, "events.csv", f'title,start\n"{huge}",2020-08-15\nTalks,2020-08-15\n')
    plan = read_csv(case, huge_title)
    assert [line for line, _ in plan.rejected] == [2] and [r["title"] for r in plan.rows] == ["Talks"]


def test_csv_unterminated_quote_is_refused_at_the_line_it_opens_never_merged(case: Case, tmp_path: Path) -> None:
    path = write(tmp_path, "actors.csv", 'name,kind\nOMON,security\n"KGB,security\nKremlin,state\nCSTO,alliance\n')
    with pytest.raises(ImportRefused, match="starting on line 3") as refused:
        read_csv(case, path)
    assert "nothing was imported" in str(refused.value)
    stray = write(tmp_path, "stray.csv", 'name,kind\nOMON,security\n"KGB" x,security\n')
    with pytest.raises(ImportRefused, match="starting on line 3"):
        read_csv(case, stray)
    with pytest.raises(ImportRefused):
        run_import(path, case.path, accept_all=True)
    assert case.conn.execute("SELECT count(*) FROM actors").fetchone()[0] == 0


def test_csv_multi_line_field_is_reported_at_the_line_it_starts(case: Case, tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", 'title,start,summary\nA,2020-08-15,"one\ntwo\nthree"\nB,not a date,x\n'
                                         'C,2020-08-16,"four\nfive"\n,2020-08-16,empty title\n')
    plan = read_csv(case, path)
    assert [r["title"] for r in plan.rows] == ["A", "C"] and plan.rows[0]["summary"] == "one\ntwo\nthree"
    assert [line for line, _ in plan.rejected] == [5, 8]


def test_csv_ragged_rows_are_rejected_one_by_one(case: Case, tmp_path: Path) -> None:
    path = write(tmp_path, "actors.csv", "name,kind\nOMON,security\nKGB\nKremlin,state,extra\nCSTO,alliance\n")
    plan = read_csv(case, path)
    assert [r["name"] for r in plan.rows] == ["OMON", "CSTO"]
    assert plan.rejected == [(3, "1 fields where the header has 2"), (4, "3 fields where the header has 2")]
    with pytest.raises(ImportRefused, match="line 3: 1 fields"):
        run_import(path, case.path)


def test_csv_nul_bom_and_bad_utf8(case: Case, tmp_path: Path) -> None:
    plan = read_csv(case, write(tmp_path, "nul.csv", "name,kind\nOM\x00ON,security\nKGB,security\n"))
    assert plan.rejected == [(2, "a field holds a NUL character")] and [r["name"] for r in plan.rows] == ["KGB"]
    plan = read_csv(case, write(tmp_path, "bom.csv", "\ufeffname,kind\nOMON,security\n"))
    assert plan.table == "actors" and [r["name"] for r in plan.rows] == ["OMON"]
    lone = write(tmp_path, "lone.csv", b"name,kind\nOMON,security\nK\xed\xa0\x80GB,security\n")  # UTF-8 of U+D800
    plan = read_csv(case, lone)  # not UTF-8, so read as a code page (issue 22) and said so; no surrogate gets in
    assert plan.reading.startswith("Windows-1252") and [r["name"] for r in plan.rows] == ["OMON", "Kí €GB"]
    with pytest.raises(ImportRefused, match="twice"):
        read_csv(case, write(tmp_path, "twice.csv", "name,name\nA,B\n"))


def test_csv_two_rows_of_one_record_are_not_merged_silently(case: Case, tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "title,start,actors\nTalks,2020-08-15,Putin\nTalks,2020-08-15,Biden\n")
    plan = read_csv(case, path)
    assert len(plan.rows) == 1 and plan.rejected[0][0] == 3 and "same record as line 2" in plan.rejected[0][1]
    assert [link["actor_id"] for link in plan.links] == [plan.new_actors[0]["id"]]  # Biden's link went with its row


# --- JSON (canonical and STIX): duplicate keys, NaN, deep nesting, lone surrogates -------------------------

BAD_JSON = {
    "duplicate key": ('{"case_workbench": {"json_format": 1, "schema_version": 1}, "actors": [], "actors": '
                      '[{"id": "a", "name": "x"}]}', "appears twice"),
    "NaN": ('{"case_workbench": {"json_format": 1, "schema_version": 1}, "places": [{"id": "p", "name": "x", '
            '"lat": NaN}]}', "NaN is not a JSON number"),
    "Infinity": ('{"case_workbench": {"json_format": 1, "schema_version": 1}, "places": [{"id": "p", "name": "x", '
                 '"lat": -Infinity}]}', "Infinity is not a JSON number"),
    "deep nesting": ("[" * 200_000 + "]" * 200_000, "too deeply"),
    "lone surrogate": ('{"case_workbench": {"json_format": 1, "schema_version": 1}, "actors": [{"id": "a", '
                       '"name": "K\\ud800GB"}]}', "surrogate"),
}


@pytest.mark.parametrize("name", BAD_JSON)
def test_bad_canonical_json_is_refused_in_one_sentence(case: Case, tmp_path: Path, name: str) -> None:
    text, reason = BAD_JSON[name]
    path = write(tmp_path, "case.json", text)
    with pytest.raises(CaseError, match=reason):
        run_import(path, case.path)
    with pytest.raises(CaseError, match=reason):
        import_canonical(path, case)
    assert case.conn.execute("SELECT count(*) FROM places").fetchone()[0] == 0


@pytest.mark.parametrize("name", BAD_JSON)
def test_bad_stix_json_is_refused_in_one_sentence(case: Case, tmp_path: Path, name: str) -> None:
    text, reason = BAD_JSON[name]
    if text.startswith("{"):
        text = '{"type": "bundle", "id": "bundle--0", "objects": [' + text + "]}"
    path = write(tmp_path, "bundle.json", text)
    with pytest.raises(ImportRefused, match=reason):
        propose_file(case, path)


def test_report_with_nul_ten_megabytes_and_bad_bytes_is_read_without_a_crash(case: Case, tmp_path: Path) -> None:
    text = "# Update, 15 August 2020\n\nOn August 15, OMON detained protesters in Minsk.[1]\x00\n\n" + "x" * TEN_MB
    text += "\n\n[1] https://example.org/a\n"
    path = write(tmp_path, "report.md", text.encode() + b"\xed\xa0\x80\xff")
    plan = propose_file(case, path)
    assert any(p.kind == "source" for p in plan.proposals)
    apply_plan(case, plan)


# --- properties: only our own error type, ever -------------------------------------------------------------

CSV_HEADERS = ["name,kind,aliases", "title,start,end,actors,confidence", "from,to,kind,start", "url,title,reliability",
               "name,description,id"]
CSV_PIECES = st.sampled_from(['"', '""', ",", "\n", "\r\n", "\r", "\x00", "\ufeff", " ", ";", "2020-08-15",
                              "2020-08-15T18:30+03:00", "1899-01-01", "Z", "A", "F", "https://x.org/a?utm_source=1",
                              "Лукашенко", "Батька", "\u202e", "e\u0301", "👩‍👩‍👧", "x" * 400, "reported"])
CSV_TEXT = st.lists(st.one_of(CSV_PIECES, st.text(max_size=8)), max_size=40).map("".join)


@settings(parent=FUZZ)
@given(header=st.sampled_from(CSV_HEADERS), body=CSV_TEXT, raw=st.binary(max_size=20), where=st.integers(0, 400))
@example(header="name,kind", body='OMON,x\n"KGB,y\nCSTO,z\n', raw=b"", where=0)
@example(header="name,kind", body="A,x\nA,x\n", raw=b"\xed\xa0\x80", where=3)
def test_csv_parser_raises_only_our_errors(shared, header: str, body: str, raw: bytes, where: int) -> None:
    case, folder = shared
    data = (header + "\n" + body).encode("utf-8", "surrogatepass")
    data = data[:where] + raw + data[where:]
    path = write(folder, "fuzz.csv", data)
    try:
        plan = read_csv(case, path)
    except CaseError:
        return
    lines = data.count(b"\n") + data.count(b"\r") + 1
    assert all(2 <= line <= lines for line, _reason in plan.rejected)
    if b'"' not in data and b"\r" not in data:  # without quotes one line is one row: none merged, none lost
        text = decode(data).text  # as read_csv reads it: any bytes are text in some encoding (issue 22)
        non_blank = [line for line in text.split("\n")[1:] if line.replace(",", "").strip()]
        assert len(plan.rows) + len(plan.rejected) + plan.skipped == len(non_blank)
    rolled_back(case, lambda: write_csv(case, plan))


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                         st.text(max_size=12), st.sampled_from(["2020-08-15T09:00:00Z", "actor-luka", "event-1"]))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=3), inner, max_size=2), max_leaves=3)
GOOD = {"id": st.sampled_from(["r-1", "r-2", "actor-luka", "event-1", "Лукашенко 🇧🇾"]),
        "name": st.sampled_from(["OMON", "", "Батька \u202e", "x" * 300]),
        "title": st.sampled_from(["Talks", "", "Встреча e\u0301"]), "kind": st.sampled_from(["person", "", "meets"]),
        "start": st.sampled_from(["2020-08-15T09:00:00Z", "2020-08-15", "9999-99-99T99:99:99Z"]),
        "aliases": st.sampled_from(['["a"]', "[]", "not json", '{"a": 1}']),
        "confidence": st.sampled_from(["reported", "likely", "sure"]), "lat": st.floats(-100, 100),
        "lon": st.floats(-200, 200), "event_id": st.sampled_from(["event-1", "r-1", "missing"]),
        "actor_id": st.sampled_from(["actor-luka", "r-2", "missing"]),
        "from_actor_id": st.sampled_from(["actor-luka", "r-1"]), "to_actor_id": st.sampled_from(["actor-luka", "r-2"]),
        "state": st.sampled_from(["{}", "[]", '{"time_window": null}']),
        "thumbnail": st.sampled_from([{"base64": "iVBORw0K"}, {"base64": "!!"}, {"x": 1}]),
        "key": st.sampled_from(["title", "timezone", "case_id", "classification"]), "text": st.text(max_size=10),
        "value": st.sampled_from(["T", "Europe/Minsk", "Not/AZone", ""]),
        "action": st.sampled_from(["insert", "explode"]), "at": st.sampled_from(["2020-08-15T09:00:00Z", ""])}
CANONICAL_TABLES = {
    "meta": ["key", "value"], "places": ["id", "name", "lat", "lon"], "actors": ["id", "name", "kind", "aliases"],
    "events": ["id", "title", "start", "confidence"], "event_actors": ["event_id", "actor_id"],
    "relations": ["id", "from_actor_id", "to_actor_id", "kind"], "notes": ["id", "text", "event_id"],
    "views": ["id", "title", "state", "thumbnail"], "audit": ["at", "action", "key"], "bogus": ["id"]}


@st.composite
def canonical_documents(draw) -> str:
    """Documents shaped like our export (so records reach the case), with values and syntax gone wrong."""
    document: dict = {}
    if draw(st.integers(0, 9)):
        version = draw(st.integers(0, 9).map(lambda n: [1, 99, "2"][n] if n < 3 else 2))
        document["case_workbench"] = {"json_format": 1, "schema_version": version}
    for table in draw(st.lists(st.sampled_from(list(CANONICAL_TABLES)), max_size=3, unique=True)):
        fields = CANONICAL_TABLES[table][:draw(st.integers(1, len(CANONICAL_TABLES[table])))]
        records: list = []
        for _ in range(draw(st.integers(0, 3))):
            record = {f: draw(GOOD.get(f, JSON_SCALARS)) for f in fields}
            wrong = draw(st.integers(0, 9))  # most records well-formed, some with one field wrong, a few not records
            if wrong == 8:
                record[draw(st.sampled_from(fields))] = draw(JSON_VALUES)
            records.append(draw(JSON_VALUES) if wrong == 9 else record)
        document[table] = records
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    cut = draw(st.integers(0, len(text)))
    spoilt = draw(st.integers(0, 9))  # 7 in 10 documents are well-formed JSON
    if spoilt < 7:
        return text
    return text[:cut] if spoilt == 7 else text[:cut] + draw(st.sampled_from(
        ["NaN", "\\ud800", '"id": 1, "id": 2', "{" * 3000, "\x00", "]", ","])) + text[cut:]


@settings(parent=FUZZ)
@given(text=canonical_documents())
@example(text='{"case_workbench": {"json_format": 1, "schema_version": 2}, "places": [{"id": "p", "name": "x", '
              '"lat": NaN}]}')
@example(text="[" * 100_000)
def test_canonical_json_import_raises_only_our_errors(shared, text: str) -> None:
    case, folder = shared
    path = write(folder, "fuzz.json", text)
    try:
        rolled_back(case, lambda: import_canonical(path, case))
    except CaseError:
        pass


STIX_FIELDS = ["name", "description", "aliases", "identity_class", "first_seen", "last_seen", "confidence",
               "source_ref", "target_ref", "relationship_type", "sighting_of_ref", "where_sighted_refs",
               "external_references", "latitude", "longitude", "published", "object_refs", "count", "created",
               "modified", "spec_version", "id", "type"]
STIX_TIMES = st.sampled_from(["2020-08-15T09:00:00Z", "2020-08-09T00:00:00.123Z", "1899-12-31T23:59:59Z",
                              "2020-08-15", "not a time"])
STIX_TEXT = st.one_of(st.text(max_size=10), st.sampled_from(["", " ", "Лукашенко", "Батька", "\u202eOMON", "e\u0301",
                                                             "👩‍👩‍👧", "x" * 400]))
REFERENCES = st.lists(st.fixed_dictionaries({"source_name": STIX_TEXT}, optional={
    "url": st.sampled_from(["https://x.org/a", "https://x.org/a?utm_source=1", "ftp:x", "", "\u202ehttps://y",
                            "https://belta.by/статья"]), "description": STIX_TEXT}), max_size=2)


@st.composite
def stix_bundles(draw) -> dict:
    """Mostly valid STIX objects (so proposals are made and written), each perhaps with one field gone wrong."""
    objects: list = []
    ids: list[str] = []
    for number in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["threat-actor", "intrusion-set", "identity", "campaign", "sighting",
                                     "relationship", "location", "report", "x-custom"]))
        ref = st.sampled_from(ids or ["identity--00000000-0000-4000-8000-000000000000"])
        obj: dict = {"type": kind, "spec_version": "2.1",
                     "id": f"{kind}--6f1b1d5e-3b7d-4a8e-9d8c-2c7a6f0b1a{number:02d}",
                     "created": "2020-08-15T09:00:00.000Z", "modified": "2020-08-15T09:00:00.000Z"}
        if kind in ("threat-actor", "intrusion-set", "identity", "campaign", "location", "report", "x-custom"):
            obj["name"] = draw(STIX_TEXT)
        if kind in ("threat-actor", "intrusion-set"):
            obj["aliases"] = draw(st.lists(STIX_TEXT, max_size=3))
        if kind == "identity":
            obj["identity_class"] = draw(st.sampled_from(["individual", "group", "organization", "class", "system"]))
        if kind == "campaign":
            obj["first_seen"], obj["last_seen"] = draw(STIX_TIMES), draw(STIX_TIMES)
        if kind == "sighting":
            obj.update(sighting_of_ref=draw(ref), where_sighted_refs=draw(st.lists(ref, max_size=2)),
                       count=draw(st.integers(0, 5)), first_seen=draw(STIX_TIMES))
        if kind == "relationship":
            obj.update(relationship_type=draw(STIX_TEXT), source_ref=draw(ref), target_ref=draw(ref),
                       start_time=draw(STIX_TIMES), stop_time=draw(STIX_TIMES))
        if kind == "location":
            obj.update(latitude=draw(st.floats(-91, 91)), longitude=draw(st.floats(-181, 181)),
                       country=draw(STIX_TEXT))
        if kind == "report":
            obj.update(published=draw(STIX_TIMES), object_refs=draw(st.lists(ref, min_size=1, max_size=2)))
        if draw(st.booleans()):
            obj["description"] = draw(STIX_TEXT)
        if draw(st.booleans()):
            obj["confidence"] = draw(st.integers(-5, 105))
        if draw(st.booleans()):
            obj["external_references"] = draw(REFERENCES)
        if draw(st.integers(0, 4)) == 0:  # one field gone wrong
            obj[draw(st.sampled_from(STIX_FIELDS))] = draw(JSON_VALUES)
        ids.append(obj["id"] if isinstance(obj.get("id"), str) else "x")
        objects.append(draw(JSON_VALUES) if draw(st.integers(0, 19)) == 0 else obj)
    return {"type": "bundle", "id": "bundle--6f1b1d5e-3b7d-4a8e-9d8c-2c7a6f0b1a00", "objects": objects}


@settings(parent=FUZZ)
@given(bundle=stix_bundles())
@example(bundle={"type": "bundle", "id": "b", "objects": [{"type": "threat-actor", "spec_version": "2.1",
                 "id": "threat-actor--6f1b1d5e-3b7d-4a8e-9d8c-2c7a6f0b1a01", "created": "2020-08-15T09:00:00.000Z",
                 "modified": "2020-08-15T09:00:00.000Z", "name": "X", "confidence": 150}]})
@example(bundle={"type": "bundle", "id": "b", "objects": [  # custom values where text was expected (were crashes)
    {"type": "sighting", "spec_version": "2.1", "id": "sighting--6f1b1d5e-3b7d-4a8e-9d8c-2c7a6f0b1a00",
     "created": "2020-08-15T09:00:00.000Z", "modified": "2020-08-15T09:00:00.000Z", "name": [None], "count": 0,
     "sighting_of_ref": "identity--00000000-0000-4000-8000-000000000000"},
    {"type": "identity", "spec_version": "2.1", "id": "identity--6f1b1d5e-3b7d-4a8e-9d8c-2c7a6f0b1a01",
     "created": "2020-08-15T09:00:00.000Z", "modified": "2020-08-15T09:00:00.000Z", "name": " ",
     "identity_class": ["x"], "aliases": 5},
    {"type": "x-custom", "id": ["x"], "name": 1.5}]})
def test_stix_import_raises_only_our_errors(shared, bundle: dict) -> None:
    case, _folder = shared
    try:
        plan = propose_stix(case, bundle, "fuzz.json")
        rolled_back(case, lambda: apply_plan(case, plan))
    except CaseError:
        pass


REPORT_PIECES = st.sampled_from(["\n", "\n\n", " ", ".", "[1]", "^2", "<sup>3</sup>", "[1] https://x.org/a\n",
                                 "1. https://belta.by/x?utm_source=t\n", "Notes:\n", "Sources\n", "# Title\n",
                                 "On August 15, ", "Lukashenko met Putin", " likely ", " unverified ", "OMON",
                                 "Батька", "\u202e", "e\u0301", "🙂", "<a href='file:///etc/passwd'>x</a>", "<b>",
                                 "</p>", "&amp;", "&#0;", "\x00", "August 14-16, 2020", "15 августа", "on Monday",
                                 "at 18:30", "Aug. 9", "|a|b|\n", "```", "*", "> ", "http://", "\ufeff",
                                 "On August 15, 2020, Lukashenko met Putin in Minsk.[1] ",
                                 "The Kremlin likely deployed OMON units on August 16.<sup>2</sup> ",
                                 "Unverified reports claim the CSTO may intervene on 17 August.^3 ",
                                 "\n\n[2] https://tass.com/politics/2\n[3] https://www.belta.by/a?utm_source=x\n"])
REPORT_TEXT = st.lists(st.one_of(REPORT_PIECES, st.text(max_size=6)), max_size=60).map("".join)


@settings(parent=FUZZ)
@given(text=REPORT_TEXT, fmt=st.sampled_from(["markdown", "html", "text"]))
@example(text="On August 15, Lukashenko met Putin.[1]\n\n[1] https://x.org/a\n", fmt="markdown")
@example(text="<sup>3</sup>http://[1] https://x.org/a\n", fmt="markdown")  # was a ValueError from urlsplit
def test_report_import_raises_only_our_errors(shared, text: str, fmt: str) -> None:
    case, _folder = shared
    try:
        plan = propose_report(case, text, f"fuzz.{fmt}", fmt=fmt, report_date=date(2020, 8, 15))
        rolled_back(case, lambda: apply_plan(case, plan))
    except CaseError:
        pass


@settings(parent=FUZZ)
@given(data=st.one_of(st.binary(max_size=300), REPORT_TEXT.map(str.encode), CSV_TEXT.map(
    lambda t: t.encode("utf-8", "surrogatepass"))), suffix=st.sampled_from(
    [".md", ".html", ".txt", ".json", ".stix", ".csv", ".exe", ""]))
@example(data=b'{"type": "bundle", "objects": [1, "x", null]}', suffix=".json")
@example(data=b"\xff\xfe\x00\x00" + "Лукашенко".encode("cp1251"), suffix=".txt")
def test_the_import_entry_raises_only_our_errors(shared, data: bytes, suffix: str) -> None:
    """propose_file, the entry File > Import uses: reading, decoding, telling the kind apart, proposing."""
    case, folder = shared
    path = write(folder, f"entry{suffix}", data)
    try:
        propose_file(case, path)
    except CaseError:
        pass


def test_the_shared_case_is_unchanged_by_the_properties(shared) -> None:
    case, _folder = shared
    assert json.loads(canonical_text(case))["actors"][0]["id"] == "actor-luka"
    with open_case(case.path, read_only=True) as again:
        assert again.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1
