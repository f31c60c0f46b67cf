"""Make the upgrade-path fixture with IDTrainer as it was before the trust work (schema v1).

Run with an old checkout first on the path, e.g. from the repository root:

    git archive 818e8e5 src | tar -x -C /tmp/v1
    PYTHONPATH=/tmp/v1/src python tests/data/upgrade/make_v1.py tests/data/upgrade

It writes, from tests/data/content:
  trainer/        the trainer's data folder: trainer password set, the publisher key in the
                  clear (as v1 kept it), a quiz, two certificates (one revoked), the first
                  results of the laptop imported, and the backup v1 took before that import
  laptop/         an officer's laptop: a random device id, a trainee with a PIN, two
                  submitted attempts
  laptop-2.idtb   that laptop's second results bundle, not yet imported by the trainer
  publisher.hex   the trainer's private publisher key, to prove it no longer appears in the
                  files after the upgrade (the fixture is test data, not a secret)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from idtrainer.core import bundles
from idtrainer.core.app_data import STARTER_LOADED, open_store
from idtrainer.core.content import load_content, read_content
from idtrainer.core.migrations import LATEST
from idtrainer.core.quizzes import QuizSettings, Rule

PASSWORD = "steppe-eagle-7"
CONTENT = Path(__file__).resolve().parents[1] / "content"


def store_at(folder: Path):
    s = open_store(folder, load_starter=False)
    load_content(s, read_content(CONTENT))
    s.set_setting(STARTER_LOADED, s.now())
    return s


def answer_all(s, quiz: str, trainee: str, right: bool) -> None:
    attempt = s.attempts.start(quiz, trainee, "ru")
    for item in attempt.items:
        q = s.questions.get(item["q"], "ru")
        from idtrainer.core.scoring import correct_response

        response = correct_response(q) if right else {}
        s.attempts.answer(attempt.uuid, item["q"], response)
    s.attempts.submit(attempt.uuid)


def main(out: Path) -> None:
    assert LATEST == 1, "run this with the v1 code (see the docstring)"
    if out.exists():
        for name in ("trainer", "laptop", "laptop-2.idtb", "publisher.hex", "content.idtb"):
            target = out / name
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    trainer = store_at(out / "trainer")
    trainer.trainer.set_password(PASSWORD)
    trainer.set_setting("device_name", "Trainer laptop")
    quiz = trainer.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60),
                                [Rule("random", count=3, filter={})])
    kept = trainer.certificates.issue("Айгерим Сапарова", "CITES", "ru", score=90.0)
    gone = trainer.certificates.issue("Бахыт Оспанов", "CITES", "ru", score=80.0)
    trainer.certificates.revoke(gone.serial, "issued by mistake")
    content = bundles.export_bundle(trainer, "content", out / "content.idtb")
    kid, private = trainer.keys.publisher()
    from cryptography.hazmat.primitives import serialization

    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    (out / "publisher.hex").write_text(raw.hex() + "\n")

    laptop = store_at(out / "laptop")
    laptop.set_setting("device_name", "Officer laptop 7")
    bundles.import_bundle(laptop, content.path, trust=lambda m: True)
    officer = laptop.trainees.create("Ерлан Officer", pin="4321")
    answer_all(laptop, quiz, officer, right=True)
    first = bundles.export_bundle(laptop, "results", out / "laptop-1.idtb")
    bundles.import_bundle(trainer, first.path)  # v1 takes a backup before it
    answer_all(laptop, quiz, officer, right=False)
    bundles.export_bundle(laptop, "results", out / "laptop-2.idtb")
    shutil.rmtree(out / "laptop" / "backups", ignore_errors=True)  # not needed
    (out / "laptop-1.idtb").unlink()
    (out / "content.idtb").unlink()
    print(json.dumps({"quiz": quiz, "kept": kept.serial, "revoked": gone.serial,
                      "publisher": kid, "laptop_device": laptop.device_id}))
    trainer.close()
    laptop.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
