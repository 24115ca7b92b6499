"""Password hashing with bcrypt, off the event loop (bcrypt releases the GIL).

Hashing runs on its own small pool, one thread fewer than the machine has cores: a
storm of logins then queues for that pool instead of taking every core from the event
loop, which keeps serving everyone else's requests at normal speed.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

import bcrypt

# Mattermost's cost; each check takes tens of milliseconds of CPU by design.
# (Settings.password_hash_cost can change it; existing hashes keep their own cost.)
BCRYPT_ROUNDS = 10
# bcrypt reads at most 72 bytes; longer passwords are refused rather than truncated.
MAX_PASSWORD_BYTES = 72
HASHING_THREADS = max(1, (os.cpu_count() or 2) - 1)

_hashing = ThreadPoolExecutor(HASHING_THREADS, thread_name_prefix="bcrypt")


async def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    salt = bcrypt.gensalt(rounds)
    loop = asyncio.get_running_loop()
    hashed = await loop.run_in_executor(_hashing, bcrypt.hashpw, password.encode(), salt)
    return hashed.decode()


async def verify_password(password: str, hashed: str) -> bool:
    if not hashed:
        return False
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(
            _hashing, bcrypt.checkpw, password.encode(), hashed.encode()
        )
    except ValueError:
        return False
