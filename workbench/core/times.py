"""Times in a case: stored as UTC ISO 8601 to the second, shown in the case's time zone."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now_stamp() -> str:
    """The created_at / updated_at stamp: UTC with microseconds, so stamps order edits."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def case_zone(name: str | None) -> ZoneInfo:
    """The case's time zone; an unknown name falls back to UTC rather than failing to open a case."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def valid_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine knows (e.g. Europe/Minsk)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


class NonexistentTime(ValueError):
    """A wall-clock time the zone skips (the clocks went forward over it)."""


def localize(naive: datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """A wall-clock time in `zone` as an aware datetime, exactly, whatever the computer's own zone.

    Raises NonexistentTime for a time in a gap (02:30 on a spring-forward night). A time that
    occurs twice (the hour repeated when the clocks go back) is taken as its first occurrence,
    and the second value says it was ambiguous, so the caller can flag the choice made.
    """
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    back = [moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) for moment in (first, second)]
    if naive not in back:
        raise NonexistentTime(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks went forward "
                              "over it)")
    return first, first.astimezone(UTC) != second.astimezone(UTC)


def local_to_utc(text: str, zone: ZoneInfo) -> str:
    """'2020-08-15' or '2020-08-15T18:00' (local to `zone`, or with its own offset) -> stored UTC text.

    A local time the zone skips raises NonexistentTime; one it repeats is its first occurrence.
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment, _ambiguous = localize(moment, zone)
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


def ambiguity_note(naive: datetime, zone: ZoneInfo) -> str:
    return (f"{naive:%Y-%m-%d %H:%M} occurs twice in {zone.key} (the clocks went back); taken as the first, "
            "before the change")


def parse_utc(text: str) -> datetime:
    """Stored UTC text -> aware datetime. Only the exact stored form is accepted."""
    # fromisoformat is ~20x faster than strptime, which matters for 100k events; it accepts
    # more forms than we store, so the form is checked first.
    # created_at / updated_at / audit stamps carry microseconds: 'YYYY-MM-DDTHH:MM:SS.ffffffZ'.
    if text[10:11] != "T" or text[-1:] != "Z" or not (len(text) == 20 or (len(text) == 27 and text[19] == ".")):
        raise ValueError(f"not a stored UTC time: {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def utc_to_local(text: str, zone: ZoneInfo) -> datetime:
    return parse_utc(text).astimezone(zone)


@functools.lru_cache(maxsize=4096)
def _month_year(year: int, month: int) -> str:
    """'Aug 2020' as strftime spells it (in the locale's month names): once per month, not once per
    event, since strftime is most of the cost of describing 100k events (TimelineJS export)."""
    return datetime(year, month, 1).strftime("%b %Y")


@functools.lru_cache(maxsize=12)
def _month(month: int) -> str:
    """'Aug' as strftime's %b spells it, once per month (strftime was most of describing an approximate time)."""
    return datetime(2000, month, 1).strftime("%b")


def describe_when(
    start: str,
    zone: ZoneInfo,
    *,
    precision: str = "day",
    end: str | None = None,
    earliest: str | None = None,
    latest: str | None = None,
    note: str = "",
) -> str:
    """A human reading of an event's time that never claims more precision than it has.

    '15 Aug 2020, 18:00', '15 Aug 2020, evening', '12 Aug 2020 (no later than 12 Aug)',
    '27 Jul 2020 - 15 Aug 2020'.
    """
    return describe_local(utc_to_local(start, zone), zone, precision=precision,
                          local_end=utc_to_local(end, zone) if end else None, earliest=earliest, latest=latest,
                          note=note)


def describe_local(
    local: datetime,
    zone: ZoneInfo,
    *,
    precision: str = "day",
    local_end: datetime | None = None,
    earliest: str | None = None,
    latest: str | None = None,
    note: str = "",
) -> str:
    """`describe_when` of a start (and end) already in the case's zone: for a caller that has them in hand
    (the TimelineJS export converts each event's times once for its dates and this text)."""
    day = f"{local.day} {_month_year(local.year, local.month)}"
    if precision == "minute":
        text = f"{day}, {local.hour:02d}:{local.minute:02d}"
    elif precision == "hour":
        text = f"{day}, about {local.hour:02d}:00"
    else:
        text = day
    if local_end is not None:
        if precision == "minute" and local_end.date() == local.date():
            text += f"-{local_end.hour:02d}:{local_end.minute:02d}"
        elif local_end.date() != local.date():
            text += f" - {local_end.day} {_month_year(local_end.year, local_end.month)}"
    if precision == "approximate":
        bounds = []
        if earliest:
            low = utc_to_local(earliest, zone)
            bounds.append(f"not before {low.day} {_month(low.month)}")
        if latest:
            high = utc_to_local(latest, zone)
            bounds.append(f"no later than {high.day} {_month(high.month)}")
        if note:
            text += f", {note}"
        elif bounds:
            text += " (" + ", ".join(bounds) + ")"
        else:
            text += " (approximate)"
    elif note:
        text += f" ({note})"
    return text

