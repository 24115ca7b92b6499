"""Users and how they sign in: users and their profiles, sessions and personal access
tokens (stored as SHA-256 hashes, lookups cached 5 min and dropped at once on logout,
revocation or deactivation), passwords (bcrypt; the lockout after too many wrong ones
and constant-time refusals of unknown users in ``lockout.py``), bots, preferences, statuses (cached,
dropped by ``status_change``), profile pictures and generated avatars.
"""
