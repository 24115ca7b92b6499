"""Password hashing with bcrypt, off the event loop (bcrypt releases the GIL)."""

from __future__ import annotations

import asyncio

import bcrypt

# Mattermost's cost; each check takes tens of milliseconds of CPU by design.
# (Settings.password_hash_cost can change it; existing hashes keep their own cost.)
BCRYPT_ROUNDS = 10
# bcrypt reads at most 72 bytes; longer passwords are refused rather than truncated.
MAX_PASSWORD_BYTES = 72


async def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    salt = bcrypt.gensalt(rounds)
    hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode(), salt)
    return hashed.decode()


async def verify_password(password: str, hashed: str) -> bool:
    if not hashed:
        return False
    try:
        return await asyncio.to_thread(bcrypt.checkpw, password.encode(), hashed.encode())
    except ValueError:
        return False
