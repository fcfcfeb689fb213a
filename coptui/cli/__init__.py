"""The `coptui` command: one module per group of subcommands, each added to the one `cli` group.

`root` holds the group, the option every command shares and the exit codes. A new
command goes in a module of its own and is added here with one `cli.add_command` line.
"""

from coptui.cli.backup import backup
from coptui.cli.exporting import export, import_, schema
from coptui.cli.join import join
from coptui.cli.meetings import abandon, formats, run, sessions
from coptui.cli.members import init, members
from coptui.cli.practices import practices
from coptui.cli.reading import browse, demo, search
from coptui.cli.root import cli, main
from coptui.cli.serving import serve

cli.add_command(abandon)
cli.add_command(backup)
cli.add_command(browse)
cli.add_command(demo)
cli.add_command(export)
cli.add_command(formats)
cli.add_command(import_)
cli.add_command(init)
cli.add_command(join)
cli.add_command(members)
cli.add_command(practices)
cli.add_command(run)
cli.add_command(schema)
cli.add_command(search)
cli.add_command(serve)
cli.add_command(sessions)

__all__ = ["cli", "main"]
