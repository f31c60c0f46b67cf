"""IDTrainer benchmarks: figures against a baseline measured in the same run.

    python bench/run.py [NAME ...]

Each figure prints one line, ``NAME: VALUE UNIT  baseline=VALUE  ratio=R``.
Machines are shared and noisy, so read the ratio, not the absolute time.
Benchmarks are never run as timed tests.

Figures:
  startup_info      ``idtrainer info`` on built data vs ``python -c pass`` (median of runs)
  search_starter    search-as-you-type over the starter content, p50 and p95 per keystroke,
                    vs a bare FTS5 prefix query on the same index
  search_checklist  the same over the 2017 CITES checklist (~38 000 taxa) when
                    ../shared/data/cites is present, vs the bare FTS5 query
  gui_startup       process start to an interactive main window (starter content built
                    already) vs a bare PySide6 QMainWindow shown the same way (median)
                    (launch()); gui_startup_run_median: the same through run(), as
                    ``idtrainer`` starts (log file, stylesheet), reported only
  first_start       process start on a fresh data folder (the database built from the
                    shipped assets) until the main window shows, vs a later start of the
                    same data (median)
  certificates      pages per second for a batch of 100 certificates (render only), vs the
                    honest baseline: a tight reportlab loop drawing the same page (DejaVu
                    registered once, the same texts at the same sizes, a segno QR code of the
                    same payload as merged rectangles in one path, showPage() per page, the
                    same compressed canvas; no database, no signing). Issuing (signing and
                    the database) is reported apart; medians of 5 interleaved rounds
  certificate_logo  pages per second for 100 certificates with a 1200×1200 PNG logo and a
                    JPEG signature (read through the picture gate once per batch), vs the
                    same batch without them
  quiz              assembling a 50-question exam from a 5 000-question bank (ms, vs reading
                    the bank's uuids; medians of 31 interleaved rounds), and saving one
                    answer (p95 ms, vs a bare INSERT)
  gui_rss           peak RSS of the app after signing in, filling the library with
                    thumbnails and opening a species card, vs the bare window's peak RSS
  key_step_curated, key_step_synthetic, checklist_import, checklist_lookup
                    the identification key and the CITES checklist: see bench/identify.py

``--one-core`` runs every process pinned to one CPU (``taskset -c 0``), as on an old
laptop; add the names ``old_laptop`` for the library scrolling and species card figures.
At the end a table says which budgets (bench/README.md) were met in this run.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from budgets import Budgets  # noqa: E402

BUDGETS = Budgets()
#: ``["taskset", "-c", "0"]`` with --one-core: every measured process on one CPU.
PIN: list[str] = []
CHECKLIST = ROOT.parent / "shared" / "data" / "cites" / "Index_of_CITES_Species_2017-04-21.csv.gz"


def report(name: str, value: float, unit: str, baseline: float) -> None:
    ratio = value / baseline if baseline else float("inf")
    print(f"{name}: {value:.3f} {unit}  baseline={baseline:.3f}  ratio={ratio:.2f}", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([*PIN, *cmd], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def bench_startup_info(work: Path) -> None:
    from idtrainer.core.app_data import open_store

    data = work / "startup"
    open_store(data).close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    ours = [sys.executable, "-m", "idtrainer", "--lang", "en", "--data-dir", str(data), "info"]
    bare = [sys.executable, "-c", "pass"]
    wall(ours, env)  # warm the file cache
    times_ours, times_bare = [], []
    for _ in range(7):  # interleaved so both see the same noise
        times_bare.append(wall(bare, env))
        times_ours.append(wall(ours, env))
    report("startup_info_median", statistics.median(times_ours) * 1000, "ms",
           statistics.median(times_bare) * 1000)


def keystrokes(names: list[str]) -> list[str]:
    """Every prefix a person types on the way to each name."""
    return [name[:i] for name in names for i in range(1, len(name) + 1) if name[:i].strip()]


def time_queries(fn: Callable[[str], object], queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def search_figures(prefix: str, store, queries: list[str]) -> None:
    from idtrainer.core.search import match_expression

    conn = store.conn

    def bare(q: str) -> None:
        expression = match_expression(q)
        if expression:
            conn.execute("SELECT rowid FROM search_index_fts WHERE search_index_fts MATCH ? "
                         "ORDER BY rank LIMIT 100", (expression,)).fetchall()

    def ours(q: str) -> None:
        store.search.find(q, "ru", limit=100)

    time_queries(ours, queries[:50])  # warm caches
    ours_ms, bare_ms = time_queries(ours, queries), time_queries(bare, queries)
    report(f"{prefix}_p50", percentile(ours_ms, 50), "ms", percentile(bare_ms, 50))
    report(f"{prefix}_p95", percentile(ours_ms, 95), "ms", percentile(bare_ms, 95))
    print(f"# {prefix}: {len(queries)} keystrokes over {store.count('taxa')} taxa", flush=True)


def bench_search_starter(work: Path) -> None:
    from idtrainer.core.app_data import open_store

    store = open_store(work / "search")
    names = [r[0] for r in store.conn.execute(
        "SELECT value FROM texts WHERE field = 'name' AND owner_table = 'taxa'")]
    names += [r[0] for r in store.conn.execute("SELECT scientific_name FROM taxa")]
    search_figures("search_starter", store, keystrokes(names))
    store.close()


def bench_search_checklist(work: Path) -> None:
    if not CHECKLIST.exists():
        print(f"# search_checklist skipped: {CHECKLIST} not found")
        return
    from idtrainer.core.store import Store, content_uuid

    store = Store.open(work / "checklist" / "idtrainer.sqlite")
    stamp, device = store.now(), store.device_id
    taxa, texts = [], []
    with gzip.open(CHECKLIST, "rt", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            uuid = content_uuid("cites-taxon", row["TaxonId"])
            taxa.append((uuid, row["FullName"], row["RankName"].lower(), stamp, device))
            if row["EnglishNames"].strip():
                names = "\n".join(n.strip() for n in row["EnglishNames"].split(",") if n.strip())
                texts.append((content_uuid("text", uuid), uuid, names, stamp, device))
    # Bulk rows straight in: this bench measures search, not loading.
    with store.transaction():
        store.conn.executemany(
            "INSERT INTO taxa (uuid, scientific_name, rank, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?)", taxa)
        store.conn.executemany(
            "INSERT INTO texts (uuid, owner_table, owner_uuid, field, locale, value, status, "
            "updated_at, updated_by) VALUES (?, 'taxa', ?, 'name', 'en', ?, 'reviewed', ?, ?)",
            texts)
    start = time.perf_counter()
    store.search.rebuild()
    print(f"# search_checklist: index of {len(taxa)} taxa built in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    sample = [t[1] for t in taxa[:: max(1, len(taxa) // 150)]]
    sample += [t[2].split("\n")[0] for t in texts[:: max(1, len(texts) // 150)]]
    search_figures("search_checklist", store, keystrokes(sample))
    store.close()


#: The process's own peak RSS in kB: VmHWM, not ru_maxrss, which Linux carries over from
#: the parent through fork and exec (every figure would be at least the bench's own size).
PEAK_KB = """
def peak_kb():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
"""

BARE_WINDOW = PEAK_KB + """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
print(peak_kb())
"""

APP_WINDOW = PEAK_KB + """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from idtrainer.gui.app import launch
app = QApplication(sys.argv)
launched = launch(Path(sys.argv[1]), app)
if len(sys.argv) > 2:  # use it as an officer would before measuring memory
    window = launched.windows[0]
    ctx = window.ctx
    ctx.sign_in(ctx.store.trainees.all()[0].uuid)
    window.go_to(1)
    window.thumbnails.wait()
    window.library.refresh()
    window.open_species(ctx.store.species.all("ru")[0].uuid)
    app.processEvents()
