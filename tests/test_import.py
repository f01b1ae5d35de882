"""Importers: report proposals and their writing (one transaction, no duplicates, cancellable), date
expressions, actor matching, CSV with rejected rows, STIX bundles, and the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from workbench import cli
from workbench.core.importers import apply_plan, propose_file, run_import
from workbench.core.importers import dates as D
from workbench.core.importers.csv_import import read_csv, template
from workbench.core.importers.proposals import clean_url, url_key
from workbench.core.importers.report import guess_language, propose_report, source_values
from workbench.core.progress import Cancelled, Progress
from workbench.core.store import create_case, open_case
from workbench.core.times import case_zone, utc_to_local

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "isw-belarus-2020-08-15.md"
SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "isw-belarus-2020-08-15.md"
REPORT = SEED if SEED.exists() else SAMPLE
MINSK = case_zone("Europe/Minsk")

HTML_REPORT = """<html><head><title>ignored</title><script>alert('x')</script></head><body>
<h1>Russian Offensive Campaign Assessment, March 3</h1>
<p>March 3, 2022, 8:30pm ET<br>By Mason Clark, George Barros, and Kateryna Stepanenko</p>
<p>Russian forces <b>likely</b> seized Kherson on March 2.<sup>1</sup> Ukrainian officials said the
Russian 58th Combined Arms Army attacked Mariupol at 0600 local time on 3 MAR.<sup>2</sup>
President Volodymyr Zelensky met with the Verkhovna Rada on March 1.[3]</p>
<p><img src="http://tracker.example/x.png" onerror="alert(1)">Nothing here.</p>
<p><sup>1</sup> <a href="https://www.pravda.com.ua/eng/news/2022/03/2/7328015/?utm_source=x">link</a></p>
<p><sup>2</sup> <a href="https://t.me/rian_ru/12345">t.me</a>; <a href="https://pravda.com.ua/eng/news/2022/03/2/7328015">again</a></p>
<p>[3] https://www.president.gov.ua/en/news/zelensky-met-the-rada-73301</p>
</body></html>"""


@pytest.fixture
def minsk_case(tmp_path: Path) -> Path:
    path = tmp_path / "work.case"
    create_case(path, "Work", timezone="Europe/Minsk").close()
    return path


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "local", "precision", "note"), [
    ("on 10 AUG", "2020-08-10 00:00", "day", ""),
    ("Monday August 17", "2020-08-17 00:00", "day", ""),
    ("the evening of August 15", "2020-08-15 18:00", "approximate", "evening"),
    ("on August 15 at 1800 Belarus time", "2020-08-15 18:00", "minute", "Belarus time"),
    ("as early as 12 AUG", "2020-08-12 00:00", "approximate", "as early as 12 Aug"),
    ("since 27 JUL", "2020-07-27 00:00", "day", "since 27 Jul, still ongoing on 15 Aug"),
    ("protesters will march on Sunday", "2020-08-16 00:00", "day", "Sunday"),
    ("on 28 DEC", "2019-12-28 00:00", "day", ""),  # the implied year is never months after the report
])
def test_date_expressions_resolve_against_the_report_date(text: str, local: str, precision: str, note: str) -> None:
    reference = date(2020, 8, 15)
    when = D.resolve(text, D.find_dates(text, reference), reference, MINSK)
    assert when is not None
    assert f"{utc_to_local(when.start, MINSK):%Y-%m-%d %H:%M}" == local
    assert (when.time_precision, when.time_note) == (precision, note)


def test_bounds_are_kept_rather_than_faked() -> None:
    reference = date(2020, 8, 15)
    early = D.resolve("as early as 12 AUG", D.find_dates("as early as 12 AUG", reference), reference, MINSK)
    assert early.latest is not None and early.earliest is None
    clock = D.resolve("at 9:45pm local time", [], reference, MINSK, fallback=reference)
    assert f"{utc_to_local(clock.start, MINSK):%H:%M}" == "21:45" and clock.time_precision == "minute"
    assert D.parse_published("August 15, 2020, 4:00pm EDT")[0] == "2020-08-15T16:00:00-04:00"


# --- sources --------------------------------------------------------------------------------


def test_urls_are_normalised_and_described_from_the_address_alone() -> None:
    assert clean_url("HTTPS://WWW.Example.COM/a?utm_source=x&id=3") == "https://www.example.com/a?id=3"
    assert url_key("http://www.example.com/a/") == url_key("https://example.com/a#top")
    assert guess_language("https://rus.lsm.lv/statja/novosti/mir/x") == "ru"
    assert guess_language("https://www.pravda.com.ua/rus/news/2020/08/15/7263054/") == "ru"
    assert guess_language("https://www.alo.rs/vesti/politika/x/329519/vest") == "sr"
    tweet = source_values("https://twitter.com/A_Sannikov/status/1294673282558562305")
    assert tweet["publisher"] == "Twitter (@A_Sannikov)" and tweet["published"] == "2020-08-15T16:32:19Z"


# --- reports --------------------------------------------------------------------------------


def test_report_import_writes_once_and_reimport_adds_nothing(minsk_case: Path) -> None:
    with open_case(minsk_case) as case:
        before = case.counts()
        plan = propose_report(case, REPORT.read_text(encoding="utf-8"), REPORT.name)
        assert case.counts() == before  # proposing writes nothing
        written = apply_plan(case, plan)
        counts = case.counts()
        assert written["documents"] == 1 and counts["sources"] == 16 and counts["footnotes"] == 17
        assert counts["events"] >= 20 and counts["citations"] >= 15
        # every citation of the document quotes a passage the reader finds in the text
        from workbench.core.document import document_view

        view = document_view(case, plan.group("document")[0].values["id"])
        assert view is not None and not view.unplaced
        again = propose_report(case, REPORT.read_text(encoding="utf-8"), REPORT.name)
        assert all(p.existing for p in again.group("document") + again.group("source") + again.group("actor"))
        assert apply_plan(case, again) == {}
        assert {k: v for k, v in case.counts().items() if k != "audit"} == {
            k: v for k, v in counts.items() if k != "audit"}


def test_rejected_proposals_take_their_dependents_with_them(minsk_case: Path) -> None:
    with open_case(minsk_case) as case:
        plan = propose_report(case, REPORT.read_text(encoding="utf-8"), REPORT.name)
        for proposal in plan.group("event"):
            proposal.accepted = "Putilo" not in proposal.values["title"]
        for proposal in plan.group("actor"):
            proposal.accepted = proposal.values["name"] != "Stepan Putilo"
        apply_plan(case, plan)
        assert not case.rows("events", where="title LIKE '%Putilo%'")
        assert not case.rows("actors", where="name LIKE '%Putilo%'")
        assert case.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_report_actors_match_the_case_actors_by_alias_and_spelling(minsk_case: Path) -> None:
    with open_case(minsk_case) as case:
        luka = case.insert("actors", {"name": "Александр Лукашенко", "kind": "person",
                                      "aliases": ["Aleksander Lukashenko"]})
        victim = case.insert("actors", {"name": "Aleksander Taraykouski", "kind": "person"})
        ministry = case.insert("actors", {"name": "Belarusian forest ministry", "kind": "government"})
        plan = propose_report(case, REPORT.read_text(encoding="utf-8"), REPORT.name)
        existing = {p.values["id"] for p in plan.group("actor") if p.existing}
        assert {luka, victim, ministry} <= existing
        shot = next(p for p in plan.group("event") if "shot" in p.values["title"])
        linked = {p.values["actor_id"] for p in plan.group("event_actor") if p.values["event_id"] == shot.values["id"]}
        assert victim in linked


def test_confidence_and_hedges_come_from_the_words_of_the_report(minsk_case: Path) -> None:
    with open_case(minsk_case) as case:
        plan = propose_report(case, REPORT.read_text(encoding="utf-8"), REPORT.name)
        by_title = {p.values["title"]: p for p in plan.group("event")}
        unverified = next(p for t, p in by_title.items() if t.startswith("An unverified report"))
        assert unverified.values["confidence"] == "unverified"
        assert any(word == "unverified" for *_, word in unverified.hedges)
        strike = next(p for t, p in by_title.items() if "planned strike" in t)
        assert strike.values["confidence"] == "planned"
        assert f"{utc_to_local(strike.values['start'], MINSK):%m-%d}" == "08-17"


def test_html_report_reads_markers_footnotes_and_header_without_running_anything(minsk_case: Path,
                                                                                  tmp_path: Path) -> None:
    path = tmp_path / "update.html"
    path.write_text(HTML_REPORT, encoding="utf-8")
    with open_case(minsk_case) as case:
        plan = propose_file(case, path)
    document = plan.group("document")[0].values
    assert document["title"].startswith("Russian Offensive Campaign Assessment")
    assert document["author"] == "Mason Clark, George Barros, and Kateryna Stepanenko"
    assert document["published"] == "2022-03-03T20:30:00-05:00"
    sources = plan.group("source")
    assert len(sources) == 3  # the repeated Pravda link is one source under two footnotes
    assert all("utm_" not in p.values["url"] and "tracker" not in p.values["url"] for p in sources)
    assert sorted(p.values["label"] for p in plan.group("footnote")) == ["1", "2", "2", "3"]
    events = {p.values["title"]: p for p in plan.group("event")}
    kherson = next(p for t, p in events.items() if "Kherson" in t)
    assert kherson.values["confidence"] == "likely"
    mariupol = next(p for t, p in events.items() if "Mariupol" in t)
    assert mariupol.values["time_precision"] == "minute"
    cited = {p.values["footnote"] for p in plan.group("citation")}
    assert cited == {"1", "2", "3"}
    names = {p.values["name"] for p in plan.group("actor")}
    assert {"Volodymyr Zelensky", "Verkhovna Rada"} <= names
    assert any("58th Combined Arms Army" in n for n in names)


def test_cancelled_import_leaves_the_case_unchanged(minsk_case: Path) -> None:
    with open_case(minsk_case) as case:
        before = case.counts()
        plan = propose_report(case, REPORT.read_text(encoding="utf-8"), REPORT.name)
        reports: list[float] = []
        # Cancel pressed after the first step was reported: some rows are written, then rolled back.
        progress = Progress(lambda fraction: (reports.append(fraction), progress.cancel()))
        with pytest.raises(Cancelled):
            apply_plan(case, plan, progress=progress)
        assert reports == [0.0]
        assert case.counts() == before


# --- command line ------------------------------------------------------------------------


def test_cli_report_needs_review_or_accept_all(minsk_case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", str(REPORT), "--into", str(minsk_case)]) == 2
    message = capsys.readouterr().err
    assert "--accept-all" in message and "nothing was imported" in message
    with open_case(minsk_case, read_only=True) as case:
        assert case.counts()["events"] == 0
    assert cli.main(["import", str(REPORT), "--into", str(minsk_case), "--accept-all"]) == 0
    assert "Imported" in capsys.readouterr().out
    assert cli.main(["import", str(REPORT), "--into", str(minsk_case), "--accept-all"]) == 0
    assert "nothing new" in capsys.readouterr().out


def test_cli_refuses_unknown_files(minsk_case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK")
    assert cli.main(["import", str(odd), "--into", str(minsk_case)]) == 2
    assert ".docx" in capsys.readouterr().err


# --- CSV -------------------------------------------------------------------------------------


def test_csv_rows_are_checked_and_rejected_with_line_numbers(minsk_case: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "title,start,confidence,actors\n"
        "Lukashenko speaks,2020-08-15T18:00,reported,Aleksander Lukashenko;Kremlin\n"
        ",2020-08-15,reported,\n"
        "Bad date,yesterday,reported,\n"
        "Odd confidence,2020-08-16,sure,\n"
        "\"Протест в Минске, большой\",2020-08-16,likely,Protesters\n", encoding="utf-8")
    assert cli.main(["import", str(path), "--into", str(minsk_case)]) == 2
    message = capsys.readouterr().err
    assert "line 3: title: an event needs a title" in message and "line 4: start 'yesterday' is not a date" in message
    assert "line 5: confidence 'sure'" in message
    with open_case(minsk_case, read_only=True) as case:
        assert case.counts()["events"] == 0  # all or nothing: nothing
    assert cli.main(["import", str(path), "--into", str(minsk_case), "--accept-all"]) == 0
    assert "rejected 3" in capsys.readouterr().out
    with open_case(minsk_case) as case:
        assert case.counts()["events"] == 2 and case.counts()["actors"] == 3
        speech = case.rows("events", where="title = 'Lukashenko speaks'")[0]
        assert speech["start"] == "2020-08-15T15:00:00Z"
        assert len(case.rows("event_actors", where="event_id = ?", params=(speech["id"],))) == 2
        again = read_csv(case, path)
        assert again.skipped == 2 and not again.rows


def test_csv_templates_import_cleanly(minsk_case: Path, tmp_path: Path) -> None:
    for table in ("actors", "sources", "events", "relations"):
        path = tmp_path / f"{table}.csv"
        path.write_text(template(table), encoding="utf-8")
        assert run_import(path, minsk_case).startswith("Imported")
    with open_case(minsk_case, read_only=True) as case:
        counts = case.counts()
        assert counts["relations"] == 1 and counts["sources"] == 1 and counts["events"] == 1


# --- STIX ------------------------------------------------------------------------------------


def test_stix_bundle_maps_onto_the_model(minsk_case: Path, tmp_path: Path) -> None:
    bundle = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
        {"type": "threat-actor", "spec_version": "2.1", "id": "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created": "2020-08-15T10:00:00.000Z", "modified": "2020-08-15T10:00:00.000Z", "name": "Ghostwriter",
         "aliases": ["UNC1151"], "external_references": [
             {"source_name": "mandiant", "url": "https://www.mandiant.com/resources/unc1151"}]},
        {"type": "identity", "spec_version": "2.1", "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
         "created": "2020-08-15T10:00:00.000Z", "modified": "2020-08-15T10:00:00.000Z", "name": "Lithuania",
         "identity_class": "organization"},
        {"type": "campaign", "spec_version": "2.1", "id": "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3a",
         "created": "2020-08-15T10:00:00.000Z", "modified": "2020-08-15T10:00:00.000Z",
         "name": "Fake NATO letters", "first_seen": "2020-08-10T00:00:00Z", "confidence": 70},
        {"type": "relationship", "spec_version": "2.1", "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
         "created": "2020-08-15T10:00:00.000Z", "modified": "2020-08-15T10:00:00.000Z",
         "relationship_type": "targets", "source_ref": "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "target_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c"},
        {"type": "relationship", "spec_version": "2.1", "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fae",
         "created": "2020-08-15T10:00:00.000Z", "modified": "2020-08-15T10:00:00.000Z",
         "relationship_type": "attributed-to", "source_ref": "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3a",
         "target_ref": "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
        {"type": "location", "spec_version": "2.1", "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64",
         "created": "2020-08-15T10:00:00.000Z", "modified": "2020-08-15T10:00:00.000Z", "name": "Vilnius",
         "latitude": 54.69, "longitude": 25.28},
        {"type": "threat-actor", "id": "not-a-stix-id"},
    ]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with pytest.raises(Exception, match="object 7|line 7|1 objects rejected"):
        run_import(path, minsk_case)
    summary = run_import(path, minsk_case, accept_all=True)
    assert "rejected 1" in summary
    with open_case(minsk_case, read_only=True) as case:
        actors = {row["name"]: row for row in case.rows("actors")}
        assert json.loads(actors["Ghostwriter"]["aliases"]) == ["UNC1151"]
        relations = {row["kind"]: row for row in case.rows("relations")}
        assert relations["targets"]["from_actor_id"] == actors["Ghostwriter"]["id"]
        # a campaign is an actor of its own kind (issue 22), attributed to the threat actor
        assert actors["Fake NATO letters"]["kind"] == "campaign"
        assert relations["attributed-to"]["from_actor_id"] == actors["Fake NATO letters"]["id"]
        assert relations["attributed-to"]["to_actor_id"] == actors["Ghostwriter"]["id"]
        assert case.counts()["places"] == 1 and case.counts()["citations"] == 1
    assert "nothing new" in run_import(path, minsk_case, accept_all=True)


def test_json_goes_to_the_canonical_importer(small_case: Path, tmp_path: Path) -> None:
    from workbench.core.exporters import run_export

    exported = tmp_path / "small.json"
    run_export(small_case, "json", exported)
    target = tmp_path / "target.case"
    create_case(target, "Target", timezone="Europe/Minsk").close()
    assert run_import(exported, target).startswith("Imported small.json")
    with open_case(target, read_only=True) as case, open_case(small_case, read_only=True) as original:
        assert case.counts()["events"] == original.counts()["events"]
