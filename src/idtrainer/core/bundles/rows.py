"""Rows: the synced tables' columns and types, read from the database, and one parser.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from orjson import loads as _orjson_loads

from idtrainer.core.bundles.manifest import (
    _DECODER,
    _HEX64,
    _STAMP,
    MAX_ROW_BYTES,
    MAX_VALUE_CHARS,
    OWNED_BY_NAME,
    TABLES_BY_KIND,
)
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.schema import SYNC_COLUMNS

if TYPE_CHECKING:
    from idtrainer.core.store import Store

# -- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    affinity: str  # INTEGER, REAL, TEXT, BLOB
    required: bool  # NOT NULL without a default


_TYPES: dict[str, tuple[type, ...]] = {"INTEGER": (int,), "REAL": (int, float),
                                       "TEXT": (str,), "BLOB": ()}


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, Column]
    references: tuple[tuple[str, str], ...]  # (column, parent table)

    @cached_property
    def types(self) -> dict[str, tuple[type, ...]]:
        return {c.name: _TYPES[c.affinity] for c in self.columns.values()}

    @cached_property
    def required(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns.values() if c.required)

    @cached_property
    def shapes(self) -> dict[tuple[tuple[str, ...], tuple[type, ...]], _Shape]:
        """Row shapes (columns and value types, in order) known to pass the column checks
        (see :func:`parse_row`)."""
        return {}


def table_specs(store: Store) -> dict[str, TableSpec]:
    """Columns and references of every synced table, read from the database."""
    specs = {}
    for table in dict.fromkeys((*TABLES_BY_KIND["content"], *TABLES_BY_KIND["results"])):
        columns = {}
        for _cid, name, decl, notnull, default, _pk in store.conn.execute(
                f"PRAGMA table_info([{table}])"):
            affinity = next((a for a in ("INTEGER", "REAL", "BLOB") if a in decl.upper()),
                            "TEXT")
            columns[name] = Column(name, affinity, bool(notnull) and default is None)
        refs = tuple((row[3], row[2]) for row in store.conn.execute(
            f"PRAGMA foreign_key_list([{table}])"))
        specs[table] = TableSpec(table, columns, refs)
    return specs


class RowError(IDTrainerError, ValueError):
    """One row of a data file is wrong; the text says which column and why."""


def parse_row(spec: TableSpec, line: bytes, kind: str) -> dict[str, Any]:
    """One JSON line as a row of ``spec``'s table, or :class:`RowError`.

    The line is read with orjson, three times faster than json (a trainer's merge reads a
    million answers); what json would read differently goes through json, which decides
    what a row is and gives the message: anything orjson refuses (NaN, 1e999, a lone
    surrogate: json reads the last two) and integers past 64 bits, which orjson turns into
    floats."""
    if len(line) > MAX_ROW_BYTES:
        raise RowError(_("the row is larger than {n} MB").format(n=MAX_ROW_BYTES // 2**20))
    try:
        row = _orjson_loads(line)
    except ValueError:  # orjson.JSONDecodeError
        row = _json_row(line)
    if type(row) is not dict:
        raise RowError(_("a row must be a JSON object"))
    # Rows of a table nearly always come with the same columns of the same types: what a
    # shape (columns and value types, in order) allows is worked out once, and only the
    # values' ranges are checked per row. Anything else takes the full path below, which
    # also gives the message.
    key = (tuple(row), tuple(map(type, row.values())))
    shape = spec.shapes.get(key)
    if shape is None or not _values_ok(row, shape, len(line)):
        if float in key[1]:
            row = _json_row(line)  # a float may be an integer too large for orjson
            if type(row) is not dict:
                raise RowError(_("a row must be a JSON object"))
            key = (tuple(row), tuple(map(type, row.values())))
        _check_columns(spec, row)
        if len(spec.shapes) < MAX_SHAPES:
            spec.shapes[key] = _Shape(
                tuple(n for n, v in row.items() if type(v) is str),
                tuple(n for n, v in row.items() if type(v) is int),
                tuple(n for n, v in row.items() if type(v) is float))
    wrong = ("uuid" if not 0 < len(row["uuid"]) <= 128 else
             "rev" if row["rev"] < 1 else
             "updated_at" if _STAMP.fullmatch(row["updated_at"]) is None else
             "updated_by" if not 0 < len(row["updated_by"]) <= 64 else
             "deleted" if row["deleted"] not in (0, 1) else None)
    if wrong is not None:
        raise RowError(_("{column}: wrong value").format(column=wrong))
    if spec.name == "media" and not _HEX64.match(row["sha256"]):
        raise RowError(_("{column}: wrong value").format(column="sha256"))
    if spec.name in OWNED_BY_NAME and row.get("owner_table") not in TABLES_BY_KIND[kind]:
        raise RowError(_("{column}: wrong value").format(column="owner_table"))
    return row


def _json_row(line: bytes) -> Any:
    try:
        return _DECODER.decode(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RowError(_("not valid JSON ({reason})").format(reason=exc)) from exc


#: Shapes remembered per table (a hostile bundle may vary them; the rest are checked in
#: full, row by row).
MAX_SHAPES = 16


@dataclass(frozen=True)
class _Shape:
    """The columns of a shape whose values still need a range check."""

    texts: tuple[str, ...]
    integers: tuple[str, ...]
    floats: tuple[str, ...]


def _values_ok(row: dict[str, Any], shape: _Shape, size: int) -> bool:
    """Whether a row of a known good shape has every value in range."""
    # A value has at most as many characters as its line has bytes.
    if size > MAX_VALUE_CHARS and any(len(row[n]) > MAX_VALUE_CHARS for n in shape.texts):
        return False
    for name in shape.integers:
        if not -_TWO_63_INT <= row[name] < _TWO_63_INT:
            return False
    # Floats past 2**63: orjson's reading of a too large integer, or a float json reads
    # the same; either way the full path decides.
    for name in shape.floats:  # noqa: SIM110 (a generator costs a tenth of a row)
        if not -_TWO_63 < row[name] < _TWO_63:
            return False
    return True


_TWO_63_INT = 2**63
_TWO_63 = float(_TWO_63_INT)


def _check_columns(spec: TableSpec, row: dict[str, Any]) -> None:
    """Every column known, of its type, in range, and present when required."""
    types, required = spec.types, spec.required
    for name, value in row.items():
        allowed = types.get(name)
        if allowed is None:
            raise RowError(_("unknown column {column}").format(column=name))
        kind_of = type(value)
        if value is None:
            if name in required:
                raise RowError(_("{column}: must not be empty").format(column=name))
        elif kind_of not in allowed:
            raise RowError(_("{column}: wrong type").format(column=name))
        elif kind_of is str:
            if len(value) > MAX_VALUE_CHARS:
                raise RowError(_("{column}: the value is too long").format(column=name))
        elif (kind_of is int and not -2**63 <= value < 2**63) or (
                kind_of is float and not math.isfinite(value)):
            raise RowError(_("{column}: wrong value").format(column=name))
    if not required <= row.keys():
        raise RowError(_("{column}: missing").format(column=min(required - row.keys())))
    for name in SYNC_COLUMNS:
        if row.get(name) is None:
            raise RowError(_("{column}: missing").format(column=name))


def version_of(row: dict[str, Any]) -> tuple[int, str, str]:
    """What the merge rule compares (docs/architecture.md, "Sync"): the higher wins."""
    return row["rev"], row["updated_at"], row["updated_by"]
