"""The repertoire's schema, as ordered migrations.

sqlite-utils' `Migrations` applies what a file lacks; `PRAGMA user_version` records
how many have been applied so that a file written by a newer coptui is recognised
and refused before anything touches it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.db import Table
from sqlite_utils.migrations import Migrations

from coptui.store.connection import APPLICATION_ID, SCHEMA_VERSION, closed_on_failure, open_connection
from coptui.store.evidence import evidence_sql

migrations = Migrations("coptui")
MIGRATION_NAMES: list[str] = []


def _migration(
    name: str, *, transactional: bool = True
) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    MIGRATION_NAMES.append(name)
    return migrations(name=name, transactional=transactional)


@_migration("0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE community (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL CHECK (name <> ''),
            domain TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE topics (
            slug TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            description TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE members (
            handle TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            role TEXT NOT NULL CHECK (role IN ('facilitator', 'member')),
            organisation TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL CHECK (title <> ''),
            date TEXT NOT NULL,
            format TEXT NOT NULL,
            facilitator TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('planned', 'live', 'closed')),
            started_at TEXT,
            ended_at TEXT,
            current_phase INTEGER
        );
        -- A repertoire has at most one live session at a time.
        CREATE UNIQUE INDEX sessions_one_live ON sessions(status) WHERE status = 'live';
        CREATE INDEX sessions_date ON sessions(date);
        CREATE TABLE attendance (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            member TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            presence TEXT NOT NULL CHECK (presence IN ('attended', 'apologies', 'absent')),
            position INTEGER NOT NULL,
            PRIMARY KEY (session_id, member)
        );
        CREATE INDEX attendance_member ON attendance(member);
        CREATE TABLE phase_runs (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL
                CHECK (kind IN ('check_in', 'problem_sharing', 'problem_solving', 'report_back')),
            title TEXT NOT NULL,
            timebox_minutes INTEGER NOT NULL,
            prompt TEXT NOT NULL DEFAULT '',
            started_at TEXT,
            ended_at TEXT,
            paused_at TEXT,
            paused_seconds INTEGER NOT NULL DEFAULT 0,
            extra_minutes INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (session_id, position)
        );
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id),
            presenter TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            title TEXT NOT NULL CHECK (title <> ''),
            context TEXT NOT NULL DEFAULT '',
            question TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL
                CHECK (status IN ('open', 'in_trial', 'reported', 'resolved', 'reopened')),
            opened_on TEXT NOT NULL
        );
        CREATE INDEX cases_opened_on ON cases(opened_on);
        CREATE INDEX cases_presenter ON cases(presenter);
        CREATE INDEX cases_session ON cases(session_id);
        CREATE INDEX cases_status ON cases(status, opened_on);
        CREATE TABLE case_topics (
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            topic TEXT NOT NULL REFERENCES topics(slug) ON UPDATE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (case_id, topic)
        );
        CREATE INDEX case_topics_topic ON case_topics(topic, case_id);
        CREATE TABLE strategies (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES sessions(id),
            proposer TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            text TEXT NOT NULL CHECK (text <> ''),
            votes INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
            picked INTEGER NOT NULL DEFAULT 0 CHECK (picked IN (0, 1))
        );
        CREATE INDEX strategies_case ON strategies(case_id);
        CREATE INDEX strategies_proposer ON strategies(proposer);
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            case_id INTEGER REFERENCES cases(id),
            strategy_id INTEGER REFERENCES strategies(id),
            session_id INTEGER REFERENCES sessions(id),
            owner TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            text TEXT NOT NULL CHECK (text <> ''),
            due TEXT,
            status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped'))
        );
        CREATE INDEX actions_case ON actions(case_id);
        CREATE INDEX actions_strategy ON actions(strategy_id);
        CREATE INDEX actions_owner ON actions(owner, status);
        CREATE INDEX actions_status ON actions(status, due);
        CREATE TABLE report_backs (
            id INTEGER PRIMARY KEY,
            action_id INTEGER REFERENCES actions(id),
            case_id INTEGER REFERENCES cases(id),
            session_id INTEGER REFERENCES sessions(id),
            member TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            outcome TEXT NOT NULL CHECK (outcome IN ('worked', 'partly', 'did_not_work', 'not_tried')),
            story TEXT NOT NULL DEFAULT '',
            lesson TEXT NOT NULL DEFAULT '',
            value_cycle TEXT
                CHECK (value_cycle IN ('immediate', 'potential', 'applied', 'realized', 'reframing')),
            reported_on TEXT NOT NULL
        );
        CREATE INDEX report_backs_action ON report_backs(action_id);
        CREATE INDEX report_backs_case ON report_backs(case_id);
        CREATE INDEX report_backs_member ON report_backs(member);
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            phase INTEGER,
            author TEXT REFERENCES members(handle) ON UPDATE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('note', 'check_in', 'decision')),
            text TEXT NOT NULL CHECK (text <> ''),
            case_id INTEGER REFERENCES cases(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX notes_session ON notes(session_id, phase);
        CREATE INDEX notes_case ON notes(case_id);
        """
    )


