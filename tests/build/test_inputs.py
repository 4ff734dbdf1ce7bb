"""What a build read: the audit-hook log, the stamps of a tree, the files a catalog names."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from podcast.build.inputs import FOLDER, MISSING, ReadLog, outside, stamp_of, tree_stamps


def test_the_log_has_files_read_and_folders_listed_not_files_written(tmp_path):
    read, written, listed = tmp_path / "read.txt", tmp_path / "written.txt", tmp_path / "dir"
    read.write_text("x")
    listed.mkdir()
    picture = tmp_path / "p.png"
    Image.new("RGB", (4, 4)).save(picture)
    with ReadLog() as log:
        read.read_text()
        written.write_text("y")
        os.listdir(listed)
        with Image.open(picture) as image:
            image.load()
    (tmp_path / "after.txt").write_text("z")
    (tmp_path / "after.txt").read_text()  # no longer logged
    assert {str(read), str(listed), str(picture)} <= log.paths
    assert str(written) not in log.paths and str(tmp_path / "after.txt") not in log.paths


def test_tree_stamps_list_files_and_folders_and_follow_links(tmp_path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "f").write_text("1")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "g").write_text("22")
    (root / "link").symlink_to(elsewhere)
    (root / "loop").symlink_to(root)
    (root / "dangling").symlink_to(tmp_path / "nothing")
    stamps = tree_stamps(root)
    assert stamps[str(root / "a")] == FOLDER
    assert stamps[str(root / "a" / "f")][0] == 1
    assert stamps[str(root / "link" / "g")][0] == 2  # through the link
    assert stamps[str(root / "dangling")] == MISSING
    before = stamps[str(root / "a" / "f")]
    (root / "a" / "f").write_text("changed")
    assert tree_stamps(root)[str(root / "a" / "f")] != before
    assert stamp_of(str(tmp_path / "nothing")) == MISSING


def test_outside_keeps_only_paths_below_none_of_the_roots(tmp_path):
    roots = [tmp_path / "catalog", tmp_path / "cache"]
    paths = [
        str(tmp_path / "catalog" / "x"),
        str(tmp_path / "catalog"),
        str(tmp_path / "catalog-2" / "y"),  # a sibling with the same prefix: outside
        str(tmp_path / "cache" / "z"),
        str(Path("/etc/hosts")),
    ]
    assert outside(paths, roots) == sorted([str(tmp_path / "catalog-2" / "y"), "/etc/hosts"])
