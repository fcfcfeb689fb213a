"""A participant's browser holds a read-only connection and opens writable ones beside it, in one
process: opening and closing those must not cost the reader the commits other processes make."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coptui.models import Member
from coptui.store import Repertoire

# Another program writing with plain SQLite, as a facilitator's coptui does underneath.
ADD_MEMBER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("INSERT INTO members (handle, name, role) VALUES (?, 'Someone', 'member')", [sys.argv[2]])
conn.close()
"""


def add_member_elsewhere(db_path: Path, handle: str) -> None:
    """Another process writes, and closes: the last connection out of it checkpoints if it can."""
    subprocess.run([sys.executable, "-c", ADD_MEMBER, str(db_path), handle], check=True, timeout=120)


def test_a_reader_keeps_seeing_other_processes_after_a_writer_beside_it_closes(db_path: Path) -> None:
    with Repertoire.open(db_path):
        pass  # a writer has had the file open: it is in WAL mode from now on
    with Repertoire.open(db_path, read_only=True) as reader:
        seen = {m.handle for m in reader.members()}  # the reader holds the file open from here on
        with Repertoire.open(db_path) as beside:
            beside.add_member(Member(handle="dee", name="Dee"))
        for handle in ("eve", "fin"):
            add_member_elsewhere(db_path, handle)
            seen = {m.handle for m in reader.members()}
            assert handle in seen, f"the reader no longer sees what other programs write ({handle})"
        assert {"dee", "eve", "fin"} <= seen
