"""`coptui serve`: the SSH front door through which members browse the repertoire read-only."""

from __future__ import annotations

from pathlib import Path

import click

from coptui.cli.root import Context, fail, pass_context


@click.command()
@click.option(
    "--authorized-keys",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="OpenSSH authorized_keys file with the members' public keys; re-read when it changes.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=2222, show_default=True, help="Port to listen on."
)
@click.option(
    "--host-key",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The server's private key, made on first start (default: ssh_host_ed25519_key in the data folder).",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 10_000),
    default=32,
    show_default=True,
    help="Most browsers at once.",
)
@click.option(
    "--idle-timeout",
    type=click.IntRange(0),
    default=900,
    show_default=True,
    help="Seconds without a key press before a browser is closed (0: never); "
    "never while a session held today is live.",
)
@click.option(
    "--login-grace",
    type=click.IntRange(1, 600),
    default=10,
    show_default=True,
    help="Seconds a client has to sign in, and then to open its browser.",
)
@click.option(
    "--participants",
    is_flag=True,
    help="Members whose key names them may join the live session and file their own entries "
    "(without it, SSH is read-only).",
)
@pass_context
def serve(
    obj: Context,
    authorized_keys: Path,
    host: str,
    port: int,
    host_key: Path | None,
    max_sessions: int,
    idle_timeout: int,
    login_grace: int,
    participants: bool,
) -> None:
    """Let members browse the repertoire read-only over SSH, signing in with their public keys."""
    import asyncio

    from coptui.ssh import (
        ServeError,
        ServerSettings,
        configure_logging,
        default_host_key_path,
        serve_until_stopped,
    )

    # Browsers open the file read-only, and participants write to it: find out now if that cannot work.
    with obj.open(read_only=not participants) as repertoire:
        community = repertoire.community().name
    settings = ServerSettings(
        db_path=obj.db_path.resolve(),
        authorized_keys=authorized_keys,
        host_key=host_key or default_host_key_path(),
        host=host,
        port=port,
        max_sessions=max_sessions,
        idle_timeout=idle_timeout,
        login_grace=login_grace,
        participants=participants,
    )
    configure_logging()
    try:
        asyncio.run(serve_until_stopped(settings, community, click.echo, default_host_key=host_key is None))
    except ServeError as error:
        fail(str(error))