# The columns each kind of text is searched by; the store keeps them in step by triggers.
SEARCHED_COLUMNS: dict[str, list[str]] = {
    "cases": ["title", "context", "question"],
    "strategies": ["text"],
    "report_backs": ["story", "lesson"],
    "notes": ["text"],
}


@_migration("0002_full_text_search")
def _full_text_search(db: Database) -> None:
    for table, columns in SEARCHED_COLUMNS.items():
        Table(db, table).enable_fts(columns, create_triggers=True, tokenize="porter unicode61")


@_migration("0003_browsing_indexes")
def _browsing_indexes(db: Database) -> None:
    """What the browser's session stories and outcome filters look up, indexed for large repertoires."""
    db.executescript(
        """
        CREATE INDEX strategies_session ON strategies(session_id);
        CREATE INDEX actions_session ON actions(session_id);
        CREATE INDEX report_backs_session ON report_backs(session_id);
        CREATE INDEX report_backs_outcome ON report_backs(outcome, case_id);
        """
    )


@_migration("0004_prefix_search_index")
def _prefix_search_index(db: Database) -> None:
    """Index the first two to five letters of every word too.

    Searching as you type asks for a prefix ("al", "ale", "aler"): without these indexes
    FTS5 gathers the entries of every word that starts with it, 16-45 ms a table on a
    million notes for a common word. One letter is searched as a whole word (see
    `fts_query`), since its prefix would match nearly everything. For a million notes
    they take the notes' search index from 39 MB to 147 MB, and the file grows by a
    seventh. The triggers of 0002 keep writing to the same names.
    """
    _recreate_search_indexes(db, content_of=lambda table: table)


def _recreate_search_indexes(db: Database, content_of: Callable[[str], str]) -> None:
    """Each search index made again, prefix indexes and all, and filled from its table."""
    for table, columns in SEARCHED_COLUMNS.items():
        fts = f"{table}_fts"
        db.execute(f"DROP TABLE {fts}")
        db.execute(
            f"CREATE VIRTUAL TABLE {fts} USING FTS5 ({', '.join(columns)}, "
            f"tokenize='porter unicode61', prefix='2 3 4 5', content={content_of(table)})"
        )
        db.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


@_migration("0005_capture_journal")
def _capture_journal(db: Database) -> None:
    """What the facilitator typed and pressed in a live session, written before it is acted on.

    Each row is made durable the moment Enter (or F5, F8, …) reaches the app, in the order
    pressed; the engine then files it and settles the row in the same transaction. A row
    not yet settled when the process dies is filed on resume, so nothing Entered is lost.
    """
    db.execute(
        """
        CREATE TABLE capture_journal (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            command TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            pressed_at TEXT NOT NULL,
            journalled_at TEXT NOT NULL,
            settled_at TEXT,
            filed INTEGER,
            message TEXT
        )
        """
    )
    db.execute(
        "CREATE INDEX capture_journal_unsettled ON capture_journal(session_id, id) WHERE settled_at IS NULL"
    )


