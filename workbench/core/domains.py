"""Which publisher a URL belongs to: its registrable domain (news.tut.by and tut.by are tut.by), from the
Public Suffix List that tldextract ships, never fetched."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit


@cache
def _extractor() -> Any:
    import tldextract  # its suffix list loads once, on the first URL (~50 ms)

    # suffix_list_urls=(): the list bundled with the package, no download; cache_dir=None: nothing written.
    # Private suffixes count (user.github.io and user.blogspot.com are publishers of their own).
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """'news.tut.by' -> 'tut.by', 'www.bbc.co.uk' -> 'bbc.co.uk'; a host with no public suffix (an IP
    address, 'localhost') is itself, lower-cased."""
    host = host.strip().strip(".").lower()
    if not host:
        return ""
    found = _extractor()(host).top_domain_under_public_suffix
    return found or host.removeprefix("www.")


def domain_of(url: str) -> str:
    """The registrable domain of a URL's host; '' for text that is not a URL with a host."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # 'http://[1]': a bracketed host that is no IPv6 address
        return ""
    return registrable_domain(host)
