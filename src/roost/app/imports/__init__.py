"""Imports: a Mattermost bulk-import file (JSONL, or a zip with it and its attachments)
or a Slack export, loaded into one tenant (``docs/import.md`` for admins).

- ``archive.py`` opens the file and refuses unsafe archives (zip-slip names, zip
  bombs, truncated zips) before reading a line; lines are streamed.
- ``records.py`` checks one line against Mattermost's rules; ``check.py`` is the
  checking pass over the whole file (every problem with its file and line, and every
  name a line uses found in the file or the tenant). ``--dry-run`` stops there; a real
  run starts writing only when it found nothing.
- ``mattermost.py`` then writes consecutive lines of one type in batches, each batch
  one transaction: ``structure.py`` (teams, channels, people and memberships, bots,
  direct channels, emoji) and ``posts.py`` (posts with replies, reactions,
  attachments; counters moved once per batch). Ids derive from natural keys
  (``keys.py``), so re-running a file skips what is there: an interrupted run is
  resumed by running it again.
- ``service.py`` is what the command line and the API use: runs, uploads of import
  files, and import_process jobs with their progress.
"""
