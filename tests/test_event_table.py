"""Event tables (ACLED, ICEWS, GDELT, a spreadsheet): presets, honest time, actors through core.names, ties,
places, refused rows with their lines, XLSX, the command line, Cancel, and a slice of the real ICEWS14 year."""

from __future__ import annotations

import csv
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core import names
from workbench.core.importers import ImportRefused, file_kind
from workbench.core.importers.event_table import (
    Mapping,
    detect,
    import_event_table,
    kind_of,
    parse_date,
    read_head,
    relation_count,
)
from workbench.core.progress import Cancelled, Progress
from workbench.core.store import create_case, open_case

DATA = Path(__file__).parent / "data" / "event_tables"
ICEWS14 = Path(__file__).resolve().parents[2] / "shared" / "data" / "icews14" / "icews14.tsv"


def new_case(tmp_path: Path, zone: str = "UTC"):
    return create_case(tmp_path / "events.case", "Events", timezone=zone)


def event(case, title_part: str) -> dict:
    rows = [r for r in case.rows("events") if title_part in r["title"]]
    assert len(rows) == 1, [r["title"] for r in rows]
    return rows[0]


def actor_id(case, name: str) -> str:
    return case.conn.execute("SELECT id FROM actors WHERE name = ?", (name,)).fetchone()[0]


def country(case, name: str) -> str | None:
    found = case.conn.execute("SELECT value FROM actor_attributes WHERE key = 'country' AND actor_id = ?",
                              (actor_id(case, name),)).fetchall()
    assert len(found) <= 1
    return found[0][0] if found else None


def relation(case, one: str, kind: str, two: str) -> dict:
    rows = case.conn.execute(
        "SELECT label, start, \"end\", directed FROM relations WHERE from_actor_id = ? AND kind = ? AND "
        "to_actor_id = ?", (actor_id(case, one), kind, actor_id(case, two))).fetchall()
    assert len(rows) == 1
    return dict(zip(("label", "start", "end", "directed"), rows[0], strict=True))


@pytest.mark.parametrize(("name", "preset"), [("acled.csv", "acled"), ("icews.tsv", "icews"),
                                              ("gdelt.tsv", "gdelt"), ("generic.csv", "generic")])
def test_presets_are_recognised_from_the_header(name: str, preset: str) -> None:
    mapping = detect(read_head(DATA / name).header)
    assert mapping is not None and mapping.preset == preset
    assert file_kind(DATA / name) == "events"


def test_our_csv_templates_stay_with_the_csv_importer(tmp_path: Path) -> None:
    from workbench.core.importers.csv_import import template

    path = tmp_path / "events-template.csv"
    path.write_text(template("events"), encoding="utf-8")
    assert file_kind(path) == "csv"
    unknown = tmp_path / "mine.csv"
    unknown.write_text("when,who\n2020-01-01,x\n", encoding="utf-8")
    assert file_kind(unknown) == "events" and detect(read_head(unknown).header) is None