QTimer.singleShot(0, app.quit)
app.exec()
print(peak_kb())
"""

#: The real start, ``idtrainer``'s run(): APP_WINDOW's launch() plus the log file, the bug
#: dialog hook, the stylesheet and Qt's own translations. Reported, not budgeted.
RUN_WINDOW = PEAK_KB + """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from idtrainer.gui.app import run
QTimer.singleShot(0, app.quit)
run(Path(sys.argv[1]))
print(peak_kb())
"""


def _prepared_data(work: Path) -> Path:
    from idtrainer.core.app_data import open_store

    data = work / "gui"
    if not data.exists():
        store = open_store(data)
        if not store.trainees.all():
            store.trainees.create("Bench")
        store.close()
    return data


def compile_bytecode() -> None:
    """Byte-compile the sources once, as an installed package is: a start-up figure must
    not include compiling every module (PYTHONDONTWRITEBYTECODE would make every run do it)."""
    import compileall

    compileall.compile_dir(str(ROOT / "src"), quiet=1)


def _run_script(script: str, *args: str) -> tuple[float, int]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    out = subprocess.run([*PIN, sys.executable, "-c", script, *args], check=True,
                         capture_output=True, text=True, env=env).stdout
    return time.perf_counter() - start, int(out.strip().splitlines()[-1])


def bench_gui_startup(work: Path) -> None:
    compile_bytecode()
    data = str(_prepared_data(work))
    _run_script(APP_WINDOW, data)  # warm the file cache
    _run_script(RUN_WINDOW, data)
    ours, bare, real = [], [], []
    # Interleaved so both see the same noise; 11 rounds, as a shared host moved a median
    # of 7 by as much as 0.2x from one run to the next.
    for _ in range(11):
        bare.append(_run_script(BARE_WINDOW)[0])
        ours.append(_run_script(APP_WINDOW, data)[0])
        real.append(_run_script(RUN_WINDOW, data)[0])
    report("gui_startup_median", statistics.median(ours) * 1000, "ms",
           statistics.median(bare) * 1000)
    report("gui_startup_run_median", statistics.median(real) * 1000, "ms",
           statistics.median(bare) * 1000)
    BUDGETS.at_most("gui_startup vs bare QMainWindow", statistics.median(ours)
                    / statistics.median(bare), 1.5)


FIRST_WINDOW = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from idtrainer.gui.app import launch
app = QApplication(sys.argv)
launched = launch(Path(sys.argv[1]), app, "ru")
def shown():  # the main window is up: on a first start, with the progress inside it
    if launched.windows and launched.windows[0].isVisible():
        print(time.time(), flush=True)
        ready()
    else:
        QTimer.singleShot(5, shown)
def ready():  # the start screen is there: a first start's content is built
    window = launched.windows[0]
    if window.stack.currentWidget() is window.start:
        app.quit()
    else:
        QTimer.singleShot(5, ready)
QTimer.singleShot(0, shown)
app.exec()
launched.store.close()
print(0)
"""


