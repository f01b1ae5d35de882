"""The report importer scored on the development corpus (issue 17): saved pages of a think-tank's daily
reports (../shared/corpus/isw-2022/), against keys made by hand from reading them (tests/data/*.key.json).

Figures (`measure()`, also run by `make bench` and asserted at the levels reached by
tests/test_import_corpus.py):
- import_url_recall_dev: (footnote, URL) pairs of the keys the importer gives, over all keyed pairs;
- import_event_recall_dev / import_event_precision_dev: keyed events found (same local day, two words of the
  title in common) over keyed events, and dated proposals that are keyed events over dated proposals
  (an event is dated when its date comes from its own words, not from the paragraph or the report);
- import_actor_recall_dev / import_actor_precision_dev: keyed actors found under their name or an alias
  over keyed actors, and proposed actors that are keyed over proposed actors; a proposal whose names are two
  keyed actors (a wrong merge) counts as neither found nor right.

`python -m tests.bench.bench_import_dev` prints the figures and what was missed or extra.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from workbench.core.importers import propose_file
from workbench.core.importers.names import fold
from workbench.core.importers.proposals import url_key
from workbench.core.names import same_name
from workbench.core.store import create_case
from workbench.core.times import case_zone, utc_to_local

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "isw-2022"
KEYS = ROOT / "tests" / "data"
ZONE = "Europe/Kyiv"
STOPWORDS = {"the", "and", "that", "with", "from", "this", "into", "their", "which", "have", "been", "will", "after",
             "before", "about", "there", "were", "first", "date"}
# Words every one of this corpus's events has: matching on them would match anything.
CORPUS_STOPWORDS = STOPWORDS | {"russian", "forces", "ukrainian", "continue", "continued"}
UNDATED_NOTES = ("date not stated", "shortly after", "recently")


def stems(text: str, stopwords: set[str] = STOPWORDS) -> set[str]:
    """The words of `text` that say something, cut to five letters (so 'protests' meets 'protesters')."""
    words = re.findall(r"[a-zа-я0-9]+", fold(text))
    return {w[:5] for w in words if len(w) >= 4 and w not in stopwords}


def same_event(proposal, fact: dict, zone, text_of=lambda p: p.values["title"],
               stopwords: set[str] = STOPWORDS) -> bool:
    """A proposed event is a keyed one: the same local day and two words of the title in common."""
    day = utc_to_local(proposal.values["start"], zone).date().isoformat()
    return day == fact["date"] and len(stems(text_of(proposal), stopwords) & stems(fact["title"], stopwords)) >= 2


def names_match(names: list[str], key_names: list[str]) -> bool:
    folded = [fold(n) for n in names]
    return any(a == b or same_name(a, b, whole=True) for a in folded for b in (fold(k) for k in key_names))


def match_actors(actors: list, keyed: list[dict]) -> tuple[dict[int, list[int]], list, list, list[dict]]:
    """Proposed actors against keyed ones, by name or alias: (which keyed actors each proposal names,
    the proposals that are one keyed actor, those that are several, the keyed actors found). A proposal
    that is two keyed actors at once ("Russian forces" with "Ukrainian forces" as an alias) is a wrong
    merge: it counts for neither."""
    meant = {id(p): [i for i, a in enumerate(keyed) if names_match([p.values["name"], *p.values["aliases"]],
                                                                    [a["name"], *a["aliases"]])]
             for p in actors}
    matched = [p for p in actors if len(meant[id(p)]) == 1]
    merged = [p for p in actors if len(meant[id(p)]) > 1]
    found = [a for i, a in enumerate(keyed) if any(meant[id(p)] == [i] for p in actors)]
    return meant, matched, merged, found


def keyed_pages() -> list[tuple[Path, dict]]:
    pages = []
    for key_path in sorted(KEYS.glob("isw-2022-*.key.json")):
        page = CORPUS / key_path.name.replace(".key.json", ".html")
        if page.exists():
            pages.append((page, json.loads(key_path.read_text(encoding="utf-8"))))
    return pages


def score_page(page: Path, key: dict, folder: Path) -> dict:
    case = create_case(folder / f"{page.stem}.case", "Score", timezone=ZONE)
    try:
        plan = propose_file(case, page)
    finally:
        case.close()
    zone = case_zone(ZONE)
    urls = {p.values["id"]: p.values["url"] for p in plan.group("source")}
    found_pairs = {(p.values["label"], url_key(urls[p.values["source_id"]])) for p in plan.group("footnote")}
    key_pairs = {(label, url_key(url)) for label, listed in key["footnotes"].items() for url in listed}
    events = [p for p in plan.group("event") if not str(p.values.get("time_note") or "").startswith(UNDATED_NOTES)]

    def event_matches(proposal, fact) -> bool:
        return same_event(proposal, fact, zone, lambda p: p.values["summary"] or p.values["title"], CORPUS_STOPWORDS)

    matched_events = [p for p in events if any(event_matches(p, f) for f in key["events"])]
    found_facts = [f for f in key["events"] if any(event_matches(p, f) for p in events)]
    actors = plan.group("actor")
    meant, matched_actors, merged_actors, found_actors = match_actors(actors, key["actors"])
    return {
        "urls": (len(found_pairs & key_pairs), len(key_pairs), len(found_pairs)),
        "events": (len(found_facts), len(key["events"]), len(matched_events), len(events)),
        "actors": (len(found_actors), len(key["actors"]), len(matched_actors), len(actors)),
        "missed_urls": sorted(key_pairs - found_pairs),
        "extra_urls": sorted(found_pairs - key_pairs),
        "missed_events": [f"{f['date']} {f['title']}" for f in key["events"] if f not in found_facts],
        "extra_events": [f"{utc_to_local(p.values['start'], zone):%Y-%m-%d} {p.values['title']}"
                         for p in events if p not in matched_events],
        "missed_actors": [a["name"] for a in key["actors"] if a not in found_actors],
        "extra_actors": [f"{p.values['name']} ({p.values['kind']})" for p in actors
                         if p not in matched_actors and p not in merged_actors],
        "merged_actors": [f"{p.values['name']} = {' = '.join(key['actors'][i]['name'] for i in meant[id(p)])}"
                          for p in merged_actors],
    }


def measure(detail: bool = False) -> dict:
    """The five dev figures, pooled over every keyed page (and, with detail, each page's misses)."""
    pages = keyed_pages()
    if not pages:
        return {}
    totals = {"urls": [0, 0, 0], "events": [0, 0, 0, 0], "actors": [0, 0, 0, 0]}
    details = {}
    with tempfile.TemporaryDirectory() as folder:
        for page, key in pages:
            scored = score_page(page, key, Path(folder))
            details[page.name] = scored
            for name in totals:
                totals[name] = [a + b for a, b in zip(totals[name], scored[name], strict=True)]
    urls, events, actors = totals["urls"], totals["events"], totals["actors"]
    figures = {
        "import_url_recall_dev": urls[0] / urls[1],
        "import_event_recall_dev": events[0] / events[1],
        "import_event_precision_dev": events[2] / max(events[3], 1),
        "import_actor_recall_dev": actors[0] / actors[1],
        "import_actor_precision_dev": actors[2] / max(actors[3], 1),
    }
    if detail:
        figures["pages"] = details  # type: ignore[assignment]
    return figures


if __name__ == "__main__":
    result = measure(detail=True)
    for page_name, scored in result.pop("pages", {}).items():
        print(f"== {page_name}")
        for field in ("missed_urls", "extra_urls", "missed_events", "extra_events", "missed_actors", "extra_actors",
                      "merged_actors"):
            print(f"  {field}:")
            for item in scored[field]:
                print(f"    {item}")
    for name, value in result.items():
        print(f"{name:32} {value:6.3f}")
    sys.exit(0)
