"""Search takes any text (issue 16): any mix of scripts, any length, cut to a bounded number of terms."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.core.queries import audit_listing, search_case
from workbench.core.store import MAX_TERMS, fts_query, open_case, search_words, words_left_out


@pytest.fixture
def sample(sample_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "belarus.case"
    shutil.copy(sample_path, copy)
    return copy


def test_cyrillic_beside_another_word_searches(sample: Path) -> None:
    with open_case(sample, read_only=True) as case:
        for text in ("омон кремль", "OMON кремль", "омон OMON", "Лукашенко Путин"):
            case.search(text)  # raised "fts5: syntax error" when a Cyrillic word had company
            search_case(case, text)
        assert case.search("омон")
        assert search_case(case, "омон state")["events"], "every word is required, in any script"
        assert not search_case(case, "омон zzzz")["events"]


def test_a_pasted_page_and_an_endless_word_are_searched_within_bounds(sample: Path) -> None:
    page = " ".join(f"word{n} слово{n}" for n in range(1_000))
    endless = "ж" * 100_000
    with open_case(sample, read_only=True) as case:
        for text in (page, endless, page + " " + endless, "%_%" * 5_000):
            case.search(text)  # raised "Expression tree is too large" / "LIKE pattern too complex"
            search_case(case, text)
            audit_listing(case, text=text, limit=5)
    assert len(search_words(page)) == MAX_TERMS
    assert words_left_out(page) == 2_000 - MAX_TERMS, "the UI can say how many words were left out"
    assert len(fts_query(page)) == len(fts_query(" ".join(page.split()[:MAX_TERMS]))), "the query is bounded"
    assert max(len(word) for word in search_words(endless)) <= 64


def test_repeated_words_count_once() -> None:
    assert search_words("OMON omon Omon Minsk") == ["OMON", "Minsk"]
    assert words_left_out("a b c") == 0


def test_the_search_panel_says_when_words_were_left_out(qtbot, sample: Path) -> None:
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(sample)
    panel = window.view("sources").search
    panel.field.setText(" ".join(f"word{n}" for n in range(30)) + " омон кремль")
    panel.run()
    assert f"searched the first {MAX_TERMS} words; 8 more left out" in panel.summary.text()
    panel.field.setText("омон state")
    panel.run()
    assert "left out" not in panel.summary.text() and "match" in panel.summary.text()
