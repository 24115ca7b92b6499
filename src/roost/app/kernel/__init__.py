"""What every domain of the app layer uses: ``AppError`` and its factories, the ``Actor``
a use case acts for, field validation, token-bucket rate limits, ``ReadCache`` (an
in-process cache dropped by bus events), recognising a database that is out of reach
(health), the lifecycle-hook seam plugins implement, and the spool that holds uploads on
disk until they are stored, and the audit log's recorder (``audit.py``). Imports no
other domain.
"""
