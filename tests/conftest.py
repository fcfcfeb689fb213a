"""Every test builds its own world: a throwaway repertoire in tmp_path, no user files touched.

Repertoire files are copied from templates built once a session (see `repertoire_templates`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import textual._wait
from hypothesis import HealthCheck, settings
from repertoire_templates import SAMPLE, RepertoireTemplates
from textual.app import App

from coptui.models import (
    Action,
    Case,
    Community,
    Member,
    Note,
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
)
from coptui.store import Repertoire

# A busy machine makes examples slow to generate, which is no fault of the code under test.
# A budget in examples, never in time: a test may ask for more or fewer than the 100 here.
settings.register_profile(
    "coptui", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("coptui")

WORKERS_PER_CORE = 2


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: WORKERS_PER_CORE workers per core the process may run on. Many tests spend
    part of their time waiting (on a subprocess starting, a pty, an SSH handshake), and a
    worker that waits leaves its core to the others."""
    return WORKERS_PER_CORE * len(os.sched_getaffinity(0))


@pytest.fixture(autouse=True, scope="session")
def pilot_looks_for_idle_in_short_steps() -> Iterator[None]:
    """Pilot waits after each key (twice) and in each `pause()` until the app looks idle,
    sampling the process's CPU time in 20 ms sleeps: UI tests spent most of their time asleep
    there (the whole session by keystrokes, 40 s of its 48). Sample every 2 ms, and call it
    idle below a twentieth of that, Textual's own ratio. Textual has no public setting for
    this; `textual>=8.2,<8.3` is pinned.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textual._wait, "SLEEP_GRANULARITY", 1 / 500)
        patch.setattr(textual._wait, "SLEEP_IDLE", 1 / 500 / 20)
        yield


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every coptui location at the test's own folder."""
    monkeypatch.setenv("COPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPTUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("COPTUI_DB", raising=False)


@pytest.fixture(autouse=True)
def toasts_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts stay until a test clears them: on a busy machine more than Textual's five
    seconds can pass between a toast and the test (or the snapshot) that reads it."""
    monkeypatch.setattr(App, "NOTIFICATION_TIMEOUT", 3600)


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in the local zone: every test runs in UTC unless it says otherwise."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser marks open actions overdue against today: a fixed day, before the fixtures' due dates."""
    monkeypatch.setattr("coptui.ui.stories.today", lambda: date(2026, 11, 20))


def small_document() -> RepertoireDocument:
    """A tiny community with one trip round the learning loop, and some awkward text."""
    phases = [
        PhaseRun(position=i, kind=kind, title=title, timebox_minutes=minutes)
        for i, (kind, title, minutes) in enumerate(
            [
                (PhaseKind.CHECK_IN, "Check-in", 10),
                (PhaseKind.PROBLEM_SHARING, "Problem sharing", 15),
                (PhaseKind.PROBLEM_SOLVING, "Collaborative problem solving", 30),
                (PhaseKind.REPORT_BACK, "Report-back", 15),
            ]
        )
    ]
    return RepertoireDocument(
        community=Community(name="SRE Guild", domain="Keeping production calm."),
        topics=[Topic(slug="alerting", name="Alerting"), Topic(slug="on-call", name="On-call")],
        members=[
            Member(handle="ana", name="Ana Ruiz", role=Role.FACILITATOR, organisation="Ledgerly"),
            Member(handle="ben", name="Ben Okafor", organisation="City Transit"),
            Member(handle="cho", name="Cho [lead] *ops*", organisation="Pixel | Forge"),
        ],
        sessions=[
            Session(
                id=1,
                title="October clinic",
                date=date(2026, 10, 1),
                facilitator="ana",
                attendees=["ana", "ben"],
                apologies=["cho"],
                status=SessionStatus.CLOSED,
                phases=phases,
            ),
            Session(
                id=2,
                title="November clinic",
                date=date(2026, 11, 5),
                facilitator="ana",
                attendees=["ana", "ben", "cho"],
                status=SessionStatus.CLOSED,
                phases=phases,
            ),
        ],
        cases=[
            Case(
                id=1,
                session=1,
                presenter="ben",
                title="Alert fatigue at night",
                context="Forty pages a week, most of them flapping disk alerts.",
                question="How do I cut pages without missing outages?",
                topics=["alerting", "on-call"],
                opened_on=date(2026, 10, 1),
                status="reported",
            ),
            Case(
                id=2,
                session=2,
                presenter="cho",
                title="Runbooks nobody reads",
                context="Our [runbook] links | rot within weeks.",
                question="Keep them alive?",
                topics=["on-call"],
                opened_on=date(2026, 11, 5),
            ),
        ],
        practices=[
            Practice(id=1, name="Route low-urgency alerts to tickets", created_on=date(2026, 10, 1)),
            Practice(id=2, name="Weekly alert review with on-call", created_on=date(2026, 10, 1)),
        ],
        strategies=[
            Strategy(
                id=1,
                case=1,
                session=1,
                proposer="ana",
                text="Route low-urgency alerts to tickets",
                votes=3,
                picked=True,
                practice=1,
            ),
            Strategy(
                id=2,
                case=1,
                session=1,
                proposer="cho",
                text="Weekly alert review with on-call",
                votes=2,
                practice=2,
            ),
        ],
        actions=[
            Action(
                id=1,
                case=1,
                strategy=1,
                session=1,
                owner="ben",
                text="Try ticket routing for two weeks",
                due=date(2026, 10, 15),
                status="done",
            ),
            Action(
                id=2,
                case=1,
                strategy=2,
                session=1,
                owner="ben",
                text="Start a weekly alert review",
                due=date(2026, 12, 1),
            ),
        ],
        report_backs=[
            ReportBack(
                id=1,
                action=1,
                case=1,
                session=2,
                member="ben",
                outcome="worked",
                story="Pages dropped from forty to nine a week.",
                lesson="Most pages were not urgent.",
                value_cycle="realized",
                reported_on=date(2026, 11, 5),
            )
        ],
        notes=[
            Note(
                id=1,
                session=1,
                phase=0,
                author="ben",
                kind="check_in",
                text="Tired after a noisy week on call.",
                created_at=datetime(2026, 10, 1, 17, 2, tzinfo=UTC),
            ),
            Note(
                id=2,
                session=2,
                phase=2,
                kind="decision",
                text="We pilot the alert review in December.",
                created_at=datetime(2026, 11, 5, 17, 40, tzinfo=UTC),
            ),
        ],
    )


@pytest.fixture
def sample_file() -> Path:
    """The bundled demo community, in the interchange format."""
    return SAMPLE


@pytest.fixture
def document() -> RepertoireDocument:
    return small_document()


@pytest.fixture(scope="session")
def repertoire_templates(tmp_path_factory: pytest.TempPathFactory) -> RepertoireTemplates:
    """Repertoire files built once a session (in each worker), for tests to copy."""
    return RepertoireTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def db_path(tmp_path: Path, repertoire_templates: RepertoireTemplates) -> Path:
    """A repertoire file holding `small_document()`, closed and ready to open."""
    return repertoire_templates.copy(tmp_path / "repertoire.db", small_document)


@pytest.fixture
def repertoire(db_path: Path) -> Iterator[Repertoire]:
    with Repertoire.open(db_path) as opened:
        yield opened
