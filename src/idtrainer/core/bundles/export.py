"""Writing a bundle: all content, chosen modules and quizzes, or a laptop's results.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from idtrainer import __version__
from idtrainer.core.bundles.manifest import (
    _SPECIES_LINK,
    BATCH,
    KINDS,
    MANIFEST,
    OWNED_BY_NAME,
    SIGNATURE,
    TABLES_BY_KIND,
    BundleError,
    Manifest,
    Progress,
)
from idtrainer.core.bundles.rows import (
    table_specs,
)
from idtrainer.core.bundles.summary import (
    ExportResult,
)
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.ownership import CREDENTIALS
from idtrainer.core.paths import atomic_write
from idtrainer.core.schema import TEXTS_TABLE

if TYPE_CHECKING:
    from idtrainer.core.store import Store

# -- export -------------------------------------------------------------------------------


DEVICE_NAME_SETTING = "device_name"
MAX_DEVICE_NAME = 60


class DeviceNameError(IDTrainerError, ValueError):
    """A laptop name that cannot be used; the message says why."""


def hostname_name(store: Store) -> str:
    """The default name of this laptop: the computer's own name."""
    import socket

    return socket.gethostname()[:100] or store.device_id[:8]


def default_device_name(store: Store) -> str:
    """The name people gave this laptop at setup or on the USB sync page, else the
    computer's name: bundles carry it as their producer, the trainer sees it."""
    return store.get_setting(DEVICE_NAME_SETTING) or hostname_name(store)


def check_device_name(name: str) -> str:
    """The name with its spaces tidied, or :class:`DeviceNameError` saying what is wrong."""
    name = " ".join(name.split())
    if len(name) > MAX_DEVICE_NAME:
        raise DeviceNameError(_("A laptop name has at most {n} characters.").format(
            n=MAX_DEVICE_NAME))
    if not name.isprintable():
        raise DeviceNameError(_("A laptop name cannot hold control characters."))
    return name


def set_device_name(store: Store, name: str) -> str:
    """Give this laptop a name (spaces tidied); an empty one goes back to the computer's
    name. Returns the name now in use."""
    store.set_setting(DEVICE_NAME_SETTING, check_device_name(name))
    return default_device_name(store)


