"""The one door to mutagen: a tag put in front of an MP3's audio, replacing the old one."""

from __future__ import annotations

from mutagen.id3 import ID3

from podcast.tags.mutagen_door import Id3, audio_span, comment_frame, text_frame
from tests.conftest import make_tone


def audio_bytes(path) -> bytes:
    start, length = audio_span(path)
    return path.read_bytes()[start : start + length]


def test_write_replaces_the_tag_and_keeps_the_audio(tmp_path):
    path = tmp_path / "clip.mp3"
    make_tone(path, seconds=1.0)
    audio = audio_bytes(path)
    tags = Id3("clips/clip.mp3")
    tags.write(path, [*text_frame(tags, "TIT2", "„Eins“"), *text_frame(tags, "TPE1", "Erika")])
    tags.write(
        path, [*text_frame(tags, "TIT2", "Zwei"), *comment_frame(tags, "COMM", ("eng", "Note"))]
    )
    read = ID3(path)
    assert read.version == (2, 3, 0)
    assert str(read["TIT2"]) == "Zwei"
    assert "TPE1" not in read  # the first tag is gone, not merged
    [comment] = read.getall("COMM")
    assert (comment.lang, str(comment)) == ("eng", "Note")
    assert audio_bytes(path) == audio
