"""Property tests for the readers of hostile bundles: whatever the bytes, the manifest
parser returns a Manifest or raises ManifestError, the row parser returns a row of
known columns and right types or raises RowError, and an import raises only
BundleError and leaves the database as it was."""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from idtrainer.core import bundles
from idtrainer.core import keys as keylib
from idtrainer.core.schema import SYNC_COLUMNS
from idtrainer.core.store import Store

STAMP = "2026-11-21T09:00:00.000000Z"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
PUBLIC = KEY.public_key().public_bytes(serialization.Encoding.Raw,
                                       serialization.PublicFormat.Raw)

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats()
                | st.integers(min_value=2**63 - 2, max_value=2**70)
                | st.text(max_size=20) | st.sampled_from(["", "content", "results", STAMP]))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)
DELETE = object()
#: A row's columns are changed to anything, to nothing, or taken out; the sync columns
#: (every table has them, and the merge reads them) are picked often.
CHANGES = json_values | st.just(None) | st.just(DELETE)
SYNC_NAMES = st.sampled_from(SYNC_COLUMNS)


def replace_at(data: Any, path: tuple[str, ...], value: Any) -> Any:
    """``data`` with the value at ``path`` replaced (or removed, for DELETE)."""
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        if not isinstance(node, dict) or key not in node:
            return data
        node = node[key]
    if isinstance(node, dict):
        if value is DELETE:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
    return data


# -- the manifest -------------------------------------------------------------------------


def valid_manifest(kind: str = "content") -> bytes:
    course = b'{"uuid": "c"}\n'
    return bundles.Manifest(
        kind=kind, bundle_id=str(uuid.UUID(int=1)), created_at=STAMP,
        producer_device="device", producer_name="Trainer", signer_key_id=keylib.key_id(PUBLIC),
        signer_public_key=PUBLIC,
        entries={"data/courses.jsonl": (hashlib.sha256(course).hexdigest(), len(course)),
                 "media/" + "a" * 64: ("a" * 64, 3)},
        counts={"courses": 1}, title="T", schema_version=3, app_version="0.1").to_json()


MANIFEST_PATHS = [
    ("format",), ("version",), ("kind",), ("bundle_id",), ("created_at",), ("producer",),
    ("producer", "device_id"), ("producer", "name"), ("signer",), ("signer", "key_id"),
    ("signer", "public_key"), ("title",), ("schema_version",), ("app_version",), ("counts",),
    ("counts", "courses"), ("entries",), ("entries", "data/courses.jsonl"),
    ("entries", "data/courses.jsonl", "sha256"), ("entries", "data/courses.jsonl", "size"),
    ("entries", "media/" + "a" * 64, "size"), ("unknown",),
]


def parses_or_refuses(raw: bytes) -> None:
    try:
        manifest = bundles.parse_manifest(raw)
    except bundles.ManifestError as exc:
        assert str(exc)
        return
    assert manifest.kind in bundles.KINDS
    assert len(manifest.signer_public_key) == 32
    assert manifest.signer_key_id == keylib.key_id(manifest.signer_public_key)
    for name, (sha, size) in manifest.entries.items():
        assert isinstance(name, str) and len(sha) == 64 and type(size) is int and size >= 0
    assert all(type(n) is int and n >= 0 for n in manifest.counts.values())
    for text in (manifest.bundle_id, manifest.created_at, manifest.producer_device,
                 manifest.producer_name, manifest.title, manifest.app_version):
        assert isinstance(text, str)
    assert type(manifest.schema_version) is int


def test_the_valid_manifest_parses():
    for kind in bundles.KINDS:
        assert bundles.parse_manifest(valid_manifest(kind)).kind == kind


@PROPERTY
@given(st.binary(max_size=600))
def test_manifest_from_any_bytes(raw: bytes):
    parses_or_refuses(raw)


@PROPERTY
@given(json_values)
def test_manifest_from_any_json(value: Any):
    parses_or_refuses(json.dumps(value).encode())


@PROPERTY
@given(st.sampled_from(bundles.KINDS),
       st.lists(st.tuples(st.sampled_from(MANIFEST_PATHS), json_values | st.just(DELETE)),
                min_size=1, max_size=3))
