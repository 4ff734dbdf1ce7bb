"""The tags stage, read back by readers that are not mutagen.

ffmpeg reads the text frames, chapters and cover; the W-frames, PCST and the
CTOC (which ffmpeg does not show) are read with the small ID3v2.3 frame walker
below, written from the spec.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import struct
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from podcast.build import BuildOptions, build
from podcast.ffmpeg import run_ffmpeg
from podcast.tags.id3 import COVER_STEPS, TAG_REGION, cover_jpeg
from podcast.tags.mutagen_door import Id3, TagError, iso639_2, text_encoding, uri
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
TITLE = "Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!"
EP14 = "staffel-2/folge-14-positiv/episode.yaml"


# --- independent readers ---------------------------------------------------------


def ffmetadata(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """ffmpeg's view of the tags: (global metadata, chapters).

    ``-copyts`` keeps ffmpeg from shifting the chapters by the MP3's encoder
    delay (its "start: 0.025"), so the times are the CHAP frames' own.
    """
    result = run_ffmpeg(["-copyts", "-i", str(path), "-f", "ffmetadata", "-"], file=path)
    text = result.stdout.decode("utf-8")
    sections: list[dict[str, str]] = [{}]
    lines = iter(text.splitlines(keepends=True)[1:])  # after ";FFMETADATA1"
    for raw in lines:
        line = raw.rstrip("\n")
        while line.endswith("\\") and not line.endswith("\\\\"):  # escaped newline
            line = line[:-1] + "\n" + next(lines).rstrip("\n")
        if line == "[CHAPTER]":
            sections.append({})
        elif "=" in line:
            key, value = line.split("=", 1)
            sections[-1][key] = value.replace("\\=", "=").replace("\\;", ";").replace("\\#", "#")
    return sections[0], sections[1:]


def cover_of(path: Path, tmp_path: Path) -> Image.Image:
    out = tmp_path / f"{path.stem}-cover.jpg"
    run_ffmpeg(["-y", "-i", str(path), "-an", "-c:v", "copy", str(out)], file=path)
    image = Image.open(out)
    image.load()
    return image


def id3v2_size(data: bytes) -> int:
    """Size of the ID3v2 tag at the start of ``data`` (header included), from its header."""
    assert data[:3] == b"ID3"
    s = data[6:10]
    return 10 + (s[0] << 21 | s[1] << 14 | s[2] << 7 | s[3])


def audio_frames(path: Path) -> bytes:
    """The MPEG frames: everything after the ID3v2 tag."""
    data = path.read_bytes()
    return data[id3v2_size(data) :]


def raw_frames(data: bytes) -> list[tuple[str, bytes]]:
    """(frame id, body) of every frame of an ID3v2.3 tag (or of CHAP/CTOC sub-frames)."""
    frames = []
    offset = 0
    while offset + 10 <= len(data) and data[offset : offset + 4] != b"\0\0\0\0":
        frame_id = data[offset : offset + 4].decode("ascii")
        size = struct.unpack(">I", data[offset + 4 : offset + 8])[0]
        frames.append((frame_id, data[offset + 10 : offset + 10 + size]))
        offset += 10 + size
    return frames


def tag_frames(path: Path) -> list[tuple[str, bytes]]:
    data = path.read_bytes()
    assert data[3] == 3, "expected an ID3v2.3 tag"
    return raw_frames(data[10 : id3v2_size(data)])


def latin1_url(body: bytes) -> str:
    return body.decode("latin-1").rstrip("\0")  # a terminating NUL is allowed


def text_of(body: bytes) -> tuple[int, str]:
    """(encoding byte, text) of a text frame: 0 Latin-1, 1 UTF-16 with BOM."""
    codec = {0: "latin-1", 1: "utf-16"}[body[0]]
    return body[0], body[1:].decode(codec).rstrip("\0")


# --- fixtures ----------------------------------------------------------------------


def options_for(catalog_dir: Path, tmp_path: Path) -> BuildOptions:
    return BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )


@pytest.fixture
def built(catalog_dir, tmp_path):
    edit(catalog_dir / "show.yaml", "timezone:", "copyright: © 2024 „Test“-Redaktion\ntimezone:")
    options = options_for(catalog_dir, tmp_path)
    return options, build(options)


def published_mp3(build_dir: Path, slug: str) -> Path:
    """The episode's published MP3 (its name carries a content hash)."""
    [path] = (build_dir / "audio").glob(f"{slug}-*.mp3")
    return path


