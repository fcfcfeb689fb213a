"""Minutes and the repertoire folder: read back with markdown-it as a renderer would, and checked."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import small_document
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_check import folded, parse, visible
from repertoire_templates import RepertoireTemplates, sample_document

from coptui.export import export_repertoire, minutes, resolve_session, save_minutes
from coptui.export.folder import MANIFEST
from coptui.export.index import RepertoireIndex
from coptui.export.minutes import render_minutes
from coptui.export.pages import repertoire_pages, whole
from coptui.models import (
    Note,
    PhaseKind,
    PhaseRun,
    RepertoireDocument,
    Session,
    SessionStatus,
    Topic,
)
from coptui.store import NotFound, Repertoire
from coptui.text import clean_line, clean_text

SCRIPT = "<script>alert('x')</script>"
HOSTILE = {
    "community": "SRE <Guild> | *ops*",
    "member": "# Ben | `Okafor`",
    "topic": "On-call & <pager> | [rota]",
    "session": "- October | clinic <b>1</b>",
    "case": "Alert [fatigue] | at `night` #3",
    "question": "How do I\n> cut pages\n- without missing outages?",
    "strategy": f"Route {SCRIPT} alerts | to tickets\n1. first *this*",
    "action": "Try `ticket` routing | for two weeks\nthen *review* \\",
    "note": "Tired after a noisy week.\n# on call\n\n<img src=x onerror=alert(1)>",
    "decision": "We pilot [it](http://evil.example) in December | ok?\n---",
    "story": "Pages dropped:\np50 | p95 | p99\n--|--|--\n40 | 9 | 2",
    "lesson": "&amp; is not &, and _this_ is not emphasis",
}


def hostile_document() -> RepertoireDocument:
    """The small community with every kind of user text made as awkward as it can be."""
    doc = small_document()
    members = [
        m.model_copy(update={"name": HOSTILE["member"]}) if m.handle == "ben" else m for m in doc.members
    ]
    topics = [
        t.model_copy(update={"name": HOSTILE["topic"]}) if t.slug == "on-call" else t for t in doc.topics
    ]
    sessions = [doc.sessions[0].model_copy(update={"title": HOSTILE["session"]}), doc.sessions[1]]
    case = doc.cases[0].model_copy(update={"title": HOSTILE["case"], "question": HOSTILE["question"]})
    strategies = [doc.strategies[0].model_copy(update={"text": HOSTILE["strategy"]}), doc.strategies[1]]
    actions = [doc.actions[0].model_copy(update={"text": HOSTILE["action"]}), doc.actions[1]]
    report = doc.report_backs[0].model_copy(update={"story": HOSTILE["story"], "lesson": HOSTILE["lesson"]})
    notes = [
        doc.notes[0].model_copy(update={"text": HOSTILE["note"]}),
        doc.notes[1].model_copy(update={"text": HOSTILE["decision"]}),
    ]
    return doc.model_copy(
        update={
            "community": doc.community.model_copy(update={"name": HOSTILE["community"]}),
            "members": members,
            "topics": topics,
            "sessions": sessions,
            "cases": [case, doc.cases[1]],
            "strategies": strategies,
            "actions": actions,
            "report_backs": [report],
            "notes": notes,
        }
    )


def load(path: Path, document: RepertoireDocument) -> Repertoire:
    repertoire = Repertoire.create(path, document.community)
    repertoire.load(document)
    return repertoire


@pytest.fixture
def hostile(tmp_path: Path, repertoire_templates: RepertoireTemplates) -> Iterator[Repertoire]:
    with Repertoire.open(repertoire_templates.copy(tmp_path / "hostile.db", hostile_document)) as repertoire:
        yield repertoire


@pytest.fixture
def demo(tmp_path: Path, repertoire_templates: RepertoireTemplates) -> Iterator[Repertoire]:
    with Repertoire.open(repertoire_templates.copy(tmp_path / "demo.db", sample_document)) as repertoire:
        yield repertoire


PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "ul", "li"} | {
    "strong",
    "em",
    "br",
    "hr",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def html_tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every tag of an HTML page with its attributes."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Tags().feed(page)
    return found


def count_queries(repertoire: Repertoire) -> list[str]:
    statements: list[str] = []
    repertoire.db.conn.set_trace_callback(statements.append)
    return statements


# -- minutes ------------------------------------------------------------------------


def test_minutes_have_the_parts_a_secretary_expects(repertoire: Repertoire) -> None:
    text = minutes(repertoire, 1)
    page = parse(text)
    assert page.headings == [
        (1, "October clinic"),
        (2, "Matters arising"),
        (2, "1. Check-in"),
        (2, "2. Problem sharing"),
        (2, "3. Collaborative problem solving"),
        (2, "4. Report-back"),
        (2, "Cases"),
        (3, "Alert fatigue at night"),
        (2, "Actions"),
        (2, "Open actions carried forward"),
        (2, "Participation"),
    ]
    shown, _ = visible(text)
    for expected in (
        "Minutes of the SRE Guild · Thursday 1 October 2026",
        "Format: Community of practice meeting",
        "Facilitator: Ana Ruiz",
        "Present (2): Ana Ruiz, Ben Okafor",
        "Apologies (1): Cho [lead] *ops*",
        "Ben Okafor: Tired after a noisy week on call.",
        "Question: How do I cut pages without missing outages?",
        "Picked: Route low-urgency alerts to tickets (Ana Ruiz, 3 votes)",
        "Weekly alert review with on-call (Cho [lead] *ops*, 2 votes)",
        "Minutes written by coptui",
    ):
        assert expected in shown
    actions, participation = page.tables
    assert actions.header == ["Owner", "Action", "Due", "Status", "Case"]
    assert actions.rows == [
        ["Ben Okafor", "Try ticket routing for two weeks", "2026-10-15", "done", "Alert fatigue at night"],
        ["Ben Okafor", "Start a weekly alert review", "2026-12-01", "open", "Alert fatigue at night"],
    ]
    assert participation.header == [
        "Member",
        "Check-in",
        "Cases",
        "Strategies",
        "Notes",
        "Votes",
        "Reports",
        "Spoke",
    ]
    assert participation.rows == [
        ["Ana Ruiz", "0", "0", "1", "0", "0", "0", "—"],
        ["Ben Okafor", "1", "1", "0", "0", "0", "0", "—"],
        ["Cho [lead] *ops*", "0", "0", "1", "0", "0", "0", "—"],
    ]
    assert page.links == [], "standalone minutes link nowhere"


def test_matters_arising_are_the_report_backs_given_at_the_session(repertoire: Repertoire) -> None:
    text = minutes(repertoire, 2)
    page = parse(text)
    assert (3, "Ben Okafor: worked") in page.headings
    assert [h for h in page.headings if h[0] == 2][-4:] == [
        (2, "Decisions"),
        (2, "Actions"),
        (2, "Open actions carried forward"),
        (2, "Participation"),
    ]
    shown, _ = visible(text)
    assert (
        "Action: Try ticket routing for two weeks (due 2026-10-15; agreed at October clinic, 2026-10-01)"
        in shown
    )
    assert "Pages dropped from forty to nine a week. Lesson: Most pages were not urgent." in shown
    assert "Decision: We pilot the alert review in December." in shown
    assert "No actions were agreed at this session." in shown


def test_minutes_of_a_live_session_are_interim(repertoire: Repertoire) -> None:
    start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    phases = [
        PhaseRun(position=0, kind=PhaseKind.CHECK_IN, title="Check-in", timebox_minutes=10, started_at=start),
        PhaseRun(position=1, kind=PhaseKind.PROBLEM_SHARING, title="Problem sharing", timebox_minutes=15),
        PhaseRun(position=2, kind=PhaseKind.PROBLEM_SOLVING, title="Problem solving", timebox_minutes=30),
    ]
    phases[0] = phases[0].model_copy(update={"ended_at": start.replace(minute=9)})
    phases[1] = phases[1].model_copy(update={"started_at": start.replace(minute=9)})
    live = repertoire.add_session(
        Session(
            title="December clinic",
            date=date(2026, 12, 3),
            facilitator="ana",
            attendees=["ana", "cho"],
            status=SessionStatus.LIVE,
            started_at=start,
            current_phase=1,
            phases=phases,
        )
    )
    repertoire.add_note(
        Note(session=live.id or 0, phase=0, author="cho", kind="check_in", text="Fine.", created_at=start)
    )
    assert resolve_session(repertoire, "live") == live.id
    assert resolve_session(repertoire, "latest") == live.id
    shown, _ = visible(minutes(repertoire, live.id or 0))
    assert "Interim minutes. This session is still running (now: Problem sharing)" in shown
    assert "Time: from 17:00 UTC, still running" in shown
    assert "17:09 UTC, in progress" in shown
    assert "Not reached yet · timebox 30 min" in shown
    assert "Not reached" not in visible(minutes(repertoire, 1))[0], "untimed phases of a closed session"
    assert "Cho [lead] *ops*: Fine." in shown


def test_sessions_are_named_by_id_latest_or_live(repertoire: Repertoire) -> None:
    assert resolve_session(repertoire, "1") == 1
    assert resolve_session(repertoire, "latest") == 2
    with pytest.raises(NotFound, match="no session is live"):
        resolve_session(repertoire, "live")
    with pytest.raises(NotFound, match="there is no session 9"):
        resolve_session(repertoire, "9")
    with pytest.raises(ValueError, match="not a session id"):
        resolve_session(repertoire, "yesterday")


def test_hostile_text_stays_text_in_minutes(hostile: Repertoire) -> None:
    text = minutes(hostile, 1)
    page = parse(text)
    assert page.headings[0] == (1, folded(HOSTILE["session"]))
    assert (3, folded(HOSTILE["case"])) in page.headings
    actions, _ = page.tables
    assert [len(row) for row in actions.rows] == [5, 5]
    assert actions.rows[0][:2] == [folded(HOSTILE["member"]), folded(HOSTILE["action"])]
    assert actions.rows[0][4] == folded(HOSTILE["case"])
    shown, tags = visible(text)
    for key in ("community", "question", "strategy", "note"):
        assert folded(HOSTILE[key]) in shown, key
    assert set(tags) <= {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "br", "hr"} | {
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    shown, _ = visible(minutes(hostile, 2))
    for key in ("story", "lesson", "decision"):
        assert folded(HOSTILE[key]) in shown, key


def test_html_minutes_escape_user_markup_and_load_nothing(hostile: Repertoire) -> None:
    page = minutes(hostile, 1, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page or "&lt;script&gt;alert(&#x27;x&#x27;)" in page
    assert "<title>- October | clinic &lt;b&gt;1&lt;/b&gt; — minutes, 2026-10-01</title>" in page
    tags = html_tags(page)
    assert {tag for tag, _ in tags} <= PAGE_TAGS
    assert all(name in ("lang", "charset", "name", "content") for _, attrs in tags for name, _ in attrs)
    style = page[page.index("<style>") : page.index("</style>")]
    assert "@media print" in style and "url(" not in style and "@import" not in style


def test_minutes_read_in_a_few_queries_whatever_the_size(repertoire: Repertoire, demo: Repertoire) -> None:
    counts = []
    for opened, session_id in ((repertoire, 1), (demo, 7)):
        statements = count_queries(opened)
        minutes(opened, session_id)
        counts.append(len(statements))
    # The practices behind the strategies, with their track records across the repertoire: one
    # more; who contributed how much, for the participation table: three more; how many actions
    # are carried forward in all (the minutes list those due first): one more; the report-backs
    # members filed between meetings, before it: two more.
    assert max(counts) <= 23, counts


def test_minutes_are_reproducible(demo: Repertoire) -> None:
    assert minutes(demo, 7) == minutes(demo, 7)


def test_every_demo_session_has_minutes(demo: Repertoire) -> None:
    for session in demo.sessions():
        page = parse(minutes(demo, session.id or 0))
        assert page.headings[0] == (1, session.title)
        assert (2, "Actions") in page.headings


def test_save_minutes_names_the_file_by_date_and_title(repertoire: Repertoire, tmp_path: Path) -> None:
    saved = save_minutes(repertoire, 2, tmp_path)
    assert saved == tmp_path / "2026-11-05-november-clinic-minutes.md"
    assert saved.read_text(encoding="utf-8") == minutes(repertoire, 2)
    assert save_minutes(repertoire, 2, tmp_path) == saved, "saving again replaces the same file"
    html = save_minutes(repertoire, 2, tmp_path, "html")
    assert html.name == "2026-11-05-november-clinic-minutes.html"
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# -- the repertoire as a folder ----------------------------------------------------


def assert_links_resolve(folder: Path) -> int:
    """Every link of every page points at a file of the export; returns how many links there were."""
    count = 0
    for page in folder.rglob("*.md"):
        for target in parse(page.read_text(encoding="utf-8")).links:
            assert "://" not in target and not target.startswith("/"), (page, target)
            assert (page.parent / target).resolve().is_file(), (page, target)
            count += 1
    return count


def test_repertoire_folder_has_a_page_per_item_and_links_that_resolve(
    demo: Repertoire, tmp_path: Path
) -> None:
    folder = tmp_path / "wiki"
    done = export_repertoire(demo, folder)
    document = demo.dump()
    expected = (
        1
        + len(document.sessions)
        + len(document.cases)
        + len(document.topics)
        + len(document.members)
        + len(document.practices)
    )
    assert done.pages == done.written == expected
    assert len(list(folder.rglob("*.md"))) == expected
    assert (folder / "cases" / "0001-forty-pages-a-night-from-the-integration-engine.md").is_file()
    assert (folder / "sessions" / "0004-2026-08-12-peer-assist-st-aldhelms-data-centre-move.md").is_file()
    assert (folder / "members" / "ana.md").exists() and (folder / "topics" / "alerting.md").exists()
    assert assert_links_resolve(folder) > 600
    # A practice and the cases it was used on link to each other.
    practice = folder / "practices" / "0001-route-what-isnt-urgent-to-a-ticket-queue-not-the-pager.md"
    page = parse(practice.read_text(encoding="utf-8"))
    linked = sorted({link for link in page.links if link.startswith("../cases/")})
    assert linked == [
        "../cases/0001-forty-pages-a-night-from-the-integration-engine.md",
        "../cases/0007-alert-storms-at-the-start-of-every-live-event.md",
        "../cases/0012-300-alerts-a-week-and-four-of-them-matter.md",
    ]
    for case in linked:
        back = parse((practice.parent / case).read_text(encoding="utf-8")).links
        assert f"../practices/{practice.name}" in back
    index = parse((folder / "index.md").read_text(encoding="utf-8"))
    assert [h for h in index.headings if h[0] == 2] == [
        (2, "Sessions"),
        (2, "Cases"),
        (2, "Open actions"),
        (2, "Topics"),
        (2, "Members"),
    ]
    sessions, cases, _ = index.tables
    assert len(sessions.rows) == len(document.sessions) and len(cases.rows) == len(document.cases)


def test_hostile_text_keeps_the_folder_whole(hostile: Repertoire, tmp_path: Path) -> None:
    folder = tmp_path / "wiki"
    export_repertoire(hostile, folder)
    assert assert_links_resolve(folder) > 0
    index = parse((folder / "index.md").read_text(encoding="utf-8"))
    assert index.headings[0] == (1, folded(HOSTILE["community"]))
    sessions, cases, _ = index.tables
    assert all(len(row) == 4 for row in sessions.rows) and all(len(row) == 5 for row in cases.rows)
    assert folded(HOSTILE["session"]) in [row[1] for row in sessions.rows]
    assert cases.rows[-1][1:3] == [folded(HOSTILE["case"]), folded(HOSTILE["member"])]
    assert cases.rows[-1][4] == f"Alerting, {folded(HOSTILE['topic'])}"
    [case_page] = (folder / "cases").glob("0001-*.md")
    assert case_page.name == "0001-alert-fatigue-at-night-3.md"
    shown, _ = visible(case_page.read_text(encoding="utf-8"))
    assert folded(HOSTILE["strategy"]) in shown and folded(HOSTILE["story"]) in shown


def test_exporting_again_updates_in_place_and_removes_only_its_own_stale_pages(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    folder = tmp_path / "wiki"
    export_repertoire(repertoire, folder)
    (folder / "notes.md").write_text("the wiki's own page", encoding="utf-8")
    (folder / "cases" / "draft.md").write_text("someone's draft", encoding="utf-8")
    old_page = folder / "cases" / "0002-runbooks-nobody-reads.md"
    assert old_page.exists()

    again = export_repertoire(repertoire, folder)
    assert (again.written, again.removed) == (0, 0), "nothing changed, nothing rewritten"

    repertoire.update_case(repertoire.case(2).model_copy(update={"title": "Runbooks that rot"}))
    repertoire.add_topic(Topic(slug="toil", name="Toil"))
    third = export_repertoire(repertoire, folder)
    assert third.removed == 1 and not old_page.exists()
    assert (folder / "cases" / "0002-runbooks-that-rot.md").exists()
    assert (folder / "topics" / "toil.md").exists()
    assert (folder / "notes.md").read_text(encoding="utf-8") == "the wiki's own page"
    assert (folder / "cases" / "draft.md").exists()
    assert "cases/0002-runbooks-that-rot.md" in (folder / MANIFEST).read_text(encoding="utf-8")
    assert_links_resolve(folder)


def test_a_page_changed_by_hand_is_written_again_even_at_the_same_size(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    folder = tmp_path / "wiki"
    export_repertoire(repertoire, folder)
    page = folder / "cases" / "0002-runbooks-nobody-reads.md"
    exported = page.read_bytes()
    page.write_bytes(exported.replace(b"Runbooks", b"Handbook"))
    assert page.stat().st_size == len(exported)
    assert export_repertoire(repertoire, folder).written == 1
    assert page.read_bytes() == exported


def test_a_tampered_list_of_pages_never_removes_files_outside_the_export(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    folder = tmp_path / "wiki"
    folder.mkdir()
    outside = tmp_path / "precious.md"
    outside.write_text("keep me", encoding="utf-8")
    (folder / MANIFEST).write_text("../precious.md\n/etc/passwd\ncases/../../precious.md\n", encoding="utf-8")
    assert export_repertoire(repertoire, folder).removed == 0
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_folder_export_reads_in_a_few_queries_whatever_the_size(
    repertoire: Repertoire, demo: Repertoire, tmp_path: Path
) -> None:
    counts = []
    for i, opened in enumerate((repertoire, demo)):
        statements = count_queries(opened)
        export_repertoire(opened, tmp_path / f"wiki{i}")
        counts.append(len(statements))
    # A slice of each kind of page, and the outline for the index: the same few queries
    # for both, as long as each kind fits one slice (see coptui.store.export_reads); the
    # practices' pages and the records of the practices that other pages name take ten.
    assert counts[0] == counts[1] <= 70, counts


def test_members_topics_and_cases_cross_link(repertoire: Repertoire, tmp_path: Path) -> None:
    export_repertoire(repertoire, tmp_path)
    ben = parse((tmp_path / "members" / "ben.md").read_text(encoding="utf-8"))
    assert "../cases/0001-alert-fatigue-at-night.md" in ben.links
    assert "../sessions/0001-2026-10-01-october-clinic.md" in ben.links
    case = (tmp_path / "cases" / "0001-alert-fatigue-at-night.md").read_text(encoding="utf-8")
    shown, _ = visible(case)
    assert "Route low-urgency alerts to tickets (Ana Ruiz, 3 votes) — tried 1×: worked" in shown
    assert "../topics/on-call.md" in parse(case).links


def test_an_empty_repertoire_exports(tmp_path: Path) -> None:
    doc = small_document()
    empty = RepertoireDocument(community=doc.community)
    with load(tmp_path / "empty.db", empty) as repertoire:
        done = export_repertoire(repertoire, tmp_path / "wiki")
    assert done.pages == 1
    shown, _ = visible((tmp_path / "wiki" / "index.md").read_text(encoding="utf-8"))
    assert "No sessions yet." in shown and "No cases yet." in shown


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Peer assist: St Aldhelm's data-centre move", "peer-assist-st-aldhelms-data-centre-move"),
        ("Léa’s «café» clinic", "leas-cafe-clinic"),
        ("会議", ""),
        ("x" * 100, "x" * 60),
        ("word " * 30, ("word-" * 12).rstrip("-")),
        # Text another tool wrote: the name has the words shown, not an escape sequence's letters.
        ("Evil \x1b[31mRED\x1b[0m \x1b]0;title\x07bell", "evil-red-bell"),
    ],
)
def test_slugs_are_ascii_and_short(title: str, expected: str) -> None:
    from coptui.export.names import slug

    assert slug(title) == expected


def test_save_minutes_makes_its_folder(repertoire: Repertoire, tmp_path: Path) -> None:
    saved = save_minutes(repertoire, 1, tmp_path / "minutes" / "2026")
    assert saved.parent == tmp_path / "minutes" / "2026" and saved.is_file()


@pytest.mark.parametrize(
    ("target", "start", "link"),
    [
        ("cases/0001-a.md", "index.md", "cases/0001-a.md"),
        ("cases/0001-a.md", "cases/0002-b.md", "0001-a.md"),
        ("members/ana.md", "sessions/0001-x.md", "../members/ana.md"),
        ("index.md", "topics/alerting.md", "../index.md"),
    ],
)
def test_links_between_pages_are_relative(target: str, start: str, link: str) -> None:
    from coptui.export.names import relative

    assert relative(target, start) == link


# -- whatever members type, the pages keep their shape ---------------------------------

ANY_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(list("#>-+=|:.)*_[]()!`<>&;~\\/ \n\t1a")), st.characters()),
    min_size=1,
    max_size=60,
).map(clean_text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=ANY_TEXT, name=ANY_TEXT, note=ANY_TEXT, action=ANY_TEXT, strategy=ANY_TEXT)
def test_any_text_keeps_minutes_and_pages_whole(
    title: str, name: str, note: str, action: str, strategy: str
) -> None:
    assume(all(clean_line(t) for t in (title, name)) and all((note, action, strategy)))
    doc = small_document()
    document = doc.model_copy(
        update={
            "members": [
                m.model_copy(update={"name": clean_line(name)}) if m.handle == "ben" else m
                for m in doc.members
            ],
            "cases": [doc.cases[0].model_copy(update={"title": clean_line(title)}), doc.cases[1]],
            "strategies": [doc.strategies[0].model_copy(update={"text": strategy}), doc.strategies[1]],
            "actions": [doc.actions[0].model_copy(update={"text": action}), doc.actions[1]],
            "notes": [doc.notes[0].model_copy(update={"text": note}), doc.notes[1]],
        }
    )
    index = RepertoireIndex(document)
    page = parse(render_minutes(index, 1))
    assert page.headings == [
        (1, "October clinic"),
        (2, "Matters arising"),
        (2, "1. Check-in"),
        (2, "2. Problem sharing"),
        (2, "3. Collaborative problem solving"),
        (2, "4. Report-back"),
        (2, "Cases"),
        (3, folded(title)),
        (2, "Actions"),
        (2, "Open actions carried forward"),
    ]
    [actions] = page.tables
    assert actions.rows[0] == [folded(name), folded(action), "2026-10-15", "done", folded(title)]
    assert len(actions.rows) == 2
    shown, _ = visible(render_minutes(index, 1))
    assert f"{folded(name)}: {folded(note)}" in shown and folded(strategy) in shown

    pages = {path: whole(text) for path, text in repertoire_pages(index)}
    for path, text in pages.items():
        for target in parse(text).links:
            assert posixpath.normpath(posixpath.join(posixpath.dirname(path), target)) in pages, (
                path,
                target,
            )


def test_a_case_taken_up_again_shows_what_this_session_added(repertoire: Repertoire) -> None:
    from coptui.models import Strategy

    repertoire.add_strategy(
        Strategy(case=1, session=2, proposer="cho", text="Silence flapping disks at night")
    )
    repertoire.add_note(
        Note(session=2, phase=2, case=1, kind="decision", text="Ben tries it.", author="ana", created_at=NOON)
    )
    page = parse(minutes(repertoire, 2))
    assert [h for h in page.headings if h[0] == 2] == [
        (2, "Matters arising"),
        (2, "1. Check-in"),
        (2, "2. Problem sharing"),
        (2, "3. Collaborative problem solving"),
        (2, "4. Report-back"),
        (2, "Cases"),
        (2, "Decisions"),
        (2, "Actions"),
        (2, "Open actions carried forward"),
        (2, "Participation"),
    ]
    shown, _ = visible(minutes(repertoire, 2))
    assert "Presented by Ben Okafor · first brought to October clinic, 2026-10-01 ·" in shown
    assert "Silence flapping disks at night (Cho [lead] *ops*, 0 votes)" in shown
    revisited = shown.split("Alert fatigue at night Presented by")[1]
    assert "Context:" not in revisited, "the context was minuted when the case was brought"
    assert "Route low-urgency alerts" not in revisited, "earlier strategies stay in earlier minutes"
    assert "Ben tries it. (on Alert fatigue at night)" in shown


NOON = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def test_control_bytes_written_by_another_tool_never_reach_an_export(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    """The store cleans what coptui writes; a file edited by other tools is cleaned on the way out too."""
    raw = "Pager\x1b]0;pwned\x07 storm \x1b[2J\u202eevil\x9b31m"
    repertoire.db.execute("UPDATE cases SET title = ?, context = ? WHERE id = 1", [raw, raw])
    repertoire.db.execute("UPDATE notes SET text = ? WHERE id = 1", [raw + "\nsecond line"])
    repertoire.db.conn.commit()
    folder = tmp_path / "wiki"
    export_repertoire(repertoire, folder)
    written = [minutes(repertoire, 1), *(page.read_text(encoding="utf-8") for page in folder.rglob("*.md"))]
    assert any("Pager storm evil" in text for text in written)
    for text in written:
        assert not any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)
        assert "\u202e" not in text
