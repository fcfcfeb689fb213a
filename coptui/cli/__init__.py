"""The `coptui` command: one module per group of subcommands, each named in the one `cli` group.

`root` holds the group, the option every command shares and the exit codes. A new
command goes in a module of its own and is named here with one line; its module is
imported only when the command runs (or `coptui --help` lists every command).
"""

from coptui.cli.root import cli, main

cli.add_lazy_commands(
    {
        "abandon": "coptui.cli.meetings:abandon",
        "backup": "coptui.cli.backup:backup",
        "browse": "coptui.cli.reading:browse",
        "demo": "coptui.cli.reading:demo",
        "export": "coptui.cli.exporting:export",
        "formats": "coptui.cli.meetings:formats",
        "import": "coptui.cli.exporting:import_",
        "init": "coptui.cli.members:init",
        "join": "coptui.cli.join:join",
        "members": "coptui.cli.members:members",
        "practices": "coptui.cli.practices:practices",
        "run": "coptui.cli.meetings:run",
        "schema": "coptui.cli.exporting:schema",
        "search": "coptui.cli.reading:search",
        "serve": "coptui.cli.serving:serve",
        "sessions": "coptui.cli.meetings:sessions",
    }
)

__all__ = ["cli", "main"]
