"""The record of bundles exported and imported on this laptop (store.sync_log).

Local, never synced: each laptop keeps its own history. Bundle export and import
write the rows (:mod:`idtrainer.core.bundles`); an authoring session writes one row,
"content edited on LAPTOP" (:mod:`idtrainer.core.authoring`, :meth:`record_edit`); the
Sync page reads them here.
See docs/architecture.md, "Sync".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from idtrainer.core.store import Store


@dataclass(frozen=True)
class SyncLogEntry:
    bundle_id: str
    kind: str                # content | results
    direction: str           # import | export | edit (an authoring session)
    file_name: str
    at: str                  # UTC ISO-8601
    producer_device: str
    signer_key_id: str
    summary: dict[str, Any]  # per-table counts and the producer's name, as recorded

    @property
    def added(self) -> int:
        return sum(int(t.get("added", 0)) for t in self.summary.get("tables", {}).values())

    @property
    def updated(self) -> int:
        return sum(int(t.get("updated", 0)) for t in self.summary.get("tables", {}).values())


class SyncLogManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, limit: int = 200) -> list[SyncLogEntry]:
        """The newest ``limit`` entries, newest first."""
        rows = self.store.query(
            "SELECT bundle_id, kind, direction, file_name, at, producer_device, "
            "signer_key_id, summary FROM sync_log ORDER BY at DESC LIMIT ?", (limit,))
        return [SyncLogEntry(**{**row, "summary": json.loads(row["summary"] or "{}")})
                for row in rows]

    def record_edit(self, session_id: str, *, producer_name: str,
                    tables: dict[str, dict[str, int]]) -> None:
        """Write or update an editing session's line: what it added and changed so far.
        Call inside the edit's transaction."""
        summary = json.dumps({"producer_name": producer_name, "tables": tables},
                             sort_keys=True)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO sync_log (bundle_id, kind, direction, file_name, at, "
                "producer_device, signer_key_id, summary) "
                "VALUES (?, 'content', 'edit', '', ?, ?, '', ?) "
                "ON CONFLICT (bundle_id) DO UPDATE SET at = excluded.at, "
                "summary = excluded.summary",
                (session_id, self.store.now(), self.store.device_id, summary))
            self.store.changed("sync_log", [session_id])
