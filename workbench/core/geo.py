"""Coordinates as analysts type them: decimal degrees or degrees-minutes-seconds, checked and normalised."""

from __future__ import annotations

import math
import re

# Marks people type for degrees, minutes and seconds, folded to one spelling each.
_MARKS = str.maketrans({"º": "°", "˚": "°", "′": "'", "’": "'", "‘": "'", "`": "'", "´": "'", "″": '"',
                        "”": '"', "“": '"'})
_HEMISPHERES = {"lat": {"N": 1, "S": -1}, "lon": {"E": 1, "W": -1}}
_LIMITS = {"lat": 90.0, "lon": 180.0}
_AXIS_NAMES = {"lat": "latitude", "lon": "longitude"}
# Decimal places kept: 6 is about 10 cm, finer than any source places anything.
PLACES = 6


class CoordinateError(ValueError):
    """Text that is no coordinate; the message says why, in words for the analyst."""


def parse_coordinate(text: str, axis: str) -> float:
    """'53.9', '-27.5667', '53°54'N', '53 54 12 N', 'W 27° 33.5'' -> signed decimal degrees of `axis`
    ('lat' or 'lon'); CoordinateError naming the fault otherwise."""
    name, limit = _AXIS_NAMES[axis], _LIMITS[axis]
    raw = " ".join(str(text).translate(_MARKS).replace("''", '"').split()).upper()
    if not raw:
        raise CoordinateError(f"type a {name}, e.g. {'53.9' if axis == 'lat' else '27.5667'} or "
                              f"{'53°54′N' if axis == 'lat' else '27°34′E'}")
    sign = 1
    letters = re.findall(r"[A-Z]", raw)
    if letters:
        if len(letters) > 1 or raw.strip("NSEW +-°'\".,0123456789") or letters[0] not in "NSEW":
            raise CoordinateError(f"{text.strip()[:40]!r} is not a {name}: use digits, ° ′ ″ and one of "
                                  f"{'N or S' if axis == 'lat' else 'E or W'}")
        if letters[0] not in _HEMISPHERES[axis]:
            raise CoordinateError(f"{letters[0]} marks a {'longitude' if axis == 'lat' else 'latitude'}; a {name} "
                                  f"is {'N or S' if axis == 'lat' else 'E or W'}")
        sign = _HEMISPHERES[axis][letters[0]]
        raw = raw.replace(letters[0], " ").strip()
    if raw.startswith("-"):
        sign, raw = -sign, raw[1:].strip()
        if letters:
            raise CoordinateError(f"give either a minus sign or {'N/S' if axis == 'lat' else 'E/W'}, not both")
    elif raw.startswith("+"):
        raw = raw[1:].strip()
    if re.fullmatch(r"\d+,\d+", raw):  # a decimal comma: 53,9
        raw = raw.replace(",", ".")
    parts = [part for part in re.split(r"[°'\" ]+", raw) if part]
    if not parts or len(parts) > 3 or not all(re.fullmatch(r"\d+(\.\d+)?", part) for part in parts):
        raise CoordinateError(f"{text.strip()[:40]!r} is not a {name}: type decimal degrees (53.9) or degrees, "
                              "minutes and seconds (53°54′12″N)")
    numbers = [float(part) for part in parts]
    if any("." in part for part in parts[:-1]):
        raise CoordinateError("only the last of degrees, minutes and seconds may have decimals")
    for value, unit in zip(numbers[1:], ("minutes", "seconds"), strict=False):
        if value >= 60:
            raise CoordinateError(f"{unit} run from 0 to 59; {value:g} is too many")
    degrees = numbers[0] + sum(value / 60 ** power for power, value in enumerate(numbers[1:], start=1))
    value = round(sign * degrees, PLACES)
    if not math.isfinite(value) or abs(value) > limit:
        raise CoordinateError(f"a {name} runs from -{limit:g} to {limit:g}; {sign * degrees:g} is outside")
    return value + 0.0  # no -0.0


def parse_point(text: str) -> tuple[float, float]:
    """'53.9, 27.5667', '53.9 27.5667', '53°54′N 27°34′E' -> (lat, lon); CoordinateError otherwise."""
    raw = " ".join(str(text).translate(_MARKS).split())
    halves: list[str] = []
    if raw.count(",") == 1:
        halves = raw.split(",")
    elif ";" in raw and raw.count(";") == 1:
        halves = raw.split(";")
    else:
        hemisphere = re.search(r"[NSns](?=[\s,]|$)", raw)
        if hemisphere:
            halves = [raw[:hemisphere.end()], raw[hemisphere.end():]]
        elif len(raw.split()) == 2:
            halves = raw.split()
    if len(halves) != 2 or not all(half.strip(" ,") for half in halves):
        raise CoordinateError("type latitude and longitude, e.g. 53.9, 27.5667 or 53°54′N 27°34′E")
    return parse_coordinate(halves[0].strip(" ,"), "lat"), parse_coordinate(halves[1].strip(" ,"), "lon")


def format_degrees(value: float) -> str:
    """Decimal degrees as stored and shown: at most PLACES decimals, no trailing zeros."""
    text = f"{value:.{PLACES}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_point(lat: float, lon: float) -> str:
    return f"{format_degrees(lat)}, {format_degrees(lon)}"


def format_dms(value: float, axis: str) -> str:
    """53.9 -> '53°54′00″N': how a map or a report would print it."""
    letters = "NS" if axis == "lat" else "EW"
    hemisphere = letters[0] if value >= 0 else letters[1]
    seconds_total = round(abs(value) * 3600)
    degrees, rest = divmod(seconds_total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{degrees}°{minutes:02d}′{seconds:02d}″{hemisphere}"
