"""Use cases: every rule and every change. ``check_*`` validates, ``do_*`` changes."""
