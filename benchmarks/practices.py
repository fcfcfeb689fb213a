"""Practices on a large repertoire: cases seen before for a new case, and the ranked list of practices.

    python benchmarks/practices.py --cases 100000    # only these, on benchmarks/out/cases-N.db

`run.py` runs them with the rest. Each figure stands beside its floor: the same SQL on a
bare sqlite3 connection, without turning rows into models or counting uses.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import PROBLEMS, SYSTEMS, TOPICS  # noqa: E402

from coptui.store import Repertoire  # noqa: E402
from coptui.store.practices import MAX_SIMILAR_WORDS, SIMILAR_WINDOW, TEXT_WEIGHTS, search_words  # noqa: E402

PAGE = 50


def new_cases(count: int, seed: int = 7) -> list[tuple[str, list[str], str, str]]:
    """Cases as a member would share them today: title, topics, context and question."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        system, problem = rng.choice(SYSTEMS), rng.choice(PROBLEMS).format(n=rng.randint(2, 40))
        made.append(
            (
                f"{system.capitalize()} {problem}",
                rng.sample(list(TOPICS), 2),
                f"Since the spring {system} {problem}, and the team is worn out.",
                f"What has worked for {system} elsewhere?",
            )
        )
    return made


def similar_cases(db: Path, repeat: int) -> tuple[list[float], list[float]]:
    """`similar_to_text` for each of `repeat` × 5 new cases, and its FTS5 query alone on a bare connection."""
    cases = new_cases(repeat * 5)
    samples, floor = [], []
    with Repertoire.open(db, read_only=True) as repertoire:
        for title, topics, context, question in cases:
            began = time.perf_counter()
            repertoire.similar_to_text(title, topics, context=context, question=question)
            samples.append((time.perf_counter() - began) * 1000)
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    weights = ", ".join(str(w) for w in TEXT_WEIGHTS.values())
    for title, _, context, question in cases:
        words = search_words(f"{title}\n{question}\n{context}")[:MAX_SIMILAR_WORDS]
        began = time.perf_counter()
        connection.execute(
            f"SELECT rowid, -bm25(cases_fts, {weights}) FROM cases_fts WHERE cases_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT ?",
            [" OR ".join(f'"{w}"' for w in words), SIMILAR_WINDOW],
        ).fetchall()
        floor.append((time.perf_counter() - began) * 1000)
    connection.close()
    return samples, floor


def practice_pages(db: Path, repeat: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """The first page of practices ranked by evidence, and pages further down; each beside the bare query."""
    sql = (
        "SELECT id, name, created_on, worked, partly, did_not_work, not_tried, evidence FROM practices "
        "ORDER BY evidence DESC, worked + partly + did_not_work DESC, id LIMIT ? OFFSET ?"
    )
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with Repertoire.open(db, read_only=True) as repertoire:
        total = repertoire.count_practices()
        rng = random.Random(3)
        offsets = [rng.randrange(0, max(1, total - PAGE)) for _ in range(repeat * 5)]
        first: list[float] = []
        first_floor: list[float] = []
        pages: list[float] = []
        pages_floor: list[float] = []
        for offset, into, floor in [(0, first, first_floor)] * repeat + [
            (o, pages, pages_floor) for o in offsets
        ]:
            began = time.perf_counter()
            repertoire.practices(limit=PAGE, offset=offset)
            into.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            connection.execute(sql, [PAGE, offset]).fetchall()
            floor.append((time.perf_counter() - began) * 1000)
    connection.close()
    return first, first_floor, pages, pages_floor


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure practices on a generated repertoire.")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    db = args.out / f"cases-{args.cases}.db"
    if not db.exists():
        sys.exit(
            f"{db} is missing: run benchmarks/run.py or benchmarks/generate.py --cases {args.cases} first"
        )
    Repertoire.open(db).close()  # upgraded once, here
    similar, similar_floor = similar_cases(db, args.repeat)
    first, first_floor, pages, pages_floor = practice_pages(db, args.repeat)
    for name, samples, floor in (
        ("similar cases for a new case", similar, similar_floor),
        ("practices: first page", first, first_floor),
        ("practices: ranking pages", pages, pages_floor),
    ):
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(
            f"{name}: median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, "
            f"floor {statistics.median(floor):.1f} ms"
        )


if __name__ == "__main__":
    main()
