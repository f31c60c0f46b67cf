"""Hostile USB bundles (docs/architecture.md, "Sync"): each one is refused with a
``BundleError`` that names the file and says why, and leaves the database and the
media folder exactly as they were.

Most bundles here carry a valid signature from a key the laptop trusts, so the
check under test is the one that fires; others start from a real exported bundle
and change one thing in it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import stat
import struct
import uuid
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hostile_pictures import HOSTILE_NAMES, good_png, hostile
from idtrainer.core import bundles
from idtrainer.core import keys as keylib
from idtrainer.core.app_data import open_store
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.store import Store

STAMP = "2026-11-21T09:00:00.000000Z"
Key = Ed25519PrivateKey
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


# -- building bundles by hand -------------------------------------------------------------


def public_of(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def row(row_uuid: str, **values: Any) -> dict[str, Any]:
    """A synced row: the given columns plus the sync stamps."""
    return {"uuid": row_uuid, **values, "rev": 1, "updated_at": STAMP,
            "updated_by": "trainer-device", "deleted": 0}


def jsonl(*rows: dict[str, Any] | str) -> bytes:
    """A data file: rows as JSON, strings as they are (for malformed lines)."""
    return b"".join((r if isinstance(r, str) else json.dumps(r)).encode() + b"\n"
                    for r in rows)


def course(row_uuid: str = "course-1", **values: Any) -> dict[str, Any]:
    return row(row_uuid, **{"slug": "course-1", "position": 0, **values})


def module(row_uuid: str = "module-1", **values: Any) -> dict[str, Any]:
    return row(row_uuid, **{"course_uuid": "course-1", "slug": "module-1", "position": 1,
                            **values})


def media_row(sha: str, size: int, row_uuid: str = "media-1") -> dict[str, Any]:
    return row(row_uuid, sha256=sha, mime="image/png", bytes=size, width=1, height=1,
               licence="CC0-1.0", author="A", source="S", original_name="a.png")


def good_files() -> dict[str, bytes]:
    """A small, correct content bundle's entries (a course and one module)."""
    return {"data/courses.jsonl": jsonl(course()), "data/modules.jsonl": jsonl(module())}


def manifest_bytes(files: dict[str, bytes], *, key: Ed25519PrivateKey,
                   kind: str = "content", **fields: Any) -> bytes:
    public = public_of(key)
    counts = {name[5:].removesuffix(".jsonl"): len(data.splitlines())
              for name, data in files.items() if name.startswith("data/") and data}
    return bundles.Manifest(
        kind=kind, bundle_id=fields.pop("bundle_id", str(uuid.uuid4())), created_at=STAMP,
        producer_device="trainer-device", producer_name="Trainer T",
        signer_key_id=keylib.key_id(public), signer_public_key=public,
        entries={name: (hashlib.sha256(data).hexdigest(), len(data))
                 for name, data in files.items()},
        counts=counts, **fields).to_json()


def edit_manifest(body: bytes, **changes: Any) -> bytes:
    data = json.loads(body)
    data.update(changes)
    return json.dumps(data).encode()


Member = tuple[str | zipfile.ZipInfo, bytes]


def write_zip(path: Path, members: Iterable[Member]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name" is wanted here
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def write_bundle(path: Path, files: dict[str, bytes], *, key: Ed25519PrivateKey,
                 kind: str = "content", manifest: bytes | None = None,
                 signature: bytes | None = None, extra: Iterable[Member] = (),
                 omit: Iterable[str] = ()) -> Path:
    """A bundle of ``files`` with a manifest listing them, signed by ``key``; ``extra``
    entries are added to the zip but not to the manifest, ``omit`` names are left out."""
    body = manifest_bytes(files, key=key, kind=kind) if manifest is None else manifest
    sig = key.sign(body) if signature is None else signature
    members = [*files.items(), *extra, (bundles.MANIFEST, body), (bundles.SIGNATURE, sig)]
    return write_zip(path, [(n, d) for n, d in members if n not in set(omit)])


def entries_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()
                if i.filename not in (bundles.MANIFEST, bundles.SIGNATURE)}


def signed_parts(path: Path) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(path) as zf:
        return zf.read(bundles.MANIFEST), zf.read(bundles.SIGNATURE)


def with_flag(path: Path, name: str, bit: int) -> Path:
    """Set a general-purpose flag bit of one entry in the central directory."""
    with zipfile.ZipFile(path, "a") as zf:
        zf.getinfo(name).flag_bits |= bit
        zf._didModify = True  # rewrite the central directory on close
    return path


# -- what is checked after every refusal --------------------------------------------------


def dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


def media_files(store: Store) -> list[str]:
    root = store.media.root
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def refused(store: Store, path: Path, *reasons: str,
            error: type[bundles.BundleError] = bundles.BundleError,
            **kwargs: Any) -> bundles.BundleError:
    """Import ``path`` expecting ``error`` naming the file and every one of ``reasons``,
    with the database dump and the media folder unchanged."""
    before, files = dump(store), media_files(store)
    with pytest.raises(error) as caught:
        bundles.import_bundle(store, path, **kwargs)
    message = str(caught.value)
    assert path.name in message
    for reason in reasons:
        assert reason in message
    assert dump(store) == before
    assert media_files(store) == files
    return caught.value


# -- fixtures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trainer:
    key: Ed25519PrivateKey  # the trainer's publisher key
    content: Path  # a real content bundle: the starter course and one quiz
    results: Path  # a real results bundle: one trainee, one submitted attempt


