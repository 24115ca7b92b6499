"""Uploaded files: the streaming upload (spooled to disk, limits checked as bytes
arrive), image previews and thumbnails, attaching uploads to posts, reading and
downloading them, and the sweeper that removes uploads no post took. Nothing is half
stored: objects first, rows last, everything undone on failure.
The whole path: ``docs/internals/files.md``.
"""
