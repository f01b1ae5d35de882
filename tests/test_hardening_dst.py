"""Local times are exact across DST gaps and overlaps, whatever the computer's own zone (issue 16, item 8)."""

from __future__ import annotations

import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workbench.core.importers.csv_import import read_csv, write_csv
from workbench.core.store import create_case
from workbench.core.times import NonexistentTime, local_to_utc, utc_to_local


@pytest.fixture
def computer_in_berlin(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_minsk_time_on_berlins_spring_forward_night_is_kept(computer_in_berlin) -> None:
    minsk = ZoneInfo("Europe/Minsk")  # no DST since 2011
    stamp = local_to_utc("2021-03-28T02:30", minsk)
    assert stamp == "2021-03-27T23:30:00Z"
    assert utc_to_local(stamp, minsk).strftime("%H:%M") == "02:30"


def test_a_time_the_zone_skips_is_refused_and_a_repeated_one_is_the_first() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    with pytest.raises(NonexistentTime, match="does not exist in Europe/Berlin"):
        local_to_utc("2021-03-28T02:30", berlin)
    assert local_to_utc("2021-10-31T02:30", berlin) == "2021-10-31T00:30:00Z"  # CEST, the first 02:30
    assert local_to_utc("2021-10-31T02:30+01:00", berlin) == "2021-10-31T01:30:00Z"  # an offset decides


def test_csv_refuses_a_skipped_time_with_its_line_and_flags_a_repeated_one(tmp_path: Path) -> None:
    table = tmp_path / "events.csv"
    table.write_text("title,start\nSpring,2021-03-28T02:30\nAutumn,2021-10-31T02:30\nPlain,2021-06-01T12:00\n",
                     encoding="utf-8")
    with create_case(tmp_path / "berlin.case", "Berlin", timezone="Europe/Berlin") as case:
        plan = read_csv(case, table)
        assert [line for line, _ in plan.rejected] == [2]
        assert "does not exist in Europe/Berlin" in plan.rejected[0][1]
        write_csv(case, plan)
        autumn = next(row for row in case.rows("events") if row["title"] == "Autumn")
        assert autumn["start"] == "2021-10-31T00:30:00Z"
        assert "occurs twice" in autumn["time_note"]
        plain = next(row for row in case.rows("events") if row["title"] == "Plain")
        assert plain["time_note"] == ""


def test_the_inspector_shows_and_keeps_a_time_the_computers_zone_skips(qtbot, computer_in_berlin,
                                                                          tmp_path: Path) -> None:
    """A Minsk case on a Berlin computer: 02:30 on 28 Mar 2021 exists in Minsk, not in Berlin. The
    inspector showed it as 03:30 and stored that on tab-out."""
    from workbench.ui.inspector import TimeField

    field = TimeField(optional=False)
    qtbot.addWidget(field)
    field.zone = ZoneInfo("Europe/Minsk")
    field.set_value("2021-03-27T23:30:00Z")
    assert field.edit.dateTime().time().hour() == 2 and field.edit.dateTime().time().minute() == 30
    assert field.value() == "2021-03-27T23:30:00Z"
