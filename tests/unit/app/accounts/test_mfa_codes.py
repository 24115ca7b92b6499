"""The TOTP window and replay rule, against pyotp as the authenticator, and the shape
check that refuses a malformed code before any secret is read."""

from __future__ import annotations

import pyotp

from roost.app.accounts.mfa import TOTP_PERIOD_SECONDS, matching_step, well_formed
from roost.app.accounts.session_activity import (
    ACTIVITY_FLUSH_SECONDS,
    MIN_FLUSH_SECONDS,
    flush_interval,
)

SECRET = pyotp.random_base32(32)
NOW = 1_800_000_015.0  # 15 s into a step
STEP = int(NOW // TOTP_PERIOD_SECONDS)


def code_at(step: int) -> str:
    return pyotp.TOTP(SECRET).at(step * TOTP_PERIOD_SECONDS)


def test_codes_one_step_either_side_are_accepted() -> None:
    for offset in (-1, 0, 1):
        assert matching_step(SECRET, code_at(STEP + offset), 0, NOW) == STEP + offset


def test_codes_further_away_are_refused() -> None:
    for offset in (-3, -2, 2, 3):
        code = code_at(STEP + offset)
        if all(code != code_at(STEP + o) for o in (-1, 0, 1)):  # a 1-in-a-million clash
            assert matching_step(SECRET, code, 0, NOW) is None


def test_a_step_at_or_before_the_last_accepted_is_refused() -> None:
    assert matching_step(SECRET, code_at(STEP), STEP, NOW) is None
    assert matching_step(SECRET, code_at(STEP - 1), STEP, NOW) is None
    assert matching_step(SECRET, code_at(STEP + 1), STEP, NOW) == STEP + 1


def test_another_secret_does_not_match() -> None:
    other = pyotp.random_base32(32)
    code = pyotp.TOTP(other).at(NOW)
    if all(code != code_at(STEP + o) for o in (-1, 0, 1)):
        assert matching_step(SECRET, code, 0, NOW) is None


def test_shape_of_a_code() -> None:
    assert well_formed("123456") and well_formed("12345678")
    for bad in (
        "",
        "12345",
        "1234567",
        "12a456",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        " 123456",
        "123456789",
    ):
        assert not well_formed(bad), bad


def test_activity_flush_interval_follows_the_idle_timeout() -> None:
    assert flush_interval(0) == ACTIVITY_FLUSH_SECONDS
    assert flush_interval(43200) == ACTIVITY_FLUSH_SECONDS
    assert flush_interval(10) == 60.0  # a tenth of ten minutes
    assert flush_interval(0.001) == MIN_FLUSH_SECONDS
