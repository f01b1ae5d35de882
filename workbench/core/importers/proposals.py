"""What an import proposes (records with stable ids, each with its evidence) and how accepted proposals
are written: one transaction, nothing duplicated on a second import, cancellable (`core.progress.Cancelled`)
with the case unchanged."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from workbench.core.jsonio import strict_json as _strict_json
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import LINK_TABLES, Case, CaseError, cipher

# Fixed namespace: the same report, row or URL gets the same ids in every import, on every machine.
NAMESPACE = uuid.UUID("0b7e3f52-6a1d-4c8e-9d1f-5e2a7c4b8f10")
GROUPS = ("document", "source", "actor", "alias", "place", "event", "relation", "citation")
GROUP_TITLES = {"document": "Document", "source": "Sources", "actor": "Actors", "event": "Events",
                "alias": "New spellings of case actors", "relation": "Relations", "citation": "Citations",
                "footnote": "Footnotes", "event_actor": "Event actors", "event_place": "Event places",
                "place": "Places", "note": "Notes"}
TABLES = {"document": "documents", "source": "sources", "actor": "actors", "event": "events", "relation": "relations",
          "citation": "citations", "footnote": "footnotes", "event_actor": "event_actors", "place": "places",
          "alias": "actors", "event_place": "event_places", "note": "notes"}
WRITE_ORDER = ("document", "source", "footnote", "actor", "alias", "place", "event", "event_actor", "event_place",
               "relation", "citation", "note")
TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|igshid|mc_cid|mc_eid|ref_src|s|t)$")


class ImportRefused(CaseError):
    """An import that cannot go ahead, said in one sentence; nothing was written."""


def strict_json(path_name: str, text: str, error: type[CaseError] | None = None) -> Any:
    """`core.jsonio.strict_json`, refusing as ImportRefused unless told otherwise."""
    return _strict_json(path_name, text, error or ImportRefused)


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def text_digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:32]


def clean_url(url: str, _normalize_query: bool = False) -> str:
    """A URL as stored: trimmed, scheme and host in lower case, tracking parameters dropped.

    The rest of the query stays as written (Cyrillic or emoji in it are not percent-encoded), so a URL
    comes back from an export and import as it went in.
    """
    url = url.strip().strip("<>").rstrip(".,;:")
    while url.endswith(")") and url.count(")") > url.count("("):  # "(see https://x.org/a)": not the page's
        url = url[:-1].rstrip(".,;:")
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    if _normalize_query:
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                           if not TRACKING_PARAMS.match(k)])
    else:
        query = "&".join(piece for piece in parts.query.split("&")
                         if piece and not TRACKING_PARAMS.match(unquote_plus(piece.split("=", 1)[0])))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, parts.fragment))


def url_key(url: str) -> str:
    """Two URLs of the same page have the same key: http/https, www., trailing slash and fragment aside."""
    cleaned = clean_url(url, _normalize_query=True)  # the key (and the ids made from it) as it always was
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return cleaned.lower()
    host = parts.netloc.removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    host = {"x.com": "twitter.com"}.get(host, host)
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


@dataclass
class Proposal:
    """One record (or link) an import would write, with the text that justifies it."""

    key: str  # unique in its plan, e.g. 'event:<id>'
    kind: str  # document, source, actor, event, relation, citation, footnote, event_actor, place
    values: dict[str, Any]
    label: str = ""  # one line for the review list
    evidence: str = ""  # the sentence (or row) it comes from, plain text
    span: tuple[int, int] | None = None  # where the evidence stands in the plan's text
    hedges: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, word) within `evidence`
    needs: tuple[str, ...] = ()  # keys that must be accepted too
    existing: bool = False  # already in the case: accepting it writes nothing
    accepted: bool = True
    note: str = ""  # how it was found ('matched case actor', 'person (title)', 'line 14')

    @property
    def table(self) -> str:
        return TABLES[self.kind]


@dataclass
class Plan:
    """Everything one file proposes for one case."""

    name: str  # the file's name
    text: str = ""  # the report as the reader shows it (spans point into it); '' for structured files
    proposals: list[Proposal] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of rows that cannot be read
    summary_kind: str = "report"
    notes: list[str] = field(default_factory=list)  # lines the review shows above the proposals (how it was read)
    report_date: date | None = None  # a report's own date (or the one the analyst gave)
    report_date_source: str = ""

    def add(self, proposal: Proposal) -> Proposal:
        self.proposals.append(proposal)
        return proposal

    def by_key(self) -> dict[str, Proposal]:
        return {p.key: p for p in self.proposals}

    def group(self, kind: str) -> list[Proposal]:
        return [p for p in self.proposals if p.kind == kind]

    def accept_all(self, accepted: bool = True) -> None:
        for proposal in self.proposals:
            proposal.accepted = accepted

    def effective(self) -> list[Proposal]:
        """Accepted proposals whose needs are accepted too (a citation of a rejected event goes with it)."""
        keys = self.by_key()
        memo: dict[str, bool] = {}

        def ok(key: str, depth: int = 0) -> bool:
            if key in memo:
                return memo[key]
            proposal = keys.get(key)
            result = bool(proposal and proposal.accepted and depth < 20
                          and all(ok(need, depth + 1) for need in proposal.needs))
            memo[key] = result
            return result

        return [p for p in self.proposals if ok(p.key)]

    def counts(self, proposals: Iterable[Proposal] | None = None) -> dict[str, int]:
        found: dict[str, int] = {}
        for proposal in self.proposals if proposals is None else proposals:
            if not proposal.existing:
                found[proposal.kind] = found.get(proposal.kind, 0) + 1
        return found


def mark_existing(case: Case, plan: Plan) -> None:
    """Flag every proposal whose record (or link) the case already holds, so a review of a re-import
    says what is really new."""
    for proposal in plan.proposals:
        if proposal.existing:
            continue
        table = proposal.table
        if table in LINK_TABLES:
            keys = LINK_TABLES[table]
            if any(proposal.values.get(k) is None for k in keys):
                continue
            where = " AND ".join(f"{k} = ?" for k in keys)
            found = case.conn.execute(f"SELECT 1 FROM {table} WHERE {where}",
                                      [proposal.values[k] for k in keys]).fetchone()
            proposal.existing = found is not None
        elif proposal.values.get("id"):
            proposal.existing = case.get(table, proposal.values["id"]) is not None


def describe_review(plan: Plan) -> str:
    """The review's one line: what accepting would write, or that nothing of it is new."""
    chosen = plan.effective()
    counts = plan.counts(chosen)
    shown = {f"{k}s": v for k, v in counts.items()
             if k in ("document", "event", "actor", "relation", "source", "citation", "place")}
    if not counts:
        total = sum(1 for p in plan.proposals if p.kind in GROUPS)
        if total and all(p.existing for p in plan.proposals):
            return f"Nothing new: the {total} proposals are already in the case."
        return "Nothing new to write."
    return "Will write: " + describe_counts(shown)


