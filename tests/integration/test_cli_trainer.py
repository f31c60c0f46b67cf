"""Every trainer command on the command line needs the trainer password (issue 12).

Without it: one clear line, exit 2, and the database exactly as it was (compared row by
row). With --password-file, or IDTRAINER_TRAINER_PASSWORD for scripts, it works.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from test_cli import PASSWORD, password_file, run

CONTENT = Path(__file__).parent.parent / "data" / "content"


def dump(data: Path) -> list[str]:
    conn = sqlite3.connect(data / "idtrainer.sqlite")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, starter_db: Path) -> dict[str, Path | str]:
    """A trainer's laptop (set up, a class, a certificate) and the files the commands use:
    a laptop's results bundle, a public key file and an exported publisher key."""
    root = tmp_path_factory.mktemp("trainer-cli")
    trainer, laptop = root / "trainer", root / "laptop"
    shutil.copytree(starter_db, trainer)
    shutil.copytree(starter_db, laptop)
    with sqlite3.connect(laptop / "idtrainer.sqlite") as conn:  # its own identity
        conn.execute("DELETE FROM settings WHERE key = 'device_id'")
        conn.execute("DELETE FROM keys")
    conn.close()
    pw = password_file(root)
    t = ("--data-dir", str(trainer))
    assert run(*t, "trainer", "setup", "--password-file", pw).returncode == 0
    assert run(*t, "classes", "create", "Almaty", "--password-file", pw).returncode == 0
    issued = run(*t, "certificates", "issue", "--name", "Ерлан", "--course", "CITES",
                 "--lang", "ru", "--out", str(root / "one.pdf"), "--password-file", pw)
    assert issued.returncode == 0, issued.stderr
    results = root / "results.idtb"
    made = run("--data-dir", str(laptop), "bundle", "export", "--kind", "results",
               str(results))
    assert made.returncode == 0, made.stderr
    assert run(*t, "keys", "export", str(root / "trainer.pub")).returncode == 0
    key = root / "publisher.key"
    assert run(*t, "keys", "export", "--private", str(key), "--password-file", pw,
               stdin="a long passphrase\n").returncode == 0
    return {"root": root, "trainer": trainer, "serial": issued.stdout.splitlines()[0],
            "results": results, "pub": root / "trainer.pub", "key": key, "pw": pw}


def trainer_commands(p: dict) -> dict[str, list[str]]:
    out = str(p["root"] / "out")
    return {
        "certificates issue": ["certificates", "issue", "--name", "Mallory", "--course", "X",
                               "--lang", "ru", "--score", "100", "--out", out + ".pdf"],
        "certificates print": ["certificates", "print", "--class", "Almaty",
                               "--out", out + ".pdf"],
        "certificates reprint": ["certificates", "reprint", p["serial"], "--out", out + ".pdf"],
        "certificates revoke": ["certificates", "revoke", p["serial"], "--reason", "spite"],
        "keys export --private": ["keys", "export", "--private", out + ".key"],
        "keys import": ["keys", "import", str(p["key"])],
        "keys trust": ["keys", "trust", str(p["pub"]), "--yes"],
        "bundle export --kind content": ["bundle", "export", "--kind", "content",
                                         out + ".idtb"],
        "bundle import (results)": ["bundle", "import", "--trust-device", "0" * 16,
                                    str(p["results"])],
        "content load": ["content", "load", str(CONTENT)],
        "classes create": ["classes", "create", "Mallory's class"],
        "classes add": ["classes", "add", "Almaty", "Mallory"],
        "classes list": ["classes", "list"],
        "results export": ["results", "export", out + ".csv"],
        "trainer passwd": ["trainer", "passwd", "--new-password-file", str(p["pw"])],
    }


COMMANDS = list(trainer_commands({"root": Path("x"), "serial": "", "results": "", "pub": "",
                                  "key": "", "pw": ""}))


