"""Generate a large, realistic repertoire for benchmarks: `python benchmarks/generate.py --cases N`.

Deterministic for a given seed. Members, sessions every fortnight, cases with topics,
strategies, actions, report-backs of every outcome and about ten notes per case,
written through the store's bulk path (`Repertoire.load`, one transaction).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import deque
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
    PhaseKind,
    PhaseRun,
    Practice,
    RepertoireDocument,
    ReportBack,
    Role,
    Session,
    SessionStatus,
    Strategy,
    Topic,
    ValueCycle,
)
from coptui.store import Repertoire

TOPICS = {
    "alerting": "Alerting",
    "on-call": "On-call",
    "incident-response": "Incident response",
    "capacity": "Capacity",
    "deploys": "Deploys",
    "postmortems": "Postmortems",
    "toil": "Toil",
    "observability": "Observability",
    "databases": "Databases",
    "kubernetes": "Kubernetes",
    "security": "Security",
    "cost": "Cloud cost",
}
SYSTEMS = [
    "the payments API",
    "the Postgres primary",
    "our Kafka cluster",
    "the CI runners",
    "the edge proxies",
    "the batch scheduler",
    "the search cluster",
    "the login service",
    "the mobile backend",
    "the data lake",
    "the Redis cache",
    "the DNS resolvers",
    "the build farm",
    "the Kubernetes control plane",
    "the CDN config",
]
PROBLEMS = [
    "pages the on-call engineer {n} times a night",
    "falls over every month-end",
    "drifts from its Terraform state",
    "has no owner since the reorg",
    "needs a manual restart after deploys",
    "fills its disks faster than we can clean them",
    "costs {n}% more than budgeted",
    "fails its health checks under load",
    "hides errors behind retries",
    "takes {n} minutes to roll back",
]
STRATEGIES = [
    "Route low-urgency alerts to a ticket queue",
    "Alert on SLO burn rate instead of symptoms",
    "Write a runbook with the first five commands",
    "Add a canary stage before full rollout",
    "Hold a blameless review within 48 hours",
    "Automate the restart with a watchdog",
    "Set a weekly alert-review slot with on-call",
    "Load test at twice the expected peak",
    "Put PgBouncer in front of the database",
    "Tag every resource with an owning team",
    "Add a break-glass role with audit logging",
    "Pair a senior and junior on the rota",
    "Track toil hours in the sprint board",
    "Delete dashboards nobody opened in 90 days",
]
CHECK_INS = [
    "Tired after a noisy week on call.",
    "Good week, we shipped the migration.",
    "Bringing a question about {system}.",
    "Mostly firefighting {system} again.",
    "Back from leave, catching up.",
    "Excited about the new observability stack.",
]
LESSONS = [
    "Most pages were not urgent.",
    "Ownership matters more than tooling.",
    "Measure before changing.",
    "The runbook was read more than expected.",
    "Small steps got buy-in.",
    "It needed a champion.",
]
OUTCOMES = [Outcome.WORKED, Outcome.WORKED, Outcome.PARTLY, Outcome.DID_NOT_WORK, Outcome.NOT_TRIED]
PHASES = [
    (PhaseKind.CHECK_IN, "Check-in", 10),
    (PhaseKind.PROBLEM_SHARING, "Problem sharing", 15),
    (PhaseKind.PROBLEM_SOLVING, "Collaborative problem solving", 30),
    (PhaseKind.REPORT_BACK, "Report-back", 15),
]
CASES_PER_SESSION = 3


YEARS = 10


def generate(cases: int, seed: int = 1) -> RepertoireDocument:
    """A repertoire with `cases` cases; its models are not validated (the generator makes only valid ones)."""
    rng = random.Random(seed)
    members = [
        Member.model_construct(
            handle=f"m{i:05d}",
            name=f"Member {i}",
            role=Role.FACILITATOR if i % 25 == 0 else Role.MEMBER,
            organisation=f"Org {i % 40}",
            left_on=None,
        )
        for i in range(max(12, cases // 100))
    ]
    handles = [m.handle for m in members]
    sessions: list[Session] = []
    doc_cases: list[Case] = []
    strategies: list[Strategy] = []
    # One strategy in three (the picked one of every third case) is a use of the practice
    # its words name, shared across cases; the others are practices of their own, as the
    # same idea written again unmerged.
    practices: dict[str, Practice] = {}
    actions: list[Action] = []
    report_backs: list[ReportBack] = []
    notes: list[Note] = []
    open_actions: deque[Action] = deque()  # oldest first: tens of thousands at 100,000 cases
    session_count = (cases + CASES_PER_SESSION - 1) // CASES_PER_SESSION
    # One community meeting fortnightly, or, when that would take more than ten years,
    # a network of communities whose sessions share the last ten years.
    spacing = min(14.0, YEARS * 365 / session_count)
    start = date(2026, 11, 4) - timedelta(days=int(spacing * (session_count - 1)))
    for s in range(session_count):
        session_id = s + 1
        day = start + timedelta(days=int(spacing * s))
        begins = datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)
        attendees = rng.sample(handles, min(8, len(handles)))
        phases = []
        clock = begins
        for position, (kind, title, minutes) in enumerate(PHASES):
            ends = clock + timedelta(minutes=minutes + rng.randint(-2, 4))
            phases.append(
                PhaseRun.model_construct(
                    position=position,
                    kind=kind,
                    title=title,
                    timebox_minutes=minutes,
                    prompt="",
                    started_at=clock,
                    ended_at=ends,
                    paused_at=None,
                    paused_seconds=0,
                    extra_minutes=0,
                )
            )
            clock = ends
        sessions.append(
            Session.model_construct(
                id=session_id,
                title=f"Clinic {day:%B %Y} #{session_id}",
                date=day,
                format="cop-meeting",
                facilitator=attendees[0],
                attendees=attendees,
                apologies=[],
                absent=[],
                arrived={},
                left={},
                status=SessionStatus.CLOSED,
                started_at=begins,
                ended_at=clock,
                current_phase=None,
                phases=phases,
                next_meeting=None,
            )
        )
        for handle in attendees[:4]:
            notes.append(
                _note(
                    notes,
                    session_id,
                    0,
                    handle,
                    NoteKind.CHECK_IN,
                    rng.choice(CHECK_INS).format(system=rng.choice(SYSTEMS)),
                    begins,
                )
            )
        # Report-backs on earlier open actions.
        while open_actions and rng.random() < 0.7:
            action = open_actions.popleft()
            outcome = rng.choice(OUTCOMES)
            report_backs.append(
                ReportBack.model_construct(
                    id=len(report_backs) + 1,
                    action=action.id,
                    case=action.case,
                    session=session_id,
                    member=action.owner,
                    outcome=outcome,
                    story=f"Tried it on {rng.choice(SYSTEMS)}; it "
                    f"{rng.choice(PROBLEMS).format(n=rng.randint(2, 40))} less often.",
                    lesson=rng.choice(LESSONS),
                    value_cycle=rng.choice(list(ValueCycle)),
                    reported_on=day,
                )
            )
            if outcome is not Outcome.NOT_TRIED:
                assert action.case is not None  # every generated action has its case
                action.status = ActionStatus.DONE
                doc_cases[action.case - 1].status = rng.choice(
                    [CaseStatus.REPORTED, CaseStatus.RESOLVED, CaseStatus.REOPENED]
                )
        for _ in range(CASES_PER_SESSION):
            if len(doc_cases) == cases:
                break
            case_id = len(doc_cases) + 1
            presenter = rng.choice(attendees)
            system = rng.choice(SYSTEMS)
            problem = rng.choice(PROBLEMS).format(n=rng.randint(2, 40))
            case = Case.model_construct(
                id=case_id,
                session=session_id,
                presenter=presenter,
                title=f"{system.capitalize()} {problem}",
                context=f"Since the last quarter {system} {problem}. We tried the usual fixes and "
                f"{rng.choice(LESSONS).lower()}",
                question=f"How have others stopped {system} from this?",
                topics=sorted(rng.sample(list(TOPICS), 2)),
                status=CaseStatus.OPEN,
                opened_on=day,
                dots=0,
                discussed_at=None,
                extra_minutes=0,
            )
            doc_cases.append(case)
            picked_strategy = None
            for k in range(3):
                text = rng.choice(STRATEGIES)
                practice = None
                if (case_id + k) % 3 == 0:
                    if text not in practices:
                        practices[text] = Practice.model_construct(
                            id=len(practices) + 1, name=text, created_on=day
                        )
                    practice = practices[text].id
                strategy = Strategy.model_construct(
                    id=len(strategies) + 1,
                    case=case_id,
                    session=session_id,
                    proposer=rng.choice(attendees),
                    text=text,
                    votes=rng.randint(0, 5),
                    picked=k == 0,
                    practice=practice,
                )
                strategies.append(strategy)
                picked_strategy = picked_strategy or strategy
            assert picked_strategy is not None
            action = Action.model_construct(
                id=len(actions) + 1,
                case=case_id,
                strategy=picked_strategy.id,
                session=session_id,
                owner=presenter,
                text=f"{picked_strategy.text} for {system}",
                due=day + timedelta(days=28),
                status=ActionStatus.OPEN,
            )
            actions.append(action)
            open_actions.append(action)
            case.status = CaseStatus.IN_TRIAL
            for n in range(7):
                notes.append(
                    _note(
                        notes,
                        session_id,
                        2,
                        rng.choice(attendees),
                        NoteKind.NOTE,
                        f"On {system}: {rng.choice(STRATEGIES).lower()} — {rng.choice(LESSONS)}",
                        begins + timedelta(minutes=30 + n),
                        case_id,
                    )
                )
            notes.append(
                _note(
                    notes,
                    session_id,
                    2,
                    None,
                    NoteKind.DECISION,
                    f"{presenter} tries {picked_strategy.text.lower()}.",
                    begins + timedelta(minutes=50),
                    case_id,
                )
            )
    return RepertoireDocument.model_construct(
        community=Community(name="Benchmark Guild", domain="A generated repertoire for measuring coptui."),
        topics=[Topic.model_construct(slug=s, name=n, description="") for s, n in sorted(TOPICS.items())],
        members=members,
        sessions=sessions,
        cases=doc_cases,
        practices=list(practices.values()),
        strategies=strategies,
        actions=actions,
        report_backs=report_backs,
        notes=notes,
    )


def _note(
    notes: list[Note],
    session: int,
    phase: int,
    author: str | None,
    kind: NoteKind,
    text: str,
    at: datetime,
    case: int | None = None,
) -> Note:
    return Note.model_construct(
        id=len(notes) + 1,
        session=session,
        phase=phase,
        author=author,
        kind=kind,
        text=text,
        case=case,
        created_at=at,
    )


def write(path: Path, cases: int, seed: int = 1) -> RepertoireDocument:
    # Millions of models and rows, none in a reference cycle: without the pause the
    # cycle collector walks them all over and over (a third of the time at 100,000 cases).
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = generate(cases, seed)
        with Repertoire.create(path, document.community) as repertoire:
            repertoire.load(document)
    finally:
        if collecting:
            gc.enable()
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, default=None, help="default: benchmarks/out/cases-N.db")
    args = parser.parse_args()
    output = args.output or Path(__file__).parent / "out" / f"cases-{args.cases}.db"
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        sys.exit(f"{output} exists; remove it or choose another --output")
    began = time.perf_counter()
    document = write(output, args.cases, args.seed)
    took = time.perf_counter() - began
    print(
        f"{output}: {len(document.cases)} cases, {len(document.notes)} notes, "
        f"{len(document.report_backs)} report-backs in {took:.1f} s "
        f"({output.stat().st_size / 2**20:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
