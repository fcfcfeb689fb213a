"""The folder export read a slice at a time writes the very bytes the export of the whole repertoire wrote.

`fixtures/export_before/*.manifest` are the lists of pages, each with the SHA-256 of its
bytes, that the export wrote before it was streamed (holding the whole repertoire in
memory), for the demo community and for two repertoires of hostile text. The same
repertoires exported now, in slices of every size down to one item, must list the
same pages with the same hashes.
"""

from __future__ import annotations

import errno
import gc
import itertools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import GeneratorType
from typing import TypeVar

import pytest
from repertoire_templates import RepertoireTemplates, sample_document
from test_export import hostile_document as hostile_fields
from test_hostile_screen import hostile_document as hostile_corpus

from coptui.export import api, escape, export_repertoire
from coptui.export import folder as folder_module
from coptui.export.folder import JOURNAL, MANIFEST
from coptui.export.index import RepertoireIndex
from coptui.export.pages import Share, repertoire_pages, streamed_pages, whole
from coptui.models import RepertoireDocument
from coptui.store import Repertoire, export_reads

T = TypeVar("T")

BEFORE = Path(__file__).parent / "fixtures" / "export_before"
REPERTOIRES: dict[str, Callable[[], RepertoireDocument]] = {
    "demo": sample_document,
    "hostile": hostile_fields,
    "hostile-corpus": hostile_corpus,
}


def opened(name: str, tmp_path: Path, templates: RepertoireTemplates) -> Repertoire:
    return Repertoire.open(templates.copy(tmp_path / f"{name}.db", REPERTOIRES[name]), read_only=True)


