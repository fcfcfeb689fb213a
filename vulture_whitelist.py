"""Names vulture sees no use of that are used: read by vulture (see [tool.vulture]), never run.

Each group says who uses them. Dead code does not belong here: delete it instead.
"""
# ruff: noqa
# mypy: ignore-errors

# Enum members a stored value or an import file selects by value.
IMMEDIATE  # coptui/models.py ValueCycle
POTENTIAL
REFRAMING

# Parameters of methods whose signature a framework fixes (asyncssh, Textual, context managers).
exc
username
orig_host
orig_port
dest_path
listen_path
term_modes
msec
datatype
pixheight
pixwidth
parameters
_.terminal_size_changed  # asyncssh calls it on a session

# Held so that a running asyncio task is not garbage-collected.
_._starter  # coptui/ssh/session.py
_._watcher  # coptui/ssh/terminal.py

# Textual reads these attributes and properties of its widgets.
_.compact
_.can_focus
_.cursor_position
_.placeholder
_.control
_.virtual_size
_.no_wrap
_.cursor_blink
ALLOW_SELECT  # coptui/ui/widgets/story_view.py

# html.parser calls these by name.
_.handle_starttag
_.handle_data

# Read by Python and pytest by name.
__getattr__  # coptui/ssh/__init__.py: a module's lazy names (PEP 562)
pytest_plugins  # tests/test_ssh_*.py: the fixtures in tests/sshfixtures.py
_.__class__  # coptui/export/__init__.py: a module's own class, which Python consults for its names

# A Textual ScrollBar reactive, set for the scrollbar to draw (coptui/ui/widgets/story_view.py).
_.window_virtual_size

# Imported by a script a test runs in a process of its own (tests/test_export_folder_safety.py).
endless_pages  # tests/killing.py

# sqlite3 reads a connection's text_factory for every text value (coptui/store/connection.py).
_.text_factory