def feed_guids(options: BuildOptions) -> dict[str, str]:
    parsed = feedparser.parse((options.output / "feed.xml").read_bytes())
    return {Path(e.enclosures[0].href).name: e.id for e in parsed.entries}


# --- tests ---------------------------------------------------------------------------


def test_ffmpeg_reads_every_text_frame(built):
    options, _ = built
    guids = feed_guids(options)
    for slug, number in (("folge-14-positiv", "14"), ("folge-15-weiter", "15")):
        name = published_mp3(options.output, slug).name
        tags, _ = ffmetadata(options.output / "audio" / name)
        assert tags["title"] == TITLE
        assert tags["artist"] == "Erika Mustermann"
        assert tags["album"] == "Der Test-Podcast"
        assert tags["album_artist"] == "Test-Redaktion"
        assert tags["track"] == number
        assert tags["disc"] == "2"
        assert tags["genre"] == "Podcast"
        assert tags["language"] == "deu"
        assert tags["copyright"] == "© 2024 „Test“-Redaktion"
        assert tags["publisher"] == "Erika Mustermann"
        assert tags["TIT3"] == "Eine Folge über „Irritation“."
        assert tags["comment"] == (
            "Show notes with **Markdown** and a [link](https://example.org)."
        )
        assert tags["TGID"] == guids[name]
    folge14, _ = ffmetadata(published_mp3(options.output, "folge-14-positiv"))
    folge15, _ = ffmetadata(published_mp3(options.output, "folge-15-weiter"))
    assert folge14["date"] == "2023-03-01"
    assert folge15["date"] == "2023-04-01"


def test_podcast_url_frames_and_text_encodings(built):
    options, _ = built
    frames = dict(tag_frames(published_mp3(options.output, "folge-14-positiv")))
    assert latin1_url(frames["WOAF"]) == ("https://cdn.example.org/show/episodes/folge-14-positiv/")
    # WFED as iTunes writes it: a text-style frame (encoding byte, then the URL).
    assert text_of(frames["WFED"]) == (0, "https://cdn.example.org/show/feed.xml")
    assert frames["PCST"] == b"\x00\x00\x00\x01"
    # Latin-1 where the text fits it (old stereos), UTF-16 where it does not („ – “).
    assert text_of(frames["TPE1"]) == (0, "Erika Mustermann")
    assert text_of(frames["TIT2"]) == (1, TITLE)
    assert "TYER" in frames and "TDAT" in frames and "TDRC" not in frames  # v2.3 date


def test_chapters_match_the_catalog_to_the_millisecond(built):
    options, result = built
    episode = next(e for e in result.episodes if e.slug == "folge-14-positiv")
    path = published_mp3(options.output, "folge-14-positiv")
    _, chapters = ffmetadata(path)
    assert [c["title"] for c in chapters] == [c.title for c in episode.meta.chapters]
    assert [int(c["START"]) for c in chapters] == [
        round(c.start * 1000) for c in episode.meta.chapters
    ]
    assert [c["TIMEBASE"] for c in chapters] == ["1/1000"] * 2
    assert chapters[0]["END"] == chapters[1]["START"] == "5500"
    assert int(chapters[1]["END"]) == round(result.media["folge-14-positiv"].duration * 1000)

    frames = tag_frames(path)
    chaps = [body for frame_id, body in frames if frame_id == "CHAP"]
    [toc] = [body for frame_id, body in frames if frame_id == "CTOC"]
    _element_id, rest = toc.split(b"\0", 1)
    flags, count = rest[0], rest[1]
    assert flags & 0b11 == 0b11  # top-level and ordered
    children = rest[2:].split(b"\0")[:count]
    assert children == [chap.split(b"\0", 1)[0] for chap in chaps]  # CTOC order = file order
    second_subframes = dict(raw_frames(chaps[1][chaps[1].index(b"\0") + 17 :]))
    wxxx = second_subframes["WXXX"]
    assert wxxx[0] == 0 and latin1_url(wxxx[1:].split(b"\0", 1)[1]) == "https://example.org/mitte"


