"""Real file-system faults for tests: a tiny tmpfs (disk full), a read-only mount, and a
process without root's permission override (permission denied).

These need root (mount, setpriv); where that is not possible the test is skipped with
the reason, never faked.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

#: run a command as root but without CAP_DAC_OVERRIDE: file permissions apply to it
NO_OVERRIDE = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
    "--",
]


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextmanager
def tmpfs(path: Path, size_kb: int) -> Iterator[Path]:
    """A fresh tmpfs of ``size_kb`` KiB mounted at ``path`` (unmounted afterwards)."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command: cannot make a small file system")
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(path))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


def remount_read_only(path: Path) -> None:
    remounted = _run("mount", "-o", "remount,ro", str(path))
    assert remounted.returncode == 0, remounted.stderr


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system of ``folder`` until at most ``leave`` bytes are free."""
    filler = folder / "filler.bin"
    with filler.open("wb") as handle:
        block = b"\0" * 4096
        try:
            while shutil.disk_usage(folder).free > leave:
                handle.write(block)
                handle.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    return filler


def permissions_apply(folder: Path) -> bool:
    """Whether a NO_OVERRIDE process is really refused a write in a 0555 folder."""
    if shutil.which("setpriv") is None:
        return False
    probe = folder / "probe"
    probe.mkdir(mode=0o555)
    refused = _run(*NO_OVERRIDE, "sh", "-c", f"touch {probe}/x").returncode != 0
    probe.chmod(0o755)
    shutil.rmtree(probe)
    return refused
