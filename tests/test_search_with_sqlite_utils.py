"""A repertoire file is searchable with the field's own tools: sqlite-utils (and so Datasette)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database
from sqlite_utils.cli import cli as sqlite_utils_cli

from coptui.models import Note, Outcome, ReportBack
from coptui.store import Repertoire
from coptui.store.schema import SEARCHED_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"

# A word from the one row of each indexed table that holds it, in `small_document()`.
WORD_IN = {
    "cases": ("fatigue", "Alert fatigue at night"),
    "strategies": ("tickets", "Route low-urgency alerts to tickets"),
    "report_backs": ("pages", "Pages dropped from forty to nine a week."),
    "notes": ("noisy", "Tired after a noisy week on call."),
}


def found(path: Path, table: str, word: str) -> list[str]:
    """Each row sqlite-utils' `Table.search()` finds, as its first searched column."""
    db = Database(path)
    try:
        assert db[table].detect_fts() == f"{table}_fts"  # type: ignore[union-attr]
        return [row[SEARCHED_COLUMNS[table][0]] for row in db[table].search(word)]  # type: ignore[union-attr]
    finally:
        db.close()


def test_sqlite_utils_finds_and_searches_every_index(db_path: Path) -> None:
    assert set(WORD_IN) == set(SEARCHED_COLUMNS)
    for table, (word, text) in WORD_IN.items():
        assert found(db_path, table, word) == [text], table


def test_the_sqlite_utils_search_command_searches_a_repertoire(db_path: Path) -> None:
    result = CliRunner().invoke(sqlite_utils_cli, ["search", str(db_path), "notes", "noisy", "--csv"])
    assert result.exit_code == 0, result.output
    assert "Tired after a noisy week on call." in result.output
    assert "not configured for full-text search" not in result.output


def test_an_older_file_is_upgraded_to_indexes_sqlite_utils_finds(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((FIXTURES / "repertoire-v1.sql").read_text())
    conn.close()
    with Repertoire.open(path) as repertoire:
        # The triggers still feed the indexes made again.
        repertoire.add_note(
            Note(
                session=1,
                kind="note",
                text="Bedside handover trial",
                created_at=datetime(2026, 4, 1, 18, tzinfo=UTC),
            )
        )
        repertoire.add_report_back(
            ReportBack(
                case=1,
                session=1,
                member="ben",
                outcome=Outcome.WORKED,
                story="SBAR halved it",
                reported_on=date(2026, 4, 1),
            )
        )
    assert found(path, "cases", "handover") == ["Handover takes forty minutes"]
    assert found(path, "strategies", "sbar") == ["Use an SBAR card at the bedside"]
    assert found(path, "report_backs", "halved") == ["SBAR halved it"]
    assert found(path, "notes", "bedside") == ["Bedside handover trial"]
    with sqlite3.connect(path) as conn:
        schema = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'notes_fts'").fetchone()[0]
    conn.close()
    assert 'content="notes"' in schema and "prefix='2 3 4 5'" in schema
