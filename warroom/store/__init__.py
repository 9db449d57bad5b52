"""The poll store: SQLAlchemy 2.0 ORM, Alembic migrations, functions that return core types."""
