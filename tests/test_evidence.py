"""Evidence on the sample case: the confidence line of a claim, evidence health, impact of a source, search."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.evidence import (
    CitedSource,
    claim_evidence,
    confidence_line,
    evidence_health,
    group_sources,
    impact_if_sources_fall,
    item_when,
    source_pane_listing,
)
from workbench.core.progress import Cancelled, Progress
from workbench.core.queries import highlight, related, search_case
from workbench.core.store import Case, open_case

BELTA = "https://www.belta.by/president/view/lukashenko-dogovorilsja-s-putinym-rossija-pri-pervom-zaprose-okazhet-pomosch-po-obespecheniju-402964-2020/"  # noqa: E501


@pytest.fixture
def sample(sample_path: Path, tmp_path: Path) -> Case:
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    with open_case(copy) as case:
        yield case


def event_id(case: Case, title_start: str) -> str:
    (found,) = case.conn.execute("SELECT id FROM events WHERE title LIKE ?", (title_start + "%",)).fetchall()
    return found[0]


def source_id(case: Case, url_part: str) -> str:
    (found,) = case.conn.execute("SELECT id FROM sources WHERE url LIKE ?", (f"%{url_part}%",)).fetchall()
    return found[0]


def titles(items: list) -> list[str]:
    return [item.title for item in items]


def test_the_15_august_statement_rests_on_footnote_1_meduza_and_belta(sample: Case) -> None:
    evidence = claim_evidence(sample, "events", event_id(sample, "Lukashenko tells the General Staff"))
    assert evidence.line == "2 sources, best B2"
    assert evidence.stated == "reported"
    assert {c.footnote for c in evidence.citations} == {"1"}
    assert {c.domain for c in evidence.citations} == {"meduza.io", "belta.by"}
    assert evidence.citations[0].grade == "B2"  # best first within a footnote
    assert any("first request" in c.quote for c in evidence.citations)


def test_confidence_lines_for_weak_uncited_and_relation_claims(sample: Case) -> None:
    nevel = claim_evidence(sample, "events", event_id(sample, "Unverified report of Russian forces"))
    assert nevel.line == "single source, unverified (F6)"
    forest = claim_evidence(sample, "events", event_id(sample, "Belarusian forest ministry"))
    assert forest.line == "uncited: no source supports this" and forest.citations == []
    assert claim_evidence(sample, "events", "no-such-event") is None
    relation = sample.conn.execute("SELECT id FROM relations WHERE kind = 'agreement'").fetchone()[0]
    assert claim_evidence(sample, "relations", relation).line == "2 sources, best B2"


def cited(source: str, url: str, reliability: str, credibility: int) -> CitedSource:
    return CitedSource("c-" + source, source, "", "", url, "", reliability, credibility, "")


def test_confidence_line_counts_sources_once_and_sees_shared_domains() -> None:
    assert confidence_line([]) == "uncited: no source supports this"
    assert confidence_line([cited("a", "https://a.org/1", "C", 3), cited("a", "https://a.org/1", "C", 2)]) \
        == "single source, C2"
    assert confidence_line([cited("a", "https://a.org/1", "C", 3), cited("b", "https://www.a.org/2", "B", 4)]) \
        == "2 sources, all from a.org, best B4"
    assert confidence_line([cited("a", "https://x.org", "E", 2), cited("b", "https://y.org", "F", 3),
                            cited("c", "https://y.org/2", "F", 1)]) == "3 sources (2 domains), all unverified (best E2)"


def test_health_lists_the_uncited_and_the_unverified_single_source_claims(sample: Case) -> None:
    health = evidence_health(sample)
    uncited = titles(health.uncited)
    assert any(t.startswith("Belarusian forest ministry bans entry") for t in uncited)
    assert any(t.startswith("Lukashenko rejects calls from Poland") for t in uncited)
    assert "Aleksander Lukashenko rejected mediation Poland" in uncited
    single = {item.title: item.detail for item in health.single_source}
    nevel = next(t for t in single if t.startswith("Unverified report of Russian forces"))
    assert single[nevel] == "single source, unverified, graded F (twitter.com)"
    assert nevel in titles(health.weak_only)
    assert not any(t.startswith("Lukashenko tells the General Staff") for t in single)
    assert len(health.ungraded) == 5 and all(item.table == "sources" for item in health.ungraded)
    forest = next(item for item in health.uncited if item.title.startswith("Belarusian forest"))
    assert item_when(forest, "Europe/Minsk") == "15 Aug 2020"
    # uncited events come in time order, before the relations
    kinds = [item.table for item in health.uncited]
    assert kinds == sorted(kinds, key=["events", "relations"].index)


def test_reliability_floor_turns_claims_on_weak_sources_into_uncited(sample: Case) -> None:
    strict = evidence_health(sample, reliability_floor="C")
    assert any(t.startswith("Unverified report of Russian forces") for t in titles(strict.uncited))
    assert strict.weak_only == []



def test_evidence_health_reports_how_far_it_is_and_stops_when_cancelled(sample: Case) -> None:
    """The panel runs it on ui.tasks: a newer run cancels the older one's Progress, which must stop it."""
    seen: list[float] = []
    health = evidence_health(sample, progress=Progress(seen.append))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 4
    assert health.counts() == evidence_health(sample).counts()
    stopped = Progress()
    stopped.cancel()
    with pytest.raises(Cancelled):
        evidence_health(sample, progress=stopped)

