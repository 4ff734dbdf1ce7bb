"""Start-up: a command imports only what it needs (numpy, matplotlib, boto3 … are slow)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "matplotlib", "boto3", "botocore", "pptx", "jinja2", "feedgen")

PROBE = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["podcast", *json.loads(sys.argv[1])]
from podcast.cli import cli
try:
    cli()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def imported(*args: str) -> list[str]:
    """The heavy modules a fresh ``podcast <args>`` process has imported when it ends."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_imports_nothing_heavy():
    assert imported("--help") == []


def test_command_help_imports_nothing_heavy():
    assert imported("publish", "--help") == []
    assert imported("quotes", "export", "--help") == []
