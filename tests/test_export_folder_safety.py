"""`export repertoire` into a folder others change: links refused, nothing outside touched, kills repaired."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from killing import gone, kill_when_it_says
from test_export import assert_links_resolve

from coptui import files
from coptui.cli import main
from coptui.export import export_repertoire
from coptui.export import folder as folder_module
from coptui.export.folder import JOURNAL, MANIFEST, UnsafeFolder, write_pages
from coptui.files import FileNotWritten
from coptui.store import Repertoire

PRECIOUS = "someone else's file\n"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (links as where they point)."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = b"-> " + str(path.readlink()).encode()
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the export, with a file in it that must never change."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "precious.md").write_text(PRECIOUS, encoding="utf-8")
    (folder / "0001-alert-fatigue-at-night.md").write_text(PRECIOUS, encoding="utf-8")
    return folder


def test_an_index_linked_to_a_file_outside_is_refused(
    repertoire: Repertoire, tmp_path: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    (wiki / "index.md").symlink_to(outside / "precious.md")
    before, around = tree(wiki), tree(outside)
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(repertoire.path), "export", "repertoire", str(wiki)])
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert err == (
        f"coptui: {wiki / 'index.md'} is a symbolic link; the export writes only real files inside "
        "the folder, so nothing was written (remove the link, or export into another folder)\n"
    )
    assert tree(outside) == around
    assert tree(wiki) == before


def test_a_pages_folder_linked_elsewhere_is_refused(
    repertoire: Repertoire, tmp_path: Path, outside: Path
) -> None:
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    (wiki / "cases").symlink_to(outside, target_is_directory=True)
    (wiki / MANIFEST).write_text("cases/precious.md\n", encoding="utf-8")
    around = tree(outside)
    with pytest.raises(UnsafeFolder):
        export_repertoire(repertoire, wiki)
    assert tree(outside) == around
    assert sorted(p.name for p in wiki.iterdir()) == [MANIFEST, "cases"]


def test_a_page_linked_elsewhere_is_refused(repertoire: Repertoire, tmp_path: Path, outside: Path) -> None:
    wiki = tmp_path / "wiki"
    export_repertoire(repertoire, wiki)
    [page] = (wiki / "cases").glob("0001-*.md")
    page.unlink()
    page.symlink_to(outside / "precious.md")
    around = tree(outside)
    with pytest.raises(UnsafeFolder):
        export_repertoire(repertoire, wiki)
    assert tree(outside) == around


def test_a_list_naming_files_elsewhere_or_changed_since_removes_none_of_them(
    repertoire: Repertoire, tmp_path: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki = tmp_path / "wiki"
    export_repertoire(repertoire, wiki)
    (wiki / "cases" / "draft.md").write_text("a member's draft\n", encoding="utf-8")
    [page] = (wiki / "cases").glob("0001-*.md")
    listed = (wiki / MANIFEST).read_text(encoding="utf-8")
    (wiki / MANIFEST).write_text(
        listed
        + "../elsewhere/precious.md\n"
        + "cases/../../elsewhere/precious.md\n"
        + f"{'0' * 64}  cases/draft.md\n"
        + "cases/old-style-entry.md\n",
        encoding="utf-8",
    )
    (wiki / "cases" / "old-style-entry.md").write_text("kept: nothing says coptui wrote this\n")
    around = tree(outside)
    repertoire.update_case(repertoire.case(1).model_copy(update={"title": "Alert fatigue, again"}))
    page.write_text(page.read_text(encoding="utf-8") + "\nA note a member added by hand.\n")

    with pytest.raises(SystemExit) as exited:
        main(["--db", str(repertoire.path), "export", "repertoire", str(wiki)])
    out, err = capsys.readouterr()
    assert exited.value.code == 0
    assert out.startswith(f"Exported 12 pages to {wiki} (")
    assert err.startswith("coptui: kept 3 pages that an earlier export wrote but that changed since")
    assert f"cases/{page.name}" in err and "cases/draft.md" in err
    assert tree(outside) == around
    assert page.exists() and (wiki / "cases" / "draft.md").exists()
    assert (wiki / "cases" / "old-style-entry.md").exists()


def test_a_page_unchanged_since_the_export_wrote_it_is_removed(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    wiki = tmp_path / "wiki"
    export_repertoire(repertoire, wiki)
    [page] = (wiki / "cases").glob("0002-*.md")
    repertoire.update_case(repertoire.case(2).model_copy(update={"title": "Runbooks that rot"}))
    done = export_repertoire(repertoire, wiki)
    assert (done.removed, done.kept) == (1, [])
    assert not page.exists()


KILLED_AFTER_THREE_PAGES = """
import sys
from pathlib import Path
from coptui.export import export_repertoire, folder
from coptui.store import Repertoire

write, count = folder.replace_file, 0

def write_then_stop(path, data, **options):
    global count
    write(path, data, **options)
    count += 1
    if count == 3:
        print("three pages written", flush=True)
        sys.stdin.read()  # the test kills this process here

