"""Bearer tokens are random ids; only their SHA-256 is stored."""

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