def test_if_belta_falls_the_edit_report_loses_its_only_source(sample: Case) -> None:
    belta = source_id(sample, "lukashenko-dogovorilsja")
    assert sample.get("sources", belta)["url"] == BELTA
    impact = impact_if_sources_fall(sample, [belta])
    orphaned = titles(impact.orphaned)
    assert any(t.startswith("BelTA edits its report") for t in orphaned)
    assert not any(t.startswith("Lukashenko tells the General Staff") for t in orphaned)  # Meduza still stands
    assert any(t.startswith("Lukashenko tells the General Staff") for t in titles(impact.left_single))
    assert impact.summary.startswith(f"If it falls: {len(impact.orphaned)} of its {impact.supported} claims")
    meduza = source_id(sample, "meduza.io/news/2020/08/15/lukashenko-pri-pervom")
    both = impact_if_sources_fall(sample, [belta, meduza])
    assert any(t.startswith("Lukashenko tells the General Staff") for t in titles(both.orphaned))
    assert impact_if_sources_fall(sample, ["no-such-source"]).summary == "No claim rests on this source."


def test_footnote_4_sources_tie_to_the_putilo_and_taraykouski_events(sample: Case) -> None:
    sources = [s for (s,) in sample.conn.execute("SELECT source_id FROM footnotes WHERE label = '4'")]
    events = related(sample, "sources", sources)["events"]
    names = {sample.get("events", e)["title"] for e in events}
    assert {"Belarus issues an arrest warrant for NEXTA founder Stepan Putilo",
            "Russia issues an arrest warrant for Stepan Putilo", "Aleksander Taraykouski shot dead by police"} <= names


def test_source_listing_groups_and_counts_claims_once(sample: Case) -> None:
    listing = source_pane_listing(sample)
    assert [c.name for c in listing.columns] == ["Fn", "Title or URL", "Domain", "Lang", "Publisher", "Published",
                                                 "Grade", "Claims"]
    assert len(listing) == 16
    belta = listing.rows[listing.ids.index(source_id(sample, "lukashenko-dogovorilsja"))]
    assert belta[0] == "1, 2" and belta[2] == "belta.by" and belta[6] == "C"
    distinct = sample.conn.execute(
        "SELECT count(DISTINCT coalesce(event_id, relation_id)) FROM citations WHERE source_id = ?",
        (listing.ids[listing.rows.index(belta)],)).fetchone()[0]
    assert belta[7] == str(distinct)
    by_footnote = dict(group_sources(listing, "footnote"))
    assert list(by_footnote)[:3] == ["footnote 1", "footnote 2", "footnote 3"]
    belta_row = listing.rows.index(belta)
    assert belta_row in by_footnote["footnote 1"] and belta_row in by_footnote["footnote 2"]
    by_domain = dict(group_sources(listing, "domain"))
    assert len(by_domain["twitter.com"]) == 4 and len(by_domain) == 11


def test_search_finds_omon_kochanova_and_cyrillic_words(sample: Case) -> None:
    omon = search_case(sample, "OMON")
    assert any(h.title_text.startswith("OMON") for h in omon["actors"])
    assert any("OMON" in h.title_text for h in omon["events"])
    assert any("OMON" in h.title_text for h in omon["relations"])
    kochanova = search_case(sample, "Kochanova")
    assert [h.title_text for h in kochanova["actors"]] == ["Natalya Kochanova"]
    assert any(("Kochanova", True) in h.title for h in kochanova["events"])
    # the Latin slug of a Russian URL, and Cyrillic in archived text (the sample stores none: paste some)
    assert search_case(sample, "dogovorilsja")["sources"][0].field == "URL"
    belta = source_id(sample, "lukashenko-dogovorilsja")
    sample.update("sources", belta, {"archived_text": "Лукашенко договорился с Путиным: Россия при первом "
                                                      "запросе окажет помощь по обеспечению безопасности."})
    hits = search_case(sample, "договорил")["sources"]
    assert [h.record_id for h in hits] == [belta]
    assert hits[0].field == "archived text" and ("договорился", True) in hits[0].context
    assert search_case(sample, "") == {t: [] for t in search_case(sample, "")}


def test_highlight_marks_word_starts_in_any_case_and_accent() -> None:
    assert highlight("Stepan Putilo, founder of NEXTA", ["nexta", "put"]) == (
        ("Stepan ", False), ("Putilo", True), (", founder of ", False), ("NEXTA", True))
    assert highlight("Café Minsk", ["cafe"])[0] == ("Café", True)
    long = "x " * 200 + "Гомель" + " y" * 200
    pieces = highlight(long, ["гомель"], width=60)
    assert ("Гомель", True) in pieces and pieces[0] == ("\u2026", False) and len("".join(p for p, _ in pieces)) < 80