@pytest.fixture(scope="session")
def trainer(starter_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Trainer:
    folder = tmp_path_factory.mktemp("hostile-trainer")
    shutil.copytree(starter_db, folder / "data")
    s = open_store(folder / "data")
    try:
        s.trainer.set_password("steppe-eagle-7", name="Trainer T")
        quiz = s.quizzes.save("Quiz", QuizSettings(),
                              [Rule("random", count=3, filter={"types": ["single"]})])
        trainee = s.trainees.create("Aigerim")
        attempt = s.attempts.start(quiz, trainee, "en")
        for item in attempt.items:
            s.attempts.answer(attempt.uuid, item["q"], {"option": None})
        s.attempts.submit(attempt.uuid)
        content = bundles.export_bundle(s, "content", folder / "content.idtb").path
        results = bundles.export_bundle(s, "results", folder / "results.idtb").path
        key = s.keys.publisher()[1]
    finally:
        s.close()
    return Trainer(key, content, results)


@pytest.fixture
def laptop(store: Store, trainer: Trainer) -> Store:
    """An empty laptop that trusts the trainer's publisher key."""
    store.keys.trust(public_of(trainer.key), "publisher", "Trainer T")
    return store


@pytest.fixture
def key(trainer: Trainer) -> Key:
    return trainer.key


# -- the helpers make bundles that import -------------------------------------------------


def test_a_well_made_hand_built_bundle_imports(laptop: Store, key: Key, tmp_path: Path):
    path = write_bundle(tmp_path / "good.idtb", good_files(), key=key)
    assert bundles.inspect_bundle(laptop, path).problem is None
    summary = bundles.import_bundle(laptop, path)
    assert summary.total("added") == 2


def test_the_real_bundles_import(laptop: Store, trainer: Trainer):
    content = bundles.import_bundle(laptop, trainer.content)
    assert content.tables["species"]["added"] > 0 and content.media_added > 0
    with pytest.raises(bundles.UntrustedDevice):  # a laptop not accepted yet
        bundles.import_bundle(laptop, trainer.results)
    results = bundles.import_bundle(laptop, trainer.results, trust=lambda m: True)
    assert results.tables["answers"]["added"] == 3


def test_a_real_bundle_rewritten_and_resigned_unchanged_imports(
        laptop: Store, trainer: Trainer, tmp_path: Path):
    path = write_bundle(tmp_path / "resigned.idtb", entries_of(trainer.content),
                        key=trainer.key)
    assert bundles.inspect_bundle(laptop, path).problem is None
    assert bundles.import_bundle(laptop, path).tables["taxa"]["added"] > 0


# -- names, links, limits -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "reason"), [
    ("/etc/x", "an absolute path"),
    ("C:/x", "an absolute path"),
    ("data/../x", "a path that leaves its folder"),
    ("../x", "a path that leaves its folder"),
    ("data/./courses.jsonl", "a path that leaves its folder"),
    ("data//courses.jsonl", "a path that leaves its folder"),
    ("data\\..\\x", "a backslash"),
])
def test_entry_names_that_leave_the_bundle_are_refused(laptop: Store, key: Key, tmp_path: Path,
                                                        name: str, reason: str):
    files = {**good_files(), name: b"owned\n"}
    path = write_bundle(tmp_path / "names.idtb", files, key=key)
    refused(laptop, path, f"entry {name}: {reason}")


def test_a_symlink_entry_is_refused(laptop: Store, key: Key, tmp_path: Path):
    link = zipfile.ZipInfo("media/" + "a" * 64)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    files = good_files()
    body = manifest_bytes({**files, link.filename: b"/etc/passwd"}, key=key)
    path = write_bundle(tmp_path / "link.idtb", files, key=key, manifest=body,
                        extra=[(link, b"/etc/passwd")])
    refused(laptop, path, "links and folders are not allowed")


def test_a_folder_entry_is_refused(laptop: Store, key: Key, tmp_path: Path):
    folder = zipfile.ZipInfo("media/")
    folder.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
    path = write_bundle(tmp_path / "folder.idtb", good_files(), key=key,
                        extra=[(folder, b"")])
    refused(laptop, path, "entry media/:")


def test_a_duplicate_entry_name_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = good_files()
    second = jsonl(course(slug="other"))
    path = write_bundle(tmp_path / "twice.idtb", files, key=key,
                        extra=[("data/courses.jsonl", second)])
    refused(laptop, path, "entry data/courses.jsonl appears twice")


def test_a_duplicate_manifest_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = good_files()
    body = manifest_bytes(files, key=key)
    path = write_bundle(tmp_path / "two-manifests.idtb", files, key=key, manifest=body,
                        extra=[(bundles.MANIFEST, manifest_bytes({}, key=key))])
    refused(laptop, path, "entry manifest.json appears twice")