def test_manifest_with_fields_replaced(kind: str, changes: list[tuple[tuple[str, ...], Any]]):
    data = json.loads(valid_manifest(kind))
    for path, value in changes:
        data = replace_at(data, path, value)
    parses_or_refuses(json.dumps(data).encode())


@PROPERTY
@given(st.lists(st.tuples(st.integers(min_value=0), st.binary(max_size=3)), min_size=1,
                max_size=4))
def test_manifest_with_bytes_spliced_in(splices: list[tuple[int, bytes]]):
    raw = bytearray(valid_manifest())
    for at, data in splices:
        at %= len(raw)
        raw[at:at + len(data)] = data
    parses_or_refuses(bytes(raw))


# -- rows ---------------------------------------------------------------------------------


def _specs() -> dict[str, bundles.TableSpec]:
    store = Store.memory(Path("no-media"))  # never touched: only the schema is read
    try:
        return bundles.table_specs(store)
    finally:
        store.conn.close()


SPECS = _specs()


def valid_row(spec: bundles.TableSpec, kind: str) -> dict[str, Any]:
    """A row parse_row accepts: every column with a value of its type."""
    plain = {"INTEGER": 1, "REAL": 1.5, "TEXT": "x", "BLOB": None}
    data = {name: plain[column.affinity] for name, column in spec.columns.items()}
    data.update(uuid="row-1", rev=1, updated_at=STAMP, updated_by="device", deleted=0)
    if "owner_table" in data:
        data["owner_table"] = bundles.TABLES_BY_KIND[kind][0]
    if spec.name == "media":
        data["sha256"] = "0" * 64
    return data


def tables_of(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(bundles.TABLES_BY_KIND[kind])


kind_and_table = st.sampled_from(bundles.KINDS).flatmap(
    lambda kind: st.tuples(st.just(kind), tables_of(kind)))


def row_or_refusal(spec: bundles.TableSpec, line: bytes, kind: str) -> None:
    try:
        found = bundles.parse_row(spec, line, kind)
    except bundles.RowError as exc:
        assert str(exc)
        return
    assert isinstance(found, dict) and set(found) <= set(spec.columns)
    for name, value in found.items():
        column = spec.columns[name]
        if value is None:
            assert not column.required
            continue
        expected = {"INTEGER": (int,), "REAL": (int, float), "TEXT": (str,)}[column.affinity]
        assert type(value) in expected
    for name in ("uuid", "rev", "updated_at", "updated_by", "deleted"):
        assert found.get(name) is not None, name
    assert found["rev"] >= 1 and found["deleted"] in (0, 1)


def test_the_valid_rows_parse():
    for kind in bundles.KINDS:
        for table in bundles.TABLES_BY_KIND[kind]:
            line = json.dumps(valid_row(SPECS[table], kind)).encode()
            assert bundles.parse_row(SPECS[table], line, kind)["uuid"] == "row-1"


@PROPERTY
@given(kind_and_table, st.binary(max_size=300))
def test_row_from_any_bytes(kind_table: tuple[str, str], line: bytes):
    kind, table = kind_table
    row_or_refusal(SPECS[table], line, kind)


@PROPERTY
@given(kind_and_table, json_values)
def test_row_from_any_json(kind_table: tuple[str, str], value: Any):
    kind, table = kind_table
    row_or_refusal(SPECS[table], json.dumps(value).encode(), kind)


@PROPERTY
@given(kind_and_table, st.data())
def test_row_with_columns_replaced(kind_table: tuple[str, str], data: st.DataObject):
    kind, table = kind_table
    spec = SPECS[table]
    row = valid_row(spec, kind)
    names = SYNC_NAMES | st.sampled_from(sorted(spec.columns)) | st.text(max_size=8)
    for name, value in data.draw(st.lists(st.tuples(names, CHANGES),
                                          min_size=1, max_size=3)):
        if value is DELETE:
            row.pop(name, None)
        else:
            row[name] = value
    row_or_refusal(spec, json.dumps(row).encode(), kind)


# -- whole bundles ------------------------------------------------------------------------


def dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


@pytest.fixture
def laptop(store: Store) -> Store:
    store.keys.trust(PUBLIC, "publisher", "Trainer")
    return store


PICTURE = b"\x89PNG\r\n\x1a\n"
GOOD_NAMES = ["data/courses.jsonl", "data/modules.jsonl", "data/media.jsonl",
              "data/trainees.jsonl", "data/answers.jsonl", "data/texts.jsonl",
              "media/" + hashlib.sha256(PICTURE).hexdigest()]
ODD_NAMES = st.sampled_from([
    bundles.MANIFEST, bundles.SIGNATURE, "data/nosuch.jsonl", "media/" + "a" * 64,
    "/etc/passwd", "data/../x", "media/", "a\\b", "C:/x",
]) | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
             min_size=1, max_size=12)