_OLD_SESSION_STATUSES = "CHECK (status IN ('planned', 'live', 'closed'))"
_NEW_SESSION_STATUSES = "CHECK (status IN ('planned', 'live', 'closed', 'abandoned'))"


@_migration("0006_session_abandoned", transactional=False)
def _session_abandoned(db: Database) -> None:
    """A session can be abandoned: the status CHECK of `sessions` gains 'abandoned'.

    SQLite cannot change a CHECK in place, so the table is rebuilt the way SQLite's
    documentation gives for it: foreign keys off (only possible outside a transaction,
    hence not transactional), copy, drop, rename, re-index, check the keys, all in one
    transaction. Run again after a crash, it finds the work done or undone, never half.
    """
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").fetchone()[0]
    if _NEW_SESSION_STATUSES in sql:
        return
    if _OLD_SESSION_STATUSES not in sql:
        raise RuntimeError("the sessions table is not as coptui made it; cannot add the abandoned status")
    indexes = [
        row[0]
        for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions' AND sql IS NOT NULL"
        )
    ]
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            new_sql = sql.replace(_OLD_SESSION_STATUSES, _NEW_SESSION_STATUSES)
            # A renamed table's stored statement quotes its name: CREATE TABLE "sessions".
            db.execute(re.sub(r'^CREATE TABLE ("?)sessions\1', "CREATE TABLE sessions_new", new_sql))
            db.execute("INSERT INTO sessions_new SELECT * FROM sessions")
            db.execute("DROP TABLE sessions")
            db.execute("ALTER TABLE sessions_new RENAME TO sessions")
            for index in indexes:
                db.execute(index)
            if db.execute("PRAGMA foreign_key_check").fetchall():
                raise RuntimeError("rebuilding the sessions table broke a reference; nothing was changed")
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")


@_migration("0007_attendance_times")
def _attendance_times(db: Database) -> None:
    """Who came late and who left early: when, on each attendance row (NULL: there throughout)."""
    db.execute("ALTER TABLE attendance ADD COLUMN arrived_at TEXT")
    db.execute("ALTER TABLE attendance ADD COLUMN left_at TEXT")


@_migration("0008_next_meeting_and_leaving_members")
def _next_meeting_and_leaving_members(db: Database) -> None:
    """The date set for a session's next meeting; the day a member left the community."""
    db.execute("ALTER TABLE sessions ADD COLUMN next_meeting TEXT")
    db.execute("ALTER TABLE members ADD COLUMN left_on TEXT")


@_migration("0009_search_index_content_quoted")
def _search_index_content_quoted(db: Database) -> None:
    """Name each index's table as `content="notes"`, the form sqlite-utils writes.

    sqlite-utils (`sqlite-utils search`, `Table.search()`) and Datasette (`?_search=`)
    find a table's search index by that quoted form, so after 0004's `content=notes`
    both said the file had no full-text search. Same columns, tokenizer, prefix indexes;
    the triggers of 0002 keep writing to the same names.
    """
    _recreate_search_indexes(db, content_of=lambda table: f'"{table}"')


@_migration("0010_case_dots")
def _case_dots(db: Database) -> None:
    """Lean Coffee: a case brought as a topic carries its dots and its own timebox's start and extension."""
    db.execute("ALTER TABLE cases ADD COLUMN dots INTEGER NOT NULL DEFAULT 0 CHECK (dots >= 0)")
    db.execute("ALTER TABLE cases ADD COLUMN discussed_at TEXT")
    db.execute(
        "ALTER TABLE cases ADD COLUMN extra_minutes INTEGER NOT NULL DEFAULT 0 CHECK (extra_minutes >= 0)"
    )


