"""Search cleans what is typed as the store cleans what is kept, and no message repeats 100 KB back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coptui.cli import main
from coptui.models import Case, Note
from coptui.store import Repertoire

HUGE_WORD = "zebra" * 20_000  # one 100 KB word: FTS5 gives it back whole in a snippet


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.mark.parametrize(
    "query", ["del\x7fete", "del\x00ete", "dele\u202ete", "de\x1b[31mlete", "del\x1b]0;x\x07ete"]
)
def test_a_query_is_cleaned_as_stored_text_is(repertoire: Repertoire, query: str) -> None:
    case = repertoire.add_case(
        Case(presenter="ana", title="How to delete stale alerts", opened_on=date(2026, 11, 20))
    )
    assert [hit.id for hit in repertoire.search(query) if hit.kind == "case"] == [case.id]


def test_a_huge_query_is_not_echoed_back(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--db", str(db_path), "search", "nomatch " * 12_500)
    assert (code, out) == (0, "")
    assert err.startswith("Nothing matches “nomatch nomatch") and err.endswith("…”.\n") and len(err) < 100


def test_search_prints_a_short_line_per_hit_however_long_the_text(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Repertoire.open(db_path) as repertoire:
        repertoire.add_note(
            Note(session=1, text=f"before {HUGE_WORD} after", created_at=datetime(2026, 11, 20, tzinfo=UTC))
        )
    code, out, _ = cli(capsys, "--db", str(db_path), "search", HUGE_WORD)
    assert code == 0
    (line,) = out.splitlines()
    assert line.startswith("note") and "before zebrazebra" in line and line.endswith("…")
    assert len(line) < 250


def test_a_huge_title_is_refused_in_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--db", str(tmp_path / "g.db"), "init", "--name", "x" * 100_000)
    assert (code, out) == (1, "")
    assert err == "coptui: --name: must be at most 300 characters\n"
    with pytest.raises(ValueError, match="at most 300 characters"):
        Case(presenter="ana", title="x" * 100_000, opened_on=date(2026, 11, 20))