def _first_window(data: str) -> tuple[float, float]:
    """(seconds until the main window shows, seconds until its start screen is ready)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start_epoch, start = time.time(), time.perf_counter()
    out = subprocess.run([*PIN, sys.executable, "-c", FIRST_WINDOW, data], check=True,
                         capture_output=True, text=True, env=env).stdout
    return float(out.split()[0]) - start_epoch, time.perf_counter() - start


def bench_first_start(work: Path) -> None:
    """A first start shows the main window at once, with the progress inside it, and builds
    the starter content on a worker thread; a later start shows its start screen straight
    away. Budgeted: the window (≤ 2× a later start's); reported beside it: the start screen
    ready, content built."""
    compile_bytecode()
    first, later, first_ready = [], [], []
    for i in range(3):
        data = str(work / f"first-{i}")
        window, ready = _first_window(data)
        first.append(window)
        first_ready.append(ready)
        later.append(_first_window(data)[1])
    report("first_start_window_median", statistics.median(first) * 1000, "ms",
           statistics.median(later) * 1000)
    report("first_start_ready_median", statistics.median(first_ready) * 1000, "ms",
           statistics.median(later) * 1000)
    BUDGETS.at_most("first start (window) vs a later start", statistics.median(first)
                    / statistics.median(later), 2.0)


def bench_gui_rss(work: Path) -> None:
    data = str(_prepared_data(work))
    ours = _run_script(APP_WINDOW, data, "use")[1] / 1024
    bare = _run_script(BARE_WINDOW)[1] / 1024
    report("gui_peak_rss", ours, "MB", bare)


OLD_LAPTOP = """
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from idtrainer.gui.app import launch
app = QApplication(sys.argv)
window = launch(Path(sys.argv[1]), app).windows[0]
ctx = window.ctx
ctx.sign_in(ctx.store.trainees.all()[0].uuid)
app.processEvents()
t0 = time.perf_counter()
window.go_to(1)
window.thumbnails.wait()
window.library.refresh()
app.processEvents()
view = window.library.findChildren(__import__("PySide6.QtWidgets").QtWidgets.QAbstractScrollArea)
bar = max(view, key=lambda v: v.verticalScrollBar().maximum()).verticalScrollBar()
for value in range(0, bar.maximum() + 1, max(1, bar.pageStep() // 2)):
    bar.setValue(value)
    window.library.repaint()
    app.processEvents()
window.thumbnails.wait()
app.processEvents()
scroll = time.perf_counter() - t0
species = ctx.store.species.all("ru")
t0 = time.perf_counter()
for s in species[:5]:
    window.open_species(s.uuid)
    app.processEvents()
card = (time.perf_counter() - t0) / 5
print(f"{scroll} {card}")
print(0)
"""


def bench_old_laptop(work: Path) -> None:
    """Library scrolling with thumbnails (first fill, thumbnails made) and opening a species
    card, in the process as configured (pin it with --one-core); no baseline but the same
    figures without the pin, in bench/README.md."""
    compile_bytecode()
    data = str(_prepared_data(work))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    scrolls, cards = [], []
    for _ in range(3):
        shutil.rmtree(Path(data) / "thumbnails", ignore_errors=True)
        out = subprocess.run([*PIN, sys.executable, "-c", OLD_LAPTOP, data], check=True,
                             capture_output=True, text=True, env=env).stdout
        scroll, card = (float(v) for v in out.strip().splitlines()[-2].split())
        scrolls.append(scroll)
        cards.append(card)
    print(f"library_scroll_with_thumbnails_median: {statistics.median(scrolls) * 1000:.0f} ms"
          f"  (first fill, thumbnails made){'  one core' if PIN else ''}", flush=True)
    print(f"species_card_open_median: {statistics.median(cards) * 1000:.0f} ms"
          f"{'  one core' if PIN else ''}", flush=True)


def bench_certificates(work: Path) -> None:
    """The batch render vs the honest baseline: a tight reportlab loop drawing the same page.

    The baseline registers the DejaVu fonts once, draws the same texts at the same sizes
    (worked out before the clock starts), a segno QR code of the same payload drawn as
    merged rectangles in one path, the same frame, and calls showPage() per certificate,
    into a canvas made the same way (compressed pages); no database and no signing. Issuing
    (signing and the database) is timed apart and reported on its own line."""
    import segno
    from reportlab.pdfgen.canvas import Canvas

    from idtrainer.core import certificate_pdf as cp
    from idtrainer.core.i18n import format_date, format_percent, gettext_in
    from idtrainer.core.store import Store

    store = Store.open(work / "certs" / "idtrainer.sqlite")
    store.trainer.set_password("bench-password-1")
    store.certificates.issue("warm-up", "warm-up", "kk")
    start = time.perf_counter()
    certs = [store.certificates.issue(f"Әлихан Қуаңышбеков {i:03d}", "Кеден қызметкерлеріне "
                                      "арналған СИТЕС түрлерін анықтау", "kk", score=80 + i % 20)
             for i in range(100)]
    issue_s = time.perf_counter() - start
    template = store.certificates.template()
    # Signing alone: 100 messages of the same length signed with the same key, no database.
    t0 = time.perf_counter()
    for cert in certs:
        store.keys.sign(cert.payload.split(".")[1].encode())
    sign_ms = (time.perf_counter() - t0) * 1000
    cp.register_fonts()
    width, height = cp.PAGE

    def texts(cert) -> list[tuple[str, float, float, float, str]]:
        """(font, size, x, y, text) for every string ours draws, worked out beforehand."""
        t = lambda m: gettext_in(cert.locale, m)  # noqa: E731
        title = t(cp.TITLES.get(cert.kind, cp.TITLE)).upper()
        day = format_date(dt.date.fromisoformat(cert.issued_on), "long", lang=cert.locale)
        out = [(cp.BOLD, cp._fit(title, cp.BOLD, 38, width - 120), width / 2, 455, title),
               (cp.FONT, 15, width / 2, 428, t(cp.CERTIFIES)),
               (cp.BOLD, 30, width / 2, 384, cert.trainee_name),
               (cp.FONT, 15, width / 2, 357, t(cp.BODIES.get(cert.kind, cp.COMPLETED)))]
        size, lines = cp._fit_lines(cert.course_title, cp.BOLD, 20, width - 200, lines=3)
        y = 345.0
        for text in lines:
            y -= size + 6
            out.append((cp.BOLD, size, width / 2, y, text))
        if cert.score is not None:
            score = format_percent(cert.score / 100, lang=cert.locale)
            out.append((cp.FONT, 13, width / 2, y - 26, t(cp.SCORE).format(score=score)))
        out += [(cp.FONT, 11, -60, 92, t(cp.DATE).format(date=day)),
                (cp.FONT, 11, -60, 74, t(cp.SERIAL).format(serial=cert.serial)),
                (cp.FONT, 7, width - 119, 46, t(cp.VERIFY))]
        return out

    pages = [(texts(cert), cert.payload) for cert in certs]

    def ours() -> float:
        t0 = time.perf_counter()
        cp.render(certs, template, work / "certs" / "class.pdf")
        return time.perf_counter() - t0

    def bare() -> float:
        t0 = time.perf_counter()
        c = Canvas(str(work / "certs" / "bare.pdf"), pagesize=cp.PAGE, pageCompression=1,
                   initialFontName=cp.FONT, initialFontSize=12)
        for strings, payload in pages:
            c.setStrokeColor(cp.INK)
            c.setLineWidth(3)
            c.rect(24, 24, width - 48, height - 48)
            c.setLineWidth(0.8)
            c.rect(32, 32, width - 64, height - 64)
            c.setFillColor(cp.INK)
            for font, size, x, y, text in strings:
                c.setFont(font, size)
                if x < 0:
                    c.drawString(-x, y, text)
                else:
                    c.drawCentredString(x, y, text)
            c.setLineWidth(0.6)
            c.line(width / 2 - 110, 96, width / 2 + 110, 96)
            matrix = segno.make_qr(payload, error="m", boost_error=False).matrix
            n, side = len(matrix), 118
            module = side / (n + 8)
            path = c.beginPath()
            for row, bits in enumerate(matrix):
                col = 0
                while col < n:
                    if not bits[col]:
                        col += 1
                        continue
                    end = col
                    while end < n and bits[end]:
                        end += 1
                    path.rect(width - 178 + (col + 4) * module, 170 - (row + 5) * module,
                              (end - col) * module, module)
                    col = end
            c.setFillColor(cp.INK)
            c.drawPath(path, stroke=0, fill=1)
            c.showPage()
        c.save()
        return time.perf_counter() - t0

    ours_s, bare_s = [], []
    for _ in range(5):  # interleaved, so both see the same noise
        bare_s.append(bare())
        ours_s.append(ours())
    ours_m, bare_m = statistics.median(ours_s), statistics.median(bare_s)
    report("certificates_pages_per_s", 100 / ours_m, "pages/s", 100 / bare_m)
    BUDGETS.at_most("certificates: 100 pages vs bare reportlab loop", ours_m / bare_m, 1.5)
    print(f"# certificates: medians of 5 interleaved rounds, ours {ours_m * 1000:.0f} ms, "
          f"baseline {bare_m * 1000:.0f} ms per 100 pages; issuing 100 (signing + database) "
          f"{issue_s * 1000:.0f} ms, of which signing {sign_ms:.0f} ms and the database "
          f"{issue_s * 1000 - sign_ms:.0f} ms", flush=True)
    store.close()


def bench_certificate_logo(work: Path) -> None:
    """100 certificates with a logo and a signature read through the picture gate once per
    batch, vs the same batch without them: the ratio is what the two pictures cost."""
    from dataclasses import replace

    from PIL import Image

    from idtrainer.core import certificate_pdf
    from idtrainer.core.store import Store

    folder = work / "logo"
    store = Store.open(folder / "idtrainer.sqlite")
    store.trainer.set_password("bench-password-1")
    logo, signature = folder / "logo.png", folder / "signature.jpg"
    Image.effect_noise((1200, 1200), 40).convert("RGB").save(logo)
    Image.effect_noise((1600, 500), 40).convert("RGB").save(signature, quality=90)
    template = store.certificates.template()
    template.logo_path, template.signature_path = str(logo), str(signature)
    store.certificates.save_template(template)
    certs = [store.certificates.issue(f"Әлихан Қуаңышбеков {i:03d}", "СИТЕС", "kk")
             for i in range(100)]
    certificate_pdf.register_fonts()

    def ours() -> float:
        t0 = time.perf_counter()
        certificate_pdf.render(certs, template, folder / "class.pdf")
        return time.perf_counter() - t0

    plain = replace(template, logo_path="", signature_path="")

    def bare() -> float:
        t0 = time.perf_counter()
        certificate_pdf.render(certs, plain, folder / "plain.pdf")
        return time.perf_counter() - t0

    ours_s = min(ours() for _ in range(3))
    bare_s = min(bare() for _ in range(3))
    report("certificates_logo_pages_per_s", 100 / ours_s, "pages/s", 100 / bare_s)
    t0 = time.perf_counter()
    certificate_pdf.TemplatePictures.of(template)
    print(f"# certificate_logo: the gate reads and decodes logo and signature in "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms, once per batch; PDF "
          f"{(folder / 'class.pdf').stat().st_size // 1024} KB with them, "
          f"{(folder / 'plain.pdf').stat().st_size // 1024} KB without", flush=True)
    store.close()


def bench_quiz(work: Path) -> None:
    from idtrainer.core.quizzes import QuizSettings, Rule
    from idtrainer.core.store import Store, content_uuid

    store = Store.open(work / "quiz" / "idtrainer.sqlite")
    stamp, device = store.now(), store.device_id
    modules = [content_uuid("module", f"m{i}") for i in range(4)]
    with store.transaction():
        store.put("courses", {"uuid": "c", "slug": "c"})
        for i, m in enumerate(modules):
            store.put("modules", {"uuid": m, "course_uuid": "c", "slug": f"m{i}",
                                  "position": i})
        questions = [(content_uuid("question", f"q{i}"), modules[i % 4], 1 + i % 3,
                      json.dumps([f"tag{i % 50}"]), stamp, device) for i in range(5000)]
        store.conn.executemany(
            "INSERT INTO questions (uuid, module_uuid, qtype, difficulty, tags, answer, "
            "updated_at, updated_by) VALUES (?, ?, 'truefalse', ?, ?, '{\"value\": true}', ?, ?)",
            questions)
    rules = [Rule("random", count=20, filter={"modules": [modules[0], modules[1]]}),
             Rule("random", count=30, filter={"difficulty": [2, 3]})]
    quiz = store.quizzes.save("Bench exam", QuizSettings(), rules)
    trainee = store.trainees.create("Bench")
    store.quizzes.assemble(quiz, 0)
    ours_s, bare_s = [], []
    for seed in range(31):  # interleaved, so both see the same noise; medians
        bare_s.append(_timed(lambda: store.conn.execute("SELECT uuid FROM questions").fetchall()))
        ours_s.append(_timed(lambda seed=seed: store.quizzes.assemble(quiz, seed)))
    ours, bare = statistics.median(ours_s), statistics.median(bare_s)
    report("quiz_assemble_50_of_5000", ours * 1000, "ms", bare * 1000)
    BUDGETS.at_most("exam of 50 from 5000 vs reading the uuids", ours / bare, 3)
    print(f"# quiz: best of 31, {min(ours_s) * 1000:.2f} ms vs {min(bare_s) * 1000:.2f} ms "
          f"(ratio {min(ours_s) / min(bare_s):.2f}): on a loaded machine a few-ms figure "
          "crosses the scheduler's time slices, so read the best as well", flush=True)
    attempt = store.attempts.start(quiz, trainee, "ru", seed=1)
    saves = [_timed(lambda item=item: store.attempts.answer(attempt.uuid, item["q"],
                                                            {"value": True}))
             for item in attempt.items for _ in range(4)]
    store.conn.execute("CREATE TABLE bare_answers (id INTEGER PRIMARY KEY, response TEXT)")

    def bare_insert() -> None:
        with store.transaction():
            store.conn.execute("INSERT INTO bare_answers (response) VALUES ('{}')")

    bare_saves = [_timed(bare_insert) for _ in range(len(saves))]
    report("quiz_save_answer_p95", percentile([s * 1000 for s in saves], 95), "ms",
           percentile([s * 1000 for s in bare_saves], 95))
    store.close()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


BENCHES = {
    "startup_info": bench_startup_info,
    "search_starter": bench_search_starter,
    "search_checklist": bench_search_checklist,
    "certificates": bench_certificates,
    "certificate_logo": bench_certificate_logo,
    "quiz": bench_quiz,
    "gui_startup": bench_gui_startup,
    "first_start": bench_first_start,
    "gui_rss": bench_gui_rss,
}
# The identification key and the CITES checklist: bench/identify.py (described there).
from identify import BENCHES as IDENTIFY_BENCHES  # noqa: E402

BENCHES.update(IDENTIFY_BENCHES)
#: Not run by default: the old-laptop figures are meant with --one-core.
EXTRA = {"old_laptop": bench_old_laptop}


def main(argv: list[str]) -> int:
    if "--one-core" in argv:
        argv = [a for a in argv if a != "--one-core"]
        PIN[:] = ["taskset", "-c", "0"]
        print("# every measured process pinned to CPU 0 (taskset -c 0)", flush=True)
    wanted = argv or list(BENCHES)
    unknown = [n for n in wanted if n not in BENCHES and n not in EXTRA]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from "
              f"{', '.join([*BENCHES, *EXTRA])}")
        return 2
    work = Path(tempfile.mkdtemp(prefix="idtrainer-bench-"))
    try:
        for name in wanted:
            {**BENCHES, **EXTRA}[name](work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    BUDGETS.print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
