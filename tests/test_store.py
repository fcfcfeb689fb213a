"""The store: round trips, the learning loop's status changes, search, read-only, and odd files."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coptui.interchange import read_document
from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Community,
    Member,
    Note,
    Outcome,
    PhaseRun,
    RepertoireDocument,
    ReportBack,
    Session,
    SessionStatus,
    Strategy,
    Topic,
)
from coptui.store import (
    HitKind,
    InvalidInput,
    NewerSchema,
    NotARepertoire,
    NotFound,
    ReadOnlyRepertoire,
    Repertoire,
    RepertoireMissing,
    StoreError,
    search,
)
from coptui.store.browsing import BrowseFilter
from coptui.store.rows import from_row, to_row
from coptui.store.schema import SCHEMA_VERSION
from coptui.store.search import fts_query

FIXTURES = Path(__file__).parent / "fixtures"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dump_returns_what_was_loaded(repertoire: Repertoire, document: RepertoireDocument) -> None:
    assert repertoire.dump().model_dump_json() == document.model_dump_json()


def test_rows_read_back_as_the_models_validation_makes(tmp_path: Path, sample_file: Path) -> None:
    """The store reads its own rows without validating them again; what it builds must not differ."""
    with Repertoire.create(tmp_path / "demo.db", Community(name="Demo")) as repertoire:
        repertoire.load(read_document(sample_file))
        dumped = repertoire.dump()
        validated = RepertoireDocument.model_validate_json(dumped.model_dump_json())
        assert validated == dumped
        for kind in ("sessions", "cases", "strategies", "actions", "report_backs", "notes"):
            for ours, theirs in zip(getattr(dumped, kind), getattr(validated, kind), strict=True):
                # Fields written only when set are unset in what was read from a file without them.
                when_set: frozenset[str] = getattr(ours, "WRITTEN_WHEN_SET", frozenset())
                assert ours.model_fields_set - when_set == theirs.model_fields_set - when_set
                assert [type(v) for v in ours.__dict__.values()] == [
                    type(v) for v in theirs.__dict__.values()
                ]
        phases = [p for s in dumped.sessions for p in s.phases]
        assert phases and all(type(p) is PhaseRun for p in phases)
        assert any(p.started_at is not None and p.started_at.tzinfo is UTC for p in phases)
    # A row that lacks a field is validated, defaults and all.
    assert from_row(Topic, {"slug": "toil", "name": "Toil"}) == Topic(slug="toil", name="Toil")


def test_rows_are_written_in_the_forms_pydantic_dumps(sample_file: Path) -> None:
    """`to_row` makes what `model_dump(mode="json")` makes, renamed: the forms every row was stored in."""
    document = read_document(sample_file)
    items = [document.community, *document.topics, *document.members]
    for kind in ("cases", "strategies", "actions", "report_backs", "notes", "sessions"):
        items += getattr(document, kind)
    items += [phase for session in document.sessions for phase in session.phases]
    moments = [datetime(2026, 11, 5, 17, 40, 5, us, tzinfo=UTC) for us in (0, 1, 500_000, 123_456)]
    items += [document.notes[0].model_copy(update={"created_at": moment}) for moment in moments]
    for item in items:
        side = {"attendees", "apologies", "absent", "arrived", "left", "phases", "topics"}
        expected = item.model_dump(mode="json", exclude=side)
        for name in getattr(item, "WRITTEN_WHEN_SET", frozenset()) - side:
            expected.setdefault(name, type(item).model_fields[name].default)  # a column holds them
        for field in ("session", "case", "strategy", "action", "practice"):
            if field in expected:
                expected[f"{field}_id"] = expected.pop(field)
        if "picked" in expected:
            expected["picked"] = int(expected["picked"])
        assert to_row(item, exclude=side) == expected


def test_items_round_trip_through_their_own_methods(repertoire: Repertoire) -> None:
    case = repertoire.add_case(
        Case(
            presenter="cho",
            title="Capacity | planning [Q1]",
            context="line one\nline two",
            topics=["alerting"],
            opened_on=date(2026, 11, 20),
        )
    )
    assert case.id is not None
    assert repertoire.case(case.id) == case
    strategy = repertoire.add_strategy(Strategy(case=case.id, proposer="ben", text="Load test *monthly*"))
    assert repertoire.strategies(case=case.id) == [strategy]
    note = repertoire.add_note(
        Note(
            session=2,
            author="cho",
            text="`code` and <b>tags</b>",
            created_at=datetime(2026, 11, 5, tzinfo=UTC),
        )
    )
    assert repertoire.notes(session=2)[-1] == note


def test_cases_page_newest_first_and_filter(repertoire: Repertoire) -> None:
    def ids(filter: BrowseFilter | None = None, **page: int) -> list[int | None]:
        return [c.id for c in repertoire.browse_cases(filter, **page)]

    assert ids() == [2, 1]
    assert ids(limit=1, offset=1) == [1]
    assert ids(BrowseFilter(topic="alerting")) == [1]
    assert ids(BrowseFilter(status=CaseStatus.OPEN)) == [2]
    assert ids(BrowseFilter(member="cho")) == [2]
    assert ids(BrowseFilter(since=date(2026, 11, 1))) == [2]
    assert ids(BrowseFilter(until=date(2026, 10, 31))) == [1]
    assert repertoire.count_browse_cases(BrowseFilter(topic="on-call")) == 2


def test_a_reference_to_nothing_is_refused_and_changes_nothing(repertoire: Repertoire, db_path: Path) -> None:
    before = repertoire.dump()
    with pytest.raises(InvalidInput, match="presenter: 'zed' is not a known member"):
        repertoire.add_case(Case(presenter="zed", title="x", opened_on=date(2026, 1, 1)))
    with pytest.raises(InvalidInput, match="case: 42 is not a known case"):
        repertoire.add_strategy(Strategy(case=42, proposer="ana", text="x"))
    with pytest.raises(InvalidInput, match="@ana is already a member"):
        repertoire.add_member(Member(handle="ana", name="Another Ana"))
    assert repertoire.dump() == before


def test_the_learning_loop_moves_case_and_action_status(repertoire: Repertoire) -> None:
    case = repertoire.add_case(Case(presenter="ana", title="Deploy freezes", opened_on=date(2026, 11, 6)))
    assert case.id is not None
    strategy = repertoire.add_strategy(Strategy(case=case.id, proposer="ben", text="Canary first"))
    action = repertoire.add_action(
        Action(case=case.id, strategy=strategy.id, owner="ana", text="Canary one service")
    )
    assert action.id is not None
    assert repertoire.case(case.id).status is CaseStatus.IN_TRIAL

    not_tried = repertoire.add_report_back(
        ReportBack(action=action.id, member="ana", outcome=Outcome.NOT_TRIED, reported_on=date(2026, 11, 20))
    )
    assert not_tried.case == case.id
    assert repertoire.action(action.id).status is ActionStatus.OPEN
    assert repertoire.case(case.id).status is CaseStatus.IN_TRIAL

    repertoire.add_report_back(
        ReportBack(
            action=action.id,
            member="ana",
            outcome=Outcome.PARTLY,
            story="Half the services.",
            reported_on=date(2026, 12, 4),
        )
    )
    assert repertoire.action(action.id).status is ActionStatus.DONE
    assert repertoire.case(case.id).status is CaseStatus.REPORTED


def test_only_one_session_can_be_live(repertoire: Repertoire) -> None:
    live = Session(title="Live one", date=date(2026, 12, 1), facilitator="ana", status=SessionStatus.LIVE)
    first = repertoire.add_session(live)
    assert repertoire.live_session() == first
    with pytest.raises(StoreError):
        repertoire.add_session(live)


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("fatigue", HitKind.CASE),  # case title
        ("flapping", HitKind.CASE),  # case context
        ("outages", HitKind.CASE),  # case question
        ("tickets", HitKind.STRATEGY),
        ("forty", HitKind.REPORT_BACK),
        ("urgent", HitKind.REPORT_BACK),  # lesson
        ("noisy", HitKind.NOTE),
        ("pil", HitKind.NOTE),  # prefix of "pilot", as typed
    ],
)
def test_search_finds_every_kind_of_text(repertoire: Repertoire, query: str, kind: HitKind) -> None:
    hits = repertoire.search(query)
    assert kind in {hit.kind for hit in hits}


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("pil", '"pil"*'),
        ("al", '"al"*'),
        ("a", '"a"'),  # one letter is a word: as a prefix it would match nearly everything
        ("alert f", '"alert" "f"'),
        ("alert fa", '"alert" "fa"*'),
        ("alert ", '"alert"'),  # a finished word is no prefix
    ],
)
def test_the_last_word_is_a_prefix_from_its_second_letter(typed: str, query: str) -> None:
    assert fts_query(typed) == query


def test_a_common_word_ranks_the_newest_matches_and_marks_each(
    repertoire: Repertoire, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        repertoire.add_note(Note(session=1, text=f"Pager storm number {i}", created_at=datetime.now(UTC)))
    monkeypatch.setattr(search, "SEARCH_WINDOW", 10)
    hits = [h for h in repertoire.browse_search("pager storm") if h.kind is HitKind.NOTE]
    newest = [n.id for n in repertoire.session_story(1).notes][-10:]
    assert len(hits) == len(newest) and {h.id for h in hits} == set(newest)
    assert all("\x02pager\x03 \x02storm\x03" in h.snippet.lower() for h in hits)


def test_search_follows_edits(repertoire: Repertoire) -> None:
    case = repertoire.case(2)
    repertoire.update_case(case.model_copy(update={"title": "Stale wiki pages"}))
    assert [h.id for h in repertoire.search("wiki") if h.kind is HitKind.CASE] == [2]
    assert not [h for h in repertoire.search("runbooks nobody") if h.kind is HitKind.CASE]


@pytest.mark.parametrize(
    "query",
    [
        "C++",
        '"',
        "AND",
        "NOT",
        "OR",
        "*",
        "-",
        ":",
        "NEAR(",
        "a AND",
        '"unbalanced',
        "^x",
        "",
        "   ",
        "col:val",
        "(",
        "')",
        "\x00",
    ],
)
def test_hostile_queries_never_raise(repertoire: Repertoire, query: str) -> None:
    assert isinstance(repertoire.search(query), list)


def test_search_snippet_marks_the_matched_words(repertoire: Repertoire) -> None:
    hit = next(h for h in repertoire.search("tickets") if h.kind is HitKind.STRATEGY)
    assert hit.plain_snippet() == "Route low-urgency alerts to tickets"
    assert "\x02tickets\x03" in hit.snippet


def test_read_only_cannot_write_and_leaves_the_file_as_it_was(db_path: Path) -> None:
    before = digest(db_path)
    with Repertoire.open(db_path, read_only=True) as reader:
        assert reader.community().name == "SRE Guild"
        with pytest.raises(ReadOnlyRepertoire, match="read-only"):
            reader.add_member(Member(handle="zoe", name="Zoe"))
        with pytest.raises(sqlite3.OperationalError):
            reader.db.execute("DELETE FROM members")
        with pytest.raises(sqlite3.OperationalError):
            reader.db.execute("PRAGMA query_only = OFF")
            reader.db.execute("DELETE FROM members")
    assert digest(db_path) == before


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RepertoireMissing, match=r"no repertoire at .*coptui init"):
        Repertoire.open(tmp_path / "nope.db")


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n")
    with pytest.raises(NotARepertoire, match="not a SQLite database"):
        Repertoire.open(path)
    assert path.read_text() == "shopping list\n"


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    before = digest(path)
    with pytest.raises(NotARepertoire, match="not a coptui repertoire"):
        Repertoire.open(path)
    assert digest(path) == before


def test_a_truncated_file_gets_a_clear_message(db_path: Path) -> None:
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError, match=r"damaged|not a coptui"), Repertoire.open(db_path) as repertoire:
        repertoire.dump()


def test_a_newer_schema_is_refused_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = digest(db_path)
    with pytest.raises(NewerSchema, match="newer coptui"):
        Repertoire.open(db_path)
    assert digest(db_path) == before


def load_v1_fixture(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "repertoire-v1.sql").read_text())
    conn.close()


def test_an_older_file_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    load_v1_fixture(path)
    with Repertoire.open(path) as repertoire:
        assert repertoire.community().name == "Night Nurses"
        assert [h.kind for h in repertoire.search("SBAR")] == [HitKind.STRATEGY]
        assert [h.id for h in repertoire.search("handover")] == [1]
        assert repertoire.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # The search index was rebuilt with prefix indexes, and triggers still feed it.
        fts_sql = repertoire.db.execute("SELECT sql FROM sqlite_master WHERE name = 'notes_fts'").fetchone()[
            0
        ]
        assert "prefix='2 3 4 5'" in fts_sql
        presenter = repertoire.members()[0].handle
        repertoire.add_case(
            Case(session=1, presenter=presenter, title="Sepsis screening", opened_on=date(2026, 11, 5))
        )
        assert [h.kind for h in repertoire.search("seps")] == [HitKind.CASE]


def test_an_older_file_is_not_upgraded_read_only(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    load_v1_fixture(path)
    before = digest(path)
    with pytest.raises(ReadOnlyRepertoire, match="older schema"):
        Repertoire.open(path, read_only=True)
    assert digest(path) == before


def test_create_refuses_a_file_that_holds_a_community(db_path: Path) -> None:
    with pytest.raises(StoreError, match="already holds"):
        Repertoire.create(db_path, Community(name="Other"))


def test_load_refuses_a_repertoire_that_has_content(
    repertoire: Repertoire, document: RepertoireDocument
) -> None:
    with pytest.raises(StoreError, match="already holds"):
        repertoire.load(document)


def test_unknown_items_are_not_found(repertoire: Repertoire) -> None:
    with pytest.raises(NotFound, match="no case 99"):
        repertoire.case(99)
    with pytest.raises(NotFound, match="no session 99"):
        repertoire.session(99)


def test_a_reader_that_cannot_make_the_wal_index_is_told_why(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coptui.store import connection

    def refuse(db: object, path: Path) -> None:
        # What SQLite says when a reader cannot create the -shm file beside a WAL database.
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(connection, "_check_identity", refuse)
    with pytest.raises(
        StoreError, match=r"cannot open .* read-only: its folder must be writable by this user"
    ):
        Repertoire.open(db_path, read_only=True)
