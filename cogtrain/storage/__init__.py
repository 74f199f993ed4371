"""Storage layer: SQLAlchemy models, engine set-up, migrations and the store API.

Nothing above this package writes SQL: the runtime and reports call :class:`Store`
methods that take and return plain dataclasses.
"""
