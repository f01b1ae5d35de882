"""The large exports' JSON writer (core.jsonio.json_line, msgspec) spells every value as json.dumps does, and the
STIX ids made without the uuid module are uuid.uuid5's."""

from __future__ import annotations

import io
import json
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.exporters.stix import STIX_NAMESPACE, stix_id
from workbench.core.jsonio import json_line, write_json_lines

# Floats as the exports hold them (coordinates, scores): json writes those below 1e-4 or from 1e16 with an exponent,
# which msgspec spells without json's '+' and leading zero ('1e16' for '1e+16').
PLAIN_FLOATS = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f == 0 or 1e-4 <= abs(f) < 1e16)
SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | PLAIN_FLOATS | st.text()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner,
                                                                                            max_size=5), max_leaves=30)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_a_json_line_is_what_json_dumps_writes(value: object) -> None:
    assert json_line(value) == json.dumps(value, ensure_ascii=False).encode("utf-8")


def test_control_characters_quotes_and_line_separators_are_spelled_as_json_spells_them() -> None:
    text = "\x00\x1f\x7f\u2028\u2029\"\\/\n\t\r\b\f é Минск 😀 </script>"
    value = {"a": text, text: [1.5, -0.0, 53.9, 10**18, True, None, {}, []]}
    assert json_line(value) == json.dumps(value, ensure_ascii=False).encode("utf-8")


def test_lines_are_written_in_batches_as_one_list_of_lines() -> None:
    values = [{"n": n, "text": f"line {n}"} for n in range(12_345)]
    handle = io.BytesIO()
    write_json_lines(handle, values)
    assert handle.getvalue().decode("utf-8") == ",\n".join(json.dumps(v) for v in values)
    assert json.loads("[" + handle.getvalue().decode("utf-8") + "]") == values


def test_stix_ids_are_uuid5_of_the_table_and_record() -> None:
    for record_id in ("event-1", "0000ce7f-2012-46b4-a8eb-b79a6f5957c7", "Минск/1", "", "a" * 300):
        assert stix_id("report", "events", record_id) == f"report--{uuid.uuid5(STIX_NAMESPACE, f'events/{record_id}')}"
