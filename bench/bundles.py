"""Bundle benchmarks: export and import throughput, and the trainer's results merge,
each against a baseline measured in the same run.

    python bench/bundles.py [--quick] [throughput | merge ...]

Lines read ``NAME: VALUE UNIT  baseline=VALUE  ratio=R`` as in bench/run.py, then a
table of the budgets (docs/architecture.md, "Budgets") met or not. ``--quick`` scales
everything down to finish in seconds; the default is the budgets' size.

Figures:
  bundle_export_mb_per_s   a content bundle of JPEG photos (default 100 x 2 MB, 6 megapixels)
                           from an empty migrated store, MB of media per second, vs copying
                           the same files into one file while hashing them with sha256,
                           then flush and fsync (budget: ratio >= 0.9)
  bundle_import_mb_per_s   importing that bundle into a fresh store, vs the same baseline
                           (budget: ratio >= 0.8)
  bundle_import_vs_bundle_copy_mb_per_s
                           the same import vs copying and hashing the bundle file itself
                           (both in MB of media per second)
  bundle_reimport_mb_per_s importing the same bundle again ("already imported", answered
                           only after the signature and every hash and row are verified),
                           vs copying and hashing the bundle file
  merge_s                  ``import_many`` of 100 results bundles holding 1 000 000 answers
                           into a trainer store, DB backup included, vs the same rows put
                           in with plain executemany INSERTs in one transaction
                           (budgets: ratio <= 1.5, and <= 60 s)
  merge_no_backup_s        the same with ``import_bundle(..., backup=False)`` per bundle
  merge_peak_rss_growth_mb peak RSS of the merging process minus its RSS right before the
                           merge, vs the same growth of the executemany baseline process
                           (budget: <= 100 MB)
  merge_peak_rss_mb        the merging process's absolute peak RSS, vs its RSS before
  class_report_ms          ``attempts.report(class_uuid=...)`` right after the merge (first
                           call, cold statement cache), vs a bare GROUP BY over the same
                           attempts (budget: <= 1 s)
Throughput figures are the best of 3 interleaved rounds. Generating the bundles is
not timed. Everything lives in one temporary folder, deleted at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from run import report

MB = 2**20
STAMP = "2026-11-21T09:00:00.000000Z"
QUIZ_STAMP = "2026-11-01T09:00:00.000000Z"  # the quiz, older than every attempt
QUESTIONS = 50  # answers per attempt: every attempt answers the whole quiz


@dataclass(frozen=True)
class Size:
    media_files: int
    media_bytes: int
    laptops: int
    trainees: int  # per laptop
    attempts: int  # per trainee

    @property
    def answers(self) -> int:
        return self.laptops * self.trainees * self.attempts * QUESTIONS


FULL = Size(media_files=100, media_bytes=2 * MB, laptops=100, trainees=20, attempts=10)
QUICK = Size(media_files=10, media_bytes=2 * MB, laptops=10, trainees=4, attempts=10)


@dataclass
class Budget:
    what: str
    figure: str
    limit: str
    met: bool


BUDGETS: list[Budget] = []


# -- 1. throughput ------------------------------------------------------------------------


def make_media(store, count: int, size: int) -> list[Path]:
    """``count`` distinct JPEG photos of about ``size`` bytes each (3000 x 2000 pixels at
    2 MB), real pictures since the import checks each one at the picture gate (its
    header: the full decode waits for the first display, docs/security.md)."""
    import io

    from PIL import Image

    from idtrainer.core.store import new_uuid

    scale = (size / (1.85 * MB)) ** 0.5
    width, height = int(3000 * scale), int(2000 * scale)
    noise = Image.effect_noise((width, height), 30)
    gradient = Image.linear_gradient("L").resize((width, height))
    buffer = io.BytesIO()
    Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5))).save(
        buffer, "JPEG", quality=85)
    photo = buffer.getvalue()
    files = []
    for i in range(count):
        # A comment segment after the start marker makes each file distinct.
        note = f"bench photo {i}".encode()
        data = photo[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + photo[2:]
        sha = hashlib.sha256(data).hexdigest()
        path = store.media.path_for(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        store.put("media", {"uuid": new_uuid(), "sha256": sha, "mime": "image/jpeg",
                            "bytes": len(data), "width": width, "height": height,
                            "licence": "CC0-1.0", "author": "bench", "source": "generated"})
        files.append(path)
    return files


def copy_and_hash(sources: list[Path], target: Path) -> float:
    """The baseline: the same bytes read, hashed with sha256 and written to one file."""
    start = time.perf_counter()
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for source in sources:
            with source.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    elapsed = time.perf_counter() - start
    target.unlink()
    return elapsed


def bench_throughput(work: Path, size: Size) -> None:
    from idtrainer.core import bundles
    from idtrainer.core.store import Store

    folder = work / "throughput"
    source = Store.open(folder / "source" / "idtrainer.sqlite")
    source.trainer.set_password("bench-password", name="bench")
    files = make_media(source, size.media_files, size.media_bytes)
    media_mb = sum(f.stat().st_size for f in files) / MB
    times: dict[str, list[float]] = {"copy": [], "export": [], "bundle_copy": [], "import": [],
                                     "reimport": []}
    bundle_bytes = 0
    for round_ in range(3):  # interleaved, so every figure sees the same noise
        times["copy"].append(copy_and_hash(files, folder / "copy.bin"))
        bundle = folder / f"content-{round_}.idtb"
        start = time.perf_counter()
        bundles.export_bundle(source, "content", bundle)
        times["export"].append(time.perf_counter() - start)
        bundle_bytes = bundle.stat().st_size
        times["bundle_copy"].append(copy_and_hash([bundle], folder / "copy.bin"))
        target = Store.open(folder / f"target-{round_}" / "idtrainer.sqlite")
        start = time.perf_counter()
        summary = bundles.import_bundle(target, bundle, trust=lambda m: True)
        times["import"].append(time.perf_counter() - start)
        assert summary.media_added == size.media_files, summary
        start = time.perf_counter()  # the same bundle again: verified completely all the same
        again = bundles.import_bundle(target, bundle)
        times["reimport"].append(time.perf_counter() - start)
        assert again.already_imported, again
        target.close()
        shutil.rmtree(folder / f"target-{round_}")
        bundle.unlink()
    source.close()
    best = {k: media_mb / min(v) for k, v in times.items()}
    report("bundle_export_mb_per_s", best["export"], "MB/s", best["copy"])
    report("bundle_import_mb_per_s", best["import"], "MB/s", best["copy"])
    report("bundle_import_vs_bundle_copy_mb_per_s", best["import"], "MB/s",
           best["bundle_copy"])
    report("bundle_reimport_mb_per_s", best["reimport"], "MB/s", best["bundle_copy"])
    medians = ", ".join(f"{k} {media_mb / statistics.median(v):.0f}" for k, v in times.items())
    print(f"# throughput: {size.media_files} x {size.media_bytes // MB} MB JPEG photos "
          f"({media_mb:.0f} MB, bundle {bundle_bytes / MB:.1f} MB); best of 3 interleaved "
          f"rounds, MB of media per second; medians: {medians}", flush=True)
    for name, key, limit in (("bundle export", "export", 0.9), ("bundle import", "import", 0.8)):
        ratio = best[key] / best["copy"]
        BUDGETS.append(Budget(f"{name} vs copy+sha256", f"{ratio:.2f}x", f">= {limit:.2f}x",
                              ratio >= limit))
    shutil.rmtree(folder)


# -- 2. the results merge -----------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    path: Path
    quiz: str
    klass: str
    questions: list[str]


def make_template(folder: Path) -> Template:
    from idtrainer.core.store import Store, content_uuid

    path = folder / "template" / "idtrainer.sqlite"
    store = Store.open(path)
    course, module = content_uuid("course", "bench"), content_uuid("module", "bench")
    quiz, klass = content_uuid("quiz", "bench"), content_uuid("class", "bench")
    questions = [content_uuid("question", f"bench-{i}") for i in range(QUESTIONS)]
    with store.transaction():
        store.put("courses", {"uuid": course, "slug": "bench"})
        store.put("modules", {"uuid": module, "course_uuid": course, "slug": "bench",
                              "position": 0})
        store.conn.executemany(
            "INSERT INTO questions (uuid, slug, module_uuid, qtype, answer, updated_at, "
            "updated_by) VALUES (?, ?, ?, 'truefalse', '{\"value\": true}', ?, ?)",
            [(q, f"bench-{i}", module, STAMP, store.device_id)
             for i, q in enumerate(questions)])
        # The quiz draws all 50 questions and passes at 80 %, as the laptops graded: a
        # sound result, so the merge re-grades without flagging (the quiz and its rule are
        # older than the attempts).
        store.conn.execute(
            "INSERT INTO quizzes (uuid, slug, course_uuid, settings, updated_at, updated_by) "
            "VALUES (?, 'bench', ?, '{\"pass_mark\": 80}', ?, ?)",
            (quiz, course, QUIZ_STAMP, store.device_id))
        store.conn.execute(
            "INSERT INTO quiz_rules (uuid, quiz_uuid, position, kind, draw_count, filter, "
            "updated_at, updated_by) VALUES (?, ?, 0, 'random', ?, ?, ?, ?)",
            (content_uuid("quiz_rule", "bench"), quiz, QUESTIONS,
             json.dumps({"modules": [module]}), QUIZ_STAMP, store.device_id))
        store.put("classes", {"uuid": klass, "name": "Bench class", "course_uuid": course})
    store.close()
    return Template(path, quiz, klass, questions)


def fill_laptop(path: Path, number: int, template: Template, size: Size) -> None:
    """A laptop's results, straight into its database: trainees in the class, submitted
    attempts at the quiz, one answer per question."""
    rng = random.Random(number)
    device = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    order = json.dumps([{"q": q, "o": []} for q in template.questions])
    trainees, members, attempts, answers = [], [], [], []
    for t in range(size.trainees):
        trainee = str(uuid.uuid4())
        trainees.append((trainee, f"Trainee {number:03d}-{t:02d}", "2026-11-20", STAMP,
                         device))
        members.append((str(uuid.uuid4()), template.klass, trainee, STAMP, device))
        for a in range(size.attempts):
            attempt = str(uuid.uuid4())
            started = f"2026-11-{20 + a % 8:02d}T09:{t % 60:02d}:00.000000Z"
            submitted = started.replace("T09", "T10")
            points = 0
            for q in template.questions:
                got = rng.random() < 0.8
                points += got
                answers.append((str(uuid.uuid4()), attempt, q, json.dumps({"value": got}),
                                started, float(got), STAMP, device))
            attempts.append((attempt, template.quiz, trainee, template.klass, rng.randrange(2**31),
                             order, started, submitted, float(points), float(QUESTIONS),
                             int(points >= 0.8 * QUESTIONS), device, STAMP, device))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")  # generation is not what is measured
    with conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", (device,))
        conn.execute("DELETE FROM keys")  # each laptop makes its own device key
        conn.executemany("INSERT INTO trainees (uuid, name, created_on, updated_at, updated_by)"
                         " VALUES (?, ?, ?, ?, ?)", trainees)
        conn.executemany("INSERT INTO class_members (uuid, class_uuid, trainee_uuid, "
                         "updated_at, updated_by) VALUES (?, ?, ?, ?, ?)", members)
        conn.executemany(
            "INSERT INTO attempts (uuid, quiz_uuid, trainee_uuid, class_uuid, seed, "
            "question_order, locale, started_at, submitted_at, score, max_score, passed, "
            "device_id, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, 'ru', ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
        conn.executemany(
            "INSERT INTO answers (uuid, attempt_uuid, question_uuid, response, answered_at, "
            "score, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", answers)
    conn.close()


def make_results_bundles(folder: Path, template: Template, size: Size) -> Path:
    from idtrainer.core import bundles
    from idtrainer.core.store import Store

    out = folder / "bundles"
    out.mkdir()
    for number in range(size.laptops):
        laptop = folder / "laptops" / f"{number:03d}"
        laptop.mkdir(parents=True)
        shutil.copyfile(template.path, laptop / "idtrainer.sqlite")
        fill_laptop(laptop / "idtrainer.sqlite", number, template, size)
        store = Store.open(laptop / "idtrainer.sqlite")
        bundles.export_bundle(store, "results", out / f"results-{number:03d}.idtb")
        store.close()
    return out


#: Runs in a child process, so its peak RSS is the merge's alone.
MERGE_CHILD = r"""
import json, sqlite3, sys, time
from pathlib import Path
from idtrainer.core import bundles
from idtrainer.core.store import Store

