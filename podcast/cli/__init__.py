"""The ``podcast`` command line: thin commands that load options and call one stage each.

Each command parses its arguments, merges them with the environment and
show.yaml (:func:`podcast.options.load_options`) and calls one function of
:mod:`podcast.commands` (or one stage).  Errors meant for the user
(:class:`~podcast.problems.PodcastError` and its subclasses) become messages
and an exit code here, never a traceback.
"""

from __future__ import annotations

import sys
from importlib import import_module

import click

from podcast import __version__
from podcast.cli.common import print_problems
from podcast.problems import CatalogError, PodcastError, Severity
from podcast.writer import os_error_reason

#: Each command and where it is defined: a command's module is imported only when that
#: command runs (or ``--help`` lists them all), so ``podcast publish`` does not import
#: what ``podcast quotes export`` needs.
COMMANDS = {
    "validate": "podcast.cli.catalog:validate",
    "schema": "podcast.cli.catalog:schema",
    "build": "podcast.cli.build:build_command",
    "publish": "podcast.cli.build:publish_command",
    "quotes": "podcast.cli.quotes:quotes",
    "takeaways": "podcast.cli.quotes:takeaways",
    "normalize": "podcast.cli.audio:normalize",
    "serve": "podcast.cli.serve:serve",
    "check": "podcast.cli.check:check",
    "import": "podcast.cli.importer:import_command",
}


class PodcastGroup(click.Group):
    """Turns user-facing errors into messages and an exit code, never a traceback.

    Its commands are loaded on first use (:data:`COMMANDS`, click's lazy group).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, name = COMMANDS[cmd_name].split(":")
        command = getattr(import_module(module), name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CatalogError as error:
            print_problems(error.problems)
            errors = sum(p.severity is Severity.ERROR for p in error.problems)
            warnings = len(error.problems) - errors
            click.secho(
                f"{errors} error(s), {warnings} warning(s): nothing was built or published.",
                fg="red",
                err=True,
            )
            sys.exit(1)
        except PodcastError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            sys.exit(1)
        except OSError as error:  # a fault no stage turned into a message: still no traceback
            where = f"{error.filename}: " if error.filename else ""
            click.secho(f"error: {where}{os_error_reason(error)}", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.secho(
                "interrupted: the published feed is unchanged; run the command again to finish.",
                fg="red",
                err=True,
            )
            sys.exit(130)


@click.group(cls=PodcastGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="podcast")
def cli() -> None:
    """Turn a folder of episodes into a published podcast.

    \b
    Typical use:
      podcast validate      check the whole catalog, report every problem
      podcast build         encode audio, write feed.xml and pages into feed/
      podcast publish       build, then copy feed/ to the destination (public/ by default)
      podcast serve         serve the published show for a podcast app on your network
      podcast check         fetch the published show as apps do, report what is broken
      podcast quotes        list quotes; `quotes export` makes cards, slides, clips, videos
      podcast import        bring an existing show in from its feed (any host)
    """

