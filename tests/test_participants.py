"""Participants at the engine: what each may file from their own terminal, and nothing else.

Every forbidden write is refused with one line and leaves the file as it was; every allowed one
is filed as the participant's own; dot votes stay hidden until the facilitator reveals them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coptui.export.api import minutes
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.my_actions import MemberActions
from coptui.facilitation.participant import Participant, ParticipantView, ParticipationRefused
from coptui.facilitation.tags import TAGS
from coptui.facilitation.view import EntryResult
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.models import ActionStatus, Command, CommandKind, NoteKind, Outcome
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
CHECK_IN, SHARING, SOLVING, REPORT_BACK = range(4)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def live(repertoire: Repertoire, clock: ManualClock) -> LiveSession:
    plan = SessionPlan(
        session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=["ben", "cho"]
    )
    return LiveSession.start(repertoire, plan, clock)


@pytest.fixture
def ben(repertoire: Repertoire, live: LiveSession, clock: ManualClock) -> Participant:
    return Participant.join(repertoire, "ben", via="ssh", clock=clock)


def file_state(path: Path) -> list[str]:
    """Everything in the file but the capture journal, which records refusals too."""
    with sqlite3.connect(path) as conn:
        return [line for line in conn.iterdump() if "capture_journal" not in line]


def at_a_strategy(live: LiveSession, presenter: str = "cho") -> None:
    """Problem solving, on a case `presenter` brought, with one strategy from the facilitator."""
    live.jump_to(SHARING)
    assert live.enter(f"#case @{presenter} Alert fatigue").ok
    live.jump_to(SOLVING)
    assert live.enter("#strategy @ana Route alerts to tickets").ok


def journalled(repertoire: Repertoire, member: str, kind: CommandKind, text: str = "") -> Command:
    journal = CaptureJournal(repertoire.path, member=member)
    try:
        session = repertoire.live_session()
        assert session is not None and session.id is not None
        return journal.append(session.id, [Command(kind=kind, text=text, pressed_at=START)])[0]
    finally:
        journal.close()


# -- joining ---------------------------------------------------------------------------------


def test_joining_files_the_arrival_for_the_facilitator(live: LiveSession, ben: Participant) -> None:
    arrivals = live.arrivals_since()
    assert [(a.member, a.via, a.joined_at) for a in arrivals] == [("ben", "ssh", START)]
    assert live.arrivals_since(arrivals[-1].id) == []


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("zed", "@zed is not a member of this community"),
        ("@ZED", "@zed is not a member of this community"),
    ],
)
def test_a_stranger_cannot_join(repertoire: Repertoire, live: LiveSession, handle: str, message: str) -> None:
    with pytest.raises(ParticipationRefused, match=message):
        Participant.join(repertoire, handle, via="ssh")


def test_a_member_not_on_the_attendance_list_cannot_join(repertoire: Repertoire, clock: ManualClock) -> None:
    plan = SessionPlan(session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=["ben"])
    LiveSession.start(repertoire, plan, clock)
    with pytest.raises(ParticipationRefused, match=r"@cho is not on today's attendance list.*#arrived @cho"):
        Participant.join(repertoire, "cho", via="local")
    assert repertoire.arrivals(repertoire.live_session().id or 0) == []  # type: ignore[union-attr]


def test_joining_with_no_session_live_or_after_it_ended_is_refused(
    repertoire: Repertoire, live: LiveSession, clock: ManualClock
) -> None:
    clock.advance(minutes=101)
    live.end()
    with pytest.raises(ParticipationRefused, match=r"^The session ended at 18:41\.$"):
        Participant.join(repertoire, "ben", via="ssh", clock=clock)
    clock.advance(minutes=60 * 24)
    with pytest.raises(ParticipationRefused, match="No session is live just now"):
        Participant.join(repertoire, "ben", via="ssh", clock=clock)


def test_may_join_says_what_would_let_a_member_in_and_writes_nothing(
    db_path: Path, repertoire: Repertoire, clock: ManualClock
) -> None:
    """What a waiting participant screen reads on every change: through a read-only connection too."""
    with Repertoire.open(db_path, read_only=True) as reader:

        def waiting_for(handle: str) -> str | None:
            refused = Participant.may_join(reader, handle, clock)
            return "may join" if refused is None else refused.waiting_for

        assert waiting_for("ben") == "waiting for a session to start…"
        plan = SessionPlan(session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=["ben"])
        live = LiveSession.start(repertoire, plan, clock)
        assert waiting_for("ben") == "may join"
        assert waiting_for("cho") == "waiting for the facilitator to add you: #arrived @cho"
        assert live.enter("#arrived @cho").ok
        assert waiting_for("cho") == "may join"
        assert live.enter("#left @cho").ok
        assert waiting_for("cho") == "waiting for the facilitator to undo #left @cho"
        assert waiting_for("zed") is None, "a stranger waits for nothing: nothing done elsewhere lets them in"
        live.end()
        assert waiting_for("ben") == "waiting for a session to start…"
    assert repertoire.arrivals(repertoire.latest_session().id or 0) == []  # type: ignore[union-attr]


def test_joining_by_an_unknown_route_is_refused(repertoire: Repertoire, live: LiveSession) -> None:
    with pytest.raises(ParticipationRefused, match="joining is over ssh or local"):
        Participant.join(repertoire, "ben", via="telnet")


# -- every forbidden write -------------------------------------------------------------------

Setup = Callable[[LiveSession, Participant], None]


def nothing(live: LiveSession, ben: Participant) -> None:
    pass


def in_phase(position: int) -> Setup:
    def setup(live: LiveSession, ben: Participant) -> None:
        live.jump_to(position)

    return setup


def on_chos_case(live: LiveSession, ben: Participant) -> None:
    at_a_strategy(live, "cho")


def ben_left(live: LiveSession, ben: Participant) -> None:
    assert live.enter("#left @ben").ok


def session_over(live: LiveSession, ben: Participant) -> None:
    live.clock.advance(minutes=41)  # type: ignore[attr-defined]
    live.end()


def dots_spent(live: LiveSession, ben: Participant) -> None:
    at_a_strategy(live)
    assert ben.enter("#vote 1 3").ok


def cho_filed_a_note(live: LiveSession, ben: Participant) -> None:
    cho = Participant.join(live.repertoire, "cho", via="local", clock=live.clock)
    assert cho.enter("Here from the train").ok


FORBIDDEN_ENTRIES: list[tuple[str, Setup, str, str]] = [
    ("as someone else", nothing, "@cho fine, thanks", "you file as yourself (@ben) only, not as @cho"),
    ("a decision", nothing, "#decision we pilot it", "only the facilitator records decisions"),
    ("the focus", on_chos_case, "#focus 1", "only the facilitator chooses the case in focus"),
    ("a pick", on_chos_case, "#pick 1", "only the facilitator records the presenter's pick"),
    ("an action", on_chos_case, "#action @ben due:+1w try it", "only the facilitator records the actions"),
    # Told first that it is the facilitator's, not how to write it (QA's L5).
    ("an action, no one named", on_chos_case, "#action due:+1w I will pair", "only the facilitator records"),
    ("a pick with no number", on_chos_case, "#pick", "only the facilitator records the presenter's pick"),
    ("dots by another name", nothing, "#dots 1", "only the facilitator records the dots on Lean Coffee"),
    ("absent", nothing, "#absent @cho", "only the facilitator keeps the attendance"),
    ("arrived", nothing, "#arrived @cho", "only the facilitator keeps the attendance"),
    ("left", nothing, "#left @ben", "only the facilitator keeps the attendance"),
    ("a newcomer", nothing, "#newcomer @zed Zed Doe", "only the facilitator adds new members"),
    ("the next meeting", nothing, "#next +4w", "only the facilitator sets the next meeting"),
    ("resolved", nothing, "#resolved 1", "only the facilitator records a case as resolved"),
    ("dots on a topic", nothing, "#dot 1", "only the facilitator records the dots on Lean Coffee topics"),
    ("the next topic", nothing, "#next-topic", "only the facilitator moves on to the next topic"),
    ("thumbs", nothing, "#thumbs up 3 down 1", "only the facilitator records the thumbs vote"),
    ("a case for someone else", in_phase(SHARING), "#case @cho Their case", "not as @cho"),
    (
        "a case in check-in",
        nothing,
        "#case My case",
        "cases are brought in problem sharing; this is Check-in",
    ),
    ("a strategy too early", in_phase(SHARING), "#strategy Try this", "strategies are proposed and voted on"),
    ("someone else's strategy", on_chos_case, "#strategy @cho Try this", "not as @cho"),
    (
        "a vote too early",
        in_phase(SHARING),
        "#vote 1",
        "strategies are proposed and voted on in problem solving",
    ),
    ("more dots than given", on_chos_case, "#vote 1 4", "you have 3 dots left for “Alert fatigue”"),
    ("dots once spent", dots_spent, "#vote 1", "you have 0 dots left"),
    ("a vote for no strategy", on_chos_case, "#vote 2", "“Alert fatigue” has 1 strategy"),
    ("context on another's case", on_chos_case, "#context it pages", "to a case you bring"),
    ("a question on another's case", on_chos_case, "#question why?", "to a case you bring"),
    ("topics on another's case", on_chos_case, "#topic alerting", "to a case you bring"),
    ("a report as someone else", nothing, "#report @cho worked it went well", "not as @cho"),
    (
        "a report on no action",
        nothing,
        "#report @ben worked it went well",
        "report on one of your own actions",
    ),
    ("resolving by report", nothing, "#report 1 worked fine case:resolved", "only the facilitator records"),
    ("a report on no such action", nothing, "#report 2 worked fine", "there is no matter 2; yours: 1"),
    ("after leaving", ben_left, "a note after all", "@ben left the session at 17:00"),
    ("after the end", session_over, "one more thing", "The session ended at 17:41."),
    ("someone else's entry by undo", cho_filed_a_note, "#undo", "nothing of yours to undo"),
]


def test_every_tag_is_a_participants_or_refused_as_the_facilitators(
    live: LiveSession, ben: Participant
) -> None:
    """A tag added to the syntax is either one a member may use, or refused before it is read."""
    participants = {"case", "context", "question", "topic", "strategy", "vote", "report", "undo"}
    for tag in set(TAGS) - participants:
        said = ben.enter(f"#{tag}").message
        assert said.startswith("only the facilitator "), (tag, said)


@pytest.mark.parametrize(
    ("setup", "text", "message"),
    [pytest.param(setup, text, message, id=name) for name, setup, text, message in FORBIDDEN_ENTRIES],
)
def test_a_forbidden_entry_is_refused_and_writes_nothing(
    db_path: Path, live: LiveSession, ben: Participant, setup: Setup, text: str, message: str
) -> None:
    setup(live, ben)
    before = file_state(db_path)
    result = ben.enter(text)
    assert not result.ok
    assert message in result.message
    assert "\n" not in result.message
    assert file_state(db_path) == before


FORBIDDEN_COMMANDS = [
    (CommandKind.NEXT_PHASE, "", "only the facilitator moves through the phases"),
    (CommandKind.PREVIOUS_PHASE, "", "only the facilitator moves through the phases"),
    (CommandKind.JUMP, "2", "only the facilitator moves through the phases"),
    (CommandKind.PAUSE, "", "only the facilitator runs the timer"),
    (CommandKind.EXTEND, "", "only the facilitator runs the timer"),
    (CommandKind.SHUFFLE, "", "only the facilitator sets the speaking order"),
    (CommandKind.END, "", "only the facilitator ends the session"),
    (CommandKind.ABANDON, "", "only the facilitator ends the session"),
    (CommandKind.REVEAL_VOTES, "", "only the facilitator does that"),
    (CommandKind.TAKE_BACK, "1", "only the facilitator does that"),
    (CommandKind.ENTRY, "#absent @cho", "only the facilitator keeps the attendance"),
]


@pytest.mark.parametrize(
    ("kind", "text", "message"), FORBIDDEN_COMMANDS, ids=[k.value for k, _, _ in FORBIDDEN_COMMANDS]
)
def test_a_forbidden_key_is_refused_settled_and_writes_nothing_else(
    db_path: Path,
    repertoire: Repertoire,
    live: LiveSession,
    ben: Participant,
    kind: CommandKind,
    text: str,
    message: str,
) -> None:
    command = journalled(repertoire, "ben", kind, text)
    before = file_state(db_path)
    result = ben.perform(command)
    assert (result.ok, result.message) == (False, message)
    assert file_state(db_path) == before
    settled = repertoire.db.execute(
        "SELECT filed, message, member FROM capture_journal WHERE id = ?", [command.id]
    ).fetchone()
    assert settled == (0, message, "ben")
    assert live.session.current_phase == repertoire.session(live.session_id).current_phase == CHECK_IN


@pytest.mark.parametrize(
    ("action_id", "message"),
    [(3, "there is no action 3"), (1, "“Try ticket routing for two weeks” is done already")],
)
def test_a_report_back_on_no_open_action_of_ones_own_is_refused(
    db_path: Path, ben: Participant, action_id: int, message: str
) -> None:
    before = file_state(db_path)
    result = ben.report_back(action_id, "worked", "went well")
    assert (result.ok, result.message) == (False, message)
    assert file_state(db_path) == before


def test_a_report_back_on_someone_elses_action_is_refused(db_path: Path, repertoire: Repertoire) -> None:
    before = file_state(db_path)
    result = MemberActions(repertoire, "cho").report_back(2, "worked", "mine now")
    assert (result.ok, result.message) == (
        False,
        "that action is @ben's; you report on your own actions only",
    )
    assert file_state(db_path) == before


def test_an_unknown_outcome_is_refused(db_path: Path, ben: Participant) -> None:
    before = file_state(db_path)
    result = ben.report_back(2, "great", "went well")
    assert not result.ok and "not an outcome" in result.message
    assert file_state(db_path) == before


def test_a_participant_of_an_ended_session_cannot_write_into_the_next_one(
    repertoire: Repertoire, live: LiveSession, ben: Participant, clock: ManualClock
) -> None:
    live.end()
    plan = SessionPlan(session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=["ben"])
    LiveSession.start(repertoire, plan, clock)
    assert ben.enter("still here").message == "The session ended at 17:00."
    assert ben.enter("#undo").message == "The session ended at 17:00."


# -- every allowed write ---------------------------------------------------------------------


def test_a_check_in_is_the_participants_own(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    result = ben.enter("Glad to be here [from home] *today*")
    assert result == EntryResult(True, "filed a check-in from @ben")
    notes = repertoire.notes(session=live.session_id)
    assert [(n.author, n.kind, n.text, n.phase) for n in notes] == [
        ("ben", NoteKind.CHECK_IN, "Glad to be here [from home] *today*", CHECK_IN)
    ]
    # The facilitator's round moves on past them.
    assert live.speaking_order().has_spoken("ben")


def test_a_note_names_its_author_in_any_phase(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    live.jump_to(REPORT_BACK)
    assert ben.enter("@ben a thought for later").ok
    note = repertoire.notes(session=live.session_id)[-1]
    assert (note.author, note.kind, note.text, note.phase) == ("ben", NoteKind.NOTE, "a thought for later", 3)


def test_a_case_brought_and_detailed_by_its_presenter(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    live.jump_to(SHARING)
    assert ben.enter("#case Deploys on Fridays").message == "filed case “Deploys on Fridays” by @ben"
    assert ben.enter("#context We ship at 5pm").ok
    assert ben.enter("#question Should we stop?").ok
    assert ben.enter("#topic on-call").ok
    (case,) = repertoire.session_cases(live.session_id)
    assert (case.presenter, case.title, case.context, case.question, case.topics) == (
        "ben",
        "Deploys on Fridays",
        "We ship at 5pm",
        "Should we stop?",
        ["on-call"],
    )


def test_a_members_details_go_to_their_own_case_while_another_is_in_focus(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    live.jump_to(SHARING)
    refused = ben.enter("#context before any case of mine")
    assert (
        refused.message == "you add context, a question or topics to a case you bring: #case title brings one"
    )
    assert live.enter("#case @cho Alert fatigue").ok
    assert ben.enter("#case Deploys on Fridays").ok
    assert live.enter("#focus 1").ok
    assert ben.enter("#context We ship at 5pm").message == "filed the context of “Deploys on Fridays”"
    cho, mine = repertoire.session_cases(live.session_id)
    assert (cho.title, cho.context, mine.title, mine.context) == (
        "Alert fatigue",
        "",
        "Deploys on Fridays",
        "We ship at 5pm",
    )


def test_a_member_tries_a_practice_again_by_its_number(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    at_a_strategy(live)
    (first,) = live.view().strategies
    practice = first.practice
    assert practice is not None
    assert ben.enter(f"#strategy ={practice}").ok
    assert ben.enter(f"#strategy ={practice} but for deploys [x]").ok
    refused = ben.enter("#strategy =999 a practice nobody has")
    assert refused.message.startswith("there is no practice 999")
    strategies = [(s.proposer, s.text, s.practice) for s in live.view().strategies]
    assert strategies == [
        ("ana", "Route alerts to tickets", practice),
        ("ben", "Route alerts to tickets", practice),
        ("ben", "but for deploys [x]", practice),
    ]


def test_a_strategy_for_the_case_in_focus_is_proposed_by_the_participant(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    at_a_strategy(live)
    assert ben.enter("#strategy Silence flapping alerts").message == (
        "filed a strategy from @ben for “Alert fatigue”"
    )
    assert [(s.proposer, s.text) for s in live.view().strategies] == [
        ("ana", "Route alerts to tickets"),
        ("ben", "Silence flapping alerts"),
    ]


def test_a_report_back_on_an_own_action_in_the_session(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    assert [m.action.id for m in ben.my_actions()] == [2]
    result = ben.enter("#report 1 partly the review happened twice lesson: keep it short")
    assert result.ok and "filed a report-back from @ben" in result.message
    (report,) = repertoire.report_backs(session=live.session_id)
    assert (report.action, report.member, report.outcome, report.lesson) == (
        2,
        "ben",
        Outcome.PARTLY,
        "keep it short",
    )
    assert repertoire.action(2).status is ActionStatus.DONE
    assert ben.my_actions() == []


def test_a_report_back_undone_or_taken_back_gives_its_line_back(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    """QA's Y2: the longest line a member types comes back to their box, as every other kind does."""
    typed = "#report 1 partly the review [ran] *twice* |p| lesson: keep it short 🦊"
    assert ben.enter(typed).ok
    undone = ben.enter("#undo")
    assert undone.ok and undone.message.startswith("undone: a report-back from @ben")
    assert undone.undone_text == typed
    assert repertoire.report_backs(session=live.session_id) == []
    assert ben.enter(typed).ok
    (entry,) = [e for e in live.participant_entries_since() if e.kind == "report_back"]
    assert live.take_back(entry.id).ok
    assert [ParticipantView.typed(e) for e in ben.view().taken_back] == [typed, typed]  # undone, taken back
    assert repertoire.report_backs(session=live.session_id) == []


