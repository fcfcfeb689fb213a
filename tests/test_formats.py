"""Session formats: the built-ins, a community's own files, and a clear message for each bad one."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from coptui.formats import (
    DEFAULT_FORMAT,
    FormatError,
    PhaseSpec,
    SessionFormat,
    available_formats,
    builtin_formats,
    find_format,
    load_format_file,
)
from coptui.models import PhaseKind, Session

BUILTIN_NAMES = {
    "cop-meeting",
    "peer-assist",
    "troika-consulting",
    "lean-coffee",
    "case-clinic",
    "action-learning",
    "what-so-what-now-what",
}

TEAM_RETRO = """
title = "Team retro"
description = "Our own format."

[[phases]]
kind = "check_in"
title = "Weather report"
timebox_minutes = 5

[[phases]]
kind = "problem_solving"
title = "Actions"
timebox_minutes = 20
prompt = "Agree who does what."
"""


def write_format(folder: Path, file_name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def phase(kind: str = "check_in", title: str = "Go round", minutes: str = "10") -> str:
    return f'[[phases]]\nkind = "{kind}"\ntitle = "{title}"\ntimebox_minutes = {minutes}\n'


# --- built-in formats ---------------------------------------------------------------------


def test_every_builtin_format_loads_with_valid_phases() -> None:
    formats = builtin_formats()

    assert {fmt.name for fmt in formats} == BUILTIN_NAMES
    for fmt in formats:
        assert fmt.title and fmt.description and fmt.source, fmt.name
        assert fmt.phases, fmt.name
        for spec in fmt.phases:
            assert isinstance(spec.kind, PhaseKind)
            assert spec.title
            assert 1 <= spec.timebox_minutes <= 600
            assert spec.prompt, f"{fmt.name}: {spec.title} has no facilitator prompt"


def test_every_builtin_format_ends_where_actions_are_committed() -> None:
    for fmt in builtin_formats():
        assert fmt.phases[-1].kind in {PhaseKind.PROBLEM_SOLVING, PhaseKind.REPORT_BACK}, fmt.name
        assert any(p.kind is PhaseKind.PROBLEM_SOLVING for p in fmt.phases), fmt.name


def test_builtin_formats_with_a_report_back_start_with_a_check_in() -> None:
    with_report_back = {
        fmt.name for fmt in builtin_formats() if any(p.kind is PhaseKind.REPORT_BACK for p in fmt.phases)
    }

    assert {"cop-meeting", "action-learning", "what-so-what-now-what"} <= with_report_back
    for fmt in builtin_formats():
        if fmt.name in with_report_back:
            assert fmt.phases[0].kind is PhaseKind.CHECK_IN, fmt.name


def test_default_format_is_the_four_phase_cop_meeting() -> None:
    fmt = find_format(DEFAULT_FORMAT)

    assert DEFAULT_FORMAT == "cop-meeting"
    assert [(p.kind, p.title, p.timebox_minutes) for p in fmt.phases] == [
        (PhaseKind.CHECK_IN, "Check-in", 10),
        (PhaseKind.PROBLEM_SHARING, "Problem sharing", 15),
        (PhaseKind.PROBLEM_SOLVING, "Collaborative problem solving", 30),
        (PhaseKind.REPORT_BACK, "Report-back", 15),
    ]
    assert fmt.total_minutes == 70
    assert builtin_formats()[0].name == DEFAULT_FORMAT


def test_troika_consulting_gives_each_of_three_people_a_round() -> None:
    fmt = find_format("troika-consulting")
    rounds = [p for p in fmt.phases if p.kind is PhaseKind.PROBLEM_SHARING and "share" in p.title]

    assert len(rounds) == 3
    assert 25 <= fmt.total_minutes <= 35
    # The consultants' talk with the client's back turned is the longest step of a round.
    consult = [p for p in fmt.phases if "consult" in p.title]
    assert len(consult) == 3
    assert all(p.timebox_minutes in (4, 5) for p in consult)


def test_case_clinic_takes_the_published_seventy_minutes() -> None:
    assert find_format("case-clinic").total_minutes == 70


def test_builtin_files_ship_inside_the_package() -> None:
    folder = resources.files("coptui.formats.builtin")
    toml_files = [entry.name for entry in folder.iterdir() if entry.name.endswith(".toml")]
    stems = {name.removesuffix(".toml") for name in toml_files}

    assert stems == BUILTIN_NAMES


def test_importing_formats_neither_reads_files_nor_pulls_in_textual() -> None:
    code = "import sys, coptui.formats; assert 'textual' not in sys.modules, 'textual imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr


# --- from a format to a session -----------------------------------------------------------


def test_phase_runs_number_the_phases_and_start_no_timer() -> None:
    fmt = find_format("case-clinic")
    runs = fmt.phase_runs()

    assert [run.position for run in runs] == list(range(len(fmt.phases)))
    for run, spec in zip(runs, fmt.phases, strict=True):
        assert (run.kind, run.title, run.timebox_minutes, run.prompt) == (
            spec.kind,
            spec.title,
            spec.timebox_minutes,
            spec.prompt,
        )
        assert run.started_at is None and run.ended_at is None and run.paused_at is None
    session = Session(
        title="May clinic", date=date(2026, 5, 1), format=fmt.name, facilitator="ana", phases=runs
    )
    assert session.phases == runs


def test_a_format_can_be_built_in_code() -> None:
    fmt = SessionFormat(
        name="quick",
        title="Quick",
        phases=[PhaseSpec(kind=PhaseKind.CHECK_IN, title="  Hello\n there ", timebox_minutes=3)],
    )

    assert fmt.phases[0].title == "Hello there"
    assert fmt.phase_runs()[0].title == "Hello there"


# --- a community's own formats ------------------------------------------------------------


def test_user_format_is_listed_with_the_builtins(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_format(config / "formats", "team-retro.toml", TEAM_RETRO)

    formats = available_formats(config)
    names = [fmt.name for fmt in formats]

    assert set(names) == BUILTIN_NAMES | {"team-retro"}
    assert names[0] == DEFAULT_FORMAT
    assert names[1:] == sorted(names[1:])
    retro = formats[names.index("team-retro")]
    assert [(p.kind, p.title, p.timebox_minutes) for p in retro.phases] == [
        (PhaseKind.CHECK_IN, "Weather report", 5),
        (PhaseKind.PROBLEM_SOLVING, "Actions", 20),
    ]
    assert retro.phases[1].prompt == "Agree who does what."
    assert find_format("team-retro", config) == retro


def test_user_format_with_a_builtin_name_overrides_it(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_format(
        config / "formats",
        "cop-meeting.toml",
        'title = "Our short meeting"\n' + phase(minutes="5") + phase("problem_solving", "Solve", "25"),
    )

    formats = available_formats(config)
    cop_meetings = [fmt for fmt in formats if fmt.name == "cop-meeting"]

    assert len(cop_meetings) == 1
    assert cop_meetings[0].title == "Our short meeting"
    assert formats[0] is cop_meetings[0]
    assert find_format("cop-meeting", config).total_minutes == 30
    assert find_format("cop-meeting").total_minutes == 70


def test_without_a_formats_folder_only_builtins_are_available(tmp_path: Path) -> None:
    assert {fmt.name for fmt in available_formats(tmp_path / "config")} == BUILTIN_NAMES
    assert {fmt.name for fmt in available_formats(None)} == BUILTIN_NAMES


def test_editor_lock_and_backup_dot_files_are_not_formats(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_format(config / "formats", ".#team-retro.toml", "not = [valid")

    assert {fmt.name for fmt in available_formats(config)} == BUILTIN_NAMES


def test_a_format_file_is_found_by_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_format(tmp_path / "elsewhere", "team-retro.toml", TEAM_RETRO)
    monkeypatch.chdir(tmp_path)

    assert find_format(str(path)).title == "Team retro"
    assert find_format("elsewhere/team-retro.toml").title == "Team retro"
    assert find_format(path).name == "team-retro"
    assert load_format_file(path).name == "team-retro"


def test_an_existing_file_without_toml_suffix_is_taken_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_format(tmp_path, "retro", TEAM_RETRO)
    monkeypatch.chdir(tmp_path)

    assert find_format("retro").title == "Team retro"


def test_name_lookup_ignores_case_and_surrounding_space() -> None:
    assert find_format(" Lean-Coffee ").name == "lean-coffee"


def test_the_name_in_a_file_defaults_to_and_must_match_its_file_name(tmp_path: Path) -> None:
    named = write_format(tmp_path, "team-retro.toml", 'name = "team-retro"\n' + TEAM_RETRO)
    assert load_format_file(named).name == "team-retro"

    wrong = write_format(tmp_path, "retro.toml", 'name = "team-retro"\n' + TEAM_RETRO)
    with pytest.raises(FormatError) as caught:
        load_format_file(wrong)
    assert str(caught.value).startswith(f"{wrong}: name: must match the file name 'retro'")


def test_a_file_name_that_cannot_be_a_format_name_is_explained(tmp_path: Path) -> None:
    path = write_format(tmp_path, "Team Retro.toml", TEAM_RETRO)

    with pytest.raises(FormatError) as caught:
        load_format_file(path)

    assert str(caught.value).startswith(f"{path}: name: the file name 'Team Retro' is not a usable")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write_format(tmp_path, "team-retro.toml", "\ufeff" + TEAM_RETRO)

    assert load_format_file(path).title == "Team retro"


def test_a_broken_user_file_stops_the_listing_but_not_other_lookups(tmp_path: Path) -> None:
    config = tmp_path / "config"
    broken = write_format(config / "formats", "broken.toml", 'title = "x"\n' + phase(minutes="0"))

    with pytest.raises(FormatError) as caught:
        available_formats(config)

    assert str(caught.value).startswith(f"{broken}: phases[0].timebox_minutes:")
    assert find_format("lean-coffee", config).name == "lean-coffee"


# --- every kind of bad file gets one line naming the file, the field and the problem --------

BAD_FILES = [
    pytest.param(
        'title = "x"\n[[phases]]\nkind = "check_in" title = "a"\n',
        "not valid TOML (line 3, column 19: ",
        id="bad-toml",
    ),
    pytest.param('title = "x"\nphases = [\n', "not valid TOML (", id="unfinished-toml"),
    pytest.param(phase(), "title: is required", id="missing-title"),
    pytest.param('title = "x"\n', "phases: is required", id="missing-phases"),
    pytest.param(
        'title = "x"\n[[phases]]\nkind = "check_in"\ntitle = "a"\n',
        "phases[0].timebox_minutes: is required",
        id="missing-timebox",
    ),
    pytest.param(
        'title = "x"\n' + phase(kind="chat"),
        "phases[0].kind: must be one of check_in, problem_sharing, problem_solving, report_back (got 'chat')",
        id="wrong-kind",
    ),
    pytest.param(
        'title = "x"\n' + phase() + phase() + phase(minutes="0"),
        "phases[2].timebox_minutes: must be between 1 and 600 (got 0)",
        id="timebox-0",
    ),
    pytest.param(
        'title = "x"\n' + phase(minutes="601"),
        "phases[0].timebox_minutes: must be between 1 and 600 (got 601)",
        id="timebox-too-long",
    ),
    pytest.param(
        'title = "x"\n' + phase(minutes='"10"'),
        "phases[0].timebox_minutes: must be a whole number of minutes (got '10')",
        id="timebox-text",
    ),
    pytest.param(
        'title = "x"\nphases = []\n',
        "phases: needs at least one phase",
        id="empty-phases",
    ),
    pytest.param(
        'title = "x"\nphases = [1]\n',
        "phases[0]: must be a table with kind, title and timebox_minutes (got 1)",
        id="phase-not-a-table",
    ),
    pytest.param(
        'title = "x"\ncolour = "blue"\n' + phase(),
        "colour: unknown field (known fields: name, title, description, source, phases, "
        "dots_per_case, participation_table)",
        id="extra-field",
    ),
    pytest.param(
        'title = "x"\n' + phase() + "duration = 5\n",
        "phases[0].duration: unknown field (known fields: kind, title, timebox_minutes, prompt)",
        id="extra-phase-field",
    ),
    pytest.param('title = "   "\n' + phase(), "title: must not be empty", id="blank-title"),
    pytest.param("title = 5\n" + phase(), "title: must be text (got 5)", id="title-not-text"),
    pytest.param(
        'name = "My Retro"\ntitle = "x"\n' + phase(),
        "name: must be lower-case letters, digits and '-'",
        id="bad-name",
    ),
    pytest.param(
        b'title = "Caf\xe9"\n',
        "not valid UTF-8 (line 1 has byte 0xe9)",
        id="not-utf8",
    ),
]


@pytest.mark.parametrize(("content", "expected"), BAD_FILES)
def test_bad_format_file_is_named_with_its_problem(
    tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = write_format(tmp_path, "my-format.toml", content)

    with pytest.raises(FormatError) as caught:
        load_format_file(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_several_problems_are_reported_on_one_line(tmp_path: Path) -> None:
    path = write_format(tmp_path, "my-format.toml", "[[phase]]\n")

    with pytest.raises(FormatError) as caught:
        load_format_file(path)

    message = str(caught.value)
    assert "\n" not in message
    assert "title: is required" in message
    assert "phases: is required" in message
    assert "phase: unknown field" in message
    assert [problem.path for problem in caught.value.problems] == ["title", "phases", "phase"]


def test_many_problems_are_counted_after_the_first_three(tmp_path: Path) -> None:
    content = 'title = ""\n' + "".join(phase(minutes="0") for _ in range(4))
    path = write_format(tmp_path, "my-format.toml", content)

    with pytest.raises(FormatError) as caught:
        load_format_file(path)

    assert len(caught.value.problems) == 5
    assert str(caught.value).endswith("; and 2 more problems")


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"

    with pytest.raises(FormatError, match="no such file") as caught:
        find_format(str(path))

    assert str(caught.value) == f"{path}: no such file"


def test_a_folder_is_not_a_format_file(tmp_path: Path) -> None:
    folder = tmp_path / "formats.toml"
    folder.mkdir()

    with pytest.raises(FormatError) as caught:
        load_format_file(folder)

    assert str(caught.value) == f"{folder}: is a folder, not a format file"


def test_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_format(tmp_path, "secret.toml", TEAM_RETRO)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # File modes do not bind root (CI runs as root), so the refusal is simulated.
    monkeypatch.setattr(Path, "read_bytes", refuse)

    with pytest.raises(FormatError) as caught:
        load_format_file(path)

    assert str(caught.value) == f"{path}: cannot be read (permission denied)"


def test_unknown_name_lists_the_known_ones(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_format(config / "formats", "team-retro.toml", TEAM_RETRO)

    with pytest.raises(FormatError) as caught:
        find_format("fishbowl", config)

    message = str(caught.value)
    assert message.startswith("unknown session format 'fishbowl' (known formats: cop-meeting, ")
    for name in BUILTIN_NAMES | {"team-retro"}:
        assert name in message
    assert str(config / "formats" / "fishbowl.toml") in message
    assert "\n" not in message