def own_practice_for_each_strategy(db: Database) -> None:
    """Each strategy not yet the use of a practice becomes the first use of a practice of its own.

    Named by its text and dated by its session (or else its case), numbered after every
    practice there is: by its strategy's id when there are none yet.
    """
    offset = db.execute("SELECT coalesce(max(id), 0) FROM practices").fetchone()[0]
    db.execute(
        "INSERT INTO practices (id, name, created_on) "
        "SELECT s.id + :offset, s.text, coalesce(ss.date, c.opened_on) "
        "FROM strategies s JOIN cases c ON c.id = s.case_id LEFT JOIN sessions ss ON ss.id = s.session_id "
        "WHERE s.practice_id IS NULL ORDER BY s.id",
        {"offset": offset},
    )
    db.execute(
        "UPDATE strategies SET practice_id = id + :offset WHERE practice_id IS NULL", {"offset": offset}
    )


# A practice's track record, counted again from the report-backs on the actions taken under
# its strategies, with its uses, the cases it was tried on, and its evidence score from
# that, for the practices `{practices}` selects.
RECOUNT_PRACTICES = (
    "UPDATE practices SET "
    "worked = coalesce(t.worked, 0), partly = coalesce(t.partly, 0), "
    "did_not_work = coalesce(t.did_not_work, 0), not_tried = coalesce(t.not_tried, 0), "
    "uses = t.uses, cases = t.cases "
    "FROM (SELECT p.id AS practice_id, "
    "sum(r.outcome = 'worked') AS worked, sum(r.outcome = 'partly') AS partly, "
    "sum(r.outcome = 'did_not_work') AS did_not_work, sum(r.outcome = 'not_tried') AS not_tried, "
    "count(DISTINCT s.id) AS uses, "
    "count(DISTINCT CASE WHEN r.outcome <> 'not_tried' THEN s.case_id END) AS cases "
    "FROM practices p LEFT JOIN strategies s ON s.practice_id = p.id "
    "LEFT JOIN actions a ON a.strategy_id = s.id LEFT JOIN report_backs r ON r.action_id = a.id "
    "WHERE p.id IN ({practices}) GROUP BY p.id) AS t "
    "WHERE practices.id = t.practice_id; "
    f"UPDATE practices SET evidence = {evidence_sql('worked', 'partly', 'did_not_work')} "
    "WHERE id IN ({practices})"
)


def recount_practices(db: Database, practices: str) -> None:
    """Count again the track records of the practices that the SQL `practices` selects."""
    for statement in RECOUNT_PRACTICES.format(practices=practices).split("; "):
        db.execute(statement)


# The practice an action was taken under, for a trigger's `{action}` (new.action_id, …).
_PRACTICE_OF_ACTION = (
    "SELECT s.practice_id FROM actions a JOIN strategies s ON s.id = a.strategy_id WHERE a.id = {action}"
)


def _recount_trigger(name: str, event: str, practices: str) -> str:
    return f"CREATE TRIGGER {name} AFTER {event} BEGIN {RECOUNT_PRACTICES.format(practices=practices)}; END"


