"""What the facilitator types in the capture box, read as one typed entry or a clear error.

    plain text                          a note in the current phase (`@handle text` names its author)
    #case @handle title                 a case that member brings; it becomes the case in focus
    #context text / #question text      the case in focus: what it is about, what they ask
    #topic slug [slug ...]              the case in focus: its topics
    #focus N                            put case N of this session in focus
    #strategy @handle text              a strategy for the case in focus, proposed by that member
    #vote N [count]                     dot votes for strategy N of the case in focus
    #dot N [count]                      Lean Coffee: dots on topic N (the cases brought)
    #next-topic                         Lean Coffee: the undiscussed topic with most dots, timebox started
    #thumbs up N down M                 Lean Coffee: more up than down extends the topic in focus
    #pick N                             the presenter picks (or unpicks) strategy N
    #action @handle [due:WHEN] [strategy:N] text
                                        WHEN: 14 Dec, 2026-12-14, 14/12, +3d, +2w, fri, tomorrow,
                                        or next (the next meeting)
    #decision text                      a decision the group made
    #report N|@handle outcome story [lesson: text] [value:cycle] [case:resolved]
    #resolved N                         the case of matter arising N is resolved (a strategy worked)
    #absent @handle                     an attendee is not there after all
    #arrived @handle                    someone came late (from apologies, absent, or not expected)
    #left @handle                       an attendee left before the end
    #newcomer @handle Full Name         a new member of the community, here today
    #next WHEN                          the date of the next meeting (YYYY-MM-DD, +4w, thu)
    #undo                               take back the last entry

The parser never raises: odd input gives an `EntryError` whose message says what to type.
Whether a handle is a member is checked here; what depends on the session (a case in focus,
strategy N) is checked by the live session.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta

from coptui.facilitation.dates import DATE_FORMS, absolute_date, is_month
from coptui.models import Outcome, ValueCycle
from coptui.text import clean_line, clean_text


@dataclass(frozen=True)
class NoteEntry:
    text: str
    author: str | None = None


@dataclass(frozen=True)
class DecisionEntry:
    text: str


@dataclass(frozen=True)
class CaseEntry:
    presenter: str
    title: str


@dataclass(frozen=True)
class CaseDetailEntry:
    field: str  # "context", "question" or "topics"
    text: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class FocusEntry:
    case: int  # 1-based, among this session's cases


@dataclass(frozen=True)
class StrategyEntry:
    proposer: str
    text: str


@dataclass(frozen=True)
class VoteEntry:
    strategy: int  # 1-based, among the case in focus's strategies
    count: int = 1


@dataclass(frozen=True)
class DotEntry:
    topic: int  # 1-based, among this session's cases
    count: int = 1


@dataclass(frozen=True)
class NextTopicEntry:
    pass


@dataclass(frozen=True)
class ThumbsEntry:
    up: int
    down: int


@dataclass(frozen=True)
class PickEntry:
    strategy: int


@dataclass(frozen=True)
class ActionEntry:
    owner: str
    text: str
    due: date | None = None
    strategy: int | None = None
    due_relative: str | None = None  # a relative form (`+2w`, `fri`, `next`), read by the session


@dataclass(frozen=True)
class NextMeetingEntry:
    day: date | None = None
    relative: str | None = None  # a relative form (`+4w`, `thu`), read against today by the session


@dataclass(frozen=True)
class ReportEntry:
    outcome: Outcome
    matter: int | None = None  # 1-based, among the matters arising
    member: str | None = None  # for an attendee reporting with no open action
    story: str = ""
    lesson: str = ""
    value_cycle: ValueCycle | None = None
    resolves_case: bool = False  # the presenter says the case is resolved


@dataclass(frozen=True)
class ResolvedEntry:
    matter: int  # 1-based, among the matters arising


@dataclass(frozen=True)
class AbsentEntry:
    handle: str


@dataclass(frozen=True)
class ArrivedEntry:
    handle: str


@dataclass(frozen=True)
class LeftEntry:
    handle: str


@dataclass(frozen=True)
class NewcomerEntry:
    handle: str
    name: str


@dataclass(frozen=True)
class UndoEntry:
    pass


@dataclass(frozen=True)
class EntryError:
    message: str


Entry = (
    NoteEntry
    | DecisionEntry
    | CaseEntry
    | CaseDetailEntry
    | FocusEntry
    | StrategyEntry
    | VoteEntry
    | DotEntry
    | NextTopicEntry
    | ThumbsEntry
    | PickEntry
    | ActionEntry
    | ReportEntry
    | AbsentEntry
    | ArrivedEntry
    | LeftEntry
    | NewcomerEntry
    | NextMeetingEntry
    | ResolvedEntry
    | UndoEntry
)

_Parser = Callable[[str, set[str]], "Entry | EntryError"]

# A tag is '#' and a letter; "#1 priority" is plain text.
_TAG = re.compile(r"^#([A-Za-z][\w-]*)(?:\s+|$)")
_HANDLE = re.compile(r"^@(\S*)")
_OUTCOMES = {
    "worked": Outcome.WORKED,
    "partly": Outcome.PARTLY,
    "partially": Outcome.PARTLY,
    "did_not_work": Outcome.DID_NOT_WORK,
    "didnt_work": Outcome.DID_NOT_WORK,
    "failed": Outcome.DID_NOT_WORK,
    "not_tried": Outcome.NOT_TRIED,
}
OUTCOME_WORDS = ", ".join(outcome.typed for outcome in Outcome)
VALUE_WORDS = ", ".join(v.value for v in ValueCycle)
TAGS = (
    "case",
    "context",
    "question",
    "topic",
    "focus",
    "strategy",
    "vote",
    "dot",
    "next-topic",
    "thumbs",
    "pick",
    "action",
    "decision",
    "report",
    "absent",
    "arrived",
    "left",
    "newcomer",
    "next",
    "resolved",
    "undo",
)


def parse_entry(text: str, handles: Collection[str], today: date | None = None) -> Entry | EntryError:
    """Read one line (or more) from the capture box; `handles` are the community's members.

    `today` (the meeting's day) places a due date typed without a year, such as due:14 Dec.
    """
    try:
        return _parse(clean_text(text), {h.lower() for h in handles}, today or date.today())
    except Exception as error:  # the capture box must never bring the meeting down
        return EntryError(f"could not read that entry ({error})")


def _parse(text: str, handles: set[str], today: date) -> Entry | EntryError:
    if not text:
        return EntryError("nothing to file: type a note, or a tag such as #case (F1 lists them)")
    match = _TAG.match(text)
    if match is None:
        return _note(text, handles)
    tag = match.group(1).lower()
    rest = text[match.end() :].strip()
    parser = _PARSERS.get(tag)
    if parser is None:
        close = difflib.get_close_matches(tag, _PARSERS, n=1)
        hint = f"did you mean #{close[0]}?" if close else "F1 lists the tags"
        return EntryError(f"#{tag} is not a tag; {hint}")
    if parser is _action:  # the one tag read against the day: due:14 Dec
        return _action(rest, handles, today)
    return parser(rest, handles)


def _note(text: str, handles: set[str]) -> Entry | EntryError:
    author, rest = _leading_handle(text)
    if author is None:
        return NoteEntry(text)
    if author not in handles:
        return _unknown(author, handles)
    if not rest:
        return EntryError(f"what did @{author} say? type it after the handle")
    return NoteEntry(rest, author)


def _leading_handle(text: str) -> tuple[str | None, str]:
    match = _HANDLE.match(text)
    if match is None:
        return None, text
    return match.group(1).lower().rstrip(",:;"), text[match.end() :].strip()


def _unknown(handle: str, handles: Collection[str]) -> EntryError:
    if not handle:
        return EntryError("a handle follows @ with no space, as in @ben")
    close = difflib.get_close_matches(handle, sorted(handles), n=1)
    hint = f"did you mean @{close[0]}?" if close else "add them from the start screen, or check the spelling"
    return EntryError(f"@{handle} is not a member; {hint}")


def _member(rest: str, handles: set[str], usage: str) -> tuple[str, str] | EntryError:
    handle, text = _leading_handle(rest)
    if handle is None:
        return EntryError(f"who? {usage}")
    if handle not in handles:
        return _unknown(handle, handles)
    return handle, text


def _case(rest: str, handles: set[str]) -> Entry | EntryError:
    usage = "type #case @handle title"
    found = _member(rest, handles, usage)
    if isinstance(found, EntryError):
        return found
    presenter, title = found
    title = clean_line(title)
    if not title:
        return EntryError(f"the case needs a title: {usage}")
    if len(title) > 300:
        return EntryError("a case title is at most 300 characters; put the rest in #context")
    return CaseEntry(presenter, title)


def _detail(field: str) -> _Parser:
    def parse(rest: str, handles: set[str]) -> Entry | EntryError:
        if not rest:
            return EntryError(f"#{field} needs text: type #{field} and what the presenter said")
        return CaseDetailEntry(field, text=rest)

    return parse


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")


def _topics(rest: str, handles: set[str]) -> Entry | EntryError:
    slugs = [word.lstrip("#").lower() for word in rest.replace(",", " ").split()]
    if not slugs:
        return EntryError("#topic needs one or more topics, as in #topic alerting on-call")
    bad = [slug for slug in slugs if not _SLUG.match(slug)]
    if bad:
        return EntryError(f"{bad[0]!r} is not a topic: use lower-case letters, digits and '-'")
    return CaseDetailEntry("topics", topics=tuple(dict.fromkeys(slugs)))


def _number(word: str, what: str, usage: str) -> int | EntryError:
    if not word.isdigit() or int(word) < 1:
        return EntryError(f"{what} is a number from the list, not {word!r}: {usage}" if word else usage)
    return int(word)


def _focus(rest: str, handles: set[str]) -> Entry | EntryError:
    usage = "type #focus N for case N of this session"
    words = rest.split()
    number = _number(words[0] if words else "", "the case", usage)
    return number if isinstance(number, EntryError) else FocusEntry(number)


def _strategy(rest: str, handles: set[str]) -> Entry | EntryError:
    usage = "type #strategy @handle what they propose"
    found = _member(rest, handles, usage)
    if isinstance(found, EntryError):
        return found
    proposer, text = found
    if not text:
        return EntryError(f"what does @{proposer} propose? {usage}")
    return StrategyEntry(proposer, text)


def _dots(what: str, usage: str, entry: Callable[[int, int], Entry]) -> _Parser:
    """A tag followed by a number from a list and, if more than one, how many dots."""

    def parse(rest: str, handles: set[str]) -> Entry | EntryError:
        words = rest.split()
        if not words or len(words) > 2:
            return EntryError(usage)
        number = _number(words[0], what, usage)
        if isinstance(number, EntryError):
            return number
        count = _number(words[1], "the count", usage) if len(words) == 2 else 1
        if isinstance(count, EntryError):
            return count
        if count > 99:
            return EntryError("at most 99 dots in one go")
        return entry(number, count)

    return parse


def _next_topic(rest: str, handles: set[str]) -> Entry | EntryError:
    if rest:
        return EntryError("#next-topic takes nothing after it; it brings up the topic with most dots")
    return NextTopicEntry()


def _thumbs(rest: str, handles: set[str]) -> Entry | EntryError:
    usage = "type #thumbs up N down M, as in #thumbs up 5 down 2"
    words = rest.lower().split()
    counts: dict[str, int] = {}
    if len(words) not in (2, 4):
        return EntryError(usage)
    for way, word in zip(words[::2], words[1::2], strict=True):
        if way not in ("up", "down") or way in counts or not word.isdigit() or int(word) > 999:
            return EntryError(usage)
        counts[way] = int(word)
    return ThumbsEntry(counts.get("up", 0), counts.get("down", 0))


def _one_number(what: str, usage: str, entry: Callable[[int], Entry]) -> _Parser:
    """A tag followed by one number from a list, and nothing else."""

    def parse(rest: str, handles: set[str]) -> Entry | EntryError:
        words = rest.split()
        if len(words) != 1:
            return EntryError(usage)
        number = _number(words[0], what, usage)
        return number if isinstance(number, EntryError) else entry(number)

    return parse


def _action(rest: str, handles: set[str], today: date | None = None) -> Entry | EntryError:
    usage = "type #action @handle due:14 Dec what they will try"
    found = _member(rest, handles, usage)
    if isinstance(found, EntryError):
        return found
    owner, text = found
    due: date | None = None
    due_relative: str | None = None
    strategy: int | None = None
    words: list[str] = []
    rest_words = text.split(" ")
    while rest_words:
        word = rest_words.pop(0)
        key, colon, value = word.partition(":")
        if key.lower() == "due" and colon and is_relative_date(value):
            due_relative = value.lower()
        elif key.lower() == "due" and colon:
            value = _date_words(value, rest_words)
            due = absolute_date(value, today or date.today())
            if due is None:
                return EntryError(f"due:{value} is not a date; write it as {DATE_FORMS}, or +2w, fri, next")
        elif key.lower() in ("strategy", "s") and colon and value:
            number = _number(value, "the strategy", usage)
            if isinstance(number, EntryError):
                return number
            strategy = number
        else:
            words.append(word)
    what = " ".join(words).strip()
    if not what:
        return EntryError(f"what will @{owner} try? {usage}")
    return ActionEntry(owner, what, due, strategy, due_relative)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"^(?:\+(\d{1,3})([dw])|today|tomorrow|next|([a-z]{3,9}))$")


def is_relative_date(text: str) -> bool:
    """A date said relative to today (`+3d`, `+2w`, `fri`, `tomorrow`) or to the next meeting (`next`)."""
    match = _RELATIVE.match(text.lower())
    return match is not None and (match.group(3) is None or _weekday(match.group(3)) is not None)


def _weekday(word: str) -> int | None:
    found = [i for i, day in enumerate(_WEEKDAYS) if day.startswith(word)]
    return found[0] if len(found) == 1 else None


def relative_date(text: str, today: date, next_meeting: date | None) -> date | str:
    """The day a relative form means, seen from `today`; or why it means none (`next` with no date set).

    A weekday is the next one after today: `fri` on a Friday is a week on.
    """
    match = _RELATIVE.match(text.lower())
    if match is None:
        return f"{text!r} is not a date"
    count, unit, day_word = match.groups()
    word = text.lower()
    if count is not None:
        return today + timedelta(days=int(count) * (7 if unit == "w" else 1))
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word == "next":
        if next_meeting is None:
            return "no date is set for the next meeting: set one with #next YYYY-MM-DD"
        return next_meeting
    weekday = _weekday(day_word)
    if weekday is None:
        return f"{text!r} is not a date"
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_meeting(rest: str, handles: set[str]) -> Entry | EntryError:
    usage = "type #next YYYY-MM-DD (or +4w, thu) for the date of the next meeting"
    words = rest.split()
    if len(words) != 1:
        return EntryError(usage)
    word = words[0]
    if word.lower() != "next" and is_relative_date(word):
        return NextMeetingEntry(relative=word.lower())
    try:
        return NextMeetingEntry(day=date.fromisoformat(word))
    except ValueError:
        return EntryError(f"{word!r} is not a date: {usage}")


def _date_words(value: str, words: list[str]) -> str:
    """`due:14 Dec 2026` is three words: take along (from `words`) those that belong to the date."""
    parts = [value]
    day_month = value.isdigit() and is_month(words[0]) if words else False
    month_day = is_month(value) and words[0].isdigit() if words else False
    if day_month or month_day:
        parts.append(words.pop(0))
        if words and len(words[0]) == 4 and words[0].isdigit():
            parts.append(words.pop(0))
    return " ".join(parts)


def _report(rest: str, handles: set[str]) -> Entry | EntryError:
    usage = f"type #report N outcome story (N from matters arising, or @handle); outcomes: {OUTCOME_WORDS}"
    words = rest.split(None, 2)
    if len(words) < 2:
        return EntryError(usage)
    who, outcome_word = words[0], words[1]
    matter: int | None = None
    member: str | None = None
    if who.startswith("@"):
        member = who[1:].lower()
        if member not in handles:
            return _unknown(member, handles)
    else:
        number = _number(who, "the matter", usage)
        if isinstance(number, EntryError):
            return number
        matter = number
    outcome = _OUTCOMES.get(outcome_word.lower().replace("-", "_").replace("'", ""))
    if outcome is None:
        return EntryError(f"{outcome_word!r} is not an outcome; use one of {OUTCOME_WORDS}")
    story = words[2] if len(words) == 3 else ""
    value_cycle: ValueCycle | None = None
    resolves_case = False
    kept: list[str] = []
    for word in story.split(" "):
        key, colon, value = word.partition(":")
        if colon and key.lower() == "case" and value.lower() == "resolved":
            resolves_case = True
        elif colon and key.lower() in ("value", "cycle") and value:
            try:
                value_cycle = ValueCycle(value.lower())
            except ValueError:
                return EntryError(f"{value!r} is not a value cycle; use one of {VALUE_WORDS}")
        else:
            kept.append(word)
    parts = re.split(r"(?i)\blesson:", " ".join(kept), maxsplit=1)
    story = parts[0].strip()
    lesson = parts[1].strip() if len(parts) > 1 else ""
    return ReportEntry(outcome, matter, member, story, lesson, value_cycle, resolves_case)


def _decision(rest: str, handles: set[str]) -> Entry | EntryError:
    if not rest:
        return EntryError("#decision needs text: type #decision and what the group decided")
    return DecisionEntry(rest)


def _attendance_change(tag: str, entry: Callable[[str], Entry]) -> _Parser:
    usage = f"type #{tag} @handle"

    def parse(rest: str, handles: set[str]) -> Entry | EntryError:
        found = _member(rest, handles, usage)
        if isinstance(found, EntryError):
            return found
        handle, extra = found
        if extra:
            return EntryError(f"#{tag} takes one handle: {usage}")
        return entry(handle)

    return parse


_NEW_HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")


def _newcomer(rest: str, handles: set[str]) -> Entry | EntryError:
    usage = "type #newcomer @handle Full Name"
    handle, name = _leading_handle(rest)
    if handle is None:
        return EntryError(f"who? {usage}")
    if handle in handles:
        return EntryError(f"@{handle} is a member already; if they just came, type #arrived @{handle}")
    if not _NEW_HANDLE.match(handle):
        return EntryError(
            f"@{handle} cannot be a handle: lower-case letters, digits, '.', '_' or '-', at most 32"
        )
    name = clean_line(name)
    if not name:
        return EntryError(f"what is @{handle}'s name? {usage}")
    if len(name) > 300:
        return EntryError("a name is at most 300 characters")
    return NewcomerEntry(handle, name)


def _undo(rest: str, handles: set[str]) -> Entry | EntryError:
    if rest:
        return EntryError("#undo takes nothing after it; it takes back the last entry (F8 does too)")
    return UndoEntry()


_PARSERS = {
    "case": _case,
    "context": _detail("context"),
    "question": _detail("question"),
    "topic": _topics,
    "topics": _topics,
    "focus": _focus,
    "strategy": _strategy,
    "vote": _dots("the strategy", "type #vote N, or #vote N 3 for three dots", VoteEntry),
    "dot": _dots("the topic", "type #dot N for a dot on topic N, or #dot N 3 for three", DotEntry),
    "dots": _dots("the topic", "type #dot N for a dot on topic N, or #dot N 3 for three", DotEntry),
    "next-topic": _next_topic,
    "thumbs": _thumbs,
    "pick": _one_number("the strategy", "type #pick N for the presenter's pick of strategy N", PickEntry),
    "action": _action,
    "decision": _decision,
    "report": _report,
    "absent": _attendance_change("absent", AbsentEntry),
    "arrived": _attendance_change("arrived", ArrivedEntry),
    "left": _attendance_change("left", LeftEntry),
    "newcomer": _newcomer,
    "next": _next_meeting,
    "resolved": _one_number(
        "the matter",
        "type #resolved N for the case of matter arising N, once a strategy for it worked",
        ResolvedEntry,
    ),
    "undo": _undo,
}