def apply_plan(case: Case, plan: Plan, progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """Write the accepted proposals in one transaction; returns table -> rows written.

    A record whose id is already in the case is left as it is, so importing the same file twice
    adds nothing the second time. Cancelling (or any error) rolls everything back.
    """
    chosen = plan.effective()
    order = {kind: index for index, kind in enumerate(WRITE_ORDER)}
    chosen.sort(key=lambda p: order.get(p.kind, 99))
    written: dict[str, int] = {}
    with case.transaction():
        for index, proposal in enumerate(chosen):
            if index % 50 == 0:
                progress(index, len(chosen))
            if proposal.existing:
                continue
            table = proposal.table
            values = dict(proposal.values)
            if proposal.kind == "alias":  # a case actor's name in another spelling or script, added to its aliases
                if _add_alias(case, values["actor_id"], values["alias"]):
                    written["aliases"] = written.get("aliases", 0) + 1
                continue
            try:
                if table in LINK_TABLES:
                    keys = LINK_TABLES[table]
                    where = " AND ".join(f"{k} = ?" for k in keys)
                    if case.conn.execute(f"SELECT 1 FROM {table} WHERE {where}",
                                         [values[k] for k in keys]).fetchone():
                        continue
                    case.link(table, values)
                else:
                    if case.get(table, values["id"]) is not None:
                        continue
                    case.insert(table, values)
            except (*cipher.IntegrityError, *cipher.ProgrammingError, *cipher.InterfaceError, ValueError, TypeError,
                    OverflowError) as error:
                # a value the case cannot hold (an empty name, a lone surrogate...): one sentence, all rolled back
                raise ImportRefused(f"{plan.name}: the {proposal.kind} '{str(proposal.label)[:60]}' cannot be "
                                    f"stored ({str(error).splitlines()[0][:120]}); nothing was imported.") from None
            written[table] = written.get(table, 0) + 1
        progress(len(chosen), len(chosen))
    return written


def _add_alias(case: Case, actor_id: str, alias: str) -> bool:
    from workbench.core.model import aliases_of
    from workbench.core.names import fold

    row = case.get("actors", actor_id)
    if row is None:
        return False
    aliases = aliases_of(row["aliases"])
    if fold(alias) in {fold(name) for name in [row["name"], *aliases]}:
        return False
    case.update("actors", actor_id, {"aliases": [*aliases, alias]})
    return True


def describe_counts(written: dict[str, int]) -> str:
    order = ("documents", "events", "actors", "aliases", "relations", "sources", "citations", "places", "notes")
    one = {"aliases": "alias"}
    parts = [f"{written[t]} {t if written[t] != 1 else one.get(t, t[:-1])}" for t in order if written.get(t)]
    return ", ".join(parts) if parts else "nothing new"