def test_cover_is_the_show_artwork_or_the_episodes_scaled_to_1400(catalog_dir, tmp_path):
    episode_art = catalog_dir / "staffel-2/folge-15-weiter/artwork.png"
    Image.new("RGB", (2000, 2000), (200, 20, 40)).save(episode_art)
    edit(
        catalog_dir / "staffel-2/folge-15-weiter/episode.yaml",
        "audio:",
        "artwork: artwork.png\naudio:",
    )
    options = options_for(catalog_dir, tmp_path)
    build(options)
    show_cover = cover_of(published_mp3(options.output, "folge-14-positiv"), tmp_path)
    assert show_cover.format == "JPEG" and show_cover.size == (1400, 1400)
    assert show_cover.getpixel((700, 700)) == pytest.approx((30, 60, 90), abs=3)
    episode_cover = cover_of(published_mp3(options.output, "folge-15-weiter"), tmp_path)
    assert episode_cover.format == "JPEG" and episode_cover.size == (1400, 1400)
    assert episode_cover.getpixel((700, 700)) == pytest.approx((200, 20, 40), abs=3)
    [apic] = [
        b for f, b in tag_frames(published_mp3(options.output, "folge-14-positiv")) if f == "APIC"
    ]
    assert apic.startswith(b"\x00image/jpeg\x00\x03")  # Latin-1, MIME, front cover
    jpeg = apic[len(b"\x00image/jpeg\x00\x03\x00") :]
    assert jpeg == (catalog_dir / "artwork.jpg").read_bytes()  # small JPEG: embedded as it is


def test_a_cover_too_large_for_the_region_is_scaled_down_to_fit(catalog_dir, tmp_path):
    episode_art = catalog_dir / "staffel-2/folge-15-weiter/artwork.png"
    noise = Image.frombytes("RGB", (1400, 1400), random.Random(13).randbytes(1400 * 1400 * 3))
    noise.save(episode_art)  # noise: a 1400 px JPEG of it is far larger than 256 KiB
    edit(
        catalog_dir / "staffel-2/folge-15-weiter/episode.yaml",
        "audio:",
        "artwork: artwork.png\naudio:",
    )
    options = options_for(catalog_dir, tmp_path)
    build(options)
    path = published_mp3(options.output, "folge-15-weiter")
    assert len(cover_jpeg(episode_art)) > TAG_REGION
    assert id3v2_size(path.read_bytes()) == TAG_REGION  # the region, header included
    cover = cover_of(path, tmp_path)
    assert cover.format == "JPEG" and max(cover.size) in COVER_STEPS[1:]
    assert cover_of(published_mp3(options.output, "folge-14-positiv"), tmp_path).size == (
        1400,
        1400,
    )  # a cover that fits stays 1400 px