@st.composite
def entries(draw: st.DrawFn, kind: str) -> tuple[str, bytes]:
    """Mostly names a bundle may hold, with rows close to valid; sometimes anything."""
    odd = draw(st.integers(0, 5)) == 0
    name = draw(ODD_NAMES if odd else st.sampled_from(GOOD_NAMES))
    table = name[5:].removesuffix(".jsonl")
    if name.startswith("media/") and draw(st.booleans()):
        return name, PICTURE
    if table not in SPECS or draw(st.integers(0, 3)) == 0:
        return name, draw(st.binary(max_size=120))
    lines = []
    for number in range(draw(st.integers(1, 3))):
        row = {**valid_row(SPECS[table], kind), "uuid": f"row-{number}"}
        if table == "media":
            row["sha256"] = hashlib.sha256(PICTURE).hexdigest()
        names = SYNC_NAMES | st.sampled_from(sorted(row))
        for column, value in draw(st.lists(st.tuples(names, CHANGES),
                                           max_size=2)):
            if value is DELETE:
                row.pop(column, None)
            else:
                row[column] = value
        lines.append(json.dumps(row).encode())
    return name, b"\n".join(lines) + b"\n"


@PROPERTY
@given(data=st.data())
def test_import_of_any_small_zip_only_refuses(laptop: Store, tmp_path: Path,
                                              data: st.DataObject):
    kind = data.draw(st.sampled_from(bundles.KINDS), label="kind")
    members = data.draw(st.lists(entries(kind), max_size=5), label="entries")
    if data.draw(st.integers(0, 3), label="unsigned") != 0:
        files = {n: d for n, d in members if n not in (bundles.MANIFEST, bundles.SIGNATURE)}
        body = bundles.Manifest(
            kind=kind, bundle_id=str(uuid.uuid4()), created_at=STAMP, producer_device="d",
            producer_name="T", signer_key_id=keylib.key_id(PUBLIC), signer_public_key=PUBLIC,
            entries={n: (hashlib.sha256(d).hexdigest(), len(d)) for n, d in files.items()},
            counts={}).to_json()
        members = [*files.items(), (bundles.MANIFEST, body),
                   (bundles.SIGNATURE, KEY.sign(body))]
    path = tmp_path / "any.idtb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in members:
                zf.writestr(name, content)
    before = dump(laptop)
    try:
        bundles.import_bundle(laptop, path, backup=False)
    except bundles.BundleError as exc:
        assert path.name in str(exc)
        assert dump(laptop) == before
        event(exc.reason.split(":")[0][:40])
    else:
        event("imported")


def test_a_known_row_shape_still_has_every_value_checked():
    # The first row teaches parse_row the shape; the same shape with a value out of
    # range is refused all the same, with the message a fresh table spec gives.
    spec = _specs()["answers"]
    good = valid_row(spec, "results")
    bundles.parse_row(spec, json.dumps(good).encode(), "results")
    assert spec.shapes
    for column, value in (("score", 0.25), ("rev", 2**63), ("flagged", -2**63 - 1),
                          ("rev", 0), ("deleted", 2), ("updated_at", "yesterday")):
        bad = json.dumps({**good, column: value}).encode()
        if column == "score":  # a float literal too large is infinite, not "Infinity"
            bad = bad.replace(b'"score": 0.25', b'"score": 1e999')
        with pytest.raises(bundles.RowError) as known:
            bundles.parse_row(spec, bad, "results")
        with pytest.raises(bundles.RowError) as fresh:
            bundles.parse_row(_specs()["answers"], bad, "results")
        assert str(known.value) == str(fresh.value), column
