"""The upgrade path: databases written by IDTrainer before the trust work (schema v1).

tests/data/upgrade holds a trainer's data folder (the publisher key in the clear, device
ids not bound to keys, a revoked certificate, a backup holding the clear key), an
officer's laptop still on the old data, and that laptop's next results bundle, made by
the old code (tests/data/upgrade/make_v1.py says how). The trainer's database opens,
converts at the first unlock, and goes on syncing with the laptop.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from idtrainer.core import bundles
from idtrainer.core.app_data import open_store
from idtrainer.core.keys import PublisherLocked
from idtrainer.core.migrations import LATEST, read_version

FIXTURE = Path(__file__).parent.parent / "data" / "upgrade"
PASSWORD = "steppe-eagle-7"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    target = tmp_path / "old"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("*.py"))
    return target


def files_holding(folder: Path, secret: bytes) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and secret in p.read_bytes())


def test_the_fixture_is_what_the_old_code_wrote(old: Path):
    assert read_version(old / "trainer" / "idtrainer.sqlite") == 1
    assert read_version(old / "laptop" / "idtrainer.sqlite") == 1
    secret = bytes.fromhex((old / "publisher.hex").read_text().strip())
    assert files_holding(old / "trainer", secret)  # the clear key, and in the backup too


def test_a_v1_trainer_database_opens_converts_and_keeps_syncing(old: Path, tmp_path: Path):
    secret = bytes.fromhex((old / "publisher.hex").read_text().strip())
    trainer = open_store(old / "trainer")
    try:
        assert trainer.schema_version() == LATEST
        # Opened, not yet unlocked: the key is still the old clear one, and nothing signs.
        assert trainer.keys.has_publisher() and trainer.keys.publisher() is None
        with pytest.raises(PublisherLocked):
            trainer.keys.sign(b"anything")
        assert not trainer.trainer.unlock("not the password").ok
        assert trainer.trainer.unlock(PASSWORD).ok  # the conversion happens here
        kid = trainer.keys.publisher()[0]
        assert trainer.scalar("SELECT private_key FROM keys WHERE key_id = ?", (kid,)) is None
        assert trainer.scalar("SELECT sealed_key FROM keys WHERE key_id = ?", (kid,))
        # The revocation made by the old code is now signed, so it can travel.
        revoked = trainer.query_one("SELECT * FROM certificates WHERE revoked_at IS NOT NULL")
        assert trainer.scalar("SELECT count(*) FROM revocations WHERE serial = ?",
                              (revoked["serial"],)) == 1
        # The laptop, still on the old data, sends its next results: its device id (a
        # random uuid) is bound to the key it signed with before, without asking.
        laptop_id = trainer.scalar("SELECT producer_device FROM sync_log WHERE kind = "
                                   "'results' AND direction = 'import'")
        asked = []
        summary = bundles.import_bundle(trainer, old / "laptop-2.idtb",
                                        trust=lambda m: asked.append(m) or False)
        assert asked == [] and summary.tables["attempts"]["added"] == 1
        assert summary.flags == []  # honest results are not flagged
        assert trainer.scalar("SELECT device_id FROM device_pins") == laptop_id
        attempts = trainer.query("SELECT passed, origin, device_id FROM attempts "
                                 "ORDER BY submitted_at")
        assert [a["passed"] for a in attempts] == [1, 0]
        assert {a["origin"] for a in attempts} == {laptop_id}
        trainer.trainer.lock()
        assert trainer.keys.publisher() is None
        assert trainer.trainer.unlock(PASSWORD).ok
        content = bundles.export_bundle(trainer, "content", tmp_path / "content.idtb")
        assert content.manifest.counts["revocations"] == 1
    finally:
        trainer.close()
    # Nothing left in the folder holds the clear key: not the database, not its backups.
    assert files_holding(old / "trainer", secret) == []

    # The laptop upgrades too: its next results still come from the pinned laptop.
    laptop = open_store(old / "laptop")
    try:
        assert laptop.device_id == laptop_id  # it keeps its id
        bundles.import_bundle(laptop, content.path)  # trusted already from the old days
        serial = revoked["serial"]
        payload = revoked["payload"]
        verdict = laptop.certificates.verify(payload)
        assert verdict.status == "revoked" and verdict.details["reason"] == \
            revoked["revoke_reason"], (serial, verdict)
        trainee = laptop.scalar("SELECT uuid FROM trainees WHERE name = 'Ерлан Officer'")
        assert laptop.trainees.check_pin(trainee, "4321")
        results = bundles.export_bundle(laptop, "results", tmp_path / "laptop-3.idtb")
    finally:
        laptop.close()
    trainer = open_store(old / "trainer")
    try:
        summary = bundles.import_bundle(trainer, results.path)  # pinned: not asked
        assert summary.total("refused") == 0, summary.flags
    finally:
        trainer.close()
