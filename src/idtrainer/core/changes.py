"""Typed change notifications: what a committed write changed (``store.changes``).

Writes record the rows they touch (``Store.put`` and ``Store.tombstone`` do it for every
synced row; the few managers that write SQL of their own call ``Store.changed``). When
the outermost transaction commits, subscribers get one :class:`Committed` listing each
table touched and its rows; a rollback drops what was recorded, so nobody hears of a
write that did not happen. No Qt here: the GUI re-emits these as a Qt signal on its own
thread (gui/context.py), the CLI and tests subscribe directly. See
docs/architecture.md, "Change notifications".

Every ``Store`` on the same database file in this process shares one bus, so a worker
thread's own connection notifies the views that the GUI thread's connection serves.
Subscribers run on the thread that committed, after the commit; one that raises is
logged and the others still run.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: Rows listed per table and transaction; beyond this a table's change is "any rows"
#: (uuids None), so importing a million answers does not keep a million uuids alive.
MAX_LISTED = 2_000


@dataclass(frozen=True)
class Changed:
    """Rows of one table were added, updated or deleted (tombstoned)."""

    table: str
    #: The rows' keys (uuid; key for settings; bundle id for sync_log), or None when the
    #: writer changed rows it did not list one by one.
    uuids: frozenset[str] | None


@dataclass(frozen=True)
class Committed:
    """What one committed transaction changed, one :class:`Changed` per table."""

    changes: tuple[Changed, ...]

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(c.table for c in self.changes)

    def touches(self, *tables: str) -> bool:
        """True if any of ``tables`` changed (any table at all when none are named)."""
        return bool(self.changes) if not tables else not self.tables.isdisjoint(tables)

    def uuids(self, table: str) -> frozenset[str] | None:
        """The changed rows of ``table``: empty if it did not change, None if unlisted."""
        for change in self.changes:
            if change.table == table:
                return change.uuids
        return frozenset()


Subscriber = Callable[[Committed], None]


class ChangeBus:
    """Subscribers to the commits of one database. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` after each commit; returns a function that unsubscribes."""
        with self._lock:
            self._subscribers.append(callback)
        return lambda: self.unsubscribe(callback)

    def unsubscribe(self, callback: Subscriber) -> None:
        with self._lock:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

    def publish(self, committed: Committed | None) -> None:
        if committed is None or not committed.changes:
            return
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(committed)
            except Exception:  # the write is committed; one bad listener must not undo that
                log.exception("a change subscriber failed")


_buses: weakref.WeakValueDictionary[str, ChangeBus] = weakref.WeakValueDictionary()
_buses_lock = threading.Lock()


def bus_for(path: Path | None) -> ChangeBus:
    """The bus of the database at ``path``, shared by every Store open on it here.

    An in-memory database (``path`` None) gets a bus of its own."""
    if path is None:
        return ChangeBus()
    key = str(Path(path).resolve())
    with _buses_lock:
        bus = _buses.get(key)
        if bus is None:
            bus = _buses[key] = ChangeBus()
        return bus


class Pending:
    """Changes recorded by one connection's open transaction, not yet committed."""

    def __init__(self) -> None:
        self._records: list[tuple[str, frozenset[str] | None]] = []
        self._listed: dict[str, int] = {}

    def record(self, table: str, uuids: Iterable[str] | None) -> None:
        rows = None if uuids is None else frozenset(uuids)
        if rows is not None:
            self._listed[table] = listed = self._listed.get(table, 0) + len(rows)
            if listed > MAX_LISTED:
                rows = None
        self._records.append((table, rows))

    def mark(self) -> int:
        """A point to roll back to (a savepoint)."""
        return len(self._records)

    def rollback_to(self, mark: int) -> None:
        del self._records[mark:]

    def clear(self) -> None:
        self._records.clear()
        self._listed.clear()

    def take(self) -> Committed | None:
        """Everything recorded, merged per table in first-touched order; then empty."""
        if not self._records:
            return None
        merged: dict[str, set[str] | None] = {}
        for table, uuids in self._records:
            if table not in merged:
                merged[table] = None if uuids is None else set(uuids)
            elif (known := merged[table]) is not None:
                if uuids is None:
                    merged[table] = None
                else:
                    known |= uuids
        self.clear()
        return Committed(tuple(Changed(t, None if u is None else frozenset(u))
                               for t, u in merged.items()))
