"""Case.date_range is kept between calls, and follows every write: this connection's, a rolled-back one's and
another connection's."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.store import create_case, open_case


def test_the_span_follows_every_write(tmp_path: Path) -> None:
    path = tmp_path / "span.case"
    with create_case(path, "Span") as case:
        assert case.date_range() is None
        with case.transaction():
            case.insert("events", {"id": "e1", "title": "First", "start": "2020-08-09T10:00:00Z"})
        assert case.date_range() == ("2020-08-09T10:00:00Z", "2020-08-09T10:00:00Z")
        with case.transaction():
            case.insert("events", {"id": "e2", "title": "Lasting", "start": "2020-08-10T10:00:00Z",
                                   "end": "2020-08-12T10:00:00Z"})
        assert case.date_range() == ("2020-08-09T10:00:00Z", "2020-08-12T10:00:00Z")
        with pytest.raises(RuntimeError), case.transaction():
            case.insert("events", {"id": "e3", "title": "Undone", "start": "2019-01-01T00:00:00Z"})
            assert case.date_range() == ("2019-01-01T00:00:00Z", "2020-08-12T10:00:00Z")
            raise RuntimeError("rolled back")
        assert case.date_range() == ("2020-08-09T10:00:00Z", "2020-08-12T10:00:00Z")
        with open_case(path) as other, other.transaction():  # another connection (a second window, a worker)
            other.insert("events", {"id": "e4", "title": "Later", "start": "2020-09-01T00:00:00Z"})
        assert case.date_range() == ("2020-08-09T10:00:00Z", "2020-09-01T00:00:00Z")
        with case.transaction():
            case.delete("events", "e1")
        assert case.date_range() == ("2020-08-10T10:00:00Z", "2020-09-01T00:00:00Z")