def test_metadata_change_retags_without_encoding_and_keeps_the_audio(
    built, catalog_dir, monkeypatch
):
    options, first = built
    path = published_mp3(options.output, "folge-14-positiv")
    audio_before = audio_frames(path)
    cached = sorted((options.cache / "audio").glob("*.mp3"))
    import podcast.audio.encode

    def fail(*args, **kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(podcast.audio.encode, "encode", fail)
    edit(catalog_dir / EP14, "title: Positiv irritierend", "title: Neu – „Positiv“ irritierend")
    second = build(options)
    tags, _ = ffmetadata(path)
    assert tags["title"] == TITLE.replace("Positiv irritierend", "Neu – „Positiv“ irritierend")
    assert audio_frames(path) == audio_before
    assert second.media["folge-14-positiv"].size == path.stat().st_size
    # The tag is padded to a fixed region: a new title keeps the file's length (issue 13).
    assert second.media["folge-14-positiv"].size == first.media["folge-14-positiv"].size
    parsed = feedparser.parse((options.output / "feed.xml").read_bytes())
    for entry in parsed.entries:
        mp3 = options.output / "audio" / Path(entry.enclosures[0].href).name
        assert int(entry.enclosures[0].length) == mp3.stat().st_size
    # The audio stage's cache is untouched: the encoded MP3s carry none of our frames.
    assert sorted((options.cache / "audio").glob("*.mp3")) == cached
    for mp3 in cached:
        assert "TIT2" not in dict(tag_frames_any(mp3))
    # Only the current tagged file of each episode stays in the cache.
    assert len(list((options.cache / "tagged").glob("folge-14-positiv.*.mp3"))) == 1


def tag_frames_any(path: Path) -> list[tuple[str, bytes]]:
    data = path.read_bytes()
    if data[:3] != b"ID3":
        return []
    if data[3] == 4:  # v2.4 frame sizes are syncsafe; we only need the ids here
        frames, offset, end = [], 10, id3v2_size(data)
        while offset + 10 <= end and data[offset : offset + 4] != b"\0\0\0\0":
            s = data[offset + 4 : offset + 8]
            frames.append((data[offset : offset + 4].decode(), b""))
            offset += 10 + (s[0] << 21 | s[1] << 14 | s[2] << 7 | s[3])
        return frames
    return tag_frames(path)


def test_an_unchanged_build_is_byte_identical(built):
    options, _ = built
    before = {p: p.read_bytes() for p in (options.output / "audio").glob("*.mp3")}
    for tagged in (options.cache / "tagged").glob("*"):
        tagged.unlink()  # tag again from scratch: the tag must come out the same
    build(options)
    after = {p: p.read_bytes() for p in (options.output / "audio").glob("*.mp3")}
    assert after == before


def test_a_language_without_iso639_2_code_is_a_warning(catalog_dir, tmp_path):
    edit(catalog_dir / "show.yaml", "language: de", "language: qx")
    result = build(options_for(catalog_dir, tmp_path))
    [warning] = [w for w in result.warnings if w.field == "language"]
    assert "no ISO 639-2 code" in warning.message
    tags, _ = ffmetadata(published_mp3(tmp_path / "feed", "folge-14-positiv"))
    assert "language" not in tags


def test_language_codes():
    assert iso639_2("de") == "deu"
    assert iso639_2("de-AT") == "deu"
    assert iso639_2("ger") == "deu"
    assert iso639_2("en") == "eng"
    assert iso639_2("gsw") == "gsw"
    assert iso639_2("qx") is None


def test_urls_and_encodings():
    assert uri("https://example.org/Straße?q=ä") == "https://example.org/Stra%C3%9Fe?q=%C3%A4"
    assert uri("https://münchen.de/a") == "https://xn--mnchen-3ya.de/a"
    assert text_encoding("Müller", "Öl") == 0
    assert text_encoding("„x“") == 1


def test_errors_name_the_file():
    tags = Id3("audio/x.mp3")
    frame = tags.frame("TIT2", encoding=0, text=["„nicht Latin-1“"])
    with pytest.raises(TagError, match=r"^audio/x\.mp3: writing the ID3v2\.3 tag: 'latin-1'"):
        tags.render([frame])
    with pytest.raises(TagError, match=r"^audio/x\.mp3: NOPE"):
        tags.frame("NOPE")


def test_cover_decodes_from_the_raw_apic(built):
    options, _ = built
    [apic] = [
        b for f, b in tag_frames(published_mp3(options.output, "folge-15-weiter")) if f == "APIC"
    ]
    image = Image.open(io.BytesIO(apic[len(b"\x00image/jpeg\x00\x03\x00") :]))
    assert image.format == "JPEG" and max(image.size) <= 1400


def test_a_tag_is_rendered_again_only_when_something_it_is_made_of_changed(
    built, catalog_dir, monkeypatch
):
    options, _ = built
    import podcast.tags.id3

    rendered: list[str] = []
    real = podcast.tags.id3.fitted_tag

    def counting(source, covers, relpath, region):
        rendered.append(relpath)
        return real(source, covers, relpath, region)

    monkeypatch.setattr(podcast.tags.id3, "fitted_tag", counting)
    build(options)
    assert rendered == []  # nothing changed: every tagged file found under its request
    # the artwork's content (not its name, not its stamp) is part of the request
    Image.new("RGB", (1400, 1400), (250, 250, 0)).save(catalog_dir / "artwork.jpg", quality=80)
    build(options)
    assert len(rendered) == 2
    cover = cover_of(published_mp3(options.output, "folge-14-positiv"), tmp_path=options.cache)
    assert cover.getpixel((700, 700)) == pytest.approx((250, 250, 0), abs=3)
    rendered.clear()
    os.utime(catalog_dir / "artwork.jpg")  # touched, same bytes: the same tags
    build(options)
    assert rendered == []
    edit(catalog_dir / EP14, "title: Positiv irritierend", "title: Anders")
    build(options)
    assert len(rendered) == 1  # only that episode's tag
