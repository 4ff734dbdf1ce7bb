"""``python -m podcast``: the same as the ``podcast`` command."""

from podcast.cli import cli

if __name__ == "__main__":
    cli()