@pytest.mark.parametrize("name", COMMANDS)
def test_a_trainer_command_without_the_password_exits_2_and_changes_nothing(
        prepared: dict, name: str):
    args = trainer_commands(prepared)[name]
    before = dump(prepared["trainer"])
    result = run("--data-dir", str(prepared["trainer"]), *args, stdin=None)
    assert result.returncode == 2, (name, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "trainer password" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert dump(prepared["trainer"]) == before
    assert not list(prepared["root"].glob("out.*"))


def test_a_wrong_password_is_refused_and_changes_nothing_else(prepared: dict, tmp_path: Path):
    before = [line for line in dump(prepared["trainer"]) if "trainer_" not in line]
    wrong = password_file(tmp_path, "not-the-password")
    result = run("--data-dir", str(prepared["trainer"]), "certificates", "issue", "--name",
                 "Mallory", "--course", "X", "--lang", "ru", "--out",
                 str(tmp_path / "x.pdf"), "--password-file", wrong)
    assert result.returncode == 2 and "not right" in result.stderr
    # Only the failure count (the growing delay) is written.
    assert [line for line in dump(prepared["trainer"]) if "trainer_" not in line] == before
    assert not (tmp_path / "x.pdf").exists()


def test_with_the_password_file_or_the_environment_they_work(prepared: dict, tmp_path: Path):
    copy = tmp_path / "copy"
    shutil.copytree(prepared["trainer"], copy)
    d = ("--data-dir", str(copy))
    listed = run(*d, "classes", "list", "--password-file", str(prepared["pw"]))
    assert listed.returncode == 0 and "Almaty" in listed.stdout
    env = {"IDTRAINER_TRAINER_PASSWORD": PASSWORD}
    revoked = run(*d, "certificates", "revoke", prepared["serial"], "--reason", "a typo",
                  env=env)
    assert revoked.returncode == 0, revoked.stderr
    # The trainer's results import: the laptop is pinned with keys trust, then imported.
    not_yet = run(*d, "bundle", "import", str(prepared["results"]), env=env)
    assert not_yet.returncode == 1 and "--trust-device" in not_yet.stderr
    pinned = run(*d, "keys", "trust", str(prepared["results"]), "--yes", env=env)
    assert pinned.returncode == 0 and "pinned" in pinned.stdout, pinned.stderr
    imported = run(*d, "bundle", "import", str(prepared["results"]), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "results from" in imported.stdout


def test_setup_once_and_passwd_seals_the_key_again(prepared: dict, tmp_path: Path):
    copy = tmp_path / "copy"
    shutil.copytree(prepared["trainer"], copy)
    d = ("--data-dir", str(copy))
    pw = str(prepared["pw"])
    twice = run(*d, "trainer", "setup", "--password-file", pw)
    assert twice.returncode == 2 and "trainer passwd" in twice.stderr
    new = password_file(tmp_path, "a-new-password-5")
    changed = run(*d, "trainer", "passwd", "--password-file", pw, "--new-password-file", new)
    assert changed.returncode == 0, changed.stderr
    old = run(*d, "classes", "list", "--password-file", pw)
    assert old.returncode == 2 and "not right" in old.stderr
    assert run(*d, "classes", "list", "--password-file", new).returncode == 0
    weak = password_file(tmp_path / "..", "short")
    refused = run(*d, "trainer", "passwd", "--password-file", new, "--new-password-file", weak)
    assert refused.returncode == 2 and "at least" in refused.stderr


def test_nothing_but_setup_makes_a_publisher_key(tmp_path: Path, starter_db: Path):
    officer = tmp_path / "officer"
    shutil.copytree(starter_db, officer)
    pw = password_file(tmp_path)
    result = run("--data-dir", str(officer), "certificates", "issue", "--name", "Mallory",
                 "--course", "X", "--lang", "ru", "--out", str(tmp_path / "x.pdf"),
                 "--password-file", pw)
    assert result.returncode == 2 and "trainer setup" in result.stderr
    conn = sqlite3.connect(officer / "idtrainer.sqlite")
    assert conn.execute("SELECT count(*) FROM keys WHERE kind = 'publisher'").fetchone() == (0,)
    conn.close()


def test_a_copied_database_file_cannot_sign_anything(prepared: dict, tmp_path: Path):
    from idtrainer.core.store import Store

    copy = tmp_path / "stolen"
    shutil.copytree(prepared["trainer"], copy)
    with Store.open(prepared["trainer"] / "idtrainer.sqlite") as store:  # the real trainer
        assert store.trainer.unlock(PASSWORD).ok
        from cryptography.hazmat.primitives import serialization

        secret = store.keys.publisher()[1].private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption())
    assert [p for p in copy.rglob("*") if p.is_file() and secret in p.read_bytes()] == []
    guess = password_file(tmp_path, "a-guessed-password")
    for args in (["certificates", "issue", "--name", "Mallory", "--course", "X", "--lang",
                  "ru", "--score", "100", "--out", str(tmp_path / "x.pdf")],
                 ["bundle", "export", "--kind", "content", str(tmp_path / "x.idtb")],
                 ["keys", "export", "--private", str(tmp_path / "x.key")]):
        result = run("--data-dir", str(copy), *args, "--password-file", guess,
                     stdin="a long passphrase\n")
        # (after three guesses the growing delay answers instead; a thief can reset that
        # in their copy, but not the scrypt work of each guess)
        assert result.returncode == 2 and ("not right" in result.stderr or
                                           "too many wrong" in result.stderr), result.stderr
    assert not list(tmp_path.glob("x.*"))
