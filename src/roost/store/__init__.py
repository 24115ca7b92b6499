"""The only place with SQL: SQLAlchemy Core tables and one module per domain."""
