"""Benchmarks of the identification key and the CITES checklist (run through bench/run.py,
or alone: ``python bench/identify.py [NAME ...]``).

  key_step_curated    one key step (answer -> candidates, why, best next question) over the
                      47 curated species, p50/p95, vs a bare loop that only filters the
                      candidates by the same answers (budget: p95 <= 30 ms)
  key_step_synthetic  the same over 500 synthetic taxa x 60 characters
  checklist_import    importing the 2017 Index of CITES Species (38 079 taxa: read, check,
                      write, index, one transaction) vs a bare executemany of the same rows
                      into the same table (budget: < 10 s)
  checklist_lookup    "is NAME listed?" p95 over species, synonyms, names covered by a genus
                      or family, and absent names, vs a bare indexed SELECT by name
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SHARED = Path(os.environ.get("IDTRAINER_SHARED_DATA", ROOT.parent / "shared" / "data"))
CHECKLIST = _SHARED / "cites" / "Index_of_CITES_Species_2017-04-21.csv.gz"
sys.path.insert(0, str(ROOT / "src"))

from idtrainer.core import idkey  # noqa: E402
from idtrainer.core.idkey import Answer, Character, Coding, Key  # noqa: E402


def report(name: str, value: float, unit: str, baseline: float) -> None:
    ratio = value / baseline if baseline else float("inf")
    print(f"{name}: {value:.3f} {unit}  baseline={baseline:.3f}  ratio={ratio:.2f}", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _own(key: Key, taxon: str, character: str) -> Answer | None:
    c = key.coding(taxon, character)
    if c is None or c.any:
        return None
    if c.low is not None:
        return Answer.value(character, (c.low + c.high) / 2)  # type: ignore[operator]
    return Answer.state(character, sorted(c.states or ())[0])


def _walks(key: Key, targets: list[str]) -> list[list[Answer]]:
    """The answer lists an officer builds walking the key toward each target."""
    steps: list[list[Answer]] = []
    for taxon in targets:
        session = idkey.Session(key)
        for _ in range(12):
            ev = session.evaluate()
            if not ev.best:
                break
            answer = _own(key, taxon, ev.best[0].character)
            if answer is None:
                session.skip(ev.best[0].character)
                continue
            session.answer(answer)
            steps.append(list(session.answers.values()))
    return steps


def _bare_filter(key: Key, answers: list[Answer]) -> list[str]:
    return [t for t in key.taxa
            if all(idkey.matches(key.codings[t].get(a.character), a) for a in answers)]


def _key_figures(name: str, key: Key, targets: list[str]) -> None:
    steps = _walks(key, targets)
    ours, bare = [], []
    for answers in steps:  # interleaved so both see the same noise
        start = time.perf_counter()
        _bare_filter(key, answers)
        bare.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        idkey.evaluate(key, answers)
        ours.append((time.perf_counter() - start) * 1000)
    report(f"{name}_p50", statistics.median(ours), "ms", statistics.median(bare))
    report(f"{name}_p95", percentile(ours, 95), "ms", percentile(bare, 95))
    print(f"{name}: {len(steps)} steps over {len(key.taxa)} taxa x {len(key.characters)} "
          "characters; budget p95 <= 30 ms", flush=True)


def bench_key_step_curated(work: Path) -> None:
    from idtrainer.core.content import read_content

    key = read_content().key.key()
    _key_figures("key_step_curated", key, key.taxa)


def synthetic_key(taxa: int = 500, characters: int = 60, seed: int = 15) -> Key:
    rng = random.Random(seed)
    chars: dict[str, Character] = {"item": Character(
        "item", states=tuple(f"i{i}" for i in range(9)))}
    for c in range(characters - 1):
        if c % 10 == 9:
            chars[f"n{c}"] = Character(f"n{c}", kind="numeric", items=frozenset())
        else:
            chars[f"c{c}"] = Character(f"c{c}", states=tuple(f"s{s}" for s in range(
                rng.randint(2, 6))), items=frozenset(rng.sample(
                    [f"i{i}" for i in range(9)], rng.randint(2, 9))))
    codings: dict[str, dict[str, Coding]] = {}
    for t in range(taxa):
        row: dict[str, Coding] = {"item": Coding(frozenset(rng.sample(
            chars["item"].states, rng.randint(1, 3))))}
        for cid, ch in chars.items():
            if cid == "item" or rng.random() < 0.15:
                continue  # not applicable to this taxon
            if ch.numeric:
                low = rng.uniform(1, 500)
                row[cid] = Coding(None, low, low * rng.uniform(1.05, 1.8))
            elif rng.random() < 0.05:
                row[cid] = Coding()
            else:
                row[cid] = Coding(frozenset(rng.sample(ch.states, rng.randint(1, 2))))
        codings[f"t{t}"] = row
    return Key(chars, list(codings), codings)


def bench_key_step_synthetic(work: Path) -> None:
    key = synthetic_key()
    _key_figures("key_step_synthetic", key, random.Random(1).sample(key.taxa, 40))


def _store(work: Path, name: str):
    from idtrainer.core.store import Store

    return Store.open(work / name / "idtrainer.sqlite")


def bench_checklist_import(work: Path) -> None:
    if not CHECKLIST.exists():
        print(f"checklist_import: skipped ({CHECKLIST} not present)")
        return
    from idtrainer.core.checklist import INSERT_TAXA, read_rows

    times, bare = [], []
    for run in range(3):
        store = _store(work, f"import{run}")
        start = time.perf_counter()
        result = store.checklist.import_file(CHECKLIST)
        times.append(time.perf_counter() - start)
        store.close()
        taxa = read_rows(CHECKLIST).taxa
        # The tightest honest baseline: the same rows into the same table, one executemany.
        other = _store(work, f"bare{run}")
        start = time.perf_counter()
        with other.transaction():
            for index in ("name", "genus", "family", "order"):
                other.conn.execute(f"DROP INDEX checklist_taxa_{index}")
            other.conn.executemany(INSERT_TAXA, taxa)
        bare.append(time.perf_counter() - start)
        other.close()
    report("checklist_import_median", statistics.median(times), "s", statistics.median(bare))
    print(f"checklist_import: {result.taxa} taxa, {result.synonyms} synonyms; budget < 10 s")


def bench_checklist_lookup(work: Path) -> None:
    if not CHECKLIST.exists():
        print(f"checklist_lookup: skipped ({CHECKLIST} not present)")
        return
    store = _store(work, "lookup")
    store.checklist.import_file(CHECKLIST)
    rng = random.Random(3)
    species = [r[0] for r in store.conn.execute(
        "SELECT full_name FROM checklist_taxa WHERE rank = 'species'")]
    synonyms = [r[0] for r in store.conn.execute("SELECT name FROM checklist_synonyms")]
    names = (rng.sample(species, 300) + rng.sample(synonyms, 100)
             + [n.split()[0] + " inventus" for n in rng.sample(species, 100)]
             + [f"Nullus nemo{i}" for i in range(50)])
    rng.shuffle(names)
    ours, bare = [], []
    for name in names:
        start = time.perf_counter()
        store.conn.execute("SELECT * FROM checklist_taxa WHERE full_name = ? COLLATE NOCASE",
                           (name,)).fetchall()
        bare.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        store.checklist.lookup(name)
        ours.append((time.perf_counter() - start) * 1000)
    store.close()
    report("checklist_lookup_p95", percentile(ours, 95), "ms", percentile(bare, 95))
    report("checklist_lookup_p50", statistics.median(ours), "ms", statistics.median(bare))


BENCHES: dict[str, Callable[[Path], None]] = {
    "key_step_curated": bench_key_step_curated,
    "key_step_synthetic": bench_key_step_synthetic,
    "checklist_import": bench_checklist_import,
    "checklist_lookup": bench_checklist_lookup,
}


def main(argv: list[str]) -> int:
    wanted = argv or list(BENCHES)
    with tempfile.TemporaryDirectory() as tmp:
        for name in wanted:
            BENCHES[name](Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
