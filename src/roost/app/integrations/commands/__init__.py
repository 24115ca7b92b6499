"""Slash commands: the built-ins (``builtin``, ``builtin_channel``), teams' custom
commands (an HTTP call), the ``CommandProvider`` seam that plugins and HTTP apps
implement, and the replies (in channel or ephemeral). ``commands.Commands`` asks them in
order: built-ins, the team's custom command, then each provider in list order.
"""
