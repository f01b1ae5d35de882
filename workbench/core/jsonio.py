"""JSON read strictly, for files from others (a key twice, NaN, lone surrogates or deep nesting are refused), and
JSON written fast, one value a line, for the large exports."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, BinaryIO

import msgspec

from workbench.core.errors import CaseError
from workbench.core.gcpause import collector_paused


class _JsonRefused(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)  # in C: a key twice leaves fewer entries than pairs (a 100k-event document has 500k objects)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _JsonRefused(f"the key '{key[:40]}' appears twice in one object")
            seen.add(key)
    return found


SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(data: Any) -> None:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and LONE_SURROGATE.search(item):
            raise _JsonRefused("a text holds half of a UTF-16 surrogate pair, which is not a character")


def _no_constant(name: str) -> Any:
    raise _JsonRefused(f"{name} is not a JSON number")


def strict_json(path_name: str, text: str, error: type[CaseError] = CaseError) -> Any:
    """json.loads that refuses (as `error`, one sentence) what plain json.loads lets through or crashes on:
    a key twice in one object (json keeps the last silently), NaN and Infinity, nesting too deep to read."""
    import json

    try:
        with collector_paused():  # a case's document is hundreds of thousands of objects, none in a cycle
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
        # A pair is one character once read; a lone half cannot be stored. ('in' first: a C scan of a large text.)
        if ("\\ud" in text or "\\uD" in text) and SURROGATE_ESCAPE.search(text):
            _no_lone_surrogates(data)
        return data
    except json.JSONDecodeError as failure:
        raise error(f"{path_name} is not valid JSON (line {failure.lineno}: {failure.msg}).") from None
    except _JsonRefused as failure:
        raise error(f"{path_name} is not sound JSON: {failure}.") from None
    except RecursionError:
        raise error(f"{path_name} nests objects too deeply to be read.") from None


def strict_json_bytes(path_name: str, data: bytes, error: type[CaseError] = CaseError) -> Any:
    """`strict_json` of a file's bytes (UnicodeDecodeError when they are not UTF-8), three times as fast for a
    large file.

    msgspec reads it, and refuses NaN, bad UTF-8, lone surrogates and too deep nesting as strict_json does, but
    keeps a key twice silently: so its value is kept only when msgspec writes it back as exactly the file's own
    text with the white space taken out, which a file with a key twice cannot match (nor one with an escape or a
    number that msgspec spells otherwise). Any other file is read again by `strict_json`, which gives its reason.
    """
    if len(data) >= FAST_READ_BYTES:
        try:
            with collector_paused():  # a case's document is hundreds of thousands of objects, none in a cycle
                value = _DECODER.decode(data)
                if _ENCODER.encode(value) == msgspec.json.format(data, indent=-1):
                    return value
            del value
        except (msgspec.MsgspecError, RecursionError, ValueError):
            pass
    return strict_json(path_name, data.decode("utf-8"), error)


# Below this a file is read by `strict_json` alone: msgspec's three passes only pay for themselves on large files.
FAST_READ_BYTES = 64 * 1024
_DECODER = msgspec.json.Decoder()
_ENCODER = msgspec.json.Encoder()
LINES_AT_A_TIME = 5000


def json_line(value: Any) -> bytes:
    """`value` as `json.dumps(value, ensure_ascii=False)` spells it, in UTF-8, made by msgspec's encoder and
    spaced by its formatter (', ' and ': '): the same text for dicts, lists, text, whole numbers, booleans and
    None (floats of the form 1e16 lose json's '+'), four to five times as fast (a 100k-event STIX bundle)."""
    return msgspec.json.format(_ENCODER.encode(value), indent=0)


def write_json_lines(handle: BinaryIO, values: Sequence[Any]) -> None:
    """`values` as JSON, one a line, separated by commas, to a binary handle: a few thousand lines at a time,
    never the whole text as one string (the items of a JSON list that diffs line by line)."""
    for start in range(0, len(values), LINES_AT_A_TIME):
        handle.write((b",\n" if start else b"") + b",\n".join(map(json_line, values[start:start + LINES_AT_A_TIME])))

