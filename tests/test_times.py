"""Times are stored in UTC and described in the case's zone without claiming false precision."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.store import create_case
from workbench.core.times import case_zone, describe_when, local_to_utc, utc_to_local

MINSK = case_zone("Europe/Minsk")


def test_local_time_is_stored_in_utc() -> None:
    assert local_to_utc("2020-08-15T18:00", MINSK) == "2020-08-15T15:00:00Z"
    assert local_to_utc("2020-08-15", MINSK) == "2020-08-14T21:00:00Z"
    assert local_to_utc("2020-08-15T16:00:00-04:00", MINSK) == "2020-08-15T20:00:00Z"


def test_unknown_zone_falls_back_to_utc() -> None:
    assert case_zone("Mars/Olympus_Mons").key == "UTC"
    assert case_zone(None).key == "UTC"


def test_descriptions_say_only_what_is_known() -> None:
    start = local_to_utc("2020-08-15T18:00", MINSK)
    assert describe_when(start, MINSK, precision="minute") == "15 Aug 2020, 18:00"
    assert describe_when(start, MINSK, precision="approximate", note="evening") == "15 Aug 2020, evening"
    day = local_to_utc("2020-08-12", MINSK)
    assert describe_when(day, MINSK, precision="day") == "12 Aug 2020"
    assert (
        describe_when(
            day, MINSK, precision="approximate",
            earliest=local_to_utc("2020-08-10", MINSK), latest=local_to_utc("2020-08-12T23:59", MINSK),
        )
        == "12 Aug 2020 (not before 10 Aug, no later than 12 Aug)"
    )
    since = local_to_utc("2020-07-27", MINSK)
    assert describe_when(since, MINSK, end=local_to_utc("2020-08-15", MINSK)) == "27 Jul 2020 - 15 Aug 2020"


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)))
def test_round_trip_through_utc_keeps_the_local_minute(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    stored = local_to_utc(moment.isoformat(), MINSK)
    back = utc_to_local(stored, MINSK)
    # Local times that fall in a DST gap or fold do not exist exactly once; compare instants.
    assert back.astimezone(UTC) == moment.replace(tzinfo=MINSK).astimezone(UTC)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(name=st.text(min_size=1, max_size=300).filter(lambda s: "\x00" not in s), query=st.text(max_size=40))
def test_any_text_survives_storage_and_any_query_is_safe(tmp_path: Path, name: str, query: str) -> None:
    path = tmp_path / "prop.case"
    path.unlink(missing_ok=True)
    with create_case(path, "p") as case:
        actor_id = case.insert("actors", {"name": name, "aliases": [name[::-1]]})
        assert case.record("actors", actor_id).name == name
        assert case.record("actors", actor_id).aliases == [name[::-1]]
        case.search(query)
        case.search(name)


def test_parse_utc_reads_record_stamps_and_refuses_other_forms() -> None:
    from workbench.core.times import now_stamp, parse_utc

    assert parse_utc("2020-08-15T15:00:00Z").hour == 15
    assert parse_utc("2020-08-15T15:00:00.123456Z").microsecond == 123456
    assert parse_utc(now_stamp()).tzinfo is not None
    for bad in ("2020-08-15 15:00:00Z", "2020-08-15T15:00:00", "2020-08-15T15:00:00+03:00", "2020-08-15"):
        with pytest.raises(ValueError):
            parse_utc(bad)
