"""Date and time expressions of report prose ("15 AUG", "the evening of August 15", "at 1800 Belarus time",
"as early as 12 AUG") resolved against the report's publication date into event times with honest precision."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workbench.core.times import UTC_FORMAT, case_zone

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
# Zones named in report prose: abbreviations and "<Country> time".
ZONE_WORDS = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC", "zulu": "UTC", "edt": "America/New_York", "est": "America/New_York",
    "et": "America/New_York", "cdt": "America/Chicago", "cst": "America/Chicago", "pdt": "America/Los_Angeles",
    "pst": "America/Los_Angeles", "msk": "Europe/Moscow", "moscow": "Europe/Moscow", "russia": "Europe/Moscow",
    "belarus": "Europe/Minsk", "minsk": "Europe/Minsk", "kyiv": "Europe/Kyiv", "kiev": "Europe/Kyiv",
    "ukraine": "Europe/Kyiv", "eest": "Europe/Kyiv", "cet": "Europe/Berlin", "cest": "Europe/Berlin",
    "bst": "Europe/London", "london": "Europe/London", "tehran": "Asia/Tehran", "iran": "Asia/Tehran",
    "israel": "Asia/Jerusalem", "syria": "Asia/Damascus", "turkey": "Europe/Istanbul", "poland": "Europe/Warsaw",
    "georgia": "Asia/Tbilisi", "armenia": "Asia/Yerevan", "azerbaijan": "Asia/Baku", "beijing": "Asia/Shanghai",
    "china": "Asia/Shanghai", "taiwan": "Asia/Taipei", "iraq": "Asia/Baghdad", "baghdad": "Asia/Baghdad",
}
# Parts of a day: (anchor, earliest, latest) as local clock times.
DAY_PARTS = {
    "morning": (time(9), time(6), time(12)),
    "afternoon": (time(15), time(12), time(18)),
    "evening": (time(18), time(17), time(23, 59)),
    "night": (time(22), time(20), time(23, 59)),
}

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
DATE_PATTERNS = [
    re.compile(rf"\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE),
    re.compile(rf"\b(?:{_WEEKDAY},?\s+)?{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR}\b)?(?![a-z])", re.IGNORECASE),
    re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
    re.compile(rf"\b(?:on|this|last|next|by|since|until|before|after)\s+{_WEEKDAY}\b", re.IGNORECASE),
    re.compile(r"\b(?P<relative>today|tonight|yesterday|tomorrow|last night|this (?:morning|afternoon|evening))\b",
               re.IGNORECASE),
]
TIME_PATTERN = re.compile(
    r"\b(?:(?P<h12>1[0-2]|0?[1-9])(?::(?P<m12>[0-5]\d))?\s*(?P<ampm>[aApP]\.?[mM]\b\.?)"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b"
    r"|(?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)(?=\s*(?:hours|hrs|local time|[A-Z][a-z]+ time|UTC|GMT|MSK|Zulu|Z\b)))"
    r"(?:\s*(?P<zone>local time|[A-Z][a-z]+ time|UTC|GMT|MSK|Zulu|[ECMP][SD]T|ET|CES?T|EES?T|BST)\b)?",
)
PART_PATTERN = re.compile(r"\b(?:the|this|on the|in the|late|early)\s+(?P<part>morning|afternoon|evening|night)\b",
                          re.IGNORECASE)
BOUND_PATTERN = re.compile(
    r"\b(?P<bound>as early as|no later than|not later than|by|since|until|till|before|after|as of|from|between)\s+$",
    re.IGNORECASE)
FUTURE_CUES = re.compile(
    r"\b(?:will|is set to|are set to|plans? to|planned|scheduled|expected to|upcoming|intends? to)\b", re.IGNORECASE)
# A month without its day: "in January", "since September 2023", "in early May" (the preposition keeps "May"
# the verb and "March" the walk out of it).
MONTH_ONLY = re.compile(rf"\b(?P<lead>in|during|since|by|until|through|throughout|from|before|after)\s+"
                        rf"(?:(?:early|late|mid-?)\s*)?{_MONTH}(?:,?\s+{_YEAR})?\b(?!\s*[0-3]?\d\b)", re.IGNORECASE)
RECENT = re.compile(r"\b(?:recently|in recent days|this week|over the past (?:few )?days)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    start: int  # [start, end) in the text searched
    end: int
    day: date
    weekday_only: bool = False
    bound: str = ""  # as early as, by, since, until, between...
    month_only: bool = False  # "in January": the day is the month's first, the event is somewhere in the month


@dataclass
class When:
    """The time of a candidate event as the columns of `events` want it (UTC text)."""

    start: str
    end: str | None = None
    time_precision: str = "day"
    time_note: str = ""
    earliest: str | None = None
    latest: str | None = None

    def values(self) -> dict[str, str | None]:
        return {"start": self.start, "end": self.end, "time_precision": self.time_precision,
                "time_note": self.time_note, "earliest": self.earliest, "latest": self.latest}


def _year_for(month: int, day: int, reference: date) -> int:
    """The implied year: the report's, unless that puts the day implausibly far after the report."""
    try:
        candidate = date(reference.year, month, day)
    except ValueError:
        return reference.year
    return reference.year - 1 if candidate - reference > timedelta(days=120) else reference.year


