"""A post's hashtags and @-mentions, read from its text."""

from __future__ import annotations

from roost.app.posts.text import HASHTAGS_MAX, mention_words, parse_hashtags, strip_code


def test_hashtags_in_order_with_surrounding_punctuation_removed() -> None:
    assert parse_hashtags("(#alpha), #beta-2! and ##gamma.") == "#alpha #beta-2 #gamma"


def test_what_is_not_a_hashtag() -> None:
    # A digit first, a single letter, a bare hash, one inside a word, or a trailing
    # separator that is part of the tag's last character.
    assert parse_hashtags("#1st #a # word#tag #_x") == ""


def test_hashtags_are_cut_at_a_whole_tag_within_the_limit() -> None:
    tags = [f"#tag{i:04d}" for i in range(200)]  # 8 characters each, 9 with the space
    joined = parse_hashtags(" ".join(tags))
    assert len(joined) <= HASHTAGS_MAX
    assert joined.split() == tags[: len(joined.split())]
    assert not joined.endswith(" ")
    assert len(joined.split()) == 111  # 111 tags make 998 characters; 112 would be 1007


def test_one_overlong_hashtag_gives_none() -> None:
    assert parse_hashtags("#" + "a" * HASHTAGS_MAX) == ""


def test_mentions_and_their_candidates_longest_first() -> None:
    words = mention_words("hi @Bob. and @carol_smith-x, see @dave")
    assert words.candidates == [
        ["bob.", "bob"],
        ["carol_smith-x", "carol_smith", "carol"],
        ["dave"],
    ]
    assert words.names == {"bob.", "bob", "carol_smith-x", "carol_smith", "carol", "dave"}


def test_a_trailing_dot_falls_back_to_the_name_without_it() -> None:
    words = mention_words("thanks @bob.")
    assert words.resolve({"bob"}) == {"bob"}
    # The longest existing name wins: "bob." names a user only if one has that name.
    assert words.resolve({"bob", "bob."}) == {"bob."}
    assert words.resolve(set()) == set()


def test_channel_wide_and_here_mentions_are_flags_not_users() -> None:
    words = mention_words("@channel @ALL @here.")
    assert words.channel_wide and words.here
    assert words.candidates == []


def test_no_mention_inside_emails_code_or_other_words() -> None:
    message = "mail bob@example.com, x@@y `@inline` and\n```\n@fenced\n```\nend"
    assert mention_words(message).candidates == []


def test_an_unclosed_fence_hides_the_rest_of_the_message() -> None:
    assert mention_words("look ```\n@nobody").candidates == []
    assert mention_words("`@not` @yes").candidates == [["yes"]]


def test_strip_code_leaves_text_without_backticks_alone() -> None:
    text = "no code here @bob"
    assert strip_code(text) is text
    assert strip_code("a `b` c") == "a   c"