folder.replace_file = write_then_stop
export_repertoire(Repertoire.open(Path(sys.argv[1]), read_only=True), Path(sys.argv[2]))
"""


def test_a_killed_export_leaves_an_index_that_tells_the_truth_and_the_next_export_repairs_it(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    wiki = tmp_path / "wiki"
    export_repertoire(repertoire, wiki)
    index = (wiki / "index.md").read_bytes()
    [old_page] = (wiki / "cases").glob("0002-*.md")
    # Every page changes (a renamed community), and a case moves to a new name.
    repertoire.set_community(repertoire.community().model_copy(update={"name": "Platform Guild"}))
    repertoire.update_case(repertoire.case(2).model_copy(update={"title": "Runbooks that rot"}))

    kill_when_it_says("three pages written", KILLED_AFTER_THREE_PAGES, str(repertoire.path), str(wiki))

    assert (wiki / "index.md").read_bytes() == index, "the index is the earlier, complete one"
    assert old_page.exists(), "what the index links to is still there"
    assert (wiki / JOURNAL).exists(), "the folder says it is incomplete"
    assert not [p for p in wiki.rglob("*") if p.is_file() and p.stat().st_size == 0]

    done = export_repertoire(repertoire, wiki)
    assert done.repaired and done.removed == 1 and not old_page.exists()
    assert not (wiki / JOURNAL).exists()
    assert "Platform Guild" in (wiki / "index.md").read_text(encoding="utf-8")
    assert assert_links_resolve(wiki) > 0


def test_a_full_disk_mid_export_says_what_the_folder_holds_and_the_next_export_completes_it(
    repertoire: Repertoire,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wiki, whole = tmp_path / "wiki", tmp_path / "whole"
    export_repertoire(repertoire, whole)
    renamed = 0

    def full_after_five(source: Path, target: Path) -> None:
        nonlocal renamed
        if renamed == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        renamed += 1
        os.rename(source, target)

    with monkeypatch.context() as patched:
        patched.setattr(files.os, "replace", full_after_five)
        with pytest.raises(SystemExit) as exited:
            main(["--db", str(repertoire.path), "export", "repertoire", str(wiki)])
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (1, "")
    assert re.fullmatch(
        rf"coptui: cannot write {re.escape(str(wiki.resolve()))}/\w+/[^/]+\.md: the disk is full; "
        r"the export stopped there \(index\.md is as it was; export again to complete the folder\)\n",
        err,
    ), err
    assert not (wiki / "index.md").exists(), "no index links to pages that are not there"
    assert len([p for p in wiki.rglob("*.md")]) == 5
    assert not [p for p in wiki.rglob("*.tmp")]

    with pytest.raises(SystemExit) as exited:
        main(["--db", str(repertoire.path), "export", "repertoire", str(wiki)])
    assert exited.value.code == 0
    assert capsys.readouterr().out.endswith("; completed an export that had been interrupted\n")
    assert tree(wiki) == tree(whole)


def test_a_full_disk_before_any_page_or_in_the_journal_is_said_the_same_way(
    repertoire: Repertoire,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wiki = tmp_path / "wiki"
    full = OSError(errno.ENOSPC, "No space left on device")

    def no_room(*_: object) -> None:
        raise full  # as the journal's own writes fail: with no file named

    monkeypatch.setattr(folder_module, "_look_over", no_room)
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(repertoire.path), "export", "repertoire", str(wiki)])
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        f"coptui: cannot write {wiki.resolve() / JOURNAL}: the disk is full; the export stopped there "
        "(index.md is as it was; export again to complete the folder)\n"
    )


KILLED_WHILE_BOTH_WRITE = """
import functools, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])  # where the second process finds its pages
from killing import endless_pages
from coptui.export.folder import write_pages

folder, pid_file = Path(sys.argv[1]), Path(sys.argv[2])

def first_pages():
    while not pid_file.exists():  # the second process has begun writing
        time.sleep(0.01)
    print("both writing", flush=True)
    sys.stdin.read()  # the test kills this process here
    yield from ()