def rss_kb(field="VmRSS:"):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field))

db, source, mode, klass = sys.argv[1:5]
store = Store.open(db)
tables = ("trainees", "class_members", "attempts", "answers")
if mode == "baseline":  # every laptop's rows read into memory first, not timed
    rows = []
    for laptop in sorted(Path(source).iterdir()):
        conn = sqlite3.connect(f"{(laptop / 'idtrainer.sqlite').as_uri()}?mode=ro", uri=True)
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table}")
            names = [c[0] for c in cursor.description]
            rows.append((f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                         f"({', '.join('?' * len(names))})", cursor.fetchall()))
        conn.close()
paths = sorted(Path(source).glob("*.idtb"))
before = rss_kb()
errors = []
start = time.perf_counter()
if mode == "many":
    # Each laptop is accepted the first time, as the trainer does after comparing keys.
    errors = [o.error for o in bundles.import_many(store, paths, trust=lambda m: True)
              if o.error]
elif mode == "no-backup":
    for path in paths:
        bundles.import_bundle(store, path, backup=False, trust=lambda m: True)
else:
    with store.transaction():
        for sql, values in rows:
            store.conn.executemany(sql, values)
elapsed = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork and
# exec, so a child of a big parent would report the parent's size.
peak = rss_kb("VmHWM:")

