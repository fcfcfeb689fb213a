"""What the facilitator types in the capture box, read as one typed entry or a clear error.

`SYNTAX`, at the end, is the one description of what the capture box takes: each form's
syntax, what it files, an example and the parser that reads it. The parser's dispatch,
the tag completion, the session help and the phase hints derive from it, and a test
holds the README's table to it.

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
from coptui.facilitation.entries import (
    AbsentEntry,
    ActionEntry,
    ArrivedEntry,
    CaseDetailEntry,
    CaseEntry,
    DecisionEntry,
    DotEntry,
    Entry,
    EntryError,
    FocusEntry,
    LeftEntry,
    NewcomerEntry,
    NextMeetingEntry,
    NextTopicEntry,
    NoteEntry,
    PickEntry,
    ReportEntry,
    ResolvedEntry,
    StrategyEntry,
    ThumbsEntry,
    UndoEntry,
    VoteEntry,
)
from coptui.models import Outcome, PhaseKind, ValueCycle
from coptui.text import clean_line, clean_text

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
    usage = "type #strategy @handle what they propose (or =N to try practice N again)"
    found = _member(rest, handles, usage)
    if isinstance(found, EntryError):
        return found
    proposer, text = found
    if text.startswith("="):
        reuse, _, text = text[1:].partition(" ")
        if not reuse.isdigit() or int(reuse) < 1:
            return EntryError(f"={reuse} is not a practice: =N tries practice N again, as in =3")
        return StrategyEntry(proposer, text.strip(), int(reuse))
    if not text:
        return EntryError(f"what does @{proposer} propose? {usage}")
    return StrategyEntry(proposer, text)


# `#strategy @who words`, or a member's own `#strategy words` (they propose as themselves).
_NEW_STRATEGY = re.compile(r"^(#strategy\s+(?:@\S+\s+)?)(?![=@])(\S.*)$", re.IGNORECASE)


def strategy_being_typed(line: str) -> str | None:
    """The words of a new strategy while `#strategy [@who] words` is typed (not one reusing `=N`)."""
    match = _NEW_STRATEGY.match(line)
    return match.group(2) if match else None


def reusing(line: str, practice: int) -> str:
    """`line`, a new strategy being typed, as a use of `practice` instead: the words typed so
    far found it, and its name becomes the strategy's text (words typed after `=N` replace it)."""
    match = _NEW_STRATEGY.match(line)
    return f"{match.group(1)}={practice} " if match else line


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


@dataclass(frozen=True)
class Form:
    """One way of writing in the capture box: what is typed, what it files, an example, its parser.

    A form whose syntax starts with '#' is a tag (its first word, and its `aliases`); one
    starting with a word and a colon (`due:WHEN`) is a word inside the tag above it.
    `phases`: the phases whose capture box hints at it.
    """

    syntax: str
    meaning: str
    example: str
    parser: _Parser
    aliases: tuple[str, ...] = ()
    phases: tuple[PhaseKind, ...] = ()
    short: str = ""  # the placeholder's hint, when the syntax without its optional parts says too little

    @property
    def tags(self) -> tuple[str, ...]:
        first = self.syntax.split()[0]
        return (first[1:], *self.aliases) if first.startswith("#") else ()

    @property
    def inside_a_tag(self) -> bool:
        return not self.tags and ":" in self.syntax.split()[0]

    @property
    def hint(self) -> str:
        """The syntax without its optional parts, short enough for the capture box's placeholder."""
        return self.short or " ".join(re.sub(r"\[[^]]*\]", "", self.syntax).split())


_DUE = "14 Dec, 2026-12-14, 14/12, +3d, +2w, fri, tomorrow, or next (the next meeting)"
_SOLVING, _SHARING, _REPORT_BACK = PhaseKind.PROBLEM_SOLVING, PhaseKind.PROBLEM_SHARING, PhaseKind.REPORT_BACK
_VOTE_USAGE = "type #vote N, or #vote N 3 for three dots"
_DOT_USAGE = "type #dot N for a dot on topic N, or #dot N 3 for three"
_PICK_USAGE = "type #pick N for the presenter's pick of strategy N"
_RESOLVED_USAGE = "type #resolved N for the case of matter arising N, once a strategy for it worked"

