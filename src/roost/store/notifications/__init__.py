"""SQL of notifications: the outbox (``outbox``), who a post may notify
(``audience``) and single-use email tokens (``tokens``)."""