@_migration("0011_practices")
def _practices(db: Database) -> None:
    """Practices: a way of addressing a problem that can be tried more than once, its strategies its uses.

    Every strategy there is becomes the first use of a practice of its own, named by its
    text: nothing is merged that a person has not merged. Each practice keeps its track
    record (every report-back on an action taken under any of its strategies) and its
    evidence score (see `evidence_sql`), counted again by triggers whenever a
    report-back, an action's strategy or a strategy's practice changes, so every writer
    keeps them right and the ranked list reads a page from an index, each practice's
    uses and the cases it was tried on with it. A practice is searched by
    its name through a search index of the form sqlite-utils and Datasette find.
    """
    db.execute(
        """
        CREATE TABLE practices (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            created_on TEXT NOT NULL,
            worked INTEGER NOT NULL DEFAULT 0,
            partly INTEGER NOT NULL DEFAULT 0,
            did_not_work INTEGER NOT NULL DEFAULT 0,
            not_tried INTEGER NOT NULL DEFAULT 0,
            evidence REAL NOT NULL DEFAULT 0,
            uses INTEGER NOT NULL DEFAULT 0,
            cases INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("ALTER TABLE strategies ADD COLUMN practice_id INTEGER REFERENCES practices(id)")
    own_practice_for_each_strategy(db)
    recount_practices(db, "SELECT id FROM practices")
    db.execute("CREATE INDEX strategies_practice ON strategies(practice_id)")
    db.execute(
        "CREATE INDEX practices_ranked ON practices(evidence DESC, worked + partly + did_not_work DESC, id)"
    )
    of_action = _PRACTICE_OF_ACTION
    triggers = [
        ("report_backs_practice_ai", "INSERT ON report_backs", of_action.format(action="new.action_id")),
        ("report_backs_practice_ad", "DELETE ON report_backs", of_action.format(action="old.action_id")),
        (
            "report_backs_practice_au",
            "UPDATE OF outcome, action_id ON report_backs",
            f"{of_action.format(action='old.action_id')} UNION {of_action.format(action='new.action_id')}",
        ),
        (
            "actions_practice_au",
            "UPDATE OF strategy_id ON actions",
            "SELECT practice_id FROM strategies WHERE id IN (old.strategy_id, new.strategy_id)",
        ),
        ("strategies_practice_au", "UPDATE OF practice_id ON strategies", "old.practice_id, new.practice_id"),
        ("strategies_practice_ai", "INSERT ON strategies", "new.practice_id"),
        ("strategies_practice_recount_ad", "DELETE ON strategies", "old.practice_id"),
    ]
    for name, event, practices in triggers:
        db.execute(_recount_trigger(name, event, practices))
    # A practice lives in its uses: the last one taken back (an undo) takes it too.
    db.execute(
        "CREATE TRIGGER strategies_practice_ad AFTER DELETE ON strategies "
        "WHEN NOT EXISTS (SELECT 1 FROM strategies WHERE practice_id = old.practice_id) "
        "BEGIN DELETE FROM practices WHERE id = old.practice_id; END"
    )
    # The form sqlite-utils' `enable_fts` makes, but the index is written again only when a
    # name changes, not when a report-back recounts a practice's track record.
    db.execute(
        "CREATE VIRTUAL TABLE practices_fts USING FTS5 "
        "(name, tokenize='porter unicode61', content=\"practices\")"
    )
    db.execute("INSERT INTO practices_fts (practices_fts) VALUES ('rebuild')")
    db.execute(
        "CREATE TRIGGER practices_ai AFTER INSERT ON practices BEGIN "
        "INSERT INTO practices_fts (rowid, name) VALUES (new.id, new.name); END"
    )
    db.execute(
        "CREATE TRIGGER practices_ad AFTER DELETE ON practices BEGIN "
        "INSERT INTO practices_fts (practices_fts, rowid, name) VALUES ('delete', old.id, old.name); END"
    )
    db.execute(
        "CREATE TRIGGER practices_au AFTER UPDATE OF name ON practices BEGIN "
        "INSERT INTO practices_fts (practices_fts, rowid, name) VALUES ('delete', old.id, old.name); "
        "INSERT INTO practices_fts (rowid, name) VALUES (new.id, new.name); END"
    )


@_migration("0012_participants")
def _participants(db: Database) -> None:
    """Members taking part from their own terminals, writing into the same file as the facilitator.

    Each journal row says whose keys it holds (NULL: the facilitator's), so that a process
    replays only its own. The case in focus is kept with the session, so another process
    reads it. Arrivals, what each participant filed (so the facilitator can take it back),
    private dot votes and their reveal each have a table.
    """
    # One statement at a time: `executescript` would commit the migration's transaction first.
    for statement in _PARTICIPANTS_SQL.split(";")[:-1]:
        db.execute(statement)


_PARTICIPANTS_SQL = """
        ALTER TABLE capture_journal ADD COLUMN member TEXT;
        ALTER TABLE sessions ADD COLUMN focus_case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL;
        CREATE TABLE participant_arrivals (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            member TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            via TEXT NOT NULL CHECK (via IN ('ssh', 'local')),
            joined_at TEXT NOT NULL
        );
        CREATE INDEX participant_arrivals_session ON participant_arrivals(session_id, id);
        CREATE TABLE participant_entries (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
            member TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            kind TEXT NOT NULL CHECK (
                kind IN ('check_in', 'note', 'case', 'case_detail', 'strategy', 'vote', 'report_back')
            ),
            item_id INTEGER NOT NULL,
            description TEXT NOT NULL,
            undo TEXT NOT NULL DEFAULT '{}',
            filed_at TEXT NOT NULL,
            taken_back_at TEXT
        );
        CREATE INDEX participant_entries_session ON participant_entries(session_id, id);
        CREATE TABLE private_votes (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            strategy_id INTEGER NOT NULL REFERENCES strategies(id) ON DELETE CASCADE,
            member TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE,
            dots INTEGER NOT NULL CHECK (dots > 0),
            cast_at TEXT NOT NULL,
            counted_at TEXT
        );
        CREATE INDEX private_votes_case ON private_votes(case_id, member);
        CREATE INDEX private_votes_strategy ON private_votes(strategy_id);
        CREATE TABLE vote_reveals (
            case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            revealed_at TEXT NOT NULL
        );
"""


@_migration("0013_capture_journal_keys")
def _capture_journal_keys(db: Database) -> None:
    """Each journalled command keeps the key of its copy in the side journal beside the file
    (`store/side_journal.py`), unique, so a copy taken over after a crash is journalled once."""
    db.execute("ALTER TABLE capture_journal ADD COLUMN record_key TEXT")
    db.execute(
        "CREATE UNIQUE INDEX capture_journal_record_key ON capture_journal(record_key) "
        "WHERE record_key IS NOT NULL"
    )


@_migration("0014_capture_journal_speaker")
def _capture_journal_speaker(db: Database) -> None:
    """A plain check-in line keeps whose check-in the capture box named as it was Entered: filed
    later (a lock held meanwhile), it is still theirs. Rows journalled before have none."""
    db.execute("ALTER TABLE capture_journal ADD COLUMN speaker TEXT")


@_migration("0015_capture_journal_phase")
def _capture_journal_phase(db: Database) -> None:
    """A line keeps the phase it was Entered in: filed after the phase has moved on (a lock held,
    or a resume), it is still a check-in, or a note, of that phase. Rows journalled before have none."""
    db.execute("ALTER TABLE capture_journal ADD COLUMN phase INTEGER")


@_migration("0016_withdrawn_strategies")
def _withdrawn_strategies(db: Database) -> None:
    """A strategy taken back in a live session keeps its place in that session's numbering
    (its id then, its text): `#vote N` Entered just before it went means the strategy N that
    was on screen, or is refused, and never lands on the next one."""
    db.execute(
        "CREATE TABLE withdrawn_strategies (id INTEGER PRIMARY KEY, strategy_id INTEGER NOT NULL, "
        "case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, "
        "session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, "
        "proposer TEXT NOT NULL REFERENCES members(handle) ON UPDATE CASCADE, text TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX withdrawn_strategies_case ON withdrawn_strategies(case_id, session_id)")


@_migration("0017_capture_journal_focus")
def _capture_journal_focus(db: Database) -> None:
    """A member's line keeps the case in focus as they Entered it: a `#vote 2` typed while one case
    was on screen never lands on the next one. Rows journalled before have none (the focus at filing).
    The id of a case taken back is kept, so that it is never given to another case a line could then
    be filed on."""
    db.execute("ALTER TABLE capture_journal ADD COLUMN focus INTEGER")
    db.execute("CREATE TABLE taken_back_cases (id INTEGER PRIMARY KEY)")


if len(MIGRATION_NAMES) != SCHEMA_VERSION:
    raise RuntimeError(f"connection.SCHEMA_VERSION must be {len(MIGRATION_NAMES)}, the migrations' count")


def open_database(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open (or, with `create`, make) the repertoire at `path` for writing, at this coptui's schema."""
    conn = open_connection(path, create=create)
    with closed_on_failure(conn, path, read_only=False):
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            # No sqlite-utils plugins: coptui's connections are its own, and looking for plugins
            # scans every installed package's entry points at each start.
            upgrade(Database(conn, execute_plugins=False))
    return conn


def upgrade(db: Database) -> None:
    """Apply every pending migration, then stamp the file as a coptui repertoire of this version."""
    migrations.apply(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
