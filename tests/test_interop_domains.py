"""Publishers by registrable domain, from the Public Suffix List tldextract ships (never fetched: the
tests run with the network guard of conftest): news.tut.by and tut.by are one publisher."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core.domains import domain_of, registrable_domain, suffix_list
from workbench.core.evidence import CitedSource, confidence_line
from workbench.core.importers.report import source_values
from workbench.core.store import create_case


@pytest.mark.parametrize(("url", "domain"), [
    ("https://news.tut.by/society/696819.html", "tut.by"),
    ("https://tut.by/", "tut.by"),
    ("https://www.bbc.co.uk/news/world-europe-53799065", "bbc.co.uk"),
    ("https://mobile.twitter.com/franakviacorka/status/1", "twitter.com"),
    ("https://t.me/nexta_live/1", "t.me"),
    ("https://someone.github.io/post", "someone.github.io"),  # a private suffix: a publisher of its own
    ("https://президент.рф/news", "президент.рф"),
    ("http://127.0.0.1:8000/x", "127.0.0.1"),
    ("not a url", ""),
    ("http://[1]/", ""),
])
def test_registrable_domain(url: str, domain: str) -> None:
    assert domain_of(url) == domain


def test_hosts_fold_case_and_dots() -> None:
    assert registrable_domain("NEWS.TUT.BY.") == "tut.by" and registrable_domain("") == ""


def test_two_hosts_of_one_publisher_count_once() -> None:
    def cited(source: str, url: str) -> CitedSource:
        return CitedSource("c-" + source, source, "", "", url, "", "C", 3, "")

    line = confidence_line([cited("a", "https://news.tut.by/1"), cited("b", "https://tut.by/2")])
    assert line == "2 sources, all from tut.by, best C3"


def test_a_source_from_a_subdomain_is_published_by_the_domain(tmp_path: Path) -> None:
    assert source_values("https://news.tut.by/society/696819.html")["publisher"] == "tut.by"
    assert source_values("https://mobile.twitter.com/nexta_tv/status/1294635297958752256")["publisher"] \
        == "Twitter (@nexta_tv)"
    create_case(tmp_path / "t.case", "T").close()  # nothing reached for the network meanwhile (conftest guard)


def _hosts_of_every_rule() -> list[str]:
    """Hosts that meet each rule of the bundled list: the rule itself, its tails and a name under it (two
    names, in upper case, for one rule in eight), with a wildcard's label filled in and an exception's mark
    dropped; a name under each rule not in ASCII in Punycode too; and hosts no rule covers."""
    hosts = ["localhost", "127.0.0.1", "10.0.0.1.example", "a.b.no-such-tld", "..co.uk", "a..co.uk", "::1",
             "com", "WWW.BBC.CO.UK", "xn--e1afmkfd.xn--p1ai", "xn--bad-punycode-.com", "президент.рф",
             "a.b.c.d.e.f.kawasaki.jp"]
    for number, rule in enumerate(sorted(suffix_list().ends)):
        name = rule.lstrip("!").replace("*", "wild")
        labels = name.split(".")
        hosts += [".".join(labels[i:]) for i in range(1, len(labels))]  # the names on the way to a rule
        hosts += [name, f"x.{name}"] + ([f"Y.X.{name.upper()}"] if number % 8 == 0 else [])
        if not name.isascii():
            try:
                hosts.append(f"x.{name}".encode("idna").decode("ascii"))
            except UnicodeError:  # a label Python's IDNA 2003 codec refuses
                pass
    return hosts


def test_registrable_domains_are_tldextracts_for_every_rule_of_the_list() -> None:
    """core.domains matches the list itself, without importing tldextract (which imports requests): its answers
    must be tldextract's, host by host, over every rule of the list it ships."""
    import tldextract

    reference = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
    hosts = sorted(set(_hosts_of_every_rule()))
    assert len(hosts) > 20_000
    differ = [(host, ours, theirs) for host in hosts
              if (ours := suffix_list().top_domain(host.lower().strip("."))) !=
              (theirs := reference(host.lower().strip(".")).top_domain_under_public_suffix)]
    assert differ == []


def test_listing_a_source_imports_neither_tldextract_nor_requests() -> None:
    code = ("import sys; from workbench.core.domains import domain_of; "
            "assert domain_of('https://news.bbc.co.uk/x') == 'bbc.co.uk'; "
            "print(sorted(m for m in ('tldextract', 'requests') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert found.stdout.strip() == "[]"
