"""The blind index's tokens: folded words whole and their starts from two characters."""

from __future__ import annotations

from workstation.store.search_index import index_tokens, query_tokens, words


def test_a_name_is_stored_as_its_folded_words_and_their_starts_from_two_letters() -> None:
    assert index_tokens("search", "Nguyễn Văn Đức") == {
        "ng", "ngu", "nguy", "nguye", "nguyen", "va", "van", "du", "duc",
    }  # fmt: skip


def test_a_one_letter_word_is_stored_whole_and_punctuation_separates_words() -> None:
    assert index_tokens("search", "Y Moan") == {"y", "mo", "moa", "moan"}
    assert words("H'Hen Niê-Kđăm") == ["h", "hen", "nie", "kdam"]


def test_a_search_asks_for_each_distinct_word_it_holds_once() -> None:
    assert query_tokens("search", "  ĐỨC  đức Nguyễn ") == {"duc", "nguyen"}
    assert query_tokens("search", "#, .") == set()
