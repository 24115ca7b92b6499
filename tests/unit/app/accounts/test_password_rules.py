"""The pure password rule: Mattermost's PasswordSettings check."""

from __future__ import annotations

import pytest

from roost.app.accounts.errors import password_lacks, password_too_long, password_too_short
from roost.app.accounts.password_rules import (
    PASSWORD_MAX_BYTES,
    BrokenRule,
    PasswordRules,
    broken_rule,
)

ALL = PasswordRules(minimum_length=10, lowercase=True, uppercase=True, number=True, symbol=True)


def test_the_defaults_are_mattermosts() -> None:
    rules = PasswordRules()
    assert rules.minimum_length == 8 and rules.required() == ()
    assert broken_rule("a" * 8, rules) is None


def test_length_counts_bytes() -> None:
    rules = PasswordRules(minimum_length=8)
    assert broken_rule("a" * 7, rules) == BrokenRule(too_short=True)
    assert broken_rule("é" * 4, rules) is None
    assert broken_rule("a" * PASSWORD_MAX_BYTES, rules) is None
    assert broken_rule("a" * (PASSWORD_MAX_BYTES + 1), rules) == BrokenRule(too_long=True)
    assert broken_rule("é" * 37, rules) == BrokenRule(too_long=True)


def test_a_length_problem_hides_the_classes() -> None:
    assert broken_rule("ab", ALL) == BrokenRule(too_short=True)
    assert broken_rule(" " * 73, ALL) == BrokenRule(too_long=True)


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("ABCDEFG12!", ("lowercase",)),
        ("abcdefg12!", ("uppercase",)),
        ("Abcdefgh!!", ("number",)),
        ("Abcdefg123", ("symbol",)),
        # Braces are not among Mattermost's symbols.
        ("Abcdefg12{}", ("symbol",)),
        ("          ", ("lowercase", "uppercase", "number")),
        ("éééééééééé", ("lowercase", "uppercase", "number", "symbol")),
        ("abcdefghij", ("uppercase", "number", "symbol")),
    ],
)
def test_missing_classes_in_mattermosts_order(password: str, missing: tuple[str, ...]) -> None:
    assert broken_rule(password, ALL) == BrokenRule(missing=missing)


def test_every_symbol_counts() -> None:
    for symbol in " !\"\\#$%&'()*+,-./:;<=>?@[]^_`|~":
        assert broken_rule("Abcdefg12" + symbol, ALL) is None, symbol


def test_only_the_required_classes_are_checked() -> None:
    rules = PasswordRules(minimum_length=5, number=True)
    assert broken_rule("abcde", rules) == BrokenRule(missing=("number",))
    assert broken_rule("abcd1", rules) is None


def test_the_errors_carry_mattermosts_ids_and_words() -> None:
    assert password_too_short(8).error_id == "model.user.is_valid.pwd_min_length.app_error"
    assert password_too_short(8).message == "Your password must contain at least 8 characters."
    assert password_too_long(72).error_id == "model.user.is_valid.pwd_max_length.app_error"
    one = password_lacks(10, ["number"])
    assert one.error_id == "model.user.is_valid.pwd_number.app_error"
    assert one.message.endswith("made up of at least one number.")
    two = password_lacks(10, ["lowercase", "uppercase"])
    assert two.message.endswith(
        "made up of at least one lowercase letter and at least one uppercase letter."
    )
    four = password_lacks(10, ["lowercase", "uppercase", "number", "symbol"])
    assert four.error_id == "model.user.is_valid.pwd_lowercase_uppercase_number_symbol.app_error"
    assert four.message == (
        "Your password must contain at least 10 characters made up of at least one lowercase "
        "letter, at least one uppercase letter, at least one number, and at least one symbol "
        '(e.g. "~!@#$%^&*()").'
    )
    assert four.status == 400
