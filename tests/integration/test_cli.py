"""The idtrainer command run as a person runs it: a subprocess, real files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from hostile_pictures import HOSTILE_NAMES, hostile
from idtrainer.core.migrations import LATEST

PASSWORD = "steppe-eagle-7"


def run(*args: str, cwd: Path | None = None, stdin: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    environment.pop("IDTRAINER_TRAINER_PASSWORD", None) if env is None else None
    return subprocess.run([sys.executable, "-m", "idtrainer", "--lang", "en", *args],
                          capture_output=True, text=True, env=environment, cwd=cwd,
                          timeout=120, input=stdin,
                          stdin=subprocess.DEVNULL if stdin is None else None)


def password_file(folder: Path, password: str = PASSWORD) -> str:
    path = folder / "trainer-password.txt"
    path.write_text(password + "\n", encoding="utf-8")
    return str(path)


def set_up_trainer(data: Path, tmp_path: Path) -> tuple[str, str]:
    """``trainer setup`` on ``data``; returns ("--password-file", FILE) for the commands."""
    pw = password_file(tmp_path)
    result = run("--data-dir", str(data), "trainer", "setup", "--name", "Trainer A",
                 "--password-file", pw)
    assert result.returncode == 0, result.stderr
    assert "fingerprint" in result.stdout
    return "--password-file", pw


def trainer_env(data: Path) -> dict[str, str]:
    """Trainer mode set up on ``data`` (if it is not yet) with PASSWORD; the environment
    that gives trainer commands that password."""
    from idtrainer.core.app_data import open_store

    with open_store(data) as store:
        if not store.trainer.has_password():
            store.trainer.set_password(PASSWORD, name="Trainer A")
    return {"IDTRAINER_TRAINER_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def data(tmp_path_factory, starter_db: Path) -> Path:
    target = tmp_path_factory.mktemp("cli") / "data"
    shutil.copytree(starter_db, target)
    return target


def test_info_on_a_fresh_data_dir_builds_the_starter_database(tmp_path: Path):
    result = run("--data-dir", str(tmp_path / "new"), "info")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    assert int(lines["Species"].replace(",", "")) >= 3
    assert int(lines["Lessons"]) >= 1 and int(lines["Questions"]) >= 1
    assert lines["Trainees"].strip() == "0" and lines["Attempts"].strip() == "0"
    assert lines["Schema version"].strip().startswith(str(LATEST))
    assert str(tmp_path / "new") in lines["Data directory"]
    assert (tmp_path / "new" / "idtrainer.sqlite").exists()


def test_info_in_russian(data: Path):
    env = {**os.environ}
    result = subprocess.run([sys.executable, "-m", "idtrainer", "--lang", "ru",
                             "--data-dir", str(data), "info"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0
    assert "Виды" in result.stdout and "Species" not in result.stdout


def test_db_check_passes_on_a_sound_database(data: Path):
    result = run("--data-dir", str(data), "db", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sound" in result.stdout


def test_db_check_reports_a_missing_media_file(tmp_path: Path, data: Path):
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    victim = next(p for p in (copy / "media").rglob("*") if p.is_file())
    victim.unlink()
    result = run("--data-dir", str(copy), "db", "check")
    assert result.returncode == 1
    assert victim.name in result.stdout and "1 problem found" in result.stdout


def test_db_backup_writes_a_readable_copy(tmp_path: Path, data: Path):
    target = tmp_path / "backup.sqlite"
    result = run("--data-dir", str(data), "db", "backup", str(target))
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM species").fetchone()[0] >= 3
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_db_commands_on_a_missing_database_fail_clearly(tmp_path: Path):
    result = run("--data-dir", str(tmp_path / "nothing"), "db", "check")
    assert result.returncode == 2
    assert "no database at" in result.stderr
    assert not (tmp_path / "nothing" / "idtrainer.sqlite").exists()


def test_backup_to_an_unwritable_place_fails_clearly(tmp_path: Path, data: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("--data-dir", str(data), "db", "backup", str(blocker / "sub" / "b.sqlite"))
    assert result.returncode == 2 and "error" in result.stderr
    assert "Traceback" not in result.stderr


def test_newer_database_is_refused_with_a_message(tmp_path: Path):
    data = tmp_path / "future"
    data.mkdir()
    conn = sqlite3.connect(data / "idtrainer.sqlite")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    before = (data / "idtrainer.sqlite").read_bytes()
    result = run("--data-dir", str(data), "info")
    assert result.returncode == 2
    assert "newer IDTrainer" in result.stderr and "Traceback" not in result.stderr
    assert (data / "idtrainer.sqlite").read_bytes() == before


def test_bad_arguments_exit_non_zero():
    result = run("db", "explode")
    assert result.returncode == 2 and "invalid choice" in result.stderr
    result = run("--lang", "fr", "info")
    assert result.returncode == 2


def test_content_check_names_file_and_field(tmp_path: Path):
    fixture = Path(__file__).parent.parent / "data" / "content"
    content = tmp_path / "content"
    shutil.copytree(fixture, content)
    toml = content / "species" / "panthera-uncia" / "species.toml"
    toml.write_text(toml.read_text().replace('appendix = "I"', 'appendix = "VI"'))
    result = run("content", "check", str(content))
    assert result.returncode == 2
    assert f"{toml}: cites.appendix: must be one of" in result.stderr
    ok = run("content", "check", str(fixture))
    assert ok.returncode == 0 and "1 species" in ok.stdout


def test_portable_mode_keeps_data_beside_the_program(tmp_path: Path):
    program = tmp_path / "stick"
    program.mkdir()
    launcher = program / "launch.py"
    launcher.write_text("import sys\nfrom idtrainer.cli import main\nsys.exit(main())\n")
    (program / "idtrainer-portable").write_text("")
    result = subprocess.run([sys.executable, str(launcher), "--lang", "en", "info"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (program / "IDTrainer-data" / "idtrainer.sqlite").exists()
    flag = tmp_path / "flagged"
    flag.mkdir()
    launcher2 = flag / "launch.py"
    launcher2.write_text(launcher.read_text())
    result = subprocess.run([sys.executable, str(launcher2), "--portable", "--lang", "en",
                             "info"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (flag / "IDTrainer-data" / "idtrainer.sqlite").exists()


def test_content_load_into_a_new_data_dir_replaces_the_starter_set(tmp_path: Path):
    fixture = Path(__file__).parent.parent / "data" / "content"
    data = tmp_path / "custom"
    pw = set_up_trainer(data, tmp_path)
    result = run("--data-dir", str(data), "content", "load", str(fixture), *pw)
    assert result.returncode == 0, result.stderr
    assert "rows added" in result.stdout
    info = run("--data-dir", str(data), "info")
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert fields["Species"].strip() == "1" and fields["Questions"].strip() == "3"
    again = run("--data-dir", str(data), "content", "load", str(fixture), *pw)
    assert "0 rows added, 0 updated" in again.stdout


def test_content_load_refuses_every_hostile_picture_and_changes_nothing(tmp_path: Path):
    fixture = Path(__file__).parent.parent / "data" / "content"
    data = tmp_path / "custom"
    env = trainer_env(data)
    assert run("--data-dir", str(data), "content", "load", str(fixture), env=env
               ).returncode == 0
    before = "\n".join(sqlite3.connect(data / "idtrainer.sqlite").iterdump())
    media_before = sorted(p.name for p in (data / "media").rglob("*"))
    content = tmp_path / "content"
    shutil.copytree(fixture, content)
    species = content / "species" / "panthera-uncia"
    entries = []
    for name in HOSTILE_NAMES:
        (species / "media" / name).write_bytes(hostile(name).data)
        entries.append(f'[[images]]\nfile = "media/{name}"\nauthor = "A"\n'
                       'licence = "CC0-1.0"\nsource = "S"\n')
    toml = species / "species.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n" + "\n".join(entries),
                    encoding="utf-8")
    result = run("--data-dir", str(data), "content", "load", str(content), env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for i, name in enumerate(HOSTILE_NAMES, 2):
        line = (f"{toml}: images[{i}].file: {species / 'media' / name}: "
                f"{hostile(name).reason}")
        assert line in result.stderr.splitlines(), result.stderr
    assert "\n".join(sqlite3.connect(data / "idtrainer.sqlite").iterdump()) == before
    assert sorted(p.name for p in (data / "media").rglob("*")) == media_before


def test_certificates_from_the_command_line(tmp_path: Path, data: Path):
    from pypdf import PdfReader

    copy = tmp_path / "certs"
    shutil.copytree(data, copy)
    d = ("--data-dir", str(copy))
    pw = set_up_trainer(copy, tmp_path)
    out = tmp_path / "one.pdf"
    result = run(*d, "certificates", "issue", "--name", "Oʻlmas Gʻulomov", "--course",
                 "CITES turlarini aniqlash", "--lang", "uz", "--score", "91", "--out", str(out),
                 *pw)
    assert result.returncode == 0, result.stderr
    serial = result.stdout.splitlines()[0]
    assert "Oʻlmas Gʻulomov" in PdfReader(out).pages[0].extract_text()

    assert run(*d, "classes", "create", "Bishkek 2026", *pw).returncode == 0
    assert run(*d, "classes", "add", "Bishkek 2026", "Айгүл", "Бакыт", "Эрлан", *pw
               ).returncode == 0
    batch = tmp_path / "class.pdf"
    result = run(*d, "certificates", "print", "--class", "Bishkek 2026", "--lang", "ru",
                 "--out", str(batch), *pw)
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(batch).pages) == 3

    from idtrainer.core.store import Store

    with Store.open(copy / "idtrainer.sqlite") as store:
        payload = store.certificates.get(serial).payload
    ok = run(*d, "certificates", "verify", payload)
    assert ok.returncode == 0 and "VALID" in ok.stdout and serial in ok.stdout
    bad = run(*d, "certificates", "verify", payload[:-2] + "xx")
    assert bad.returncode == 1 and "INVALID" in bad.stdout
    # The printed serial, typed as a person types it: the register's record, not a proof.
    typed = run(*d, "certificates", "verify", serial.lower().replace("-", " "))
    assert typed.returncode == 1 and "IN THE REGISTER" in typed.stdout
    assert "Oʻlmas Gʻulomov" in typed.stdout and "only the QR" in typed.stdout
    assert run(*d, "certificates", "revoke", serial, "--reason", "typo in name", *pw
               ).returncode == 0
    revoked = run(*d, "certificates", "verify", payload)
    assert revoked.returncode == 1 and "REVOKED" in revoked.stdout
    by_serial = run(*d, "certificates", "verify", serial)
    assert by_serial.returncode == 1 and "REVOKED" in by_serial.stdout
    assert "typo in name" in by_serial.stdout
    missing = run(*d, "certificates", "print", "--class", "Nowhere", "--out", str(batch), *pw)
    assert missing.returncode == 2 and "no class named Nowhere" in missing.stderr


@pytest.mark.parametrize("name", ["truncated.jpg", "external.svg"])
def test_printing_with_a_hostile_logo_is_one_clear_line(tmp_path: Path, data: Path,
                                                        name: str):
    from idtrainer.core.certificates import CertificateTemplate
    from idtrainer.core.store import Store

    copy = tmp_path / "certs"
    shutil.copytree(data, copy)
    logo = tmp_path / "logo.png"
    logo.write_bytes(hostile(name).data)  # e.g. replaced after the template was saved
    with Store.open(copy / "idtrainer.sqlite") as store:
        store.set_setting("certificate_template", json.dumps(
            {**asdict(CertificateTemplate()), "logo_path": str(logo)}))
    out = tmp_path / "one.pdf"
    result = run("--data-dir", str(copy), "certificates", "issue", "--name", "A", "--course",
                 "C", "--lang", "en", "--out", str(out), env=trainer_env(copy))
    assert result.returncode == 2
    reason = "SVG pictures are not accepted here; use PNG, JPEG" if hostile(name).svg \
        else hostile(name).reason
    assert result.stderr.strip().endswith(f"{logo}: {reason}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_results_export_csv(tmp_path: Path, data: Path):
    import csv as csv_module

    from idtrainer.core.quizzes import QuizSettings, Rule
    from idtrainer.core.store import Store

    copy = tmp_path / "results"
    shutil.copytree(data, copy)
    pw = set_up_trainer(copy, tmp_path)
    with Store.open(copy / "idtrainer.sqlite") as store:
        quiz = store.quizzes.save("Final test", QuizSettings(),
                                  [Rule("random", count=3, filter={"types": ["appendix"]})])
        for name in ("Айгүл", "Oʻlmas"):
            attempt = store.attempts.start(quiz, store.trainees.create(name), "ru")
            store.attempts.submit(attempt.uuid)
    out = tmp_path / "results.csv"
    result = run("--data-dir", str(copy), "results", "export", "--format", "csv", str(out),
                 *pw)
    assert result.returncode == 0 and "2 attempts" in result.stdout
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv_module.DictReader(fh))
    assert sorted(r["trainee"] for r in rows) == ["Oʻlmas", "Айгүл"]
    bad = run("--data-dir", str(copy), "results", "export", str(tmp_path / "no" / "x.csv"),
              *pw)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_bundles_and_keys_from_the_command_line(tmp_path: Path, data: Path):
    """Trainer A's content to laptop B, B's results back, with keys moved by hand."""
    laptops = {}
    for name in ("A", "B", "A2"):
        shutil.copytree(data, tmp_path / name)
        with sqlite3.connect(tmp_path / name / "idtrainer.sqlite") as conn:  # its own identity
            conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", (name * 8,))
            conn.execute("DELETE FROM keys")
            conn.execute("DELETE FROM trusted_keys")
        conn.close()
        laptops[name] = ("--data-dir", str(tmp_path / name))
    a, b, a2 = laptops["A"], laptops["B"], laptops["A2"]
    course = tmp_path / "course.idtb"
    no_password = run(*a, "bundle", "export", "--kind", "content", str(course))
    assert no_password.returncode == 2 and "trainer password" in no_password.stderr
    pw = ("--password-file", password_file(tmp_path))
    not_set_up = run(*a, "bundle", "export", "--kind", "content", str(course), *pw)
    assert not_set_up.returncode == 2 and "trainer setup" in not_set_up.stderr
    assert not course.exists()

    assert run(*a, "trainer", "setup", "--name", "Trainer A", *pw).returncode == 0
    made = run(*a, "bundle", "export", "--kind", "content", "--module", "m1-cites-convention",
               "--title", "Module 1", str(course), *pw)
    assert made.returncode == 0, made.stderr
    inspect = run(*b, "bundle", "inspect", str(course))
    assert inspect.returncode == 1 and "does not trust" in inspect.stdout
    assert "Module 1" in inspect.stdout and "modules: 1" in inspect.stdout
    refused = run(*b, "bundle", "import", str(course))
    assert refused.returncode == 1 and "keys trust" in refused.stderr
    fingerprint = made.stdout.split("signed by key ")[1].strip()
    accepted = run(*b, "bundle", "import", "--trust-fingerprint", fingerprint, str(course))
    assert accepted.returncode == 0, accepted.stderr
    assert "content from" in accepted.stdout
    assert "already imported" in run(*b, "bundle", "import", str(course)).stdout
    assert run(*b, "bundle", "inspect", str(course)).returncode == 0

    # B's results: the trainer pins B's key the first time, by its fingerprint.
    results = tmp_path / "b-results.idtb"
    assert run(*b, "bundle", "export", "--kind", "results", str(results)).returncode == 0
    damaged = tmp_path / "damaged.idtb"
    damaged.write_bytes(results.read_bytes()[: results.stat().st_size // 2])
    asked = run(*a, "bundle", "import", str(results), *pw)
    assert asked.returncode == 1 and "--trust-device" in asked.stderr
    device = run(*b, "bundle", "inspect", str(results)).stdout.split("fingerprint ")[1].split(
        "\n")[0].strip()
    both = run(*a, "bundle", "import", "--trust-device", device, str(results), str(damaged),
               *pw)
    assert both.returncode == 1 and "damaged.idtb: not a complete bundle" in both.stderr
    assert "results from" in both.stdout
    assert "Results from 1 laptop: nothing new; 1 file refused: damaged" in both.stdout

    # The trainer's new laptop takes over the publisher key with its passphrase.
    key = tmp_path / "publisher.key"
    assert run(*a, "keys", "export", "--private", str(key), *pw, stdin="a long passphrase\n"
               ).returncode == 0
    assert run(*a2, "trainer", "setup", *pw).returncode == 0
    wrong = run(*a2, "keys", "import", str(key), *pw, stdin="not it\n")
    assert wrong.returncode == 2 and "wrong passphrase" in wrong.stderr
    assert run(*a2, "keys", "import", str(key), *pw, stdin="a long passphrase\n"
               ).returncode == 0
    listed = run(*a2, "keys", "list").stdout
    assert fingerprint in listed
    again = run(*a2, "bundle", "export", "--kind", "content", str(tmp_path / "a2.idtb"), *pw)
    assert fingerprint in again.stdout  # the imported key signs from now on
    public = tmp_path / "a.pub"
    assert run(*a, "keys", "export", str(public)).returncode == 0  # the public half: anyone
    assert run(*a2, "keys", "trust", str(public), "--yes", *pw).returncode == 0


def test_roster_import_and_reports_from_the_command_line(tmp_path: Path, data: Path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from idtrainer.core.quizzes import QuizSettings, Rule
    from idtrainer.core.scoring import correct_response
    from idtrainer.core.store import Store

    copy = tmp_path / "events"
    shutil.copytree(data, copy)
    d = ("--data-dir", str(copy))
    env = trainer_env(copy)

    def trun(*args: str) -> subprocess.CompletedProcess:
        return run(*args, env=env)

    assert trun(*d, "classes", "create", "Хоргос-1").returncode == 0
    roster = tmp_path / "roster.csv"
    roster.write_bytes("Сотрудник;Пол;Ведомство\r\nИванов Иван;м;КГД\r\nПетрова Анна;ж;КГД\r\n"
                       .encode("cp1251"))
    result = trun(*d, "roster", "import", "Хоргос-1", str(roster), "--map", "name=Сотрудник")
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("Сотрудник;Пол\nСидоров;м;лишнее\n", encoding="utf-8")
    refused = trun(*d, "roster", "import", "Хоргос-1", str(bad), "--map", "name=Сотрудник")
    assert refused.returncode == 2 and "row 2" in refused.stderr
    assert "Traceback" not in refused.stderr
    wrong = trun(*d, "roster", "import", "Хоргос-1", str(roster), "--encoding", "utf-8")
    assert wrong.returncode == 2 and "utf-8" in wrong.stderr

    with Store.open(copy / "idtrainer.sqlite") as store:
        questions = store.questions.uuids()[:5]
        quiz = store.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60),
                                  [Rule("fixed", question=q) for q in questions])
        event = store.events.save("Хоргос ноябрь", "2026-11-20", "2026-11-21", post_quiz=quiz)
        klass = store.classes.by_name("Хоргос-1")
        store.events.add_class(event, klass.uuid)
        for person in store.classes.members(klass.uuid):
            store.events.set_attendance(event, person.uuid, "2026-11-20", True)
            attempt = store.attempts.start(quiz, person.uuid, "ru")
            for item in attempt.items[:4]:
                store.attempts.answer(attempt.uuid, item["q"], correct_response(
                    store.questions.get(item["q"], "ru")))
            store.attempts.submit(attempt.uuid)
    pdf = tmp_path / "event.pdf"
    result = trun(*d, "--lang", "ru", "report", "event", "Хоргос ноябрь", "--format", "pdf",
                 "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    assert "Петрова Анна" in PdfReader(pdf).pages[0].extract_text()
    items = tmp_path / "items.xlsx"
    assert trun(*d, "report", "items", "Итоговый тест", "--format", "xlsx", "--out",
               str(items)).returncode == 0
    assert len(list(load_workbook(items)["Questions"].iter_rows())) == 6
    prog = tmp_path / "programme.xlsx"
    assert trun(*d, "report", "programme", "--from", "2026-11-01", "--to", "2026-11-30",
               "--format", "xlsx", "--out", str(prog)).returncode == 0
    summary = dict(load_workbook(prog)["Summary"].iter_rows(values_only=True))
    assert summary["People trained"] == "2" and summary["women"] == "1"
    missing = trun(*d, "report", "event", "Нет такого", "--format", "pdf", "--out", str(pdf))
    assert missing.returncode == 2 and "no event named" in missing.stderr
    bad_dates = trun(*d, "report", "programme", "--from", "2026-13-01", "--to", "2026-11-30",
                    "--format", "pdf", "--out", str(tmp_path / "p.pdf"))
    assert bad_dates.returncode == 2 and "YYYY-MM-DD" in bad_dates.stderr
# -- identify, checklist, experts -------------------------------------------------------------

CITES_SAMPLE = Path(__file__).parents[1] / "data" / "cites" / (
    "Index_of_CITES_Species_2017-04-21.csv")


def test_identify_lists_candidates_and_the_best_question(data: Path):
    first = run("--data-dir", str(data), "identify")
    assert first.returncode == 0, first.stderr
    assert "Candidates: 47 of 47" in first.stdout
    assert "Best next question: item" in first.stdout
    saiga = run("--data-dir", str(data), "identify", "--lang", "kk",
                "--answer", "item=hard-parts", "--answer", "horn-colour=amber")
    assert saiga.returncode == 0, saiga.stderr
    assert "Candidates: 1 of 47" in saiga.stdout and "Ақбөкен" in saiga.stdout
    horns = run("--data-dir", str(data), "identify", "--answer", "item=hard-parts",
                "--answer", "hard-part=sheath-horn", "--answer", "horn-base=20-30")
    assert horns.stdout.index("capra-falconeri") < horns.stdout.index("Best next question")
    assert "ovis-vignei" in horns.stdout and "saiga-tatarica" not in horns.stdout


def test_identify_list_and_bad_answers(data: Path):
    listed = run("--data-dir", str(data), "identify", "--list")
    assert "item: What do you hold?" in listed.stdout and "    hard-parts:" in listed.stdout
    bad = run("--data-dir", str(data), "identify", "--answer", "item=horn")
    assert bad.returncode == 2 and "item has the states live" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_checklist_import_and_lookup(tmp_path: Path, data: Path):
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    none = run("--data-dir", str(copy), "checklist", "lookup", "Saiga", "tatarica")
    assert none.returncode == 2 and "no checklist imported" in none.stderr
    imported = run("--data-dir", str(copy), "checklist", "import", str(CITES_SAMPLE))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 25 taxa" in imported.stdout and "2017-04-21" in imported.stdout
    synonym = run("--data-dir", str(copy), "checklist", "lookup", "Agrionemys horsfieldii")
    assert synonym.returncode == 0
    assert "Accepted name: Testudo horsfieldii" in synonym.stdout
    assert "Appendix: II" in synonym.stdout and "Listed as: species" in synonym.stdout
    assert "Checklist of 2017-04-21: not current" in synonym.stdout
    genus = run("--data-dir", str(copy), "checklist", "lookup", "Ophrys", "sphegodes")
    assert "Listed as: covered by genus Ophrys" in genus.stdout
    missing = run("--data-dir", str(copy), "checklist", "lookup", "Vormela peregusna")
    assert missing.returncode == 1 and "not in the checklist" in missing.stdout
    bad = tmp_path / "Index_of_CITES_Species_2018-01-01.csv"
    bad.write_text(CITES_SAMPLE.read_text(encoding="utf-8").replace("8765,", "87x5,", 1),
                   encoding="utf-8")
    refused = run("--data-dir", str(copy), "checklist", "import", str(bad))
    assert refused.returncode == 2 and "column TaxonId: not a whole number" in refused.stderr
    still = run("--data-dir", str(copy), "checklist", "lookup", "Saiga tatarica")
    assert "Checklist of 2017-04-21" in still.stdout


def test_experts_placeholders_and_csv_import(tmp_path: Path, data: Path):
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    listed = run("--data-dir", str(copy), "experts", "list", "--country", "UZ")
    assert listed.stdout.count("to fill in: phone") == 2
    good = tmp_path / "experts.csv"
    good.write_text("country,group,role,name,organisation,phone,email,languages\n"
                    "KZ,birds,expert,A. Expert,Institute,+7 700 000 00 00,a@example.org,kk\n",
                    encoding="utf-8")
    assert run("--data-dir", str(copy), "experts", "import", str(good)).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("country,group,role\nKZ,birds,expert\nXX,birds,expert\n", encoding="utf-8")
    refused = run("--data-dir", str(copy), "experts", "import", str(bad))
    assert refused.returncode == 2 and "row 3: country" in refused.stderr
    kz = run("--data-dir", str(copy), "experts", "list", "--country", "KZ")
    assert "A. Expert" in kz.stdout and kz.stdout.count("\n") == 3
def test_print_sheets_and_a_poster_from_the_command_line(tmp_path: Path, data: Path):
    from pypdf import PdfReader

    copy = tmp_path / "print"
    shutil.copytree(data, copy)
    sheet = tmp_path / "sheets.pdf"
    result = run("--data-dir", str(copy), "print", "sheets", "--species", "saiga-tatarica",
                 "falco-cherrug", "--lang", "ru", "--lang2", "kk", "--out", str(sheet))
    assert result.returncode == 0, result.stderr
    text = " ".join(p.extract_text() for p in PdfReader(sheet).pages)
    assert "Сайгак" in text and "Ақбөкен" in text and "Ителгі" in text
    poster = tmp_path / "poster.pdf"
    result = run("--data-dir", str(copy), "print", "poster", "derivatives", "--size", "A2",
                 "--lang", "uz", "--out", str(poster))
    assert result.returncode == 0, result.stderr
    assert "Saygʻoq" in PdfReader(poster).pages[0].extract_text()


def test_print_refuses_unknown_species_and_folders(tmp_path: Path, data: Path):
    copy = tmp_path / "print"
    shutil.copytree(data, copy)
    bad = run("--data-dir", str(copy), "print", "sheets", "--species", "unicorn", "--lang",
              "ru", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and "unicorn" in bad.stderr and "Traceback" not in bad.stderr
    nowhere = run("--data-dir", str(copy), "print", "poster", "natives", "--lang", "ru",
                  "--out", str(tmp_path / "missing" / "x.pdf"))
    assert nowhere.returncode == 2 and "Traceback" not in nowhere.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_content_check_refuses_a_giveaway_picture(tmp_path: Path):
    fixture = Path(__file__).parent.parent / "data" / "content"
    content = tmp_path / "content"
    shutil.copytree(fixture, content)
    svg = content / "species" / "panthera-uncia" / "media" / "rosette.svg"
    svg.write_text(svg.read_text().replace("</svg>", '<text x="5" y="20">Snow leopard</text>'
                                           "</svg>"))
    result = run("content", "check", str(content))
    assert result.returncode == 2
    assert "question[q-single].image" in result.stderr and "snow leopard" in result.stderr