def test_acled_time_precision_ties_places_and_refused_rows(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        result = import_event_table(case, DATA / "acled.csv")
        assert result.preset == "acled" and result.rows == 8
        # every refused row with its line: coordinates out of range, no date, no actor
        assert [line for line, _ in result.rejected] == [7, 8, 9]
        assert "latitude 95 is out of range" in result.rejected[0][1]
        assert "date is empty" in result.rejected[1][1] and "actor 1" in result.rejected[2][1]
        day = event(case, "Protesters (Belarus)")
        assert day["start"] == "2020-08-09T00:00:00Z" and day["time_precision"] == "day" and day["latest"] is None
        attacks = sorted(case.conn.execute("SELECT start, earliest, latest, time_precision, time_note FROM events "
                                           "WHERE kind = 'Violence against civilians' ORDER BY start").fetchall())
        # precision 2: the week around the date, never the day itself; precision 3: the whole month
        assert attacks[0] == ("2020-08-01T00:00:00Z", "2020-08-01T00:00:00Z", "2020-08-31T23:59:59Z",
                              "approximate", "the source gives the month August 2020")
        assert attacks[1] == ("2020-08-09T00:00:00Z", "2020-08-09T00:00:00Z", "2020-08-15T23:59:59Z",
                              "approximate", "the source gives the week around 2020-08-12")
        # two riots of the same pair: one relation with the count and the first and last date
        tie = relation(case, "Rioters (Belarus)", "Riots", "Police Forces of Belarus (2020-)")
        assert tie["label"] == "2 events" and relation_count(tie["label"]) == 2
        assert (tie["start"], tie["end"]) == ("2020-08-10T00:00:00Z", "2020-08-16T00:00:00Z")
        # kinds from ACLED's inter codes; fatalities and notes kept in the summary
        assert case.get("actors", actor_id(case, "Police Forces of Belarus (2020-)"))["kind"] == "military"
        brest = next(r for r in case.rows("events") if r["start"] == "2020-08-10T00:00:00Z")
        clash = case.conn.execute("SELECT summary FROM events WHERE start = '2020-08-16T00:00:00Z'").fetchone()[0]
        assert "Fatalities: 2" in clash and "Second clash in Minsk." in clash
        # places from coordinates, linked to their events; Minsk once for its three events
        place = case.conn.execute("SELECT p.name, p.lat, p.lon FROM places p JOIN event_places e ON e.place_id = p.id "
                                  "WHERE e.event_id = ?", (brest["id"],)).fetchone()
        assert place == ("Brest", 52.0976, 23.7341)
        assert case.conn.execute("SELECT count(*) FROM places WHERE name = 'Minsk'").fetchone()[0] == 1
        # the publisher is a source the event cites
        assert case.conn.execute("SELECT s.publisher FROM citations c JOIN sources s ON s.id = c.source_id "
                                 "WHERE c.event_id = ?", (brest["id"],)).fetchone()[0] == "TUT.BY; Nasha Niva"


def test_icews_sectors_intensity_and_an_unknown_date_form(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        result = import_event_table(case, DATA / "icews.tsv")
        assert result.rejected == [(6, "date '01/05/1995' is not a date form we read (YYYY-MM-DD, YYYYMMDD, "
                                       "5 March 2014, YYYY-MM, YYYY)")]
        assert case.get("actors", actor_id(case, "Police (Russia)"))["kind"] == "security"
        assert case.get("actors", actor_id(case, "Boris Yeltsin"))["kind"] == "government"
        # The country column becomes each new actor's "country" (the timeline can group lanes by it).
        assert country(case, "Boris Yeltsin") == "Russian Federation"
        assert country(case, "Citizen (Serbia)") == "Serbia"
        assert "actor_attributes" not in result.written
        tie = relation(case, "Extremist (Russia)", "Praise or endorse", "Boris Yeltsin")
        assert tie == {"label": "2 events", "start": "1995-01-01T00:00:00Z", "end": "1995-01-02T00:00:00Z",
                       "directed": 1}
        arrest = event(case, "Arrest, detain")
        assert "Intensity: -5" in arrest["summary"] and "Event sub-type: 173" in arrest["summary"]
        roles = dict(case.conn.execute("SELECT role, actor_id FROM event_actors WHERE event_id = ?", (arrest["id"],)))
        assert roles == {"actor 1": actor_id(case, "Police (Russia)"), "actor 2": actor_id(case, "Extremist (Russia)")}


def test_gdelt_dates_urls_and_a_month(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        result = import_event_table(case, DATA / "gdelt.tsv")
        assert result.rejected == [] and result.written["events"] == 4
        # both directions are ties of their own
        assert relation(case, "UKRAINE", "190", "RUSSIA")["label"] == "2 events"
        assert relation(case, "RUSSIA", "190", "UKRAINE")["label"] == "1 event"
        assert (country(case, "UKRAINE"), country(case, "RUSSIA")) == ("UKR", "RUS")
        month = case.conn.execute("SELECT start, latest, time_precision FROM events WHERE kind = '010'").fetchone()
        assert month == ("2015-02-01T00:00:00Z", "2015-02-28T23:59:59Z", "approximate")
        urls = {u for (u,) in case.conn.execute("SELECT url FROM sources")}
        assert "https://example.org/news/debaltseve-withdrawal" in urls and len(urls) == 3
        assert case.conn.execute("SELECT name FROM places WHERE lat = 48.3392").fetchone()[0].startswith("Debaltseve")


def test_spellings_are_one_actor_and_the_case_actor_is_found(tmp_path: Path, small_case: Path) -> None:
    with new_case(tmp_path, "Europe/Minsk") as case:
        import_event_table(case, DATA / "generic.csv")
        # Лукашенко and Lukashenka share their key in core.names: one actor
        assert names.key("Лукашенко") == names.key("Lukashenka")
        assert case.conn.execute("SELECT count(*) FROM actors WHERE name IN ('Лукашенко', 'Lukashenka')"
                                 ).fetchone()[0] == 1
        # a bare month and a bare year are windows in the case's time zone, never a day made up
        rows = case.conn.execute("SELECT summary, start, latest, time_precision FROM events ORDER BY summary"
                                 ).fetchall()
        assert rows[0] == ("Notes: a bare month", "2020-07-31T21:00:00Z", "2020-08-31T20:59:59Z", "approximate")
        assert rows[1] == ("Notes: a bare year", "2019-12-31T21:00:00Z", "2020-12-31T20:59:59Z", "approximate")
        assert rows[2][3] == "day"
    with open_case(small_case) as case:  # the case's Александр Лукашенко (alias Alexander Lukashenko)
        before = case.counts()["actors"]
        import_event_table(case, DATA / "generic.csv")
        linked = case.conn.execute("SELECT count(*) FROM event_actors WHERE actor_id = 'actor-luka'").fetchone()[0]
        assert linked >= 2
        assert case.counts()["actors"] > before


def test_dates() -> None:
    assert parse_date("20150218") == (parse_date("2015-02-18")[0], "day")
    assert parse_date("18 February 2015")[0] == parse_date("February 18, 2015")[0] == parse_date("18-Feb-2015")[0]
    assert parse_date("2015-02")[1] == "month" and parse_date("2015")[1] == "year"
    for bad in ("02/18/2015", "2015-02-30", "yesterday", "18.02.2015"):
        with pytest.raises(ValueError, match="not a date form"):
            parse_date(bad)
    assert kind_of("Police,Government") == "security" and kind_of("1") == "military" and kind_of("") == "other"


def test_xlsx_and_a_mapping_of_the_analysts_own(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Wann", "Wer", "Mit wem", "Was", "Tote"])
    sheet.append([datetime(2020, 8, 9), "OMON", "Protesters", "disperses", 0])
    sheet.append([datetime(2020, 8, 10), "OMON", "Protesters", "disperses", 1])
    sheet.append(["someday", "OMON", "Protesters", "disperses", 0])
    path = tmp_path / "mine.xlsx"
    book.save(path)
    assert file_kind(path) == "events" and detect(read_head(path).header) is None
    mapping = Mapping({"date": "Wann", "actor1": "Wer", "actor2": "Mit wem", "event_type": "Was",
                       "fatalities": "Tote"})
    with new_case(tmp_path) as case:
        with pytest.raises(ImportRefused, match="map its columns"):
            import_event_table(case, path)
        result = import_event_table(case, path, mapping)
        assert [line for line, _ in result.rejected] == [4]
        assert relation(case, "OMON", "disperses", "Protesters")["label"] == "2 events"
        assert sorted(r["summary"] for r in case.rows("events")) == ["Fatalities: 0", "Fatalities: 1"]
        assert {r["start"] for r in case.rows("events")} == {"2020-08-09T00:00:00Z", "2020-08-10T00:00:00Z"}


def test_cancel_and_refusal_write_nothing(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        progress = Progress()
        progress.cancel()
        with pytest.raises(Cancelled):
            import_event_table(case, DATA / "icews.tsv", progress=progress)
        with pytest.raises(ImportRefused, match="line 6"):
            import_event_table(case, DATA / "icews.tsv", accept_all=False)
        assert case.counts()["events"] == 0 and case.counts()["actors"] == 0


def test_the_command_line(tmp_path: Path) -> None:
    target = tmp_path / "acled.case"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "workbench.cli", "import", *args], capture_output=True,
                              text=True, timeout=60, cwd=Path(__file__).parents[1])

    refused = cli(str(DATA / "acled.csv"), "--into", str(target), "--create")
    assert refused.returncode != 0 and "line 7: latitude 95" in refused.stderr + refused.stdout
    assert not target.exists()
    done = cli(str(DATA / "acled.csv"), "--into", str(target), "--create", "--accept-all")
    assert done.returncode == 0, done.stderr
    assert "5 events" in done.stdout and "rejected 3 (line 7" in done.stdout
    again = cli(str(DATA / "acled.csv"), "--into", str(target), "--accept-all")
    assert "5 rows already in the case" in again.stdout  # the data's own event ids: nothing twice
    generic = tmp_path / "generic.case"
    as_icews = cli(str(DATA / "generic.csv"), "--into", str(generic), "--create", "--preset", "icews")
    assert as_icews.returncode != 0 and "no column is mapped to Date" in as_icews.stderr + as_icews.stdout


@pytest.mark.skipif(not ICEWS14.exists(), reason="../shared/data/icews14 lies beside the clone on the team's machine")
def test_a_slice_of_the_real_icews14_year(tmp_path: Path) -> None:
    lines = list(itertools.islice(ICEWS14.open(encoding="utf-8"), 3001))
    path = tmp_path / "icews14-slice.tsv"
    path.write_text("".join(lines), encoding="utf-8")
    rows = list(csv.DictReader(lines, delimiter="\t"))
    with new_case(tmp_path) as case:
        result = import_event_table(case, path)
        assert result.preset == "icews" and result.rejected == []
        counts = case.counts()
        assert counts["events"] == 3000
        assert counts["actors"] == len({names.key(r[c]) for r in rows for c in ("Source Name", "Target Name")})
        pairs = {(r["Source Name"], r["Event Text"], r["Target Name"]) for r in rows
                 if names.key(r["Source Name"]) != names.key(r["Target Name"])}
        assert counts["relations"] == len(pairs)
        total = sum(relation_count(label) for (label,) in case.conn.execute("SELECT label FROM relations"))
        assert total == sum(1 for r in rows if names.key(r["Source Name"]) != names.key(r["Target Name"]))
        # This cut of ICEWS has no country columns; a sector actor's name says its country, a person's does not.
        row = next(r for r in rows if r["Target Name"] == "Citizen (United Kingdom)")
        assert country(case, row["Target Name"]) == "United Kingdom"
        assert country(case, "Alex Salmond") is None


def test_a_repeated_event_id_is_refused_with_both_lines_known(tmp_path: Path) -> None:
    lines = (DATA / "acled.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "twice.csv"
    path.write_text(lines[0] + lines[1] + lines[2] + lines[1], encoding="utf-8")
    with new_case(tmp_path) as case:
        result = import_event_table(case, path)
        assert result.rejected == [(4, "the same event id as line 2 (BLR100)")]
        assert case.counts()["events"] == 2
