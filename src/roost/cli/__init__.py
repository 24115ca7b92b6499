"""The ``roost`` command: ``main`` (serve, migrate, user, version) and its groups
``tenant``, ``plugin`` and ``loadtest`` (``loadtest run`` needs the ``loadtest`` extra).
"""
