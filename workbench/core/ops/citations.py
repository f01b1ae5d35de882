"""Citing by hand: any event, actor or relation rests on an existing source or on a new one made from a
pasted URL (domain and publisher filled in offline), with the Admiralty grades, the quoted passage,
where it stands in the source and when it was read. Each is one operation: one transaction, one undo step."""

from __future__ import annotations

from typing import Any

from workbench.core.errors import CaseError
from workbench.core.ops import operation
from workbench.core.rules import InvalidRecord, clean_text, problems
from workbench.core.store import Case, new_id

# What a citation can support, and the column that names it.
TARGETS = {"events": "event_id", "relations": "relation_id", "actors": "actor_id"}

# Publishers known by their domain (a subdomain counts: eng.belta.by is BelTA). Offline, so a pasted
# URL gets a readable publisher without fetching anything; any other domain stands for itself.
KNOWN_PUBLISHERS: dict[str, str] = {
    "belta.by": "BelTA", "president.gov.by": "President of the Republic of Belarus", "mil.by": "Belarus MoD",
    "tut.by": "TUT.BY", "nashaniva.com": "Nasha Niva", "nn.by": "Nasha Niva", "svaboda.org": "Radio Svaboda",
    "zerkalo.io": "Zerkalo", "onliner.by": "Onliner", "sb.by": "SB. Belarus Segodnya",
    "kremlin.ru": "President of Russia", "mil.ru": "Russian MoD", "tass.ru": "TASS", "tass.com": "TASS",
    "ria.ru": "RIA Novosti", "interfax.ru": "Interfax", "rbc.ru": "RBC", "kommersant.ru": "Kommersant",
    "meduza.io": "Meduza", "novayagazeta.ru": "Novaya Gazeta", "lenta.ru": "Lenta.ru", "rt.com": "RT",
    "reuters.com": "Reuters", "apnews.com": "Associated Press", "afp.com": "AFP", "bbc.com": "BBC",
    "bbc.co.uk": "BBC", "dw.com": "Deutsche Welle", "rferl.org": "RFE/RL", "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post", "theguardian.com": "The Guardian", "ft.com": "Financial Times",
    "aljazeera.com": "Al Jazeera", "france24.com": "France 24", "euronews.com": "Euronews",
    "understandingwar.org": "Institute for the Study of War (ISW)", "criticalthreats.org": "Critical Threats",
    "bellingcat.com": "Bellingcat", "osce.org": "OSCE", "un.org": "United Nations", "nato.int": "NATO",
    "twitter.com": "Twitter", "x.com": "Twitter", "t.me": "Telegram", "youtube.com": "YouTube",
    "facebook.com": "Facebook", "vk.com": "VKontakte", "instagram.com": "Instagram", "tiktok.com": "TikTok",
}


def publisher_of(domain: str) -> str:
    """The known publisher of a domain or of a domain it is under; '' when none is known."""
    labels = domain.lower().split(".")
    for start in range(len(labels) - 1):
        known = KNOWN_PUBLISHERS.get(".".join(labels[start:]))
        if known:
            return known
    return ""


def source_from_url(url: str) -> dict[str, Any]:
    """A new source's values from a pasted URL alone: domain, publisher, language and any date the
    address carries. Reliability starts at F (cannot be judged) until the analyst grades it."""
    from workbench.core.importers.report import domain_of, source_values

    url = clean_text(url)
    if url and "://" not in url and "." in url.split("/")[0]:
        url = "https://" + url  # 'belta.by/...' pasted without its scheme
    values = source_values(url)
    domain = domain_of(url)
    publisher = publisher_of(domain)
    if publisher and not str(values.get("publisher", "")).startswith(("Twitter (", )):
        values["publisher"] = publisher
    values["title"] = values.get("title") or ""
    return values


def citation_values(credibility: Any, quote: str, locator: str, accessed: str | None) -> dict[str, Any]:
    return {"credibility": credibility, "quote": clean_text(quote, multiline=True), "locator": clean_text(locator),
            "accessed": accessed or None}


@operation
def cite(case: Case, table: str, record_id: str, *, source_id: str | None = None,
         new_source: dict[str, Any] | None = None, reliability: str | None = None, credibility: int = 6,
         quote: str = "", locator: str = "", accessed: str | None = None) -> str:
    """Cite a source for one event, relation or actor; result: the citation's id.

    `new_source` (values, e.g. from `source_from_url`) makes the source in the same transaction;
    `reliability` grades the source (new or existing). Nothing is written when any value is refused.
    """
    if table not in TARGETS:
        raise CaseError(f"Only events, relations and actors can be cited for, not {table}.")
    if case.get(table, record_id) is None:
        raise CaseError(f"The {table.removesuffix('s')} to cite for is no longer in the case.")
    values = {"source_id": source_id or "pending", TARGETS[table]: record_id,
              **citation_values(credibility, quote, locator, accessed)}
    found = problems("citations", values)
    if new_source is None and (not source_id or case.get("sources", source_id) is None):
        found["source_id"] = "choose a source, or paste the URL of a new one"
    elif new_source is not None:  # the new source's faults too, so that one refusal names them all
        graded = {**new_source, **({"reliability": reliability} if reliability is not None else {})}
        for field, why in problems("sources", graded).items():
            found.setdefault("url" if field in ("url", "title") else field, why)
    if found:
        raise InvalidRecord("citations", found)
    if new_source is not None:
        source = {key: value for key, value in new_source.items() if key != "id"}
        if reliability is not None:
            source["reliability"] = reliability
        source_id = case.insert("sources", {**source, "id": new_id()})
    elif reliability is not None and case.get("sources", source_id)["reliability"] != reliability:
        case.update("sources", source_id, {"reliability": reliability})
    return case.insert("citations", {**values, "id": new_id(), "source_id": source_id})


@operation
def edit_citation(case: Case, citation_id: str, *, reliability: str | None = None, **changes: Any) -> dict[str, Any]:
    """Change a citation's grade, passage, locator or date read (and its source's reliability); result:
    the old values."""
    current = case.get("citations", citation_id)
    if current is None:
        raise CaseError("The citation is no longer in the case.")
    cleaned = dict(changes)
    for field in ("quote", "locator"):
        if field in cleaned:
            cleaned[field] = clean_text(cleaned[field], multiline=field == "quote")
    if "accessed" in cleaned:
        cleaned["accessed"] = cleaned["accessed"] or None
    old = case.update("citations", citation_id, cleaned) if cleaned else {}
    if reliability is not None:
        source = case.get("sources", current["source_id"])
        if source is not None and source["reliability"] != reliability:
            case.update("sources", source["id"], {"reliability": reliability})
    return old


def citations_of(case: Case, table: str, record_id: str) -> list[dict[str, Any]]:
    """The citations of one event, relation or actor with their source's URL, title, publisher and
    reliability, in the order they were made."""
    column = TARGETS[table]
    cursor = case.conn.execute(
        f"SELECT c.id, c.source_id, c.footnote, c.quote, c.credibility, c.locator, c.accessed, s.url, s.title, "
        f"s.publisher, s.reliability FROM citations c JOIN sources s ON s.id = c.source_id "
        f"WHERE c.{column} = ? ORDER BY c.rowid", (record_id,))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