def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0

report = [timed(lambda: store.attempts.report(class_uuid=klass)) for _ in range(4)]
bare_sql = ("SELECT trainee_uuid, quiz_uuid, count(*), max(score) FROM attempts "
            "WHERE submitted_at IS NOT NULL GROUP BY trainee_uuid, quiz_uuid")
bare = [timed(lambda: store.conn.execute(bare_sql).fetchall()) for _ in range(4)]
print(json.dumps({
    "seconds": elapsed, "rss_before_kb": before, "peak_kb": peak, "errors": errors,
    "report_s": report, "bare_report_s": bare,
    "report_rows": len(store.attempts.report(class_uuid=klass)),
    "answers": store.count("answers"), "attempts": store.count("attempts"),
    "db_mb": Path(db).stat().st_size / 2**20}))
store.close()
"""


def run_merge(folder: Path, template: Template, mode: str, source: Path) -> dict:
    db = folder / f"trainer-{mode}" / "idtrainer.sqlite"
    db.parent.mkdir()
    shutil.copyfile(template.path, db)
    out = subprocess.run([sys.executable, "-c", MERGE_CHILD, str(db), str(source), mode,
                          template.klass], check=True, capture_output=True, text=True).stdout
    shutil.rmtree(db.parent)
    return json.loads(out.strip().splitlines()[-1])


def bench_merge(work: Path, size: Size, quick: bool) -> None:
    folder = work / "merge"
    template = make_template(folder)
    start = time.perf_counter()
    source = make_results_bundles(folder, template, size)
    bundle_mb = sum(p.stat().st_size for p in source.glob("*.idtb")) / MB
    print(f"# merge: {size.laptops} results bundles, {size.answers} answers "
          f"({size.laptops} laptops x {size.trainees} trainees x {size.attempts} attempts x "
          f"{QUESTIONS} answers), {bundle_mb:.0f} MB of bundles, generated in "
          f"{time.perf_counter() - start:.0f} s (not measured)", flush=True)

    base = run_merge(folder, template, "baseline", folder / "laptops")
    many = run_merge(folder, template, "many", source)
    for name, result in (("baseline", base), ("import_many", many)):
        if result["errors"] or result["answers"] != size.answers:
            raise SystemExit(f"{name}: {result['answers']} answers merged, expected "
                             f"{size.answers}; errors: {result['errors'][:3]}")
    report("merge_s", many["seconds"], "s", base["seconds"])
    no_backup = run_merge(folder, template, "no-backup", source)
    report("merge_no_backup_s", no_backup["seconds"], "s", base["seconds"])
    growth = (many["peak_kb"] - many["rss_before_kb"]) / 1024
    base_growth = (base["peak_kb"] - base["rss_before_kb"]) / 1024
    report("merge_peak_rss_growth_mb", growth, "MB", base_growth)
    report("merge_peak_rss_mb", many["peak_kb"] / 1024, "MB", many["rss_before_kb"] / 1024)
    first, warm = many["report_s"][0], min(many["report_s"][1:])
    report("class_report_ms", first * 1000, "ms", many["bare_report_s"][0] * 1000)
    report("class_report_warm_ms", warm * 1000, "ms", min(many["bare_report_s"][1:]) * 1000)
    print(f"# merge: peak RSS is VmHWM of a child process doing only the merge, growth "
          f"is that minus its VmRSS just before; the baseline child holds every row in "
          f"memory before it starts; report over {many['report_rows']} trainee rows, "
          f"{many['attempts']} attempts; trainer DB {many['db_mb']:.0f} MB after the merge",
          flush=True)

    limit = 60.0 * size.answers / FULL.answers
    scaled = " (scaled)" if quick else ""
    BUDGETS.append(Budget(f"merge of {size.answers} answers", f"{many['seconds']:.1f} s",
                          f"<= {limit:.1f} s{scaled}", many["seconds"] <= limit))
    ratio = many["seconds"] / base["seconds"]
    BUDGETS.append(Budget("merge vs executemany of the same rows", f"{ratio:.2f}x",
                          "<= 1.50x", ratio <= 1.5))
    BUDGETS.append(Budget("merge peak RSS growth", f"{growth:.0f} MB", "<= 100 MB",
                          growth <= 100))
    BUDGETS.append(Budget("class report after the merge", f"{first * 1000:.0f} ms",
                          "<= 1000 ms", first <= 1.0))
    shutil.rmtree(folder)


def print_budgets() -> None:
    print("\nbudget                                   figure      budget             met")
    for b in BUDGETS:
        print(f"{b.what:<40} {b.figure:<11} {b.limit:<18} {'yes' if b.met else 'NO'}")


PARTS = ("throughput", "merge")  # run only some: ``bundles.py merge``


def main(argv: list[str]) -> int:
    parts = [a for a in argv if a != "--quick"] or list(PARTS)
    unknown = [a for a in parts if a not in PARTS]
    if unknown:
        print(f"unknown argument(s): {' '.join(unknown)}; usage: bundles.py [--quick] "
              f"[{' | '.join(PARTS)} ...]")
        return 2
    quick = "--quick" in argv
    size = QUICK if quick else FULL
    work = Path(tempfile.mkdtemp(prefix="idtrainer-bench-bundles-"))
    try:
        if "throughput" in parts:
            bench_throughput(work, size)
        if "merge" in parts:
            bench_merge(work, size, quick)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_budgets()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
