"""Practices in the exports: minutes name each strategy's practice and record; the folder has their pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from markdown_check import parse, visible

from coptui.export import export_repertoire, minutes
from coptui.models import Action, Case, Outcome, ReportBack, Strategy
from coptui.store import Repertoire

NAME = "Tickets [for] *what* | can <b>wait</b> 🎫 #1"


def tried_again(repertoire: Repertoire) -> int:
    """Practice 1 reused for a case of session 2, under another wording, where it did not work."""
    case = repertoire.add_case(
        Case(session=2, presenter="cho", title="Pager storms", opened_on=date(2026, 11, 5))
    )
    strategy = repertoire.add_strategy(
        Strategy(case=case.id or 0, session=2, proposer="cho", text="Tickets, not pages", practice=1)
    )
    action = repertoire.add_action(
        Action(case=case.id, strategy=strategy.id, session=2, owner="cho", text="Try")
    )
    repertoire.add_report_back(
        ReportBack(
            action=action.id,
            member="cho",
            outcome=Outcome.DID_NOT_WORK,
            story="Nobody read | the *queue*.",
            reported_on=date(2026, 11, 20),
        )
    )
    return case.id or 0


def test_minutes_name_each_strategys_practice_and_its_record_across_cases(repertoire: Repertoire) -> None:
    tried_again(repertoire)
    repertoire.rename_practice(1, NAME)
    first, _ = visible(minutes(repertoire, 1))
    record = "tried 2 times: 1 worked, 0 partly, 1 did not work"
    route = "Route low-urgency alerts to tickets (Ana Ruiz, 3 votes)"
    assert f"{route} · practice 1 “{NAME}”: {record} " in first
    assert "(Cho [lead] *ops*, 2 votes) · practice 2: not tried yet " in first
    second, tags = visible(minutes(repertoire, 2))
    assert f"Tickets, not pages (Cho [lead] *ops*, 0 votes) · practice 1 “{NAME}”: {record} " in second
    assert "b" not in tags


def test_the_folder_has_a_page_per_practice_linked_both_ways_with_its_cases(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    case_id = tried_again(repertoire)
    repertoire.rename_practice(1, NAME)
    export_repertoire(repertoire, tmp_path)
    [page] = (tmp_path / "practices").glob("0001-*.md")
    assert page.name == "0001-tickets-for-what-can-b-wait-b-1.md"
    text = page.read_text(encoding="utf-8")
    shown, tags = visible(text)
    assert shown.startswith(f"← SRE Guild {NAME} A practice first used on 2026-10-01 · 2 uses · on 2 cases")
    assert "Track record: tried 2 times: 1 worked, 0 partly, 1 did not work" in shown
    assert "Nobody read | the *queue*." in shown and "Lesson: Most pages were not urgent." in shown
    assert "b" not in tags
    parsed = parse(text)
    assert parsed.headings[0] == (1, NAME)
    uses = parsed.tables[0]
    assert [row[0] for row in uses.rows] == ["Alert fatigue at night", "Pager storms"]
    links = set(parsed.links)
    assert {"../cases/0001-alert-fatigue-at-night.md", f"../cases/{case_id:04d}-pager-storms.md"} <= links
    for case in ("0001-alert-fatigue-at-night.md", f"{case_id:04d}-pager-storms.md"):
        assert (
            f"../practices/{page.name}"
            in parse((tmp_path / "cases" / case).read_text(encoding="utf-8")).links
        )
    assert (tmp_path / "practices" / "0002-weekly-alert-review-with-on-call.md").is_file()
