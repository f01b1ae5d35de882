"""An opening starts the reads its views will wait for on second connections (Case.read_ahead), and each view
collects its read's answer (Case.reading): the answer is the same as a read made then, and a write in between makes
the view read again."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from workbench.core import evidence, kept
from workbench.core.graph import model
from workbench.core.sample import build_sample_case
from workbench.core.store import Case, open_case
from workbench.core.timeline import data
from workbench.core.timeline import kept as timeline_kept


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ahead") / "sample.case"
    build_sample_case(path).close()
    return path


def counted(reader: Case) -> tuple[int, int]:
    """The thread a read ran on, and the number of events it found."""
    return threading.get_ident(), reader.conn.execute("SELECT count(*) FROM events").fetchone()[0]


def test_a_read_started_ahead_is_collected_once_and_then_read_on_the_case(sample: Path) -> None:
    with open_case(sample, read_only=True) as case:
        (events,) = case.conn.execute("SELECT count(*) FROM events").fetchone()
        case.read_ahead(counted)
        thread, found = case.reading(counted)()
        assert (thread != threading.get_ident(), found) == (True, events), "read on the second connection"
        thread, found = case.reading(counted)()
        assert (thread == threading.get_ident(), found) == (True, events), "nothing is ahead any more"


def test_a_write_after_a_read_started_ahead_makes_it_read_again(sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "written.case"
    path.write_bytes(sample.read_bytes())
    with open_case(path) as case:
        (events,) = case.conn.execute("SELECT count(*) FROM events").fetchone()
        case.read_ahead(counted)
        with case.transaction():
            case.insert("events", {"id": "event-new", "title": "Written after the read began", "kind": "other",
                                   "start": "2020-08-20T00:00:00Z"})
        thread, found = case.reading(counted)()
        assert (thread == threading.get_ident(), found) == (True, events + 1)


def test_the_views_data_read_ahead_are_the_data_read_then(sample: Path) -> None:
    def loaded(case: Case) -> tuple:
        timeline = data.load_timeline(case)
        graph = model.load_graph(case)
        sources = evidence.source_pane_listing(case)
        return ([list(getattr(timeline, name)) for name in ("seq", "start", "end", "kind", "pair_event", "pair_actor")],
                timeline.kinds, timeline.actor_names, graph.ids, graph.edge_ids, graph.citations, graph.sources,
                sources.ids, sources.rows)

    with open_case(sample, read_only=True) as case:
        then = loaded(case)
    kept.wait_kept()
    with open_case(sample, read_only=True) as case:
        digest = kept.digest_of(case)
        kept.forget(timeline_kept.KIND, digest, timeline_kept.FORMAT)  # a first opening: nothing kept to read back
        kept.forget(evidence.SOURCES_KEPT, digest, evidence.SOURCES_FORMAT)
        data.read_ahead(case)
        model.read_ahead(case)
        evidence.read_sources_ahead(case)
        assert len(case._ahead) == 6  # noqa: SLF001 - the reads the three views wait for, started
        assert loaded(case) == then
        assert not case._ahead  # noqa: SLF001 - each collected
