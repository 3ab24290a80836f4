"""Database connections and one transaction per use case.

Reads run on their own short transactions. Writes are short too: the SpiffWorkflow work happens
before, outside any lock, and the write is checked against the instance's version counter. On
SQLite a write starts with BEGIN IMMEDIATE so two writers queue on the busy timeout instead of
failing half-way through with a lock upgrade error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: read_only_sql_transaction
# When the database refuses work for a while, not because of what was asked: SQLite's words for
# a lock, a read-only or missing file, a full disk; PostgreSQL's classes for a lost connection
# (08), no resources (53), a shutdown (57), a lock timeout, a read-only transaction and a
# deadlock or serialization failure (40).
SQLITE_UNAVAILABLE = ("locked", "readonly", "busy", "unable to open", "disk")
PG_UNAVAILABLE = ("08", "53", "57", "55P03", READ_ONLY_SQLSTATE, "40")


def make_db_engine(url: str) -> Engine:
    """Create a SQLAlchemy engine; SQLite gets WAL, foreign keys, a busy timeout, explicit BEGIN."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "handle_error", _drop_read_only_connections)
    return engine


def _drop_read_only_connections(context) -> None:
    """Treat "read-only" as a lost connection, so the pool reopens rather than reuses it.

    A SQLite connection opened while its file was read-only stays read-only after the file is
    writable again (a PostgreSQL one opened read-only, likewise); reused, every write would
    keep failing until a restart.
    """
    error = context.original_exception
    if isinstance(error, sqlite3.OperationalError):
        read_only = "readonly" in str(error)
    else:
        read_only = getattr(error, "sqlstate", None) == READ_ONLY_SQLSTATE
    if read_only:
        context.is_disconnect = True


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get("kontoflode_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class UnitOfWork:
    """Hands out sessions: `read()` for queries, `write()` for one atomic change."""

    def __init__(self, db_engine: Engine):
        self.db_engine = db_engine
        self.is_sqlite = db_engine.dialect.name == "sqlite"
        self._reader = sessionmaker(db_engine, expire_on_commit=False)
        self._writer = sessionmaker(
            db_engine.execution_options(kontoflode_write=True), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed.

        Closing (not rolling back) ends the transaction without expiring the loaded objects,
        so callers may read them after the block.
        """
        with _unavailable_as_error(), self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back on error."""
        with _unavailable_as_error(), self._writer() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


@contextmanager
def _unavailable_as_error() -> Iterator[None]:
    """Turn the database refusing work (locked, read-only, gone) into DatabaseUnavailable."""
    try:
        yield
    except DBAPIError as error:
        if _unavailable(error):
            raise DatabaseUnavailable("database.unavailable") from error
        raise


def _unavailable(error: DBAPIError) -> bool:
    """Whether the database refused for a while (try again later), not over what was asked."""
    original = error.orig
    if error.connection_invalidated:
        return True
    if isinstance(original, sqlite3.OperationalError):
        return any(word in str(original) for word in SQLITE_UNAVAILABLE)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is None:  # no answer from the server at all: it cannot be reached
        return isinstance(error, OperationalError | InterfaceError)
    return sqlstate.startswith(PG_UNAVAILABLE)
