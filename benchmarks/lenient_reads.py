"""What reading text leniently costs: `python benchmarks/lenient_reads.py --cases 2000`.

Every connection decodes text with `connection.lenient_text` (an invalid UTF-8 byte shows as
U+FFFD instead of refusing the read). This reads every session (with its phases and attendance),
strategy, action, report-back and note through the store, alternating the lenient decoder with
sqlite3's own strict one on the same connection, and reports the medians of CPU (process time)
and wall time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cli_search import repertoire_file

from coptui.store import Repertoire
from coptui.store.connection import lenient_text


def read_everything(repertoire: Repertoire) -> int:
    """How many rows the store reads back, as models, of the kinds that hold members' text."""
    kinds = (repertoire.sessions, repertoire.strategies, repertoire.actions, repertoire.report_backs)
    return sum(len(read()) for read in kinds) + len(repertoire.notes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--db", type=Path, help="default: benchmarks/out/cases-N.db, generated if missing")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    samples: dict[str, list[tuple[float, float]]] = {"strict (sqlite3's own)": [], "lenient": []}
    with Repertoire.open(repertoire_file(args.db, args.cases), read_only=True) as repertoire:
        rows = read_everything(repertoire)  # warm: the file's pages are cached for both
        for _ in range(args.runs):
            for what, decoder in (("strict (sqlite3's own)", str), ("lenient", lenient_text)):
                repertoire.conn.text_factory = decoder
                wall, cpu = time.perf_counter(), time.process_time()
                read_everything(repertoire)
                samples[what].append((time.perf_counter() - wall, time.process_time() - cpu))
    print(f"{rows:,} rows read through the store, median of {args.runs} runs each")
    print("| decoder | wall | CPU |")
    print("| --- | --- | --- |")
    for what, got in samples.items():
        wall_ms = statistics.median(s[0] for s in got) * 1000
        cpu_ms = statistics.median(s[1] for s in got) * 1000
        print(f"| {what} | {wall_ms:,.0f} ms | {cpu_ms:,.0f} ms |")


if __name__ == "__main__":
    main()