def test_too_many_entries_are_refused(laptop: Store, key: Key, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(bundles.reader, "MAX_ENTRIES", 3)
    files = {f"data/{t}.jsonl": b"" for t in ("courses", "modules", "lessons", "quizzes")}
    path = write_bundle(tmp_path / "many.idtb", files, key=key)
    refused(laptop, path, "too many entries (6; the limit is 5)")


def test_contents_larger_than_the_bound_are_refused(laptop: Store, key: Key, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(bundles.reader, "MAX_TOTAL_BYTES", 2**20)
    files = {**good_files(), "data/lessons.jsonl": b"x" * (2**20 + 1)}
    path = write_bundle(tmp_path / "large.idtb", files, key=key)
    refused(laptop, path, "the contents would take 1 MB; the limit is 1 MB")


def test_a_zip_bomb_is_refused_before_anything_is_inflated(
        laptop: Store, key: Key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(bundles.reader, "MAX_TOTAL_BYTES", 4 * 2**20)
    files = {**good_files(), "data/texts.jsonl": b"\n" * (64 * 2**20)}
    path = write_bundle(tmp_path / "bomb.idtb", files, key=key)
    assert path.stat().st_size < 2**20  # 64 MB of newlines deflate to almost nothing
    refused(laptop, path, "the contents would take 64 MB; the limit is 4 MB")


def test_an_entry_declaring_more_than_the_real_limit_is_refused(laptop: Store, key: Key,
                                                                tmp_path: Path):
    files = {**good_files(), "data/texts.jsonl": b""}
    path = write_bundle(tmp_path / "huge.idtb", files, key=key)
    with zipfile.ZipFile(path, "a") as zf:  # the central directory claims 5 GB
        zf.getinfo("data/texts.jsonl").file_size = 5 * 2**30
        zf._didModify = True
    refused(laptop, path, "the contents would take 5120 MB; the limit is 4096 MB")


def test_an_entry_that_inflates_past_its_declared_size_is_refused(laptop: Store, key: Key,
                                                                  tmp_path: Path):
    # The directory says 10 bytes; the deflated stream holds 1 MB. Reading must stop
    # at 10 bytes and notice the damage, not inflate everything.
    real = jsonl(course()) + b" " * 2**20
    files = {"data/courses.jsonl": real[:10]}
    body = manifest_bytes(files, key=key)
    path = write_bundle(tmp_path / "liar.idtb", {}, key=key, manifest=body,
                        extra=[("data/courses.jsonl", real)])
    with zipfile.ZipFile(path, "a") as zf:
        zf.getinfo("data/courses.jsonl").file_size = 10
        zf._didModify = True
    refused(laptop, path, "data/courses.jsonl: cannot be read")


def test_an_encrypted_entry_is_refused(laptop: Store, key: Key, tmp_path: Path):
    path = with_flag(write_bundle(tmp_path / "secret.idtb", good_files(), key=key),
                     "data/modules.jsonl", 0x1)
    refused(laptop, path, "entry data/modules.jsonl: encrypted entries are not allowed")


def test_an_unsupported_compression_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = good_files()
    path = tmp_path / "bzip2.idtb"
    body = manifest_bytes(files, key=key)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data/courses.jsonl", files["data/courses.jsonl"],
                    compress_type=zipfile.ZIP_BZIP2)
        zf.writestr("data/modules.jsonl", files["data/modules.jsonl"])
        zf.writestr(bundles.MANIFEST, body)
        zf.writestr(bundles.SIGNATURE, key.sign(body))
    refused(laptop, path, "entry data/courses.jsonl: unsupported compression")


@pytest.mark.parametrize("flag", [0x20, 0x40], ids=["patched-data", "strong-encryption"])
@pytest.mark.parametrize("entry", [bundles.MANIFEST, "data/modules.jsonl"])
def test_an_entry_zipfile_cannot_open_is_refused(laptop: Store, key: Key, tmp_path: Path,
                                                  flag: int, entry: str):
    # zipfile raises NotImplementedError for these flags when the entry is opened.
    path = with_flag(write_bundle(tmp_path / "flags.idtb", good_files(), key=key), entry, flag)
    refused(laptop, path, entry)


def test_a_local_header_with_a_broken_utf8_name_is_refused(laptop: Store, key: Key,
                                                           tmp_path: Path):
    # zipfile decodes the local header's name as UTF-8 when its flag says so: a
    # UnicodeDecodeError, not a BadZipFile.
    path = write_bundle(tmp_path / "utf8.idtb", good_files(), key=key)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        offset = zf.getinfo(bundles.MANIFEST).header_offset
    flags = struct.unpack_from("<H", data, offset + 6)[0]
    struct.pack_into("<H", data, offset + 6, flags | 0x800)
    data[offset + 30] = 0xFF
    path.write_bytes(bytes(data))
    refused(laptop, path, bundles.MANIFEST)


# -- files that are not (whole) bundles ---------------------------------------------------


def test_a_truncated_bundle_is_refused(laptop: Store, trainer: Trainer, tmp_path: Path):
    data = trainer.content.read_bytes()
    path = tmp_path / "half.idtb"
    path.write_bytes(data[:len(data) // 2])
    refused(laptop, path, "the file is truncated or is not a zip file")


def test_a_bundle_missing_its_last_bytes_is_refused(laptop: Store, trainer: Trainer,
                                                    tmp_path: Path):
    path = tmp_path / "short.idtb"
    path.write_bytes(trainer.content.read_bytes()[:-1])
    refused(laptop, path, "the file is truncated or is not a zip file")


def test_a_bundle_with_a_hole_is_refused(laptop: Store, trainer: Trainer, tmp_path: Path):
    data = bytearray(trainer.content.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(4096)  # a bad sector on the stick
    path = tmp_path / "hole.idtb"
    path.write_bytes(bytes(data))
    error = refused(laptop, path)
    # A data file is hashed before its first line is read (a picture is read whole).
    assert "cannot be read" in error.reason or "its hash does not match" in error.reason


def test_an_empty_file_is_refused(laptop: Store, tmp_path: Path):
    path = tmp_path / "empty.idtb"
    path.write_bytes(b"")
    refused(laptop, path, "the file is truncated or is not a zip file")


def test_a_file_that_is_not_a_zip_is_refused(laptop: Store, tmp_path: Path):
    path = tmp_path / "notes.idtb"
    path.write_text("These are my notes, not a bundle.\n" * 100)
    refused(laptop, path, "the file is truncated or is not a zip file")


def test_a_missing_file_is_refused(laptop: Store, tmp_path: Path):
    refused(laptop, tmp_path / "gone.idtb", "no such file")


def test_a_folder_instead_of_a_file_is_refused(laptop: Store, tmp_path: Path):
    path = tmp_path / "folder.idtb"
    path.mkdir()
    refused(laptop, path, "cannot read the file")


# -- signature ----------------------------------------------------------------------------


def test_a_flipped_signature_byte_is_refused(laptop: Store, trainer: Trainer, tmp_path: Path):
    body, sig = signed_parts(trainer.content)
    bad = bytes([sig[0] ^ 1]) + sig[1:]
    path = write_bundle(tmp_path / "flipped.idtb", entries_of(trainer.content),
                        key=trainer.key, manifest=body, signature=bad)
    refused(laptop, path, "the signature does not match")


def test_a_manifest_changed_after_signing_is_refused(laptop: Store, trainer: Trainer,
                                                     tmp_path: Path):
    body, sig = signed_parts(trainer.content)
    changed = body.replace(b'"title": ""', b'"title": "x"')
    assert changed != body
    path = write_bundle(tmp_path / "retitled.idtb", entries_of(trainer.content),
                        key=trainer.key, manifest=changed, signature=sig)
    refused(laptop, path, "the signature does not match")


def test_a_manifest_signed_by_another_key_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = good_files()
    body = manifest_bytes(files, key=key)  # names the trusted key ...
    path = write_bundle(tmp_path / "forged.idtb", files, key=key, manifest=body,
                        signature=OTHER_KEY.sign(body))  # ... signed by another
    refused(laptop, path, "the signature does not match")


@pytest.mark.parametrize("signature", [b"", b"x" * 63, b"x" * 65, b"x" * 4096])
def test_a_signature_of_the_wrong_size_is_refused(laptop: Store, key: Key, tmp_path: Path,
                                                  signature: bytes):
    path = write_bundle(tmp_path / "sigsize.idtb", good_files(), key=key,
                        signature=signature)
    refused(laptop, path, "manifest.sig has the wrong size")


def test_a_missing_signature_is_refused(laptop: Store, key: Key, tmp_path: Path):
    path = write_bundle(tmp_path / "unsigned.idtb", good_files(), key=key,
                        omit=[bundles.SIGNATURE])
    refused(laptop, path, "manifest.sig is missing")


def test_a_missing_manifest_is_refused(laptop: Store, key: Key, tmp_path: Path):
    path = write_bundle(tmp_path / "nomanifest.idtb", good_files(), key=key,
                        omit=[bundles.MANIFEST])
    refused(laptop, path, "manifest.json is missing")


def test_an_untrusted_publisher_is_refused_with_its_fingerprint(store: Store, key: Key,
                                                                tmp_path: Path):
    path = write_bundle(tmp_path / "stranger.idtb", good_files(), key=key)
    fingerprint = keylib.fingerprint(public_of(key))
    error = refused(store, path, fingerprint, error=bundles.UntrustedPublisher)
    assert error.manifest.fingerprint == fingerprint
    refused(store, path, fingerprint, error=bundles.UntrustedPublisher,
            trust=lambda manifest: False)


def test_a_key_trusted_only_as_a_device_cannot_publish(store: Store, key: Key, tmp_path: Path):
    store.keys.trust(public_of(key), "device", "a laptop")
    path = write_bundle(tmp_path / "device.idtb", good_files(), key=key)
    refused(store, path, "does not trust", error=bundles.UntrustedPublisher,
            trust=lambda manifest: True)


def test_a_revoked_publisher_is_refused(laptop: Store, key: Key, tmp_path: Path):
    laptop.keys.revoke_trust(keylib.key_id(public_of(key)))
    path = write_bundle(tmp_path / "revoked.idtb", good_files(), key=key)
    refused(laptop, path, "does not trust", error=bundles.UntrustedPublisher)


# -- the manifest -------------------------------------------------------------------------


def manifest_case(key: Ed25519PrivateKey, **changes: Any) -> tuple[dict[str, bytes], bytes]:
    files = good_files()
    return files, edit_manifest(manifest_bytes(files, key=key), **changes)


@pytest.mark.parametrize(("changes", "reason"), [
    ({"version": 2}, "bundle format version 2 is not supported"),
    ({"version": "1"}, "the manifest has no format version"),
    ({"version": True}, "the manifest has no format version"),
    ({"format": "zip-of-things"}, "not an IDTrainer bundle"),
    ({"kind": "backdoor"}, "unknown bundle kind backdoor"),
    ({"entries": []}, "entries: wrong type"),
    ({"counts": {"courses": -1}}, "counts: wrong value"),
    ({"bundle_id": None}, "bundle_id: missing"),
    ({"title": "x" * 501}, "title: wrong value"),
    ({"signer": {"key_id": "0" * 16, "public_key": "AAAA"}}, "signer.public_key: not a key"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_signed_manifest_with_wrong_fields_is_refused(laptop: Store, key: Key, tmp_path: Path,
                                                        changes: dict, reason: str):
    files, body = manifest_case(key, **changes)
    path = write_bundle(tmp_path / "fields.idtb", files, key=key, manifest=body)
    refused(laptop, path, "manifest.json: " + reason)


def test_a_manifest_entry_with_a_bad_hash_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = good_files()
    data = json.loads(manifest_bytes(files, key=key))
    data["entries"]["data/courses.jsonl"]["sha256"] = "../../etc/passwd"
    body = json.dumps(data).encode()
    path = write_bundle(tmp_path / "badhash.idtb", files, key=key, manifest=body)
    refused(laptop, path, "entries.data/courses.jsonl: wrong value")


@pytest.mark.parametrize("body", [
    b"{not json", b"", b"\xff\xfe{}", b'{"format": NaN}', b"[" * 100_000,
    b'{"format": "idtrainer-bundle", "version": 1' + b"9" * 5000 + b"}",
], ids=["broken", "empty", "not-utf8", "nan", "deep", "huge-int"])
def test_a_manifest_that_is_not_json_is_refused(laptop: Store, key: Key, tmp_path: Path,
                                                body: bytes):
    path = write_bundle(tmp_path / "garbled.idtb", good_files(), key=key, manifest=body)
    refused(laptop, path, "manifest.json: the manifest is not valid JSON")


# -- entries against the manifest ---------------------------------------------------------


def test_an_entry_not_in_the_manifest_is_refused(laptop: Store, key: Key, tmp_path: Path):
    path = write_bundle(tmp_path / "stowaway.idtb", good_files(), key=key,
                        extra=[("data/lessons.jsonl", b"")])
    refused(laptop, path, "entry data/lessons.jsonl is not in the manifest")


def test_an_entry_missing_from_the_zip_is_refused(laptop: Store, key: Key, tmp_path: Path):
    path = write_bundle(tmp_path / "lost.idtb", good_files(), key=key,
                        omit=["data/modules.jsonl"])
    refused(laptop, path, "entry data/modules.jsonl is missing")


def test_an_entry_of_another_size_than_listed_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = good_files()
    body = manifest_bytes({**files, "data/modules.jsonl": b"x"}, key=key)
    path = write_bundle(tmp_path / "size.idtb", files, key=key, manifest=body)
    refused(laptop, path, "entry data/modules.jsonl: its size does not match the manifest")


def test_an_entry_that_is_no_part_of_a_bundle_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = {**good_files(), "readme.txt": b"hello"}
    path = write_bundle(tmp_path / "readme.idtb", files, key=key)
    refused(laptop, path, "entry readme.txt: not a part of a bundle")


def test_a_data_entry_changed_without_resigning_is_refused(laptop: Store, trainer: Trainer,
                                                           tmp_path: Path):
    body, sig = signed_parts(trainer.content)
    files = entries_of(trainer.content)
    texts = files["data/texts.jsonl"]
    files["data/texts.jsonl"] = texts.replace(b"Russian sturgeon", b"Russian sturgeoN", 1)
    assert files["data/texts.jsonl"] != texts  # same size, other bytes
    path = write_bundle(tmp_path / "edited.idtb", files, key=trainer.key, manifest=body,
                        signature=sig)
    refused(laptop, path, "data/texts.jsonl: its hash does not match the manifest")


def test_a_media_entry_changed_without_resigning_is_refused(laptop: Store, trainer: Trainer,
                                                            tmp_path: Path):
    body, sig = signed_parts(trainer.content)
    files = entries_of(trainer.content)
    name = sorted(n for n in files if n.startswith("media/"))[-1]
    files[name] = files[name][:-1] + bytes([files[name][-1] ^ 0xFF])
    path = write_bundle(tmp_path / "retouched.idtb", files, key=trainer.key, manifest=body,
                        signature=sig)
    refused(laptop, path, f"{name}: its hash does not match the manifest")


def test_a_media_entry_whose_bytes_are_not_its_name_is_refused(laptop: Store, key: Key,
                                                               tmp_path: Path):
    picture = b"\x89PNG\r\n\x1a\n not really"
    named = hashlib.sha256(b"another picture").hexdigest()
    files = {"data/media.jsonl": jsonl(media_row(named, len(picture))),
             f"media/{named}": picture}  # the manifest lists the true hash of the bytes
    path = write_bundle(tmp_path / "misnamed.idtb", files, key=key)
    refused(laptop, path, f"media/{named}: its hash does not match the manifest")


def test_a_media_entry_without_a_media_row_is_refused(laptop: Store, key: Key, tmp_path: Path):
    picture = b"\x89PNG\r\n\x1a\n stray"
    sha = hashlib.sha256(picture).hexdigest()
    path = write_bundle(tmp_path / "stray.idtb", {**good_files(), f"media/{sha}": picture},
                        key=key)
    refused(laptop, path, f"entry media/{sha}: no media row describes it")


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if not hostile(n).decode_only])
def test_a_hostile_picture_in_a_signed_bundle_is_refused(laptop: Store, key: Key,
                                                         tmp_path: Path, name: str):
    # Hash and size match the signed manifest: only checking the picture finds it out.
    case = hostile(name)
    sha = hashlib.sha256(case.data).hexdigest()
    files = {"data/media.jsonl": jsonl({**media_row(sha, len(case.data)), "mime": case.mime}),
             f"media/{sha}": case.data}
    path = write_bundle(tmp_path / "pictures.idtb", files, key=key)
    error = refused(laptop, path, f"media/{sha}: {case.reason}")
    assert str(error) == f"{path.name}: media/{sha}: {case.reason}"
    assert bundles.inspect_bundle(laptop, path).problem == error.reason


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if hostile(n).decode_only])
def test_a_damaged_picture_in_a_signed_bundle_is_refused_when_first_shown(
        laptop: Store, key: Key, tmp_path: Path, name: str,
        caplog: pytest.LogCaptureFixture):
    # Its header is sound: the import takes it (the publisher's gate decoded what it
    # signed); the full decode at its first display refuses it, with the gate's reason,
    # logged once (docs/security.md, "Pictures from a content bundle"). The GUI draws a
    # placeholder (tests/gui/test_picture_render.py).
    from idtrainer.core.pictures import MediaError, check_stored

    case = hostile(name)
    sha = hashlib.sha256(case.data).hexdigest()
    files = {"data/media.jsonl": jsonl({**media_row(sha, len(case.data)), "mime": case.mime}),
             f"media/{sha}": case.data}
    path = write_bundle(tmp_path / "pictures.idtb", files, key=key)
    assert bundles.inspect_bundle(laptop, path).problem is None
    assert bundles.import_bundle(laptop, path).media_added == 1
    stored = laptop.media.path_for(sha)
    assert stored.read_bytes() == case.data
    for _ in range(2):
        with pytest.raises(MediaError, match=case.reason):
            check_stored(stored, case.mime)
    logged = [r for r in caplog.records if case.reason in r.getMessage()]
    assert len(logged) == 1 and logged[0].levelname == "WARNING"


def test_a_stored_picture_is_read_from_its_offset_and_checked_by_hash(
        laptop: Store, key: Key, tmp_path: Path):
    # Pictures are stored, not deflated, and read straight from the bundle file; a byte
    # changed there (zip's CRC-32 not updated) is caught by the hash in the manifest.
    picture = good_png((5, 5), "blue")
    sha = hashlib.sha256(picture).hexdigest()
    files = {"data/media.jsonl": jsonl(media_row(sha, len(picture))),
             f"media/{sha}": picture}
    body = manifest_bytes(files, key=key)
    path = tmp_path / "stored.idtb"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_STORED
                        if name.startswith("media/") else zipfile.ZIP_DEFLATED)
        zf.writestr(bundles.MANIFEST, body)
        zf.writestr(bundles.SIGNATURE, key.sign(body))
    sound = path.read_bytes()
    assert bundles.inspect_bundle(laptop, path).problem is None
    at = sound.index(picture) + len(picture) // 2
    path.write_bytes(sound[:at] + bytes([sound[at] ^ 0x01]) + sound[at + 1:])
    refused(laptop, path, f"media/{sha}: its hash does not match the manifest")
    # A local header naming another file than the central directory does (the first
    # time the name is written is the entry's own local header).
    named = sound.index(f"media/{sha}".encode())
    path.write_bytes(sound[:named] + b"x" + sound[named + 1:])
    refused(laptop, path, f"media/{sha}: cannot be read")
    path.write_bytes(sound)
    assert bundles.import_bundle(laptop, path).media_added == 1
    assert laptop.media.path_for(sha).read_bytes() == picture


@pytest.mark.parametrize("mime", ["image/png", "image/jpeg", "image/gif"])
def test_a_picture_of_another_kind_than_its_row_says_is_refused(laptop: Store, key: Key,
                                                               tmp_path: Path, mime: str):
    # The GUI decodes a picture as the kind its row names: an SVG must not pass as a PNG.
    picture = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    sha = hashlib.sha256(picture).hexdigest()
    files = {"data/media.jsonl": jsonl({**media_row(sha, len(picture)), "mime": mime}),
             f"media/{sha}": picture}
    path = write_bundle(tmp_path / "kind.idtb", files, key=key)
    refused(laptop, path, f"media/{sha}: SVG pictures are not accepted here")


def test_two_rows_claiming_two_kinds_for_one_picture_are_refused(laptop: Store, key: Key,
                                                                tmp_path: Path):
    picture = good_png()
    sha = hashlib.sha256(picture).hexdigest()
    rows = jsonl(media_row(sha, len(picture)),
                 {**media_row(sha, len(picture), "media-2"), "mime": "image/jpeg"})
    path = write_bundle(tmp_path / "twice.idtb", {"data/media.jsonl": rows,
                                                  f"media/{sha}": picture}, key=key)
    refused(laptop, path, f"media/{sha}: PNG pictures are not accepted here; use JPEG")


def test_a_sound_picture_in_a_bundle_is_decoded_and_kept(laptop: Store, key: Key,
                                                         tmp_path: Path):
    picture = good_png((3, 2), "green")
    sha = hashlib.sha256(picture).hexdigest()
    path = write_bundle(tmp_path / "sound.idtb", {"data/media.jsonl": jsonl(
        media_row(sha, len(picture))), f"media/{sha}": picture}, key=key)
    assert bundles.inspect_bundle(laptop, path).problem is None
    assert bundles.import_bundle(laptop, path).media_added == 1
    assert laptop.media.path_for(sha).read_bytes() == picture


def test_among_many_pictures_the_first_bad_one_by_name_is_reported(laptop: Store, key: Key,
                                                                   tmp_path: Path):
    # The first bad picture by name is reported, whatever the order of the entries.
    good = [good_png((4, 4), colour) for colour in ("red", "green", "blue", "white", "gray")]
    bad = [hostile("huge.png").data, hostile("script.svg").data]
    mimes = ["image/png"] * len(good) + ["image/png", "image/svg+xml"]
    pictures = [*good, *bad]
    shas = [hashlib.sha256(p).hexdigest() for p in pictures]
    rows = jsonl(*({**media_row(sha, len(p), f"media-{i}"), "mime": mime}
                   for i, (sha, p, mime) in enumerate(zip(shas, pictures, mimes, strict=True))))
    files = {"data/media.jsonl": rows, **{f"media/{sha}": p for sha, p in zip(shas, pictures,
                                                                            strict=True)}}
    first_bad = min(shas[len(good):])
    reason = hostile("huge.png" if first_bad == shas[-2] else "script.svg").reason
    path = write_bundle(tmp_path / "many.idtb", files, key=key)
    for _ in range(3):
        refused(laptop, path, f"media/{first_bad}: {reason}")
    sound = write_bundle(tmp_path / "sound-many.idtb", {
        "data/media.jsonl": jsonl(*(media_row(sha, len(p), f"media-{i}") for i, (sha, p)
                                    in enumerate(zip(shas, good, strict=False)))),
        **{f"media/{sha}": p for sha, p in zip(shas, good, strict=False)}}, key=key)
    assert bundles.import_bundle(laptop, sound).media_added == len(good)


def test_a_media_row_without_its_file_is_refused(laptop: Store, key: Key, tmp_path: Path):
    sha = hashlib.sha256(b"nowhere").hexdigest()
    path = write_bundle(tmp_path / "nofile.idtb", {"data/media.jsonl": jsonl(media_row(sha, 7))},
                        key=key)
    refused(laptop, path, f"media {sha}: the file is neither in the bundle nor on this laptop")


def test_a_media_row_whose_sha256_is_a_path_is_refused(laptop: Store, key: Key, tmp_path: Path):
    # 64 characters that lead from the media folder to the database file: the laptop
    # "has" that file, so nothing in the bundle needs to carry it.
    sha = "../" + "./" * 20 + "data/idtrainer.sqlite"
    laptop.media.root.mkdir(parents=True, exist_ok=True)  # an import makes it first
    assert len(sha) == 64 and laptop.media.has_file(sha)
    path = write_bundle(tmp_path / "pathsha.idtb", {"data/media.jsonl": jsonl(media_row(sha, 1))},
                        key=key)
    refused(laptop, path, "data/media.jsonl line 1", "sha256")


# -- tables and rows ----------------------------------------------------------------------


@pytest.mark.parametrize(("line", "reason"), [
    ("{not json", "data/courses.jsonl line 1: not valid JSON"),
    ('["a", "list"]', "data/courses.jsonl line 1: a row must be a JSON object"),
    ("\"\\ud800\"", "data/courses.jsonl line 1: a row must be a JSON object"),
    (json.dumps(course(position="1")), "data/courses.jsonl line 1: position: wrong type"),
    (json.dumps(course(position=True)), "data/courses.jsonl line 1: position: wrong type"),
    (json.dumps(course(position=1.5)), "data/courses.jsonl line 1: position: wrong type"),
    (json.dumps(course(position=2**63)), "data/courses.jsonl line 1: position: wrong value"),
    # Past 64 bits orjson reads a float; json, which decides, reads the integer it is.
    (json.dumps(course(position=2**64)), "data/courses.jsonl line 1: position: wrong value"),
    (json.dumps(course(position=-2**70)), "data/courses.jsonl line 1: position: wrong value"),
    (json.dumps(course(slug=7)), "data/courses.jsonl line 1: slug: wrong type"),
    (json.dumps(course(slug=None)), "data/courses.jsonl line 1: slug: must not be empty"),
    (json.dumps(course(slug=["a"])), "data/courses.jsonl line 1: slug: wrong type"),
    (json.dumps(course(colour="red")), "data/courses.jsonl line 1: unknown column colour"),
    (json.dumps(course(**{"slug]; DROP TABLE taxa; --": 1})), "unknown column slug]"),
    (json.dumps({k: v for k, v in course().items() if k != "slug"}),
     "data/courses.jsonl line 1: slug: missing"),
    (json.dumps({**course(), "uuid": ""}), "data/courses.jsonl line 1: uuid: wrong value"),
    (json.dumps({**course(), "uuid": "u" * 1000}),
     "data/courses.jsonl line 1: uuid: wrong value"),
    (json.dumps({**course(), "updated_at": "yesterday"}),
     "data/courses.jsonl line 1: updated_at: wrong value"),
    (json.dumps({**course(), "updated_at": "2026-11-21T09:00:00Z\n"}),
     "data/courses.jsonl line 1: updated_at: wrong value"),
    (json.dumps({**course(), "updated_at": "٢٠٢٦-11-21T09:00:00Z"}),  # Arabic-Indic digits
     "data/courses.jsonl line 1: updated_at: wrong value"),
    (json.dumps({**course(), "rev": 0}), "data/courses.jsonl line 1: rev: wrong value"),
    (json.dumps({**course(), "deleted": 2}), "data/courses.jsonl line 1: "),
    (json.dumps({**course(), "updated_by": ""}), "data/courses.jsonl line 1: "),
    (json.dumps(course(slug="x" * (bundles.MAX_VALUE_CHARS + 1))), "slug: the value is too long"),
], ids=lambda v: v[:40] if isinstance(v, str) else None)
def test_a_bad_row_is_refused_with_its_line_and_column(laptop: Store, key: Key, tmp_path: Path,
                                                       line: str, reason: str):
    files = {"data/courses.jsonl": jsonl(line)}
    path = write_bundle(tmp_path / "row.idtb", files, key=key)
    refused(laptop, path, reason)


@pytest.mark.parametrize(("line", "reason"), [
    ('{"uuid": "course-1", "position": NaN}', "not valid JSON (NaN is not a number)"),
    ('{"uuid": "course-1", "position": Infinity}', "not valid JSON"),
    ('{"uuid": "course-1", "position": -Infinity}', "not valid JSON"),
])
def test_a_row_with_a_non_number_is_refused(laptop: Store, key: Key, tmp_path: Path, line: str,
                                            reason: str):
    files = {"data/courses.jsonl": jsonl(line)}
    path = write_bundle(tmp_path / "nan.idtb", files, key=key)
    refused(laptop, path, "data/courses.jsonl line 1: " + reason)


def test_a_bad_row_after_good_ones_names_its_line(laptop: Store, key: Key, tmp_path: Path):
    files = {"data/courses.jsonl": jsonl(course(), "", course("course-2", slug=3))}
    path = write_bundle(tmp_path / "line3.idtb", files, key=key)
    refused(laptop, path, "data/courses.jsonl line 3: slug: wrong type")


@pytest.mark.parametrize(("column", "value"), [("deleted", 2), ("deleted", -1),
                                               ("updated_by", ""), ("updated_by", "d" * 65)])
def test_a_bad_sync_stamp_is_refused_naming_its_own_column(laptop: Store, key: Key, tmp_path: Path,
                                                            column: str, value: Any):
    # A person reading "rev: wrong value" looks at the wrong column.
    line = {**course(), column: value}
    path = write_bundle(tmp_path / "stamp.idtb", {"data/courses.jsonl": jsonl(line)}, key=key)
    refused(laptop, path, f"data/courses.jsonl line 1: {column}: wrong value")


@pytest.mark.parametrize("drop", ["rev", "deleted"])
def test_a_row_without_a_defaulted_sync_column_is_refused(laptop: Store, key: Key, tmp_path: Path,
                                                          drop: str):
    # rev and deleted have column defaults, so the checker does not count them as
    # required, but parse_row then reads row["rev"] and row["deleted"].
    line = {k: v for k, v in course().items() if k != drop}
    path = write_bundle(tmp_path / "nostamp.idtb", {"data/courses.jsonl": jsonl(line)},
                        key=key)
    refused(laptop, path, "data/courses.jsonl line 1")


def test_a_row_with_a_null_rev_is_refused(laptop: Store, key: Key, tmp_path: Path):
    line = {**course(), "rev": None}
    path = write_bundle(tmp_path / "nullrev.idtb", {"data/courses.jsonl": jsonl(line)},
                        key=key)
    refused(laptop, path, "data/courses.jsonl line 1")


def test_a_float_nan_in_a_real_column_is_refused(laptop: Store, key: Key, tmp_path: Path):
    answer = row("answer-1", attempt_uuid="a", question_uuid="q", score=float("nan"))
    line = json.dumps(answer)  # Python writes the bare word NaN
    assert "NaN" in line
    path = write_bundle(tmp_path / "nanscore.idtb", {"data/answers.jsonl": jsonl(line)},
                        key=key, kind="results")
    refused(laptop, path, "data/answers.jsonl line 1: not valid JSON")


def test_an_overflowing_real_is_refused(laptop: Store, key: Key, tmp_path: Path):
    line = json.dumps(row("answer-1", attempt_uuid="a", question_uuid="q", score=1.0))
    line = line.replace("1.0", "1e400")  # json reads it as inf
    path = write_bundle(tmp_path / "inf.idtb", {"data/answers.jsonl": jsonl(line)},
                        key=key, kind="results")
    refused(laptop, path, "data/answers.jsonl line 1: score: wrong value")


def test_an_unknown_table_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = {**good_files(), "data/nosuch.jsonl": b""}
    path = write_bundle(tmp_path / "nosuch.idtb", files, key=key)
    refused(laptop, path, "unknown table nosuch for a content bundle")


@pytest.mark.parametrize("table", ["settings", "keys", "trusted_keys", "sync_log",
                                   "search_index", "sqlite_master"])
def test_local_tables_cannot_travel(laptop: Store, key: Key, tmp_path: Path, table: str):
    files = {**good_files(), f"data/{table}.jsonl": b""}
    path = write_bundle(tmp_path / "local.idtb", files, key=key)
    refused(laptop, path, f"unknown table {table}")


def test_a_results_table_in_a_content_bundle_is_refused(laptop: Store, key: Key, tmp_path: Path):
    answer = row("answer-1", attempt_uuid="a", question_uuid="q")
    files = {**good_files(), "data/answers.jsonl": jsonl(answer)}
    path = write_bundle(tmp_path / "content-answers.idtb", files, key=key)
    refused(laptop, path, "unknown table answers for a content bundle")


@pytest.mark.parametrize("table", ["species", "questions", "keys", "media"])
def test_a_results_bundle_carrying_content_is_refused(laptop: Store, trainer: Trainer,
                                                      tmp_path: Path, table: str):
    files = {**entries_of(trainer.results), f"data/{table}.jsonl": b""}
    path = write_bundle(tmp_path / "results-content.idtb", files, key=OTHER_KEY,
                        kind="results")
    refused(laptop, path, f"unknown table {table} for a results bundle")


def test_a_results_bundle_carrying_content_media_is_refused(laptop: Store, tmp_path: Path):
    picture = b"\x89PNG\r\n\x1a\n"
    sha = hashlib.sha256(picture).hexdigest()
    files = {"data/trainees.jsonl": jsonl(row("t-1", name="A", created_on="2026-11-21")),
             f"media/{sha}": picture}
    path = write_bundle(tmp_path / "results-media.idtb", files, key=OTHER_KEY, kind="results")
    refused(laptop, path, f"entry media/{sha}: no media row describes it")


def test_results_texts_owned_by_content_are_refused(laptop: Store, tmp_path: Path):
    text = row("text-1", owner_table="species", owner_uuid="s", field="description",
               locale="en", value="Now a dragon", status="reviewed")
    path = write_bundle(tmp_path / "results-text.idtb", {"data/texts.jsonl": jsonl(text)},
                        key=OTHER_KEY, kind="results")
    refused(laptop, path, "data/texts.jsonl line 1: owner_table: wrong value")


def test_results_texts_cannot_take_over_a_content_text(loaded: Store, tmp_path: Path):
    # A texts row that reuses the uuid of a content text with a higher rev must not
    # rewrite that text, whatever owner it names: the row is refused and flagged.
    target = loaded.query_one("SELECT * FROM texts WHERE owner_table = 'taxa' LIMIT 1")
    trainee = row("trainee-x", name="Mallory", created_on="2026-11-21")
    hijack = {**target, "owner_table": "trainees", "owner_uuid": "trainee-x",
              "field": "note", "value": "Now a dragon", "rev": target["rev"] + 1,
              "updated_at": STAMP, "updated_by": "mallory"}
    hijack.pop("origin", None)
    files = {"data/trainees.jsonl": jsonl(trainee), "data/texts.jsonl": jsonl(hijack)}
    path = write_bundle(tmp_path / "hijack.idtb", files, key=OTHER_KEY, kind="results")
    summary = bundles.import_bundle(loaded, path, trust=lambda m: True)
    assert summary.tables["texts"]["refused"] == 1
    assert any("texts" in flag for flag in summary.flags)
    assert loaded.query_one("SELECT * FROM texts WHERE uuid = ?", (target["uuid"],)) == target


def test_a_row_breaking_a_check_constraint_is_refused_inside_the_transaction(
        laptop: Store, trainer: Trainer, tmp_path: Path):
    files = entries_of(trainer.content)
    lines = files["data/species.jsonl"].splitlines(keepends=True)
    first = json.loads(lines[0])
    lines[0] = json.dumps({**first, "taxon_group": "dragons"}).encode() + b"\n"
    files["data/species.jsonl"] = b"".join(lines)
    path = write_bundle(tmp_path / "dragons.idtb", files, key=trainer.key)
    refused(laptop, path, "not imported", "CHECK constraint failed", "taxon_group")


def test_a_hand_built_check_violation_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = {"data/courses.jsonl": jsonl(course()),
             "data/modules.jsonl": jsonl(module()),
             "data/questions.jsonl": jsonl(row("q-1", module_uuid="module-1", qtype="riddle",
                                               difficulty=1))}
    path = write_bundle(tmp_path / "riddle.idtb", files, key=key)
    refused(laptop, path, "not imported", "CHECK constraint failed")


def test_two_rows_with_one_uuid_are_refused(laptop: Store, key: Key, tmp_path: Path):
    files = {"data/courses.jsonl": jsonl(course(), course(slug="again"))}
    path = write_bundle(tmp_path / "sameuuid.idtb", files, key=key)
    refused(laptop, path, "not imported")


def test_a_dangling_reference_is_refused(laptop: Store, key: Key, tmp_path: Path):
    files = {"data/modules.jsonl": jsonl(module(course_uuid="no-such-course"))}
    path = write_bundle(tmp_path / "dangling.idtb", files, key=key)
    refused(laptop, path, "data/modules.jsonl: course_uuid refers to 1 rows of courses",
            "no-such-course")


def test_answers_of_an_attempt_that_does_not_exist_are_refused(laptop: Store, trainer: Trainer,
                                                               tmp_path: Path):
    bundles.import_bundle(laptop, trainer.content)  # the questions are here
    files = entries_of(trainer.results)
    assert files["data/answers.jsonl"] and files["data/attempts.jsonl"]
    files["data/attempts.jsonl"] = b""
    path = write_bundle(tmp_path / "orphans.idtb", files, key=OTHER_KEY, kind="results")
    refused(laptop, path, "data/answers.jsonl: attempt_uuid refers to 1 rows of attempts")


def test_a_hand_built_dangling_answer_is_refused(laptop: Store, tmp_path: Path):
    answer = row("answer-1", attempt_uuid="no-such-attempt", question_uuid="no-such-q")
    path = write_bundle(tmp_path / "answer.idtb", {"data/answers.jsonl": jsonl(answer)},
                        key=OTHER_KEY, kind="results")
    refused(laptop, path, "attempt_uuid refers to 1 rows of attempts", "no-such-attempt")


# -- inspect ------------------------------------------------------------------------------


def test_inspect_reports_the_problem_of_a_tampered_bundle(laptop: Store, trainer: Trainer,
                                                          tmp_path: Path):
    assert bundles.inspect_bundle(laptop, trainer.content).problem is None
    before = dump(laptop)
    body, sig = signed_parts(trainer.content)
    files = entries_of(trainer.content)
    files["data/taxa.jsonl"] = files["data/taxa.jsonl"].replace(b"Animalia", b"Animalio", 1)
    tampered = write_bundle(tmp_path / "tampered.idtb", files, key=trainer.key, manifest=body,
                            signature=sig)
    found = bundles.inspect_bundle(laptop, tampered)
    assert found.signature_ok and found.trusted
    assert "data/taxa.jsonl: its hash does not match the manifest" in found.problem
    forged = write_bundle(tmp_path / "forged.idtb", entries_of(trainer.content),
                          key=trainer.key, manifest=body, signature=OTHER_KEY.sign(body))
    found = bundles.inspect_bundle(laptop, forged)
    assert not found.signature_ok
    assert "the signature does not match" in found.problem
    assert dump(laptop) == before


def test_inspect_reports_an_untrusted_publisher(store: Store, trainer: Trainer):
    found = bundles.inspect_bundle(store, trainer.content)
    assert found.signature_ok and not found.trusted
    assert found.manifest.fingerprint in found.problem


def test_inspect_reports_a_row_without_rev(laptop: Store, key: Key, tmp_path: Path):
    line = {k: v for k, v in course().items() if k != "rev"}
    path = write_bundle(tmp_path / "norev.idtb", {"data/courses.jsonl": jsonl(line)}, key=key)
    found = bundles.inspect_bundle(laptop, path)
    assert found.problem is not None and "data/courses.jsonl line 1" in found.problem


# -- what a refusal must not leave behind -------------------------------------------------


def test_a_failed_import_forgets_the_trust_the_person_gave(store: Store, trainer: Trainer,
                                                           tmp_path: Path):
    files = entries_of(trainer.content)
    first, *rest = files["data/species.jsonl"].splitlines(keepends=True)
    bad = json.dumps({**json.loads(first), "taxon_group": "dragons"}).encode() + b"\n"
    files["data/species.jsonl"] = b"".join([bad, *rest])
    path = write_bundle(tmp_path / "dragons.idtb", files, key=trainer.key)
    asked = []
    refused(store, path, "CHECK constraint failed",
            trust=lambda manifest: asked.append(manifest) or True)
    assert len(asked) == 1
    assert store.keys.trusted(keylib.key_id(public_of(trainer.key))) is None


def test_one_hostile_bundle_does_not_stop_the_others(laptop: Store, key: Key, tmp_path: Path):
    no_rev = {k: v for k, v in course("course-9").items() if k != "rev"}
    hostile = [
        write_bundle(tmp_path / "1-norev.idtb", {"data/courses.jsonl": jsonl(no_rev)}, key=key),
        with_flag(write_bundle(tmp_path / "2-flag.idtb", good_files(), key=key),
                  "data/modules.jsonl", 0x20),
        write_zip(tmp_path / "3-empty.idtb", []),
    ]
    good = write_bundle(tmp_path / "4-good.idtb", good_files(), key=key)
    outcomes = bundles.import_many(laptop, [*hostile, good])
    for path, outcome in zip(hostile, outcomes, strict=False):
        assert outcome.summary is None and path.name in outcome.error
    assert outcomes[-1].error is None and outcomes[-1].summary.total("added") == 2


def test_a_results_bundle_cannot_add_answers_to_a_submitted_attempt(
        laptop: Store, trainer: Trainer, tmp_path: Path):
    bundles.import_bundle(laptop, trainer.content)
    bundles.import_bundle(laptop, trainer.results, trust=lambda m: True)
    attempt = json.loads(entries_of(trainer.results)["data/attempts.jsonl"].splitlines()[0])
    assert attempt["submitted_at"]
    question = laptop.scalar("SELECT uuid FROM questions WHERE uuid NOT IN "
                             "(SELECT question_uuid FROM answers) LIMIT 1")
    extra = row("answer-extra", attempt_uuid=attempt["uuid"], question_uuid=question,
                response=json.dumps({"option": None}), score=1.0)
    rescored = {**attempt, "score": 100.0, "passed": 1, "rev": attempt["rev"] + 1,
                "updated_by": "mallory"}
    files = {"data/attempts.jsonl": jsonl(rescored), "data/answers.jsonl": jsonl(extra)}
    path = write_bundle(tmp_path / "late-answer.idtb", files, key=OTHER_KEY, kind="results")

    def the_attempt() -> tuple[list, list]:
        return (laptop.query("SELECT * FROM attempts WHERE uuid = ?", (attempt["uuid"],)),
                laptop.query("SELECT * FROM answers WHERE attempt_uuid = ? ORDER BY uuid",
                             (attempt["uuid"],)))

    before = the_attempt()
    with contextlib.suppress(bundles.BundleError):  # refusing or skipping would both do
        bundles.import_bundle(laptop, path, trust=lambda m: True)
    assert the_attempt() == before