def test_a_report_back_taken_back_is_not_put_back_once_its_member_reported_the_matter_again(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    """QA's Y4: F11 on ben's report, ben reports the matter again, the facilitator's F8: refused,
    and the matter keeps one report-back, ben's second."""
    assert ben.enter("#report 1 worked first [x]").ok
    (entry,) = [e for e in live.participant_entries_since() if e.kind == "report_back"]
    assert live.take_back(entry.id).ok
    assert ben.enter("#report 1 partly again |p|").ok
    undone = live.undo()
    assert not undone.ok
    assert undone.message.endswith(": @ben reported on it again since (partly), which stays")
    reports = repertoire.report_backs(session=live.session_id)
    assert [(r.action, r.outcome, r.story) for r in reports] == [(2, Outcome.PARTLY, "again |p|")]
    assert repertoire.action(2).status is ActionStatus.DONE


def test_a_dot_taken_back_and_voted_again_is_not_put_back_as_well(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    """QA's Y4 with a dot: F11, the member Enters the line given back, F8 would make it two."""
    at_a_strategy(live)
    assert ben.enter("#vote 1").ok
    (entry,) = [e for e in live.participant_entries_since() if e.kind == "vote"]
    assert live.take_back(entry.id).ok
    assert ben.enter("#vote 1").ok
    undone = live.undo()
    assert not undone.ok and undone.message.endswith(": @ben Entered it again since, which stays")
    assert sum(ben.view().my_votes.values()) == 1


def test_undo_takes_back_the_participants_last_entry_only(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    assert live.enter("@cho fine").ok
    assert ben.enter("first").ok and ben.enter("second").ok
    assert ben.enter("#undo") == EntryResult(True, "undone: a note from @ben", undone_text="second")
    assert [n.text for n in repertoire.notes(session=live.session_id)] == ["fine", "first"]


def test_a_participants_journalled_keys_are_filed_and_the_facilitator_never_replays_them(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    command = journalled(repertoire, "ben", CommandKind.ENTRY, "from the journal")
    assert repertoire.unsettled_commands(live.session_id) == []
    assert [c.id for c in repertoire.unsettled_commands(live.session_id, "ben")] == [command.id]
    assert repertoire.unsettled_commands(live.session_id, "cho") == []
    assert ben.perform(command).ok
    assert repertoire.unsettled_commands(live.session_id, "ben") == []
    assert repertoire.notes(session=live.session_id)[-1].text == "from the journal"


def test_settling_a_command_leaves_every_other_commit_flushed_to_disk(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    assert ben.perform(journalled(repertoire, "ben", CommandKind.ENTRY, "a check-in")).ok
    assert not ben.perform(journalled(repertoire, "ben", CommandKind.PAUSE)).ok
    assert repertoire.db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


# -- private dot votes -----------------------------------------------------------------------


def test_dots_are_hidden_from_everyone_until_the_facilitator_reveals_them(
    db_path: Path, repertoire: Repertoire, live: LiveSession, ben: Participant, clock: ManualClock
) -> None:
    at_a_strategy(live)
    assert live.enter("#vote 1").ok  # a vote the facilitator records for someone in the room
    with Repertoire.open(db_path) as other_file:
        cho = Participant.join(other_file, "cho", via="local", clock=clock)
        result = ben.enter("#vote 1 2")
        assert result.message == (
            "filed 2 dots on 1 “Route alerts to tickets”, hidden until the facilitator reveals the votes; "
            "1 dot left"
        )
        assert [s.votes for s in live.view().strategies] == [1]
        assert [s.votes for s in cho.view().strategies] == [1]
        assert cho.view().my_votes == {} and cho.view().dots_left == 3
        strategy_id = live.view().strategies[0].id
        assert ben.view().my_votes == {strategy_id: 2} and ben.view().dots_left == 1
        assert live.hidden_dots() == 2

        assert live.reveal_votes().message == "votes on “Alert fatigue” revealed: 2 private dots counted"
        assert [s.votes for s in live.view().strategies] == [3]
        assert [s.votes for s in cho.view().strategies] == [3] and cho.view().votes_revealed
        assert live.hidden_dots() == 0
        # Once revealed, a dot counts at once.
        assert cho.enter("#vote 1").message.endswith("; 2 dots left")
        assert [s.votes for s in live.view().strategies] == [4]
        assert not live.reveal_votes().ok


def test_dots_never_revealed_are_counted_when_problem_solving_ends(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    at_a_strategy(live)
    assert ben.enter("#vote 1 2").ok
    assert live.hidden_dots() == 2
    moved = live.perform(journalled_facilitator(repertoire, live, CommandKind.NEXT_PHASE, ""))
    assert isinstance(moved, EntryResult)
    assert moved.message == "phase 4 of 4: Report-back · 2 private dots never revealed, counted now"
    (strategy,) = repertoire.strategies(case=repertoire.session_cases(live.session_id)[0].id)
    assert strategy.votes == 2
    text = minutes(repertoire, live.session_id)
    assert "Route alerts to tickets *(Ana Ruiz, 2 votes)" in text
    # Back in problem solving and on again: nothing is counted twice, and nothing more is said.
    live.jump_to(SOLVING)
    again = live.perform(journalled_facilitator(repertoire, live, CommandKind.NEXT_PHASE, ""))
    assert isinstance(again, EntryResult) and again.message == "phase 4 of 4: Report-back"
    assert repertoire.strategy(strategy.id or 0).votes == 2


def test_dots_never_revealed_are_counted_when_the_session_ends_in_problem_solving(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    at_a_strategy(live)
    assert ben.enter("#vote 1 3").ok
    live.end()
    (strategy,) = repertoire.strategies(case=repertoire.session_cases(live.session_id)[0].id)
    assert strategy.votes == 3


def test_undoing_a_reveal_hides_the_dots_again(live: LiveSession, ben: Participant) -> None:
    at_a_strategy(live)
    assert ben.enter("#vote 1 3").ok
    assert live.reveal_votes().ok
    assert [s.votes for s in live.view().strategies] == [3]
    assert live.undo().message == "undone: the reveal of the votes on “Alert fatigue”"
    assert [s.votes for s in live.view().strategies] == [0]
    assert live.hidden_dots() == 3


def test_undoing_a_vote_the_facilitator_recorded_keeps_the_dots_counted_since(
    live: LiveSession, ben: Participant
) -> None:
    at_a_strategy(live)
    assert live.reveal_votes().ok
    assert live.enter("#vote 1 2").ok
    assert ben.enter("#vote 1 3").ok  # counted at once: the votes are revealed
    assert [s.votes for s in live.view().strategies] == [5]
    assert live.undo().message == "undone: 2 votes for 1 “Route alerts to tickets”"
    assert [s.votes for s in live.view().strategies] == [3]


def test_the_number_of_dots_is_the_formats(
    repertoire: Repertoire, clock: ManualClock, tmp_path: Path
) -> None:
    formats = tmp_path / "config" / "formats"
    formats.mkdir(parents=True)
    (formats / "two-dots.toml").write_text(
        'title = "Two dots"\ndots_per_case = 2\n'
        + "".join(
            f'[[phases]]\nkind = "{kind}"\ntitle = "{kind}"\ntimebox_minutes = 5\n'
            for kind in ("problem_sharing", "problem_solving")
        )
    )
    plan = SessionPlan(
        session_format=find_format("two-dots", formats.parent), facilitator="ana", attendees=["ben"]
    )
    live = LiveSession.start(repertoire, plan, clock)
    assert live.enter("#case @ben Flaky tests").ok and live.next_phase()
    assert live.enter("#strategy @ana Quarantine them").ok
    ben = Participant.join(repertoire, "ben", via="ssh", clock=clock)
    assert ben.view().dots_left == 2
    assert ben.enter("#vote 1 3").message == "you have 2 dots left for “Flaky tests”"


# -- the facilitator takes back a participant's entry ----------------------------------------


def test_the_facilitator_takes_back_a_participants_entry_and_undo_puts_it_back(
    repertoire: Repertoire, live: LiveSession, ben: Participant
) -> None:
    at_a_strategy(live)
    assert ben.enter("#strategy Out of place").ok
    (entry,) = live.participant_entries_since()
    assert live.take_back(entry.id) == EntryResult(
        True, "taken back: a strategy from @ben for “Alert fatigue”"
    )
    assert [s.text for s in live.view().strategies] == ["Route alerts to tickets"]
    assert live.participant_entries_since() == []
    assert not live.take_back(entry.id).ok
    assert live.undo().ok
    assert [s.text for s in live.view().strategies] == ["Route alerts to tickets", "Out of place"]
    assert [e.id for e in live.participant_entries_since()] == [entry.id]


def test_taking_back_through_the_journal(repertoire: Repertoire, live: LiveSession, ben: Participant) -> None:
    assert ben.enter("a check-in").ok
    (entry,) = live.participant_entries_since()
    command = journalled_facilitator(repertoire, live, CommandKind.TAKE_BACK, str(entry.id))
    assert live.perform(command) == EntryResult(True, "taken back: a check-in from @ben")
    assert repertoire.notes(session=live.session_id) == []


def journalled_facilitator(
    repertoire: Repertoire, live: LiveSession, kind: CommandKind, text: str
) -> Command:
    journal = CaptureJournal(repertoire.path)
    try:
        return journal.append(live.session_id, [Command(kind=kind, text=text, pressed_at=START)])[0]
    finally:
        journal.close()


# -- report-backs between meetings -------------------------------------------------------------


def test_a_report_back_between_meetings_shows_as_reported_in_the_next_sessions_matters_arising(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    ben = MemberActions(repertoire, "ben", clock)
    (mine,) = ben.my_actions()
    assert (mine.number, mine.action.id, mine.case_title) == (1, 2, "Alert fatigue at night")
    result = ben.report_back(2, "worked", "Reviews cut the noise by half")
    assert result == EntryResult(
        True, "filed a report-back from @ben on “Start a weekly alert review” (worked); 0 open actions left"
    )
    report = repertoire.report_backs(member="ben")[-1]
    assert (report.session, report.action, report.reported_on.isoformat()) == (None, 2, "2026-12-03")

    clock.advance(minutes=60 * 24 * 7)
    plan = SessionPlan(session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=["ben"])
    live = LiveSession.start(repertoire, plan, clock)
    (matter,) = live.matters_arising()
    assert matter.action.id == 2 and matter.report == report
    assert live.enter("#report 1 worked again").message == (
        "matter 1, “Start a weekly alert review”, was reported already (worked); "
        "@ben reported it before the meeting"
    )


def test_a_report_back_between_meetings_is_not_a_matter_arising_twice(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    assert MemberActions(repertoire, "ben", clock).report_back(2, "worked", "done").ok
    clock.advance(minutes=60)
    plan = SessionPlan(session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=["ben"])
    first = LiveSession.start(repertoire, plan, clock)
    assert len(first.matters_arising()) == 1
    first.end()
    clock.advance(minutes=60 * 24 * 28)
    second = LiveSession.start(repertoire, plan, clock)
    assert second.matters_arising() == []


def test_a_participant_of_an_abandoned_session_is_told_it_was_abandoned(
    live: LiveSession, ben: Participant, clock: ManualClock
) -> None:
    clock.advance(minutes=12)
    live.abandon()
    assert ben.enter("late check-in").message == "The session was abandoned at 17:12."