def find_dates(text: str, reference: date) -> list[DateMention]:
    """Every date expression in `text`, resolved against the report's date (year implied, weekdays placed)."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    future = bool(FUTURE_CUES.search(text))
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            groups = match.groupdict()
            try:
                if groups.get("iso"):
                    day = date.fromisoformat(groups["iso"])
                elif groups.get("relative"):
                    word = groups["relative"].lower()
                    shift = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
                    day = reference + timedelta(days=shift)
                elif groups.get("month"):
                    month = MONTHS[groups["month"].lower().rstrip(".")]
                    number = int(groups["day"])
                    year = int(groups["year"]) if groups.get("year") else _year_for(month, number, reference)
                    day = date(year, month, number)
                elif groups.get("weekday"):
                    wanted = WEEKDAYS[groups["weekday"].lower()]
                    ahead = (wanted - reference.weekday()) % 7
                    if future or match.group(0).lower().startswith(("next", "until", "by")):
                        day = reference + timedelta(days=ahead or 7)
                    else:
                        day = reference - timedelta(days=(reference.weekday() - wanted) % 7)
                    found.append(DateMention(match.start(), match.end(), day, weekday_only=True,
                                             bound=_bound(text, match.start())))
                    taken.append((match.start(), match.end()))
                    continue
                else:
                    continue
            except (ValueError, KeyError):
                continue
            if not 1900 <= day.year <= 2100:
                continue
            found.append(DateMention(match.start(), match.end(), day, bound=_bound(text, match.start())))
            taken.append((match.start(), match.end()))
    for match in MONTH_ONLY.finditer(text):
        start = match.start("month")
        if any(a < match.end() and start < b for a, b in taken):
            continue
        month = MONTHS[match["month"].lower().rstrip(".")]
        year = int(match["year"]) if match["year"] else (
            reference.year - 1 if month > reference.month and not future else reference.year)
        if not 1900 <= year <= 2100:
            continue
        lead = match["lead"].lower()
        found.append(DateMention(start, match.end(), date(year, month, 1), month_only=True,
                                 bound="since" if lead in ("since", "from") else "by" if lead in ("by", "before")
                                 else "after" if lead == "after" else ""))
        taken.append((start, match.end()))
    found.sort(key=lambda m: m.start)
    return found


def _bound(text: str, position: int) -> str:
    before = text[max(0, position - 24):position]
    before = re.sub(r"\b(?:on|the)\s+$", "", before, flags=re.IGNORECASE)
    match = BOUND_PATTERN.search(before)
    return match["bound"].lower() if match else ""


def find_time(text: str) -> tuple[time, str, str] | None:
    """The first clock time in `text` -> (time, zone word or '', the words as written)."""
    for match in TIME_PATTERN.finditer(text):
        if match["h12"]:
            hour = int(match["h12"]) % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
            minute = int(match["m12"] or 0)
        elif match["h24"]:
            hour, minute = int(match["h24"]), int(match["m24"])
        else:
            hour, minute = int(match["h4"]), int(match["m4"])
        zone = (match["zone"] or "").strip()
        return time(hour, minute), zone, match.group(0).strip()
    return None


def zone_for(word: str, case_tz: ZoneInfo) -> tuple[ZoneInfo, str]:
    """'local time' / 'Belarus time' / 'UTC' -> the zone and the note to keep."""
    lowered = word.lower().removesuffix(" time").strip()
    if not lowered or lowered == "local":
        return case_tz, "local time" if lowered else ""
    name = ZONE_WORDS.get(lowered)
    if name:
        return case_zone(name), word
    return case_tz, word


def stamp(day: date, clock: time, zone: ZoneInfo) -> str:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).strftime(UTC_FORMAT)


def describe_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def resolve(clause: str, mentions: list[DateMention], reference: date, zone: ZoneInfo,
            fallback: date | None = None, fallback_note: str = "") -> When | None:
    """The time of one clause: its date mention(s), a clock time or part of day, bounds.

    With no date in the clause, `fallback` (the date the surrounding text is about, or the report's
    date) is used as an upper bound, stated as such rather than as a fake exact day.
    """
    clock = find_time(clause)
    part = PART_PATTERN.search(clause)
    if not mentions:
        if fallback is None:
            return None
        day = fallback
        if clock:
            event_zone, zone_note = zone_for(clock[1], zone)
            return When(stamp(day, clock[0], event_zone), time_precision="minute",
                        time_note=zone_note or "")
        if part:
            anchor, low, high = DAY_PARTS[part["part"].lower()]
            return When(stamp(day, anchor, zone), time_precision="approximate", time_note=part["part"].lower(),
                        earliest=stamp(day, low, zone), latest=stamp(day, high, zone))
        note = fallback_note or f"date not stated; reported by {describe_day(day)}"
        return When(stamp(day, time(0), zone), time_precision="approximate", time_note=note,
                    latest=stamp(day, time(23, 0), zone))
    first = mentions[0]
    day = first.day
    bound = first.bound
    if first.month_only:
        return _month_when(first, reference, zone)
    if len(mentions) >= 2 and (bound in ("between", "from") or re.search(
            r"\b(?:to|until|through|and|-|–)\s*$", clause[mentions[0].end:mentions[1].start])):
        low, high = sorted((mentions[0].day, mentions[1].day))
        return When(stamp(low, time(0), zone), end=stamp(high, time(0), zone), time_precision="day",
                    time_note=f"{describe_day(low)} to {describe_day(high)}")
    if bound == "since":
        end = reference if reference > day else None
        note = f"since {describe_day(day)}" + (f", still ongoing on {describe_day(reference)}" if end else "")
        return When(stamp(day, time(0), zone), end=stamp(end, time(0), zone) if end else None,
                    time_precision="day", time_note=note)
    if bound in ("as early as", "by", "no later than", "not later than", "before", "as of"):
        return When(stamp(day, time(0), zone), time_precision="approximate", time_note=f"{bound} {describe_day(day)}",
                    latest=stamp(day, time(23, 59), zone))
    if bound == "after":
        return When(stamp(day, time(0), zone), time_precision="approximate", time_note=f"after {describe_day(day)}",
                    earliest=stamp(day, time(0), zone))
    if clock:
        event_zone, zone_note = zone_for(clock[1], zone)
        return When(stamp(day, clock[0], event_zone), time_precision="minute", time_note=zone_note)
    if part:
        anchor, low, high = DAY_PARTS[part["part"].lower()]
        return When(stamp(day, anchor, zone), time_precision="approximate", time_note=part["part"].lower(),
                    earliest=stamp(day, low, zone), latest=stamp(day, high, zone))
    note = first.weekday_only and f"{clause[first.start:first.end].split()[-1]}" or ""
    return When(stamp(day, time(0), zone), time_precision="day", time_note=note)


def _month_when(mention: DateMention, reference: date, zone: ZoneInfo) -> When:
    """A month without its day: somewhere in it (or since it, by its end), never a made-up first of the month."""
    first = mention.day
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    last = following - timedelta(days=1)
    month = f"{first:%b %Y}"
    if mention.bound == "since":
        end = reference if reference > first else None
        return When(stamp(first, time(0), zone), end=stamp(end, time(0), zone) if end else None,
                    time_precision="approximate", earliest=stamp(first, time(0), zone),
                    time_note=f"since {month}" + (f", still ongoing on {describe_day(reference)}" if end else ""))
    if mention.bound == "by":
        return When(stamp(first, time(0), zone), time_precision="approximate", time_note=f"by {month}",
                    latest=stamp(last, time(23, 59), zone))
    if mention.bound == "after":
        return When(stamp(following, time(0), zone), time_precision="approximate", time_note=f"after {month}",
                    earliest=stamp(following, time(0), zone))
    return When(stamp(first, time(0), zone), time_precision="approximate", time_note=f"in {month}",
                earliest=stamp(first, time(0), zone), latest=stamp(last, time(23, 59), zone))


def recent_when(day: date, zone: ZoneInfo) -> When:
    return When(stamp(day, time(0), zone), time_precision="approximate",
                time_note=f"recently, by {describe_day(day)}", latest=stamp(day, time(23, 0), zone))


def parse_published(text: str) -> tuple[str, date] | None:
    """A header line like 'August 15, 2020, 4:00pm EDT' -> (ISO text with its offset, the local date)."""
    mentions = [m for m in find_dates(text, date(2000, 1, 1)) if not m.weekday_only]
    explicit = [m for m in mentions if re.search(r"(?:19|20)\d\d", text[m.start:m.end + 8])]
    if not explicit:
        return None
    day = explicit[0].day
    clock = find_time(text[explicit[0].end:])
    if clock is None:
        return day.isoformat(), day
    zone_word = clock[1]
    zone = case_zone(ZONE_WORDS.get(zone_word.lower(), "UTC")) if zone_word else None
    moment = datetime.combine(day, clock[0], tzinfo=zone)
    return moment.isoformat(timespec="seconds") if zone else moment.isoformat(timespec="minutes"), day
