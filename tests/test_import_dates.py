"""A report's date is the report's, never the clock's: from its header, title, page metadata or file name,
else asked for (the review dialog, without a guess) or refused (`workbench import`, exit 2, unless
--report-date); year-less dates take the report's year and undated claims are bounded by the report's date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from workbench import cli
from workbench.core.importers import propose_file
from workbench.core.importers.report import ReportDateMissing, date_in_name, propose_report
from workbench.core.store import create_case, open_case
from workbench.core.times import case_zone, utc_to_local
from workbench.ui.import_review import ReportDateDialog

KYIV = case_zone("Europe/Kyiv")
DATE_LINE = "February 25, 2022, 7:00pm ET\n\n"
BODY = """Russian forces attacked Hostomel airport on February 24.[1]

Ukrainian officials reported that Russian troops shelled Kharkiv.[2]

[1] https://example.org/hostomel
[2] https://example.org/kharkiv
"""
MARKDOWN = "# Russian Offensive Campaign Assessment\n\n" + DATE_LINE + BODY
UNDATED = "# Russian Offensive Campaign Assessment\n\n" + BODY


def page(metadata: str, title: str = "Russian Offensive Campaign Assessment, February 25") -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY.split("\n\n"))
    return (f"<!DOCTYPE html><html><head><title>{title} | Think Tank</title>{metadata}</head><body>"
            "<nav><a href='/'>Home</a> <a href='/about'>About us</a></nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article>"
            "<footer>1400 16th Street NW, Suite 515 Washington, DC 20036</footer></body></html>")


@pytest.fixture
def case(tmp_path: Path):
    work = create_case(tmp_path / "dates.case", "Dates", timezone="Europe/Kyiv")
    yield work
    work.close()


def event_days(plan) -> dict[str, str]:
    return {p.values["title"]: f"{utc_to_local(p.values['start'], KYIV):%Y-%m-%d}" for p in plan.group("event")}


def test_the_date_line_places_the_year_less_dates(case) -> None:
    plan = propose_report(case, MARKDOWN, "update.md")
    days = event_days(plan)
    assert any("Hostomel" in t and d == "2022-02-24" for t, d in days.items()), days
    assert plan.report_date == date(2022, 2, 25)


def test_without_the_date_line_the_report_is_refused_not_dated_today(case) -> None:
    with pytest.raises(ReportDateMissing, match="--report-date"):
        propose_report(case, UNDATED, "update.md")


def test_a_given_date_places_it_and_bounds_the_undated_claims(case) -> None:
    plan = propose_report(case, UNDATED, "update.md", report_date=date(2022, 2, 25))
    days = event_days(plan)
    assert any("Hostomel" in t and d == "2022-02-24" for t, d in days.items()), days
    undated = next(p for p in plan.group("event") if "Kharkiv" in p.values["title"])
    assert undated.values["time_precision"] == "approximate"
    assert f"{utc_to_local(undated.values['latest'], KYIV):%Y-%m-%d}" == "2022-02-25"
    assert "25 Feb" in undated.values["time_note"]
    this_year = str(datetime.now(UTC).year)
    assert not any(p.values["start"].startswith(this_year) for p in plan.group("event"))


@pytest.mark.parametrize("metadata", [
    '<meta property="article:published_time" content="2022-02-25T18:00:00-05:00">',
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-02-25"}</script>',
    '<meta property="dc:date dc:created" content="2022-02-25T17:26:29-05:00">',
])
def test_a_year_only_in_the_page_metadata_dates_the_report(case, metadata: str) -> None:
    plan = propose_report(case, page(metadata), "assessment.html")
    assert plan.report_date == date(2022, 2, 25)
    assert plan.group("document")[0].values["published"].startswith("2022-02-25")
    assert "Hostomel" in " ".join(event_days(plan))
    assert all(d.startswith("2022-") for d in event_days(plan).values())


def test_a_time_element_dates_the_page(case) -> None:
    text = page("").replace("<h1>", '<p><time datetime="2022-02-25">Feb 25</time></p><h1>')
    assert propose_report(case, text, "assessment.html").report_date == date(2022, 2, 25)


def test_a_page_without_any_date_is_refused(case) -> None:
    with pytest.raises(ReportDateMissing):
        propose_report(case, page(""), "assessment.html")


def test_a_title_with_its_year_dates_the_report(case) -> None:
    text = "# Belarus Update, 18 August 2020\n\nLukashenko met Putin in Minsk on August 17.[1]\n\n[1] https://x.org/a\n"
    plan = propose_report(case, text, "belarus.md")
    assert plan.report_date == date(2020, 8, 18)
    assert set(event_days(plan).values()) == {"2020-08-17"}


def test_the_file_name_dates_the_report() -> None:
    assert date_in_name("isw-2022-03-05.html") == date(2022, 3, 5)
    assert date_in_name("report_20200818.md") == date(2020, 8, 18)
    assert date_in_name("update-march-5.html") is None
    assert date_in_name("2022-13-40.md") is None


def test_cli_refuses_in_one_sentence_then_takes_report_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cli.case"
    create_case(target, "CLI", timezone="Europe/Kyiv").close()
    report = tmp_path / "update.md"
    report.write_text(UNDATED, encoding="utf-8")
    assert cli.main(["import", str(report), "--into", str(target), "--accept-all"]) == 2
    message = capsys.readouterr().err.strip()
    assert "--report-date YYYY-MM-DD" in message and message.count(". ") == 0 and "\n" not in message
    with open_case(target, read_only=True) as check:
        assert check.counts()["events"] == 0
    assert cli.main(["import", str(report), "--into", str(target), "--accept-all",
                     "--report-date", "2022-02-25"]) == 0
    with open_case(target, read_only=True) as check:
        starts = [row["start"] for row in check.rows("events")]
    assert starts and all(s.startswith("2022-02-2") for s in starts)


def test_the_review_asks_for_the_date_without_a_guess(qtbot, case, tmp_path: Path) -> None:
    report = tmp_path / "update.md"
    report.write_text(UNDATED, encoding="utf-8")
    with pytest.raises(ReportDateMissing):
        propose_file(case, report)
    dialog = ReportDateDialog(report.name)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.field.text() == "" and not ok.isEnabled()
    dialog.field.setText("2022-02-31")
    assert not ok.isEnabled()
    dialog.field.setText("2022-02-25")
    assert ok.isEnabled() and dialog.day() == date(2022, 2, 25)
    plan = propose_file(case, report, report_date=dialog.day())
    assert plan.report_date == date(2022, 2, 25)


@pytest.mark.parametrize(("clause", "note", "earliest", "latest"), [
    ("Turkey closed the straits in January.", "in Jan 2024", "2024-01-01", "2024-01-31"),
    ("Hungary blocked the package in December.", "in Dec 2023", "2023-12-01", "2023-12-31"),  # before the report
    ("The fleet has moved east since September 2023.", "since Sep 2023, still ongoing on 12 Mar", "2023-09-01", None),
    ("The brigade arrived by early February.", "by Feb 2024", None, "2024-02-29"),
    ("Officials may meet in May 2025 if talks go well.", "in May 2025", "2025-05-01", "2025-05-31"),
])
def test_a_month_without_its_day_is_the_month_not_its_first_day(clause: str, note: str, earliest: str | None,
                                                                latest: str | None) -> None:
    from workbench.core.importers import dates

    report = date(2024, 3, 12)
    mentions = dates.find_dates(clause, report)
    assert len(mentions) == 1 and mentions[0].month_only
    when = dates.resolve(clause, mentions, report, KYIV)
    assert when.time_note == note and when.time_precision == "approximate"
    for bound, expected in (("earliest", earliest), ("latest", latest)):
        value = getattr(when, bound)
        assert (value is None) if expected is None else utc_to_local(value, KYIV).date().isoformat() == expected


def test_may_the_verb_and_a_dated_day_are_not_months() -> None:
    from workbench.core.importers import dates

    found = dates.find_dates("Russia may strike again. It struck in March 5 raids and on 12 March.", date(2024, 3, 12))
    assert not any(m.month_only for m in found)
