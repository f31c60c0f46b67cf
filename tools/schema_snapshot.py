"""Write src/idtrainer/core/schema_latest.py: the schema a new database gets.

    PYTHONPATH=src python tools/schema_snapshot.py

Run it after appending a step to core/migrations.py. It replays every step on an
in-memory database and writes what they leave, as one script; tests/unit/test_migrations.py
fails while the file is stale, and core/migrations.py does not use a script older than
the last step.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from idtrainer.core import migrations

TARGET = Path(__file__).resolve().parent.parent / "src" / "idtrainer" / "core" / "schema_latest.py"

HEADER = '''"""The schema a new database gets: what replaying every step of core/migrations.py
leaves, up to step {version}. Written by ``python tools/schema_snapshot.py``; do not edit.
"""

VERSION = {version}

SQL = """
'''


def replayed() -> str:
    """The schema script that replaying every step gives, on this SQLite."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(conn, path=None, backups=None, snapshot=False)
        return migrations.schema_script(conn)
    finally:
        conn.close()


def render() -> str:
    sql = replayed()
    if '"""' in sql or "\\" in sql:
        raise SystemExit("the schema's SQL holds a triple quote or a backslash: "
                         "write it with repr() instead")
    return HEADER.format(version=migrations.LATEST) + sql + '"""\n'


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET} (schema step {migrations.LATEST})")


if __name__ == "__main__":
    main()
