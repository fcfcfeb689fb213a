"""A generated repertoire of any size, for checking that lists page and search stays quick.

`python -m tests.generated PATH CASES` writes one; tests use `generated_document` small.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Community,
    Member,
    Note,
    NoteKind,
    Outcome,
    RepertoireDocument,
    ReportBack,
    Role,
    Session,
    SessionStatus,
    Strategy,
    Topic,
)
from coptui.store import Repertoire

WORDS = [
    "alert",
    "page",
    "queue",
    "latency",
    "deploy",
    "rollback",
    "canary",
    "postmortem",
    "runbook",
    "capacity",
    "pool",
    "database",
    "certificate",
    "toil",
    "incident",
    "handover",
    "dashboard",
    "budget",
    "cluster",
    "node",
    "backup",
    "restore",
    "migration",
]


def generated_document(cases: int, *, notes_per_session: int = 10, seed: int = 7) -> RepertoireDocument:
    """`cases` cases over cases/4 sessions, three strategies each, an action and report-back for half."""
    rng = random.Random(seed)
    topics = [Topic.model_construct(slug=f"topic-{i}", name=f"Topic {i}", description="") for i in range(12)]
    members = [
        Member.model_construct(handle=f"m{i}", name=f"Member {i}", role=Role.MEMBER, organisation="")
        for i in range(60)
    ]
    session_count = max(cases // 4, 1)
    start = date(2000, 1, 1)
    sessions = [
        Session.model_construct(
            id=i + 1,
            title=f"Session {i + 1}",
            date=start + timedelta(days=i),
            format="cop-meeting",
            facilitator="m0",
            attendees=[],
            apologies=[],
            absent=[],
            status=SessionStatus.CLOSED,
            started_at=None,
            ended_at=None,
            current_phase=None,
            phases=[],
        )
        for i in range(session_count)
    ]

    # A vocabulary the size of a real community's: the domain's words are common, not universal.
    syllables = ["ka", "lo", "mi", "ten", "ras", "vo", "qui", "del", "sun", "par", "gre", "ox"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(3)) for _ in range(3000)})

    def words(n: int) -> str:
        return " ".join(
            rng.choice(WORDS) if rng.random() < 0.08 else rng.choice(vocabulary) for _ in range(n)
        )

    document = RepertoireDocument.model_construct(
        community=Community.model_construct(name="Generated Guild", domain=""),
        topics=topics,
        members=members,
        sessions=sessions,
        cases=[],
        strategies=[],
        actions=[],
        report_backs=[],
        notes=[],
    )
    for case_id in range(1, cases + 1):
        session = sessions[(case_id - 1) % session_count]
        document.cases.append(
            Case.model_construct(
                id=case_id,
                session=session.id,
                presenter=f"m{case_id % 60}",
                title=words(5).capitalize(),
                context=words(30),
                question=words(10) + "?",
                topics=[f"topic-{case_id % 12}"],
                status=CaseStatus.REPORTED if case_id % 2 else CaseStatus.OPEN,
                opened_on=session.date,
            )
        )
        for k in range(3):
            strategy_id = (case_id - 1) * 3 + k + 1
            document.strategies.append(
                Strategy.model_construct(
                    id=strategy_id,
                    case=case_id,
                    session=session.id,
                    proposer=f"m{(case_id + k) % 60}",
                    text=words(12),
                    votes=k,
                    picked=k == 0,
                )
            )
        if case_id % 2:
            document.actions.append(
                Action.model_construct(
                    id=case_id,
                    case=case_id,
                    strategy=(case_id - 1) * 3 + 1,
                    session=session.id,
                    owner=f"m{case_id % 60}",
                    text=words(8),
                    due=None,
                    status=ActionStatus.DONE,
                )
            )
            document.report_backs.append(
                ReportBack.model_construct(
                    id=case_id,
                    action=case_id,
                    case=case_id,
                    session=session.id,
                    member=f"m{case_id % 60}",
                    outcome=rng.choice(list(Outcome)),
                    story=words(20),
                    lesson=words(8),
                    value_cycle=None,
                    reported_on=session.date,
                )
            )
    note_id = 0
    for session in sessions:
        for _ in range(notes_per_session):
            note_id += 1
            document.notes.append(
                Note.model_construct(
                    id=note_id,
                    session=session.id,
                    phase=None,
                    author="m1",
                    kind=NoteKind.NOTE,
                    text=words(15),
                    case=None,
                    created_at=datetime(2000, 1, 1, tzinfo=UTC),
                )
            )
    return document


def write(path: Path, cases: int, notes_per_session: int = 10) -> None:
    document = generated_document(cases, notes_per_session=notes_per_session)
    with Repertoire.create(path, document.community) as repertoire:
        repertoire.load(document)


if __name__ == "__main__":
    write(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 10)
