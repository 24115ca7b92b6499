"""Mattermost's search syntax, parsed."""

from __future__ import annotations

import pytest

from roost.app.posts.search_terms import (
    DAY_MS,
    MAX_TERMS,
    MAX_TERMS_CHARS,
    SearchSyntaxError,
    parse_search,
)

JAN_15_UTC_MS = 1_768_435_200_000  # 2026-01-15T00:00:00Z


def test_words_are_lowercased_and_stripped_of_surrounding_punctuation() -> None:
    parsed = parse_search("Deploy, (build)! it's done.")
    assert parsed.words == ["deploy", "build", "it's", "done"]
    assert parsed.has_text and not parsed.has_filter


def test_phrases_keep_their_words_together_with_spaces_collapsed() -> None:
    parsed = parse_search('"Build   FAILED" again -"flaky test"')
    assert parsed.phrases == ["build failed"]
    assert parsed.excluded_phrases == ["flaky test"]
    assert parsed.words == ["again"]


def test_an_empty_phrase_is_dropped() -> None:
    parsed = parse_search('"" "   "')
    assert parsed.phrases == [] and parsed.excluded_phrases == []
    assert not parsed.has_text


def test_prefix_and_exclusions() -> None:
    parsed = parse_search("data* -flaky -old*")
    assert parsed.prefixes == ["data*"]
    # An excluded prefix is excluded as the word itself.
    assert parsed.excluded_words == ["flaky", "old"]
    assert parsed.highlights == ["data*"]


def test_a_lone_star_or_punctuation_is_no_term() -> None:
    assert parse_search("* ** -- ...").has_text is False


def test_hashtags_are_tags_that_start_with_a_letter() -> None:
    parsed = parse_search("#Release -#wip #1 @bob")
    assert parsed.hashtags == ["#release"]
    # Not tags: a negated one and one starting with a digit stay words, # and all (as
    # does a leading @), so they match only that exact text.
    assert parsed.excluded_words == ["#wip"]
    assert parsed.words == ["#1", "@bob"]


def test_user_and_channel_flags() -> None:
    parsed = parse_search("from:@Alice -from:bob in:Town-Square channel:ops -in:random")
    assert parsed.from_users == ["alice"]
    assert parsed.excluded_users == ["bob"]
    assert parsed.in_channels == ["town-square", "ops"]
    assert parsed.excluded_channels == ["random"]
    assert parsed.has_filter and not parsed.has_text


def test_flags_are_case_insensitive_and_unknown_flags_are_words() -> None:
    parsed = parse_search("FROM:alice size:large")
    assert parsed.from_users == ["alice"]
    assert parsed.words == ["size:large"]


def test_a_flag_without_a_value_is_a_word() -> None:
    assert parse_search("from:").words == ["from"]


def test_extension_flag_drops_the_dot() -> None:
    assert parse_search("ext:.PDF ext:txt").extensions == ["pdf", "txt"]


def test_dates_are_whole_days_in_utc_by_default() -> None:
    on = parse_search("on:2026-01-15")
    assert (on.after_ms, on.before_ms) == (JAN_15_UTC_MS - 1, JAN_15_UTC_MS + DAY_MS)
    assert parse_search("before:2026-01-15").before_ms == JAN_15_UTC_MS
    # "after" a day means from the next day on.
    assert parse_search("after:2026-01-15").after_ms == JAN_15_UTC_MS + DAY_MS - 1


def test_dates_follow_the_searchers_time_zone() -> None:
    # UTC+2: the searcher's midnight is two hours before UTC's.
    parsed = parse_search("before:2026-01-15", time_zone_offset=7200)
    assert parsed.before_ms == JAN_15_UTC_MS - 7_200_000


@pytest.mark.parametrize("terms", ["on:2026-13-01", "before:yesterday", "after:15/01/2026"])
def test_an_unreadable_date_is_a_syntax_error(terms: str) -> None:
    with pytest.raises(SearchSyntaxError):
        parse_search(terms)


@pytest.mark.parametrize("terms", ["-on:2026-01-15", "-before:2026-01-15", "-ext:pdf"])
def test_only_users_and_channels_can_be_excluded(terms: str) -> None:
    with pytest.raises(SearchSyntaxError):
        parse_search(terms)


def test_bounds_on_the_query() -> None:
    parse_search(" ".join(["w"] * MAX_TERMS))
    with pytest.raises(SearchSyntaxError):
        parse_search(" ".join(["w"] * (MAX_TERMS + 1)))
    # Flags and phrases count as terms too.
    with pytest.raises(SearchSyntaxError):
        parse_search(" ".join(['"a b"'] * MAX_TERMS + ["from:x"]))
    with pytest.raises(SearchSyntaxError):
        parse_search("a" * (MAX_TERMS_CHARS + 1))
