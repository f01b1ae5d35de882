"""The TimelineJS export in the real TimelineJS library (npm @knight-lab/timelinejs, installed by
`make interop-tools` into build/timelinejs), drawn by headless Chromium from a local page, offline:
the slides show the case's headlines and dates, a range once, and a hostile time note as text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from workbench.core.exporters import export
from workbench.core.store import open_case
from workbench.core.times import case_zone, describe_when

ROOT = Path(__file__).resolve().parent.parent
TIMELINEJS = Path(os.environ.get("WORKBENCH_TIMELINEJS", ROOT / "build" / "timelinejs" / "node_modules" / "@knight-lab"
                                 / "timelinejs" / "dist"))
HOSTILE = '<img src=x onerror="document.body.setAttribute(\'data-ran\', \'yes\')">'


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (make interop-tools installs Debian's chromium where apt-get can)")


def timeline_js() -> Path:
    if not (TIMELINEJS / "js" / "timeline.js").is_file():
        pytest.skip(f"TimelineJS is not installed at {TIMELINEJS} (make interop-tools installs it from npm)")
    return TIMELINEJS


def render(document: dict, folder: Path) -> lxml_html.HtmlElement:
    """The page TimelineJS builds from `document`, as Chromium leaves it after 10 s of virtual time."""
    dist = timeline_js()
    browser = chromium()
    data = json.dumps(document).replace("<", "\\u003c")  # no '</script>' inside the script
    page = folder / "timeline.html"
    page.write_text(f"""<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="{(dist / 'css' / 'timeline.css').as_uri()}">
<script src="{(dist / 'js' / 'timeline.js').as_uri()}"></script></head>
<body><div id="timeline" style="width: 1200px; height: 700px"></div>
<script>
new TL.Timeline("timeline", {data}, {{script_path: "{(dist / 'js').as_uri()}/", font: null, language: "en"}});
</script></body></html>""", encoding="utf-8")
    # Offline: every host name resolves to nothing, so only file: URLs load.
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={folder / 'profile'}",
         "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return lxml_html.fromstring(result.stdout)


def slides(dom: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    """(headline, date) of every slide, in order, as shown (text content)."""
    found = []
    for slide in dom.find_class("tl-slide-content"):
        headline = slide.find_class("tl-headline")
        date = slide.find_class("tl-headline-date")
        if headline:
            found.append((headline[0].text_content(), date[0].text_content() if date else ""))
    return found


def test_timelinejs_shows_the_case_with_a_hostile_time_note_as_text(sample_path: Path, tmp_path: Path) -> None:
    case_file = tmp_path / "case.case"
    shutil.copy(sample_path, case_file)
    out = tmp_path / "timeline.json"
    with open_case(case_file) as case:
        events = case.rows("events", order_by="start, id")
        ranged = next(row for row in events if row["end"] and row["end"][:10] != row["start"][:10])
        case.update("events", ranged["id"], {"time_note": HOSTILE, "time_precision": "approximate"})
        case.update("events", events[-1]["id"], {"title": "Title with <b>markup</b> & an ampersand"})
        export(case, "timelinejs", out)
        zone = case_zone(case.meta("timezone"))
        title = case.title
        events = case.rows("events", order_by="start, id")
    dom = render(json.loads(out.read_text(encoding="utf-8")), tmp_path)

    assert dom.body.get("data-ran") is None, "the time note's markup ran in TimelineJS"
    shown = slides(dom)
    assert shown[0][0] == title
    expected = [(row["title"], describe_when(row["start"], zone, precision=row["time_precision"], end=row["end"],
                                             earliest=row["earliest"], latest=row["latest"], note=row["time_note"]))
                for row in events]
    assert sorted(shown[1:]) == sorted(expected)  # TimelineJS orders by date; ties as it likes
    hostile = next(date for headline, date in shown if headline == ranged["title"])
    assert HOSTILE in hostile  # shown as written
    end_day = describe_when(ranged["end"], zone)
    assert hostile.count(end_day) == 1  # the range's end once, not again after the display date
    assert ("Title with <b>markup</b> & an ampersand", describe_when(
        events[-1]["start"], zone, precision=events[-1]["time_precision"], end=events[-1]["end"],
        earliest=events[-1]["earliest"], latest=events[-1]["latest"], note=events[-1]["time_note"])) in shown