SYNTAX = (
    Form(
        "text",
        "a note in this phase; in check-in, the check-in of whom the box names as you press Enter "
        "(a note once everyone has checked in)",
        "Slept well",
        _note,
    ),
    Form(
        "@who text",
        "a note from that member; in check-in, their check-in, unless they have checked in already",
        "@cho two pages last night",
        _note,
    ),
    Form("#case @who title", "a case that member brings; it comes into focus",
         "#case @ben Alert fatigue at night", _case, phases=(_SHARING,)),
    Form("#context text", "what the case in focus is about (adds to it)",
         "#context Forty pages a week", _detail("context"), phases=(_SHARING,)),
    Form("#question text", "what the presenter asks", "#question How do I cut pages?",
         _detail("question"), phases=(_SHARING,)),
    Form("#topic a b", "topics of the case in focus", "#topic alerting on-call", _topics,
         aliases=("topics",), phases=(_SHARING,)),
    Form("#focus N", "put case N of this session in focus", "#focus 2", _focus),
    Form("#strategy @who text", "a strategy for the case in focus, proposed by that member",
         "#strategy @cho Route low alerts to tickets", _strategy, phases=(_SOLVING,)),
    Form("#strategy @who =N [text]", "practice N tried again for the case in focus (Tab takes a suggestion)",
         "#strategy @ben =3", _strategy),
    Form("#vote N [count]", "dot votes for strategy N of the case in focus", "#vote 2 3",
         _dots("the strategy", _VOTE_USAGE, VoteEntry), phases=(_SOLVING,)),
    Form("#pick N", "the presenter picks strategy N (again to unpick)", "#pick 1",
         _one_number("the strategy", _PICK_USAGE, PickEntry), phases=(_SOLVING,)),
    Form("#dot N [count]", "Lean Coffee: dots on topic N (the cases brought)", "#dot 3 2",
         _dots("the topic", _DOT_USAGE, DotEntry), aliases=("dots",)),
    Form("#next-topic", "Lean Coffee: the undiscussed topic with most dots, its timebox started",
         "#next-topic", _next_topic),
    Form("#thumbs up N down M", "Lean Coffee: more up than down gives the topic 4 more minutes",
         "#thumbs up 5 down 2", _thumbs),
    Form("#action @who due:WHEN [strategy:N] text", "a commitment: what that member will try, by when",
         "#action @ben due:+2w try ticket routing", _action, phases=(_SOLVING,)),
    Form("due:WHEN", f"in #action: {_DUE}", "due:fri", _action),
    Form("strategy:N", "in #action: the strategy it tries (else the one picked)", "strategy:2", _action),
    Form("#next WHEN", "the date of the next meeting (also +4w, thu); due:next means it",
         "#next 2027-01-14", _next_meeting),
    Form("#decision text", "a decision the group made", "#decision We pilot in December", _decision),
    Form("#report N outcome story [lesson: text]",
         f"report on matter arising N; the outcome: {OUTCOME_WORDS}",
         "#report 1 worked Pages halved lesson: most were noise", _report, phases=(_REPORT_BACK,),
         short=f"#report N {'|'.join(o.typed for o in Outcome)} story lesson: …"),
    Form("#report @who outcome story", "a report from someone with nothing open",
         "#report @cho partly tried quiet hours", _report),
    Form("value:CYCLE", f"in #report: the value it brought ({VALUE_WORDS})", "value:applied", _report),
    Form("case:resolved", "in #report N worked: the presenter says the case is resolved",
         "case:resolved", _report),
    Form("#resolved N", "the case of matter arising N is resolved: something tried for it worked "
         "(a decision, in the minutes)",
         "#resolved 2", _one_number("the matter", _RESOLVED_USAGE, ResolvedEntry), phases=(_REPORT_BACK,)),
    Form("#absent @who", "not there after all", "#absent @cho", _attendance_change("absent", AbsentEntry)),
    Form("#arrived @who", "came late: off apologies or absent, on the list from now",
         "#arrived @cho", _attendance_change("arrived", ArrivedEntry)),
    Form("#left @who", "left before the end; out of the speaking round", "#left @ben",
         _attendance_change("left", LeftEntry)),
    Form("#newcomer @who Full Name", "a new member of the community, here today",
         "#newcomer @dee Dee Okafor", _newcomer),
    Form("#undo", "take back the last entry (F8 does too)", "#undo", _undo),
)  # fmt: skip

_PARSERS = {tag: form.parser for form in SYNTAX for tag in form.tags}
_TAG_NAMES = {tag: form.tags[0] for form in SYNTAX for tag in form.tags}


def tag_of(text: str) -> str | None:
    """The tag a line starts with, as the syntax first names it (`#dots` is `dot`); None for a
    note or a word that is no tag. Read before the rest of the line is."""
    match = _TAG.match(text.strip())
    return None if match is None else _TAG_NAMES.get(match.group(1).lower())


TAGS = tuple(dict.fromkeys(form.tags[0] for form in SYNTAX if form.tags))


def phase_hint(kind: PhaseKind) -> str | None:
    """The capture box's placeholder in a phase of `kind`: the forms used there; None if none are."""
    forms = [form.hint for form in SYNTAX if kind in form.phases]
    return " · ".join(forms) if forms else None