@pytest.mark.parametrize("name", REPERTOIRES)
@pytest.mark.parametrize(
    "slice_size", [1, 3, None], ids=["one-item-slices", "small-slices", "default-slices"]
)
def test_the_streamed_export_writes_the_bytes_written_before(
    name: str,
    slice_size: int | None,
    tmp_path: Path,
    repertoire_templates: RepertoireTemplates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if slice_size is not None:
        for constant in (
            "CASES_PER_SLICE",
            "SESSIONS_PER_SLICE",
            "MEMBERS_PER_SLICE",
            "CASES_PER_TOPIC_SLICE",
            "PRACTICES_PER_SLICE",
            "USES_PER_PRACTICE_SLICE",
        ):
            monkeypatch.setattr(export_reads, constant, slice_size)
    with opened(name, tmp_path, repertoire_templates) as repertoire:
        export_repertoire(repertoire, tmp_path / "wiki")
    assert (tmp_path / "wiki" / MANIFEST).read_text(encoding="utf-8") == (
        BEFORE / f"{name}.manifest"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", REPERTOIRES)
def test_two_processes_write_the_bytes_one_process_writes(
    name: str, tmp_path: Path, repertoire_templates: RepertoireTemplates, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "TWO_PROCESSES_FROM", 0)
    with opened(name, tmp_path, repertoire_templates) as repertoire:
        done = export_repertoire(repertoire, tmp_path / "wiki")
        again = export_repertoire(repertoire, tmp_path / "wiki")
    assert (tmp_path / "wiki" / MANIFEST).read_text(encoding="utf-8") == (
        BEFORE / f"{name}.manifest"
    ).read_text(encoding="utf-8")
    assert done.written == done.pages == len(list((tmp_path / "wiki").rglob("*.md")))
    assert (again.pages, again.written) == (done.pages, 0)
    assert not (tmp_path / "wiki" / JOURNAL).exists()


@pytest.mark.parametrize(("of", "turns"), [(2, True), (3, True), (2, False)])
def test_processes_sharing_the_pages_make_every_page_once(
    tmp_path: Path,
    repertoire_templates: RepertoireTemplates,
    monkeypatch: pytest.MonkeyPatch,
    of: int,
    turns: bool,
) -> None:
    """Each process takes the next run of sessions or practices none has taken: taking turns a page
    at a time, or the last one alone first (it takes every run; the first makes only its own pages)."""
    monkeypatch.setattr(export_reads, "SESSIONS_PER_SLICE", 1)
    monkeypatch.setattr(export_reads, "PRACTICES_PER_SLICE", 1)
    with opened("demo", tmp_path, repertoire_templates) as repertoire:
        reads = repertoire.export_reads()
        every = [(path, whole(text)) for path, text in streamed_pages(reads)]
        sessions, practices = itertools.count().__next__, itertools.count().__next__
        shared = [Share(which == 0, which == of - 1, sessions, practices) for which in range(of)]
        makers = [streamed_pages(reads, share) for share in shared]
        shares: list[list[tuple[str, str]]] = [[] for _ in makers]
        for which, page in _taking_turns(makers) if turns else _last_first(makers):
            shares[which].append((page[0], whole(page[1])))
    assert sorted(page for share in shares for page in share) == sorted(every)
    paths = [{path for path, _ in share} for share in shares]
    assert sum(map(len, paths)) == len(set().union(*paths))  # no page made twice
    if turns:  # the most files, shared
        assert sum(any(path.startswith("practices/") for path in share) for share in paths) >= 2
    else:
        assert not any(path.startswith(("sessions/", "practices/")) for path in paths[0])
    assert shares[0][-1][0] == "index.md"


def _last_first(makers: list[Iterator[T]]) -> Iterator[tuple[int, T]]:
    for which in reversed(range(len(makers))):
        yield from ((which, made) for made in makers[which])


def _two_shares() -> list[Share]:
    """The shares of two processes, the first drained before the second begins."""
    sessions, practices = itertools.count().__next__, itertools.count().__next__
    return [Share(True, False, sessions, practices), Share(False, True, sessions, practices)]


def _taking_turns(makers: list[Iterator[T]]) -> Iterator[tuple[int, T]]:
    going = dict(enumerate(makers))
    while going:
        for which, maker in list(going.items()):
            try:
                yield which, next(maker)
            except StopIteration:
                del going[which]


def test_making_pages_leaves_the_cycle_collector_as_it_found_it(
    tmp_path: Path, repertoire_templates: RepertoireTemplates
) -> None:
    before = gc.get_threshold()
    with opened("demo", tmp_path, repertoire_templates) as repertoire:
        pages = streamed_pages(repertoire.export_reads())
        assert isinstance(pages, GeneratorType)
        next(pages)
        assert gc.get_threshold() > before  # collecting seldom while pages are made
        pages.close()  # as when writing a page fails
        assert gc.get_threshold() == before
        assert list(streamed_pages(repertoire.export_reads()))
        # Two under way at once, the first to begin ending first: the second still makes pages.
        one, two = streamed_pages(repertoire.export_reads()), streamed_pages(repertoire.export_reads())
        assert isinstance(one, GeneratorType) and isinstance(two, GeneratorType)
        next(one), next(two)
        one.close()
        assert gc.get_threshold() > before
        two.close()
    assert gc.get_threshold() == before


def test_practices_run_in_slices_bounded_by_their_uses(
    tmp_path: Path, repertoire_templates: RepertoireTemplates
) -> None:
    with opened("demo", tmp_path, repertoire_templates) as repertoire:
        uses = dict(
            repertoire.conn.execute(
                "SELECT practice_id, count(*) FROM strategies WHERE practice_id IS NOT NULL GROUP BY 1"
            ).fetchall()
        )
        reads = repertoire.export_reads()
        runs = reads._practice_runs(500, 2)
        practices = [p for (p,) in repertoire.conn.execute("SELECT id FROM practices ORDER BY id")]
    assert max(uses.values()) > 2, "the demo has a practice used more than twice"
    # Every practice once, in order; a run holds at most 2 uses, or one practice used more often.
    assert [p for first, last in runs for p in practices if first <= p <= last] == practices
    for first, last in runs:
        held = [uses.get(p, 0) for p in practices if first <= p <= last]
        assert sum(held) <= 2 or len(held) == 1, (first, last, held)


@pytest.mark.parametrize("name", REPERTOIRES)
def test_pages_from_a_repertoire_in_memory_are_the_streamed_pages(
    name: str, tmp_path: Path, repertoire_templates: RepertoireTemplates
) -> None:
    with opened(name, tmp_path, repertoire_templates) as repertoire:
        streamed = {path: whole(text) for path, text in streamed_pages(repertoire.export_reads())}
        in_memory = {path: whole(text) for path, text in repertoire_pages(RepertoireIndex(repertoire.dump()))}
    assert streamed == in_memory


def test_exporting_again_reads_no_page_the_last_export_recorded_unchanged(
    tmp_path: Path, repertoire_templates: RepertoireTemplates, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "wiki"
    with opened("demo", tmp_path, repertoire_templates) as repertoire:
        first = export_repertoire(repertoire, folder)
        # The pages were written a while before their list (as on any disk where a tick has passed).
        for page in folder.rglob("*.md"):
            os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns - 10**9))
        changed = folder / "members" / "ana.md"
        changed.write_bytes(changed.read_bytes().replace(b"Ana", b"Ada"))
        read_back: list[str] = []
        read_bytes = Path.read_bytes

        def reading(path: Path) -> bytes:
            read_back.append(path.relative_to(folder).as_posix())
            return read_bytes(path)

        monkeypatch.setattr(Path, "read_bytes", reading)
        again = export_repertoire(repertoire, folder)
    assert (first.written, again.written) == (first.pages, 1)
    assert read_back == ["members/ana.md"]
    monkeypatch.undo()
    assert b"Ada" not in changed.read_bytes()


def test_the_exports_reads_take_turns_with_the_repertoire_on_its_one_connection(
    repertoire: Repertoire,
) -> None:
    """Minutes and the folder export read through the repertoire's connection and its lock,
    so a read of theirs never runs inside another thread's write on the same connection."""
    reads = repertoire.export_reads()
    assert reads.conn is repertoire.conn
    taken: list[bool] = []
    with repertoire.transaction():  # holds the repertoire's lock in this thread
        other = threading.Thread(target=lambda: taken.append(reads._lock.acquire(blocking=False)))
        other.start()
        other.join()
    assert taken == [False]
    assert reads.outline().totals.cases == len(repertoire.dump().cases)


def test_a_case_presented_at_no_session_has_its_page_once(
    tmp_path: Path, repertoire_templates: RepertoireTemplates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case pages are made with their session's minutes; a case with no session, or one whose
    session another tool removed, still gets its page (once, in either half)."""
    path = repertoire_templates.copy(tmp_path / "demo.db", sample_document)
    with sqlite3.connect(path) as conn:  # as another tool could leave the file: no foreign keys checked
        no_session, session_gone = [
            row[0] for row in conn.execute("SELECT id FROM cases ORDER BY id LIMIT 2")
        ]
        conn.execute("UPDATE cases SET session_id = NULL WHERE id = ?", [no_session])
        conn.execute("UPDATE cases SET session_id = 9999 WHERE id = ?", [session_gone])
    conn.close()
    monkeypatch.setattr(export_reads, "SESSIONS_PER_SLICE", 1)
    with Repertoire.open(path, read_only=True) as repertoire:
        reads = repertoire.export_reads()
        streamed = [(page, whole(text)) for page, text in streamed_pages(reads)]
        halves = [[(page, whole(t)) for page, t in streamed_pages(reads, share)] for share in _two_shares()]
        in_memory = {page: whole(text) for page, text in repertoire_pages(RepertoireIndex(repertoire.dump()))}
        titles = {case.id: case.title for case in repertoire.dump().cases}
    assert dict(streamed) == in_memory
    assert sorted(halves[0] + halves[1]) == sorted(streamed)
    for case_id in (no_session, session_gone):
        pages = [text for page, text in streamed if page.startswith(f"cases/{case_id:04d}-")]
        assert len(pages) == 1
        brought = next(line for line in pages[0].splitlines() if line.startswith("Brought by"))
        assert f"# {titles[case_id]}" in pages[0] and " on 20" in brought and "sessions/" not in brought


def test_a_report_back_with_no_session_nor_entry_is_on_its_cases_page_not_in_the_folders_minutes(
    tmp_path: Path, repertoire_templates: RepertoireTemplates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session's slice reads such a report-back for the page of its case, made beside the
    minutes; minutes list only those a member filed between meetings, as the participant
    entries say (tests/test_minutes_between_meetings.py), and this one has none."""
    path = repertoire_templates.copy(tmp_path / "demo.db", sample_document)
    with sqlite3.connect(path) as conn:
        report, case_id, story = conn.execute(
            "SELECT id, case_id, story FROM report_backs WHERE story <> '' ORDER BY id LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE report_backs SET session_id = NULL WHERE id = ?", [report])
    conn.close()
    monkeypatch.setattr(export_reads, "SESSIONS_PER_SLICE", 1000)  # every session in one run
    with Repertoire.open(path, read_only=True) as repertoire:
        pages = {page: whole(text) for page, text in streamed_pages(repertoire.export_reads())}
    shown = escape.block(story)
    case_page = next(text for page, text in pages.items() if page.startswith(f"cases/{case_id:04d}-"))
    assert shown in case_page
    minutes = [text for page, text in pages.items() if page.startswith("sessions/")]
    assert not any("Filed before the meeting" in text for text in minutes)


def test_a_byte_that_is_not_utf8_is_a_replacement_character_on_the_pages(
    tmp_path: Path, repertoire_templates: RepertoireTemplates
) -> None:
    """The slices are read with SQLite's own decoder; a value another tool wrote that is not UTF-8
    is read again leniently, as everywhere else."""
    path = repertoire_templates.copy(tmp_path / "demo.db", sample_document)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE notes SET text = 'bad byte ' || CAST(x'ff' AS TEXT) || ' here' WHERE id = 1")
        case_id = conn.execute("SELECT case_id FROM strategies ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE strategies SET text = text || CAST(x'ff' AS TEXT)")
    conn.close()
    with Repertoire.open(path, read_only=True) as repertoire:
        pages = {page: whole(text) for page, text in streamed_pages(repertoire.export_reads())}
    assert any("bad byte \ufffd here" in text for text in pages.values())
    case_page = next(text for page, text in pages.items() if page.startswith(f"cases/{case_id:04d}-"))
    assert "\ufffd" in case_page


def test_a_page_that_cannot_be_written_leaves_the_cycle_collector_as_it_found_it(
    tmp_path: Path, repertoire_templates: RepertoireTemplates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages are closed when writing one fails, not when the failure's traceback is collected."""
    before = gc.get_threshold()

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(folder_module, "replace_file", full)
    with opened("demo", tmp_path, repertoire_templates) as repertoire:
        with pytest.raises(OSError) as failed:
            export_repertoire(repertoire, tmp_path / "wiki")
        assert gc.get_threshold() == before
    assert failed.value.errno == errno.ENOSPC
