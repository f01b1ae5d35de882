"""Which publisher a URL belongs to: its registrable domain (news.tut.by and tut.by are tut.by), from the
Public Suffix List that tldextract ships, never fetched.

The list is read from tldextract's package folder and matched here, the way tldextract matches it (its
private suffixes included): importing tldextract itself imports requests and builds a trie of the list's
labels, about a third of a second before the first source of a case could be listed. The answers are
tldextract's (tests/test_interop_domains.py compares the two over every rule of the list)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

SNAPSHOT = ".tld_set_snapshot"  # the Public Suffix List as tldextract bundles it
RULE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)  # a rule's line, as tldextract reads it
DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # the ideographic and full-width full stops


class SuffixList:
    """The Public Suffix List's rules as tldextract's trie holds them: `paths`, every tail of labels some rule ends
    in ('uk', 'co.uk', 'ck', '!www.ck', '*.ck'), and `ends`, the rules themselves."""

    def __init__(self, text: str) -> None:
        self.ends = frozenset(match.group("suffix") for match in RULE.finditer(text))
        paths = set()
        for rule in self.ends:
            labels = rule.split(".")
            paths.update(".".join(labels[i:]) for i in range(len(labels)))
        self.paths = frozenset(paths)

    def top_domain(self, host: str) -> str:
        """The registrable domain of a host (lower case, ASCII full stops) under its public suffix
        ('forums.bbc.co.uk' -> 'bbc.co.uk'), or '' when it has none (no rule matches, or it is a suffix itself)."""
        labels = host.split(".")
        suffix_at = at = len(labels)
        tail = ""  # the labels matched so far, as one path of the list
        for label in reversed(labels):
            name = _decoded(label)
            path = f"{name}.{tail}" if tail else name
            if path in self.paths:
                at -= 1
                tail = path
                if path in self.ends:
                    suffix_at = at
                continue
            if (f"*.{tail}" if tail else "*") in self.paths:  # a wildcard rule: any label here is a suffix too
                exception = (f"!{name}.{tail}" if tail else f"!{name}") in self.paths
                suffix_at = at if exception else at - 1
            break
        if suffix_at == len(labels) or suffix_at <= 0 or not labels[suffix_at - 1]:
            return ""
        return ".".join(labels[suffix_at - 1:])


def _decoded(label: str) -> str:
    """A label as the list spells it: lower case, and Unicode where it was written in Punycode ('xn--p1ai' -> 'рф')."""
    lowered = label.lower()
    if lowered.startswith("xn--"):
        import idna  # tldextract's own decoder (IDNA 2008), needed only for a Punycode label

        try:
            return idna.decode(lowered)
        except (UnicodeError, IndexError):
            pass
    return lowered


@cache
def suffix_list() -> SuffixList:
    """The list bundled with tldextract, found without importing the package (it would import requests)."""
    spec = find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tldextract, whose Public Suffix List this reads, is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return SuffixList((folder / SNAPSHOT).read_text(encoding="utf-8"))


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """'news.tut.by' -> 'tut.by', 'www.bbc.co.uk' -> 'bbc.co.uk'; a host with no public suffix (an IP
    address, 'localhost') is itself, lower-cased."""
    host = host.translate(DOTS).strip().strip(".").lower()
    if not host:
        return ""
    found = suffix_list().top_domain(host)
    return found or host.removeprefix("www.")


def domain_of(url: str) -> str:
    """The registrable domain of a URL's host; '' for text that is not a URL with a host."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # 'http://[1]': a bracketed host that is no IPv6 address
        return ""
    return registrable_domain(host)
