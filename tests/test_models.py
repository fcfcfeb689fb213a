"""The models refuse what would corrupt the repertoire, and clean text at the boundary."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from coptui.models import Case, Member, Note, RepertoireDocument, Session, Strategy


def test_handle_is_normalised_and_checked() -> None:
    assert Member(handle=" @Ana ", name="Ana").handle == "ana"
    with pytest.raises(ValidationError, match="handle"):
        Member(handle="ana smith", name="Ana")


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_empty_title_is_refused(title: str) -> None:
    with pytest.raises(ValidationError, match="title"):
        Case(presenter="ana", title=title, opened_on=date(2026, 1, 1))


def test_a_date_that_is_not_a_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="opened_on"):
        Case(presenter="ana", title="x", opened_on="2026-02-30")
    with pytest.raises(ValidationError, match="date"):
        Session(title="x", date="next tuesday", facilitator="ana")


def test_votes_cannot_go_negative() -> None:
    with pytest.raises(ValidationError, match="votes"):
        Strategy(case=1, proposer="ana", text="x", votes=-1)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Member(handle="ana", name="Ana", colour="red")  # type: ignore[call-arg]


def test_someone_cannot_both_attend_and_send_apologies() -> None:
    with pytest.raises(ValidationError, match="ben is listed in both attendees and apologies"):
        Session(title="x", date=date(2026, 1, 1), facilitator="ana", attendees=["ben"], apologies=["ben"])
    with pytest.raises(ValidationError, match="ben is listed twice in absent"):
        Session(title="x", date=date(2026, 1, 1), facilitator="ana", absent=["ben", "ben"])


def test_a_topic_is_listed_once() -> None:
    with pytest.raises(ValidationError, match="a topic is listed twice"):
        Case(presenter="ana", title="x", opened_on=date(2026, 1, 1), topics=["a", "a"])


def test_text_keeps_markup_and_loses_escape_sequences() -> None:
    note = Note(
        session=1,
        text="[bold red]x[/] *y* |z|\x1b]0;pwned\x07 ok\x1b[2J\u202egnp.exe\r\nline two",
        created_at="2026-01-01T10:00:00",
    )
    assert note.text == "[bold red]x[/] *y* |z| okgnp.exe\nline two"
    assert note.created_at.tzinfo is not None


def test_titles_fold_line_breaks() -> None:
    case = Case(presenter="ana", title="two\nlines", opened_on=date(2026, 1, 1))
    assert case.title == "two lines"


@pytest.mark.parametrize(
    ("section", "change", "expected"),
    [
        ("cases", {"presenter": "zed"}, "cases[0].presenter: 'zed' is not a known member"),
        ("cases", {"topics": ["knitting"]}, "cases[0].topics[0]: 'knitting' is not a known topic"),
        ("strategies", {"case": 99}, "strategies[0].case: 99 is not a known case"),
        ("actions", {"owner": "zed"}, "actions[0].owner: 'zed' is not a known member"),
        ("actions", {"strategy": 99}, "actions[0].strategy: 99 is not a known strategy"),
        ("report_backs", {"action": 99}, "report_backs[0].action: 99 is not a known action"),
        ("notes", {"phase": 9}, "notes[0].phase: session 1 has no phase 9"),
        ("report_backs", {"case": 2}, "report_backs[0].case: action 1 belongs to case 1, not case 2"),
        ("cases", {"id": 2}, "cases[1].id: 2 is used twice"),
    ],
)
def test_document_refuses_broken_references(
    document: RepertoireDocument, section: str, change: dict, expected: str
) -> None:
    data = document.model_dump(mode="json")
    data[section][0].update(change)
    with pytest.raises(ValidationError) as raised:
        RepertoireDocument.model_validate(data)
    assert expected in str(raised.value)


def test_a_strategy_from_another_case_is_refused(document: RepertoireDocument) -> None:
    data = document.model_dump(mode="json")
    data["strategies"][1]["case"] = 2
    with pytest.raises(ValidationError, match="strategy 2 belongs to case 2, not case 1"):
        RepertoireDocument.model_validate(data)