def export_bundle(store: Store, kind: str, target: Path, *, modules: Iterable[str] = (),
                  quizzes: Iterable[str] = (), title: str = "",
                  progress: Progress | None = None) -> ExportResult:
    """Write a signed bundle to ``target`` (via ``target.partial``, fsynced, renamed).

    A content bundle holds everything, or only the chosen modules and quizzes with
    the species, questions and media they need, and is signed with the publisher
    key; a results bundle holds every results row and is signed with the device key.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "content" and store.keys.publisher() is None:
        raise BundleError(target, _("this laptop has no publisher key: set up trainer "
                                    "mode first"))
    chosen = select_content(store, list(modules), list(quizzes)) \
        if kind == "content" and (modules or quizzes) else None
    tables = TABLES_BY_KIND[kind]
    plan = [(table, _export_query(store, table, kind, chosen)) for table in tables]
    media = _media_to_send(store, kind, chosen)
    total = sum(size for _sha, _mime, size in media) + 1
    done = 0
    entries: dict[str, tuple[str, int]] = {}
    counts: dict[str, int] = {}
    target = Path(target)
    try:
        with atomic_write(target) as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for table, (sql, params) in plan:
                n, sha, size = _write_rows(zf, f"data/{table}.jsonl",
                                           store.conn.execute(sql, params))
                if n:
                    counts[table] = n
                entries[f"data/{table}.jsonl"] = (sha, size)
            for sha256, mime, size in media:
                name = f"media/{sha256}"
                entries[name] = _write_file(zf, name, store.media.path_for(sha256),
                                            compress=mime == "image/svg+xml")
                done += size
                if progress:
                    progress(done, total, name)
            manifest = _manifest(store, kind, entries, counts, title)
            body = manifest.to_json()
            signature = (store.keys.sign if kind == "content"
                         else store.keys.sign_as_device)(body)[1]
            zf.writestr(MANIFEST, body, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr(SIGNATURE, signature)
    except OSError as exc:
        raise BundleError(target, _("cannot write the bundle ({reason})").format(
            reason=exc.strerror or exc)) from exc
    if progress:
        progress(total, total, "")
    with store.transaction():
        store.conn.execute(
            "INSERT INTO sync_log (bundle_id, kind, direction, file_name, at, producer_device, "
            "signer_key_id, summary) VALUES (?, ?, 'export', ?, ?, ?, ?, ?)",
            (manifest.bundle_id, kind, target.name, store.now(), store.device_id,
             manifest.signer_key_id, json.dumps({"counts": counts}, sort_keys=True)))
        store.changed("sync_log", [manifest.bundle_id])
    return ExportResult(target, manifest, target.stat().st_size)


def _manifest(store: Store, kind: str, entries: dict[str, tuple[str, int]],
              counts: dict[str, int], title: str) -> Manifest:
    from idtrainer.core.store import new_uuid

    signer = store.keys.publisher() if kind == "content" else store.keys.device()
    assert signer is not None  # export_bundle refused a content bundle without one
    kid = signer[0]
    return Manifest(kind=kind, bundle_id=new_uuid(), created_at=store.now(),
                    producer_device=store.device_id, producer_name=default_device_name(store),
                    signer_key_id=kid, signer_public_key=store.keys.public_of(kid),
                    entries=entries, counts=counts, title=title[:500],
                    schema_version=store.schema_version(), app_version=__version__)


#: On a content bundle, the trainees that travel: the people in a class roster or named in a
#: quiz assignment, whom officers' laptops need to show the roster, and records the trainer
#: merged into another (the merge must reach the laptop the twin was made on). Nobody else
#: (not the trainer's own profile, not people certified on paper) leaves the trainer's laptop.
ROSTER_TRAINEES = ("SELECT trainee_uuid FROM class_members UNION SELECT trainee_uuid FROM "
                   "quiz_assignments WHERE trainee_uuid IS NOT NULL UNION SELECT uuid FROM "
                   "trainees WHERE merged_into IS NOT NULL")


def _export_query(store: Store, table: str, kind: str, chosen: dict[str, set[str]] | None
                  ) -> tuple[str, tuple]:
    columns = "*"
    if kind == "content" and table in CREDENTIALS:
        # A PIN or password hash never travels in a content bundle: the column is left
        # out, so an import neither sets nor clears it (docs/security.md).
        names = [r[1] for r in store.conn.execute(f"PRAGMA table_info([{table}])")]
        columns = ",".join(f"[{c}]" for c in names if c not in CREDENTIALS[table])
    sql = f"SELECT {columns} FROM [{table}]"
    where: list[str] = []
    params: tuple = ()
    if table in OWNED_BY_NAME:
        allowed = TABLES_BY_KIND[kind]
        where.append("owner_table IN ({})".format(",".join("?" * len(allowed))))
        params = allowed
        if kind == "content":
            where.append(f"(owner_table <> 'trainees' OR owner_uuid IN ({ROSTER_TRAINEES}))")
    if kind == "content" and table == "trainees":
        where.append(f"uuid IN ({ROSTER_TRAINEES})")
    if chosen is not None:
        uuids = tuple(sorted(chosen.get(table, ())))
        # A temporary table would do for huge selections; content selections are small.
        where.append("uuid IN (SELECT value FROM json_each(?))")
        params = (*params, json.dumps(uuids))
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY rowid", params


def _media_to_send(store: Store, kind: str, chosen: dict[str, set[str]] | None
                   ) -> list[tuple[str, str, int]]:
    if "media" not in TABLES_BY_KIND[kind]:
        return []
    rows = store.query("SELECT uuid, sha256, mime FROM media WHERE deleted = 0")
    found: dict[str, tuple[str, str, int]] = {}
    for row in rows:
        if chosen is not None and row["uuid"] not in chosen.get("media", ()):
            continue
        path = store.media.path_for(row["sha256"])
        if not path.is_file():
            continue  # listed without its file here: the receiver keeps its own copy
        found[row["sha256"]] = (row["sha256"], row["mime"], path.stat().st_size)
    return sorted(found.values())


class _HashingWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)


def _write_rows(zf: zipfile.ZipFile, name: str, cursor: sqlite3.Cursor
                ) -> tuple[int, str, int]:
    """Write the cursor's rows; the cursor is closed however this ends, so a write that
    fails half-way (a full stick) leaves no statement open to lock the database."""
    try:
        names = [c[0] for c in cursor.description]
        count = 0
        with zf.open(name, "w", force_zip64=True) as out:
            writer = _HashingWriter(out)
            buffer: list[str] = []
            for values in cursor:
                buffer.append(json.dumps(dict(zip(names, values, strict=True)),
                                         ensure_ascii=False, separators=(",", ":")))
                count += 1
                if len(buffer) >= BATCH:
                    writer.write(("\n".join(buffer) + "\n").encode("utf-8"))
                    buffer.clear()
            if buffer:
                writer.write(("\n".join(buffer) + "\n").encode("utf-8"))
    finally:
        cursor.close()
    return count, writer.digest.hexdigest(), writer.size


def _write_file(zf: zipfile.ZipFile, name: str, source: Path, *, compress: bool
                ) -> tuple[str, int]:
    """Copy a media file into the bundle; its sha256 is its name in the media store.

    The store names each picture by the hash of the bytes that passed the picture gate
    (core/media.py; a bundle's pictures are hashed before they are moved in), so the
    manifest signs exactly what was checked, and it is not hashed again here: if the
    file changed on disk since, every laptop refuses it by that hash, as it would
    any damaged entry. Pictures are stored, not deflated: JPEG, PNG and WebP are
    compressed already."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.file_size = source.stat().st_size
    size = 0
    with source.open("rb") as src, zf.open(info, "w", force_zip64=True) as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)
            size += len(chunk)
    return source.name, size


# -- what a partial content bundle needs --------------------------------------------------


