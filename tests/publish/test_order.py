"""Order: the published (old) pages never link a file that was already replaced.

Media have content hashes in their names; so do the loudness reports and plots the
episode pages link: a publish that changes them adds new files under new names and
leaves the ones the old pages link as they were until the new pages are up.
"""

from __future__ import annotations

import re
from pathlib import Path

from podcast.publish import publish
from podcast.publish.local import LocalDestination
from tests.publish.showfiles import built_files, rebuild

LINK = re.compile(r'(?:src|href)="(?:\.\./)*(loudness/[^"]+)"')


def loudness_links(folder: Path) -> set[str]:
    return {
        link
        for relpath, path in built_files(folder).items()
        if relpath.endswith(".html")
        for link in LINK.findall(path.read_text(encoding="utf-8"))
    }


def quieter(catalog: Path) -> None:
    """A new loudness target: new audio, new loudness reports and plots."""
    show = catalog / "show.yaml"
    show.write_text(show.read_text(encoding="utf-8") + "audio:\n  loudness_mono: -23\n")


def test_changed_loudness_reports_get_new_names_and_old_pages_keep_theirs(show, tmp_path):
    _, output = show
    public = tmp_path / "public"
    publish(output, LocalDestination(public))
    old_links = loudness_links(public)
    assert len(old_links) == 4  # two episodes: a plot and a report each
    old_bytes = {link: (public / link).read_bytes() for link in old_links}

    new = rebuild(show, tmp_path / "v2", quieter)
    new_links = loudness_links(new)
    assert len(new_links) == 4 and not new_links & old_links  # new content, new names
    plan = publish(new, LocalDestination(public), dry_run=True)
    replaced = [c.relpath for c in plan.changes if c.action == "update"]
    assert not [r for r in replaced if r.startswith("loudness/")], replaced

    publish(new, LocalDestination(public))
    # the old pages' links were never replaced: still the old bytes (gone only with --prune)
    assert {link: (public / link).read_bytes() for link in old_links} == old_bytes
    assert loudness_links(public) == new_links
    for link in new_links:
        assert (public / link).read_bytes() == (new / link).read_bytes()
