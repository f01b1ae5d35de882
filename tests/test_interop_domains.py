"""Publishers by registrable domain, from the Public Suffix List tldextract ships (never fetched: the
tests run with the network guard of conftest): news.tut.by and tut.by are one publisher."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.domains import domain_of, registrable_domain
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
