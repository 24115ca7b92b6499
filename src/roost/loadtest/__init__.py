"""Load generation: data sets loaded straight into the database, and simulated users.

``roost loadtest run`` needs the ``loadtest`` extra (rich for its live panel, matplotlib
for its chart: ``extras``); seeding and the rest of the package do not. ``docs/loadtest.md``.
"""
