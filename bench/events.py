"""Event benchmarks (issue 14): item analysis at scale and the event report PDF, each
against a baseline measured in the same run.

    python bench/events.py [--quick]

Lines read ``NAME: VALUE UNIT  baseline=VALUE  ratio=R`` as in bench/run.py.

Figures:
  item_analysis_s     ``item_analysis.analyse`` of one quiz with 20,000 submitted attempts
                      x 50 answers (1,000,000 answer rows), vs a bare SQL GROUP BY
                      (count and mean score per question) over the same answers, on the
                      same connection and schema (both read through schema 13's covering
                      indexes) (budget: <= 1 s and ratio <= 3); best of 5 interleaved
                      rounds. The analysis starts from the stored attempts and answers
                      every time: nothing is kept between calls or at merge time.
  item_analysis_cpu_s the same two, in process CPU time (a busy machine inflates it less)
  event_report_pages_per_s
                      a 60-officer event report (pre/post, item analysis, confusion heat
                      map) rendered to PDF, pages per second (figures computed before the
                      clock starts), vs bare reportlab pages holding one 60-row table in the
                      same font; best of 3
  event_report_total_s
                      the same report including computing its figures, vs the render only
Data are generated (not timed) from a latent-ability model so the statistics are
realistic. Everything lives in one temporary folder, deleted at the end.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from idtrainer.core.app_data import open_store  # noqa: E402
from idtrainer.core.quizzes import QuizSettings, Rule  # noqa: E402
from idtrainer.core.store import content_uuid, iso, new_uuid  # noqa: E402


def report(name: str, value: float, unit: str, baseline: float) -> None:
    ratio = value / baseline if baseline else float("inf")
    print(f"{name}: {value:.3f} {unit}  baseline={baseline:.3f}  ratio={ratio:.2f}", flush=True)


def best(fn, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def fill(store, quiz: str, questions: list[str], attempts: int, trainees: list[str] | None,
         rng: random.Random) -> list[str]:
    """Submitted attempts with answers, written straight to the tables (not timed)."""
    options = {}
    for q in questions:
        rows = store.query("SELECT uuid, correct FROM question_options WHERE question_uuid = ? "
                           "AND deleted = 0 ORDER BY position", (q,))
        options[q] = ([r["uuid"] for r in rows if r["correct"]],
                      [r["uuid"] for r in rows if not r["correct"]])
    difficulty = {q: rng.gauss(0, 1) for q in questions}
    stamp, device = iso(store.clock()), store.device_id
    made = []
    attempt_rows, answer_rows, people = [], [], []
    order = json.dumps([{"q": q, "o": []} for q in questions])
    for i in range(attempts):
        person = trainees[i % len(trainees)] if trainees else new_uuid()
        if not trainees:
            people.append((person, f"Officer {i}", stamp, device, stamp, device))
        ability = rng.gauss(0, 1)
        uuid = new_uuid()
        made.append(uuid)
        total = 0.0
        for q in questions:
            right, wrong = options[q]
            p = 1 / (1 + 2.718 ** (difficulty[q] - ability))
            ok = rng.random() < p
            total += ok
            pick = right[0] if ok else rng.choice(wrong)
            answer_rows.append((content_uuid("answer", f"{uuid}/{q}"), uuid, q,
                                json.dumps({"option": pick}), stamp, float(ok), stamp, device))
        attempt_rows.append((uuid, quiz, person, i, order, "ru", stamp, stamp, total,
                             float(len(questions)), int(total >= 0.7 * len(questions)), device,
                             stamp, device))
    with store.transaction():
        store.conn.executemany(
            "INSERT INTO trainees (uuid, name, created_on, updated_at, updated_by, "
            "rev, deleted) VALUES (?, ?, ?, ?, ?, 1, 0)",
            [(p[0], p[1], p[3], p[4], p[5]) for p in people])
        store.conn.executemany(
            "INSERT INTO attempts (uuid, quiz_uuid, trainee_uuid, seed, question_order, locale, "
            "started_at, submitted_at, score, max_score, passed, device_id, updated_at, "
            "updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", attempt_rows)
        store.conn.executemany(
            "INSERT INTO answers (uuid, attempt_uuid, question_uuid, response, answered_at, "
            "score, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?)", answer_rows)
    return made


def main() -> None:
    quick = "--quick" in sys.argv
    from idtrainer.core import item_analysis, reports
    from idtrainer.core.certificate_pdf import FONT, register_fonts

    folder = Path(tempfile.mkdtemp(prefix="idt-bench-events-"))
    try:
        store = open_store(folder / "data")
        rng = random.Random(14)
        questions = [r[0] for r in store.conn.execute(
            "SELECT uuid FROM questions WHERE qtype IN ('single', 'image') AND deleted = 0 "
            "ORDER BY slug LIMIT 50")]
        rules = [Rule("fixed", question=q) for q in questions]
        big = store.quizzes.save("Bench", QuizSettings(), rules)
        n = 2_000 if quick else 20_000
        fill(store, big, questions, n, None, rng)
        store.conn.execute("ANALYZE")

        def bare() -> None:
            store.conn.execute(
                "SELECT ans.question_uuid, count(*), avg(ans.score) FROM answers ans JOIN "
                "attempts a ON a.uuid = ans.attempt_uuid WHERE a.quiz_uuid = ? AND "
                "a.deleted = 0 AND a.submitted_at IS NOT NULL AND ans.deleted = 0 "
                "GROUP BY ans.question_uuid", (big,)).fetchall()

        result = item_analysis.analyse(store, big)
        assert result.quiz.attempts == n and len(result.questions) == len(questions)
        # Interleaved (bare, ours, bare, ours, ...) so both see the same noise; wall
        # clock for the budget, and the process CPU time beside it, which a busy shared
        # machine inflates less.
        walls: dict[str, list[float]] = {"bare": [], "ours": []}
        cpus: dict[str, list[float]] = {"bare": [], "ours": []}
        for _ in range(5):
            for name, fn in (("bare", bare),
                             ("ours", lambda: item_analysis.analyse(store, big))):
                wall, cpu = time.perf_counter(), time.process_time()
                fn()
                walls[name].append(time.perf_counter() - wall)
                cpus[name].append(time.process_time() - cpu)
        baseline, value = min(walls["bare"]), min(walls["ours"])
        report(f"item_analysis_s ({n} attempts x {len(questions)})", value, "s", baseline)
        report("item_analysis_cpu_s", min(cpus["ours"]), "s", min(cpus["bare"]))
        print(f"  budget: <= 1 s {'met' if value <= 1 else 'NOT met'}; "
              f"<= 3x bare {'met' if value <= 3 * baseline else 'NOT met'}")

        # A 60-officer event with pre- and post-test.
        pre = store.quizzes.save("Pre", QuizSettings(), rules[:30])
        post = store.quizzes.save("Post", QuizSettings(), rules[:30])
        event = store.events.save("Bench event", "2026-11-20", "2026-11-21", pre_quiz=pre,
                                  post_quiz=post)
        klass = store.events.new_class(event, "Group")
        people = []
        for i in range(60):
            uuid, _ = store.trainees.upsert(f"Сотрудник {i:02d}", gender="mf"[i % 2 == 0],
                                            agency=f"Agency {i % 5}", region=f"Region {i % 4}")
            store.classes.add_member(klass, uuid)
            store.events.set_attendance(event, uuid, "2026-11-20", True)
            people.append(uuid)
        fill(store, pre, questions[:30], 60, people, rng)
        fill(store, post, questions[:30], 60, people, rng)
        figures = reports.event_report(store, event, "ru")
        out = folder / "event.pdf"
        pages = 0

        def render() -> None:
            nonlocal pages
            reports.write_event_report(figures, "pdf", out)
            from pypdf import PdfReader

            pages = len(PdfReader(out).pages)

        render()
        render_s = best(lambda: reports.write_event_report(figures, "pdf", out))

        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

        register_fonts()
        style = ParagraphStyle("c", fontName=FONT, fontSize=7.5)
        rows = [[Paragraph(f"{o.trainee.name} {c}", style) for c in range(9)]
                for o in figures.outcomes]
        bare_pdf = folder / "bare.pdf"
        bare_pages = 0

        def bare_render() -> None:
            nonlocal bare_pages
            doc = SimpleDocTemplate(str(bare_pdf), pagesize=A4, initialFontName=FONT)
            doc.build([Table(rows * pages, repeatRows=0)])
            bare_pages = doc.page

        bare_s = best(bare_render)
        report(f"event_report_pages_per_s ({pages} pages)", pages / render_s, "pages/s",
               bare_pages / bare_s)
        total_s = best(lambda: reports.write_event_report(
            reports.event_report(store, event, "ru"), "pdf", out))
        report("event_report_total_s", total_s, "s", render_s)
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