def select_content(store: Store, modules: list[str], quizzes: list[str]) -> dict[str, set[str]]:
    """The uuids, per table, of chosen modules and quizzes and everything they need:
    lessons, questions and options, the species the lessons and questions name (with
    their listings, features, products and lookalikes), classes the quizzes are assigned
    to with their members, every row those point at, and the media and texts of all."""
    picked: dict[str, set[str]] = defaultdict(set)
    picked["modules"].update(modules)
    picked["quizzes"].update(quizzes)
    specs = table_specs(store)

    def children(table: str, column: str, parents: str) -> bool:
        found = _select_in(store, f"SELECT uuid FROM [{table}] WHERE [{column}] IN ({{}})",
                           picked[parents])
        new = found - picked[table]
        picked[table] |= new
        return bool(new)

    changed = True
    while changed:
        changed = False
        for table, column, parent in (
                ("lessons", "module_uuid", "modules"), ("questions", "module_uuid", "modules"),
                ("question_options", "question_uuid", "questions"),
                ("quiz_rules", "quiz_uuid", "quizzes"),
                ("quiz_assignments", "quiz_uuid", "quizzes"),
                ("class_members", "class_uuid", "classes"),
                ("species_features", "species_uuid", "species"),
                ("species_products", "species_uuid", "species"),
                ("lookalikes", "species_uuid", "species"),
                ("cites_listings", "taxon_uuid", "taxa"),
                ("media_links", "owner_uuid", "species"),
                # the identification key of the chosen species, with its states
                ("key_codings", "species_uuid", "species"),
                ("key_states", "character_uuid", "key_characters")):
            changed |= children(table, column, parent)
        questions = set()
        for quiz in list(picked["quizzes"]):
            found = store.quizzes.get(quiz, "en") if store.scalar(
                "SELECT 1 FROM quizzes WHERE uuid = ?", (quiz,)) else None
            for rule in found.rules if found else []:
                questions.update(store.quizzes.pool(rule))
        species = _select_in(store, "SELECT DISTINCT s.value FROM questions q, "
                                    "json_each(q.species) s WHERE q.uuid IN ({})",
                             picked["questions"])
        species |= _select_in(store, "SELECT uuid FROM species WHERE slug IN ({})",
                              _species_links(store, picked["lessons"]))
        trainees = _select_in(store, "SELECT trainee_uuid FROM quiz_assignments WHERE uuid "
                                     "IN ({}) AND trainee_uuid IS NOT NULL",
                              picked["quiz_assignments"])
        for table, new in (("questions", questions), ("species", species),
                           ("trainees", trainees)):
            changed |= bool(new - picked[table])
            picked[table] |= new
        for table in list(picked):  # every row a picked row points at
            for column, parent in specs[table].references:
                new = _select_in(store, f"SELECT [{column}] FROM [{table}] WHERE uuid IN ({{}}) "
                                        f"AND [{column}] IS NOT NULL", picked[table])
                changed |= bool(new - picked[parent])
                picked[parent] |= new
    # Who to call travels with any content: a laptop needs it whatever it studies; so do
    # the key's notes on species it cannot tell apart (members not sent are ignored).
    for table in ("experts", "key_not_separable"):
        picked[table] |= {r[0] for r in store.conn.execute(
            f"SELECT uuid FROM [{table}] WHERE deleted = 0")}
    owners = set().union(*picked.values())
    picked["media_links"] |= _select_in(store, "SELECT uuid FROM media_links WHERE owner_uuid "
                                               "IN ({})", owners)
    picked["media"] |= _select_in(store, "SELECT media_uuid FROM media_links WHERE uuid "
                                         "IN ({})", picked["media_links"])
    # Feature markers on the pictures sent, when the feature they show travels too (a
    # picture reached through a question of another species keeps its markers home).
    picked["picture_markers"] |= _select_in(
        store, "SELECT uuid FROM picture_markers WHERE media_uuid IN ({})", picked["media"]
    ) & _select_in(store, "SELECT uuid FROM picture_markers WHERE feature_uuid IN ({})",
                   picked["species_features"])
    owners |= picked["media_links"] | picked["media"]
    picked[TEXTS_TABLE] = _select_in(store, "SELECT uuid FROM texts WHERE owner_uuid IN ({})",
                                     owners)
    # Every content bundle carries every signed revocation (docs/security.md).
    picked["revocations"] = {r[0] for r in store.conn.execute("SELECT uuid FROM revocations")}
    return dict(picked)


def _select_in(store: Store, sql: str, values: Iterable[str]) -> set[str]:
    values = list(values)
    found: set[str] = set()
    for start in range(0, len(values), BATCH):
        chunk = values[start:start + BATCH]
        found.update(r[0] for r in store.conn.execute(
            sql.format(",".join("?" * len(chunk))), chunk))
    return found


def _species_links(store: Store, lessons: set[str]) -> set[str]:
    slugs: set[str] = set()
    bodies = _select_in(store, "SELECT value FROM texts WHERE owner_table = 'lessons' AND "
                               "owner_uuid IN ({}) AND field = 'body'", lessons)
    for body in bodies:
        slugs.update(_SPECIES_LINK.findall(body))
    return slugs
