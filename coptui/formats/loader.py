"""Finding and reading session formats: the built-in TOML files and a community's own.

A format's name is its file's stem, so `cop-meeting` is `cop-meeting.toml`, and a file of that
name in `<config_dir>/formats/` replaces the built-in one.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from coptui.formats.errors import FormatError, problems_from
from coptui.formats.model import NAME_PATTERN, SessionFormat
from coptui.models import Problem

DEFAULT_FORMAT = "cop-meeting"
BUILTIN_PACKAGE = "coptui.formats.builtin"
USER_FORMATS_FOLDER = "formats"
SUFFIX = ".toml"

_TOML_POSITION = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def builtin_formats() -> list[SessionFormat]:
    """The formats that ship with coptui, the default first."""
    return _menu_order(_read_builtin(entry) for entry in _builtin_entries())


def load_format_file(path: Path) -> SessionFormat:
    """Read and validate one format file; every failure is a `FormatError` naming the file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise FormatError(f"{path}: no such file") from error
    except IsADirectoryError as error:
        raise FormatError(f"{path}: is a folder, not a format file") from error
    except PermissionError as error:
        raise FormatError(f"{path}: cannot be read (permission denied)") from error
    except OSError as error:
        raise FormatError(f"{path}: cannot be read ({error.strerror or error})") from error
    return parse_format(data, str(path), path.stem)


def available_formats(config_dir: Path | None = None) -> list[SessionFormat]:
    """The built-in formats and the community's own, the default first, then by name."""
    by_name = {fmt.name: fmt for fmt in builtin_formats()}
    for path in _user_format_files(config_dir):
        fmt = load_format_file(path)
        by_name[fmt.name] = fmt
    return _menu_order(by_name.values())


def find_format(name_or_path: str | Path, config_dir: Path | None = None) -> SessionFormat:
    """A format by name (the community's own first, then built-in) or by the path of a file.

    Only the file asked for is read, so one broken format file does not stop the others.
    """
    if _looks_like_path(name_or_path):
        return load_format_file(Path(name_or_path).expanduser())
    name = str(name_or_path).strip().lower()
    user_file = _user_file(config_dir, name)
    if user_file is not None:
        return load_format_file(user_file)
    for entry in _builtin_entries():
        if entry.name == name + SUFFIX:
            return _read_builtin(entry)
    known = _menu_order_names(
        {entry.name.removesuffix(SUFFIX) for entry in _builtin_entries()}
        | {path.stem for path in _user_format_files(config_dir)}
    )
    where = (
        f"; add your own as {config_dir / USER_FORMATS_FOLDER / (name + SUFFIX)}"
        if config_dir is not None and name
        else ""
    )
    raise FormatError(f"unknown session format {name_or_path!r} (known formats: {', '.join(known)}){where}")


def format_settings(name: str) -> SessionFormat | None:
    """The format a session ran, for its settings (dots per case, the participation table);
    None when it can no longer be found or read, and the defaults apply."""
    from coptui.config import config_dir

    if not re.fullmatch(NAME_PATTERN, name):  # a name from the file, never a path to read
        return None
    try:
        return find_format(name, config_dir())
    except FormatError:
        return None


def shows_participation(name: str) -> bool:
    """Whether a session of format `name` shows the participation table (unless its format says not)."""
    settings = format_settings(name)
    return settings is None or settings.participation_table


def parse_format(data: bytes, source: str, stem: str) -> SessionFormat:
    """Validate the bytes of a format file; `source` names the file in messages, `stem` its name."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FormatError(
            f"{source}: not valid UTF-8 (line {line} has byte 0x{data[error.start]:02x}); "
            "save the file as UTF-8"
        ) from error
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FormatError(f"{source}: not valid TOML ({_toml_detail(error)})") from error
    name_from_file = "name" not in document
    if name_from_file:
        document["name"] = stem
    try:
        fmt = SessionFormat.model_validate(document)
    except ValidationError as error:
        problems = problems_from(error)
        if name_from_file:
            problems = [_about_file_name(problem, stem) for problem in problems]
        raise FormatError.in_file(source, problems) from error
    if fmt.name != stem:
        raise FormatError.in_file(
            source,
            [
                Problem(
                    path="name",
                    message=f"must match the file name {stem!r} (got {fmt.name!r}); "
                    "rename the file or change the name",
                )
            ],
        )
    return fmt


def _about_file_name(problem: Problem, stem: str) -> Problem:
    if problem.path != "name":
        return problem
    return Problem(
        path="name",
        message=f"the file name {stem!r} is not a usable format name: "
        "use lower-case letters, digits and '-', as in my-format.toml",
    )


def _toml_detail(error: tomllib.TOMLDecodeError) -> str:
    message = str(error)
    match = _TOML_POSITION.match(message)
    if match:
        return f"line {match['line']}, column {match['column']}: {match['what'].lower()}"
    return message.replace("(at end of document)", "at the end of the file").lower()


def _builtin_entries() -> list[Traversable]:
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(SUFFIX)),
        key=lambda entry: entry.name,
    )


def _read_builtin(entry: Traversable) -> SessionFormat:
    return parse_format(entry.read_bytes(), f"built-in format {entry.name}", entry.name.removesuffix(SUFFIX))


def _user_format_files(config_dir: Path | None) -> list[Path]:
    if config_dir is None:
        return []
    folder = config_dir / USER_FORMATS_FOLDER
    try:
        if not folder.is_dir():
            return []
        # Dot files are editor lock and backup files (emacs writes `.#name.toml`), not formats.
        return sorted(path for path in folder.glob("*" + SUFFIX) if not path.name.startswith("."))
    except OSError as error:
        raise FormatError(f"{folder}: cannot be read ({error.strerror or error})") from error


def _user_file(config_dir: Path | None, name: str) -> Path | None:
    for path in _user_format_files(config_dir):
        if path.stem == name:
            return path
    return None


def _looks_like_path(name_or_path: str | Path) -> bool:
    if isinstance(name_or_path, Path):
        return True
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return (
        name_or_path.endswith(SUFFIX)
        or any(sep in name_or_path for sep in separators)
        or Path(name_or_path).expanduser().is_file()
    )


def _menu_order_names(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda name: (name != DEFAULT_FORMAT, name))


def _menu_order(formats: Iterable[SessionFormat]) -> list[SessionFormat]:
    return sorted(formats, key=lambda fmt: (fmt.name != DEFAULT_FORMAT, fmt.name))