write_pages(first_pages(), folder, beside=functools.partial(endless_pages, str(pid_file)))
"""


def test_the_second_process_of_a_killed_export_stops_too(tmp_path: Path) -> None:
    """A second process left writing after the first was killed would race the next export."""
    pid_file = tmp_path / "second.pid"
    wiki, tests = tmp_path / "wiki", Path(__file__).parent
    kill_when_it_says("both writing", KILLED_WHILE_BOTH_WRITE, str(wiki), str(pid_file), str(tests))
    second = int(pid_file.read_text(encoding="utf-8"))
    for _ in range(6000):  # it stops at its next page; a busy machine may take a while to get there
        if gone(second):
            break
        time.sleep(0.01)
    assert gone(second), "the second process is still writing"
    assert (wiki / JOURNAL).exists(), "the folder says the export was interrupted"


def test_pages_two_interrupted_exports_wrote_are_removed_by_the_next_whole_one(tmp_path: Path) -> None:
    wiki, kept, gone_case = tmp_path / "wiki", ("cases/0001-kept.md", "kept\n"), "cases/0002-gone.md"
    write_pages([kept, ("index.md", "# Index\n")], wiki)

    def interrupted(text: str) -> Iterator[tuple[str, str]]:
        yield kept
        yield gone_case, text
        raise KeyboardInterrupt  # as a user's Ctrl+C, before the index

    for text in ("first try\n", "second try, longer\n"):  # the second export rewrites the page
        with pytest.raises(KeyboardInterrupt):
            write_pages(interrupted(text), wiki)
    assert (wiki / gone_case).read_text(encoding="utf-8") == "second try, longer\n"

    done = write_pages([kept, ("index.md", "# Index\n")], wiki)
    assert (done.repaired, done.removed, done.kept) == (True, 1, [])
    assert not (wiki / gone_case).exists() and not (wiki / JOURNAL).exists()
    listed = [line.split("  ") for line in (wiki / MANIFEST).read_text(encoding="utf-8").splitlines()]
    assert listed == [[sha256(b"kept\n"), "cases/0001-kept.md"], [sha256(b"# Index\n"), "index.md"]]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_journal_that_is_not_text_is_repaired_like_any_interrupted_export(tmp_path: Path) -> None:
    wiki = tmp_path / "wiki"
    write_pages([("cases/0001-kept.md", "kept\n"), ("index.md", "# Index\n")], wiki)
    (wiki / JOURNAL).write_bytes(b"\xff\xfe not text\n" + sha256(b"x").encode() + b"  cases/0009-\xff.md\n")
    done = write_pages([("cases/0001-kept.md", "kept\n"), ("index.md", "# Index\n")], wiki)
    assert done.repaired and not (wiki / JOURNAL).exists()
    assert (wiki / MANIFEST).read_text(encoding="utf-8").count("\n") == 2


def test_files_a_stopped_export_left_half_written_are_removed_by_the_next_and_nothing_else(
    tmp_path: Path,
) -> None:
    wiki = tmp_path / "wiki"
    write_pages([("cases/0001-kept.md", "kept\n"), ("index.md", "# Index\n")], wiki)
    # What a kill -9 leaves: a page, the index and the list each under its temporary name.
    half_written = [
        wiki / "cases" / ".0002-new.md.0a1b2c3d.tmp",
        wiki / ".index.md.4e5f6a7b.tmp",
        wiki / f".{MANIFEST}.8c9d0e1f.tmp",
    ]
    # A wiki's own hidden files, one named almost like them.
    theirs = [
        wiki / "cases" / ".notes.txt.0a1b2c3d.tmp",
        wiki / "cases" / ".0002-new.md.tmp",
        wiki / ".gitignore",
    ]
    for path in half_written + theirs:
        path.write_text("partial", encoding="utf-8")
    write_pages([("cases/0001-kept.md", "kept\n"), ("index.md", "# Index\n")], wiki)
    assert [path for path in half_written if path.exists()] == []
    assert all(path.read_text(encoding="utf-8") == "partial" for path in theirs)


def test_a_journal_cut_short_leaves_every_page_the_next_export_writes(tmp_path: Path) -> None:
    """A power cut can leave the journal's last line without its end: the next export's first
    line must still be a line of its own, or it would find none of its pages and remove them."""
    wiki, pages = (
        tmp_path / "wiki",
        [("cases/0001-a.md", "a\n"), ("cases/0002-b.md", "b\n"), ("index.md", "# I\n")],
    )
    write_pages(pages, wiki)
    (wiki / JOURNAL).write_bytes(b"\x00\x00\x00\x00")
    done = write_pages(pages, wiki)
    assert (done.repaired, done.removed) == (True, 0)
    assert sorted(p.name for p in (wiki / "cases").iterdir()) == ["0001-a.md", "0002-b.md"]
    assert (wiki / MANIFEST).read_text(encoding="utf-8").count("\n") == 3


def test_a_second_export_into_a_folder_being_exported_to_is_refused(tmp_path: Path) -> None:
    wiki, pages = tmp_path / "wiki", [("cases/0001-a.md", "a\n"), ("index.md", "# I\n")]
    write_pages(pages, wiki)
    listed = (wiki / MANIFEST).read_bytes()

    def first_export_meanwhile() -> Iterator[tuple[str, str]]:
        yield pages[0]
        with pytest.raises(FileNotWritten, match="another coptui is exporting into"):
            write_pages([("cases/0009-other.md", "other\n"), ("index.md", "# Other\n")], wiki)
        yield pages[1]

    write_pages(first_export_meanwhile(), wiki)
    assert not (wiki / "cases" / "0009-other.md").exists() and (wiki / MANIFEST).read_bytes() == listed
    assert not (wiki / JOURNAL).exists()
