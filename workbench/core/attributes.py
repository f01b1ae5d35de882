"""Actor attributes: typed key-value facts about an actor (date of birth, rank, garrison, phone, handle),
the per-kind templates that suggest the usual keys, and how each type of value is checked and stored."""

from __future__ import annotations

import math
import re
from datetime import date
from urllib.parse import urlsplit

from workbench.core.geo import CoordinateError, format_point, parse_point

# type -> what the analyst is told it holds
ATTRIBUTE_TYPES: dict[str, str] = {
    "text": "text",
    "date": "a date: 1954-08-30, 1954-08 or 1954",
    "number": "a number, e.g. 1200 or 3.5",
    "url": "a web address, e.g. https://t.me/channel",
    "phone": "a phone number, e.g. +375 17 222 00 00",
    "coordinates": "latitude, longitude: 53.9, 27.5667 or 53°54′N 27°34′E",
}
MAX_KEY = 100
MAX_VALUE = 1000
FIRST_YEAR, LAST_YEAR = 1000, 2100

# Per actor kind, the keys an analyst usually records (the i2 / Maltego entity staples), with their types.
TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "person": (("date of birth", "date"), ("place of birth", "text"), ("position", "text"), ("rank", "text"),
               ("unit", "text"), ("nationality", "text"), ("phone", "phone"), ("account handle", "text"),
               ("website", "url")),
    "military": (("parent unit", "text"), ("garrison", "text"), ("garrison location", "coordinates"),
                 ("commander", "text"), ("unit number", "text"), ("strength", "number")),
    "security": (("parent unit", "text"), ("garrison", "text"), ("garrison location", "coordinates"),
                 ("commander", "text"), ("unit number", "text"), ("strength", "number")),
    "organization": (("headquarters", "text"), ("founded", "date"), ("registration number", "text"),
                     ("website", "url"), ("phone", "phone")),
    "government": (("head", "text"), ("seat", "text"), ("website", "url")),
    "state": (("capital", "text"), ("head of state", "text"), ("website", "url")),
    "media": (("owner", "text"), ("founded", "date"), ("website", "url"), ("account handle", "text")),
    "group": (("leader", "text"), ("founded", "date"), ("account handle", "text"), ("website", "url")),
    "other": (("registration number", "text"), ("location", "coordinates")),
}


class BadValue(ValueError):
    """A value that does not fit its type; the message says why."""


def template_for(kind: str) -> tuple[tuple[str, str], ...]:
    """The suggested (key, type) pairs for an actor of `kind` (none for a kind of the analyst's own)."""
    return TEMPLATES.get(kind, ())


def suggested_type(kind: str, key: str) -> str:
    """The type a template gives `key` (any kind's), else 'text'."""
    folded = key.casefold().strip()
    for pairs in (template_for(kind), *TEMPLATES.values()):
        for name, value_type in pairs:
            if name == folded:
                return value_type
    return "text"


def normalise_value(value_type: str, text: str) -> str:
    """A typed value as stored (a date as YYYY[-MM[-DD]], coordinates as 'lat, lon'); BadValue says
    why `text` does not fit `value_type`."""
    text = " ".join(str(text).split())
    if value_type not in ATTRIBUTE_TYPES:
        raise BadValue(f"unknown type {value_type!r} (one of {', '.join(ATTRIBUTE_TYPES)})")
    if not text:
        raise BadValue("an attribute needs a value")
    if len(text) > MAX_VALUE:
        raise BadValue(f"a value is at most {MAX_VALUE} characters; put longer text in the description")
    if value_type == "date":
        return _date(text)
    if value_type == "number":
        return _number(text)
    if value_type == "url":
        return _url(text)
    if value_type == "phone":
        return _phone(text)
    if value_type == "coordinates":
        try:
            return format_point(*parse_point(text))
        except CoordinateError as error:
            raise BadValue(str(error)) from None
    return text


def value_problem(value_type: str, text: str) -> str | None:
    """Why `text` cannot be stored as a `value_type` value as it is; None when it can."""
    try:
        normalised = normalise_value(value_type, text)
    except BadValue as error:
        return str(error)
    return None if normalised == text else f"{text[:40]!r} is not stored as {normalised[:40]!r}"


def _date(text: str) -> str:
    day_first = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)  # 30.08.1954, as Belarus writes it
    if day_first:
        text = f"{day_first[3]}-{int(day_first[2]):02d}-{int(day_first[1]):02d}"
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        raise BadValue(f"{text[:40]!r} is not a date; type 1954-08-30, 30.08.1954, 1954-08 or 1954")
    year = int(match[1])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadValue(f"years run from {FIRST_YEAR} to {LAST_YEAR}; {year} is outside")
    try:
        date(year, int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        raise BadValue(f"{text!r} is not a real date (no 30 February, no month 13)") from None
    return text


def _number(text: str) -> str:
    plain = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"[+-]?\d+,\d+", plain):  # a decimal comma
        plain = plain.replace(",", ".")
    try:
        number = float(plain)
    except ValueError:
        raise BadValue(f"{text[:40]!r} is not a number") from None
    if not math.isfinite(number) or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", plain):
        raise BadValue(f"{text[:40]!r} is not a number")
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _url(text: str) -> str:
    if re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", text):  # 'www.belta.by/...': the scheme left off
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https", "ftp", "mailto", "tel") or \
            (parts.scheme.lower() in ("http", "https", "ftp") and not parts.hostname) or " " in text:
        raise BadValue(f"{text[:40]!r} is not a web address; type it with https://")
    return text


def _phone(text: str) -> str:
    if not re.fullmatch(r"\+?[\d\s().\-/]+", text):
        raise BadValue(f"{text[:40]!r} is not a phone number: digits, spaces, - ( ) and a leading +")
    digits = sum(character.isdigit() for character in text)
    if not 3 <= digits <= 17:  # E.164 numbers have at most 15 digits; a short code at least 3
        raise BadValue(f"a phone number has 3 to 17 digits; {text[:40]!r} has {digits}")
    return text
