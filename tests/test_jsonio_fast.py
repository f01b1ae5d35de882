"""core.jsonio.strict_json_bytes (msgspec's reading of a large file, kept only when it writes the file back) reads
every large file as strict_json does: the same value, or the same one-sentence refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from workbench.core.errors import CaseError
from workbench.core.jsonio import FAST_READ_BYTES, strict_json, strict_json_bytes

# Enough records (Cyrillic, escapes, None) that the file is large enough to be read by msgspec first.
PADDING = ", ".join(json.dumps({"id": f"e{n}", "title": f"Протест {n} \"цитата\" \\ /", "end": None, "n": n,
                                "lat": 53.9 + n / 1000}, ensure_ascii=False) for n in range(800))

# The middle of a document: sound ones that msgspec and json read alike, or that msgspec spells otherwise (and must
# then be read by json), and broken ones that must be refused with json's reason.
MIDDLES = {
    "plain": '"x": 1',
    "a key twice": '"x": 1, "x": 2',
    "a key twice deep": '"x": [{"a": 1, "b": {"c": 1, "c": 1}}]',
    "a key twice alike": '"x": {"a": "same", "a": "same"}',
    "NaN": '"x": NaN',
    "Infinity": '"x": -Infinity',
    "escaped letters": '"x": "Caf\\u00e9 \\u041c\\u0438\\u043d\\u0441\\u043a"',
    "escaped slash": '"x": "a\\/b"',
    "surrogate pair": '"x": "\\ud83c\\udde7\\ud83c\\uddfe"',
    "lone surrogate": '"x": "K\\ud800GB"',
    "raw emoji": '"x": "🇧🇾"',
    "control escapes": '"x": "a\\nb\\tc\\u0001\\u001f"',
    "big number": '"x": 123456789012345678901234567890',
    "exponent": '"x": [1E5, 1e16, -0.0, 2.5e-7]',
    "number out of range": '"x": 1e999',
    "trailing comma": '"x": [1, 2,]',
    "literals": '"x": [true, false, null]',
}


def document(middle: str) -> bytes:
    return ('{"case_workbench": {"json_format": 1}, ' + middle + ', "padding": [' + PADDING + "]}\n").encode()


def outcome(run: Any) -> tuple[Any, ...]:
    try:
        value = run()
    except CaseError as refused:
        return ("refused", str(refused))
    return ("read", value, json.dumps(value))  # json.dumps too: 1 == 1.0 == True, but they are not the same JSON


@pytest.mark.parametrize("name", MIDDLES)
def test_large_files_are_read_as_strict_json_reads_them(name: str) -> None:
    data = document(MIDDLES[name])
    assert len(data) >= FAST_READ_BYTES
    assert outcome(lambda: strict_json_bytes("case.json", data)) == outcome(
        lambda: strict_json("case.json", data.decode()))


def test_a_key_twice_is_refused_in_a_large_file() -> None:
    with pytest.raises(CaseError, match="the key 'c' appears twice"):
        strict_json_bytes("case.json", document(MIDDLES["a key twice deep"]))


def test_deep_nesting_and_bad_bytes_in_a_large_file() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(CaseError, match="too deeply"):
        strict_json_bytes("case.json", deep)
    with pytest.raises(UnicodeDecodeError):
        strict_json_bytes("case.json", document('"x": "K-GB"').replace(b"K-GB", b"K\xffGB"))
