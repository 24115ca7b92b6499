"""Password rules, as Mattermost's ``PasswordSettings``: a minimum length and, each
optional, a lowercase letter, an uppercase letter, a number and a symbol.

Pure: ``broken_rule`` names what a password lacks, in Mattermost's error id; the caller
turns that into the answer (app/accounts/errors.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.config import AccountSettings

# Lengths count bytes, as Mattermost's Go ``len`` does; bcrypt reads at most 72.
PASSWORD_MAX_BYTES = 72
LOWERCASE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
UPPERCASE_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
NUMBERS = frozenset("0123456789")
# Mattermost's model.SYMBOLS: printable ASCII punctuation and the space, without { and }.
SYMBOLS = frozenset(" !\"\\#$%&'()*+,-./:;<=>?@[]^_`|~")
# In the order Mattermost appends them to the error id.
CLASSES = ("lowercase", "uppercase", "number", "symbol")
_MEMBERS = {
    "lowercase": LOWERCASE_LETTERS,
    "uppercase": UPPERCASE_LETTERS,
    "number": NUMBERS,
    "symbol": SYMBOLS,
}


@dataclass(frozen=True, slots=True)
class PasswordRules:
    minimum_length: int = 8
    lowercase: bool = False
    uppercase: bool = False
    number: bool = False
    symbol: bool = False

    @classmethod
    def from_settings(cls, settings: AccountSettings) -> PasswordRules:
        return cls(
            minimum_length=settings.password_minimum_length,
            lowercase=settings.password_lowercase,
            uppercase=settings.password_uppercase,
            number=settings.password_number,
            symbol=settings.password_symbol,
        )

    def required(self) -> tuple[str, ...]:
        return tuple(c for c in CLASSES if getattr(self, c))


@dataclass(frozen=True, slots=True)
class BrokenRule:
    """What a password lacks: ``too_short``, ``too_long`` or the classes it misses."""

    too_short: bool = False
    too_long: bool = False
    missing: tuple[str, ...] = ()


def broken_rule(password: str, rules: PasswordRules) -> BrokenRule | None:
    """None when the password is acceptable. A length problem hides the class rules, as
    in Mattermost (one id for each, never combined with the classes)."""
    size = len(password.encode())
    if size < rules.minimum_length:
        return BrokenRule(too_short=True)
    if size > PASSWORD_MAX_BYTES:
        return BrokenRule(too_long=True)
    present = set(password)
    missing = tuple(c for c in rules.required() if not present & _MEMBERS[c])
    return BrokenRule(missing=missing) if missing else None
