"""Quote times found in the transcript, and quote words checked against it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.catalog.align import align, spoken_words
from podcast.catalog.loader import load_catalog
from podcast.catalog.models import QuoteSettings
from podcast.catalog.quotetimes import TranscriptWords, locate_quote
from podcast.catalog.transcript import Cue, parse_transcript
from podcast.catalog.words import fold, quote_words
from podcast.cli import cli
from tests.conftest import REPO, edit

DEMO = REPO / "episodes"
EP11 = "staffel-2/folge-11-festival-2022"
EP14 = "staffel-2/folge-14-positiv-irritierend"
EP15 = "staffel-2/folge-15-personalentwicklung"
SETTINGS = QuoteSettings()


@pytest.fixture
def demo(tmp_path) -> Path:
    """A copy of the demo catalog, to change."""
    root = tmp_path / "episodes"
    shutil.copytree(DEMO, root)
    return root


def strip_times(root: Path) -> None:
    for path in root.glob("*/*/episode.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^    (start|end): .*\n", "", text), encoding="utf-8")


def write_vtt(path: Path, *cues: tuple[float, float, str]) -> None:
    def stamp(seconds: float) -> str:
        whole = int(seconds)
        return f"00:{whole // 60:02d}:{whole % 60:02d}.{round((seconds - whole) * 1000):03d}"

    blocks = [f"{stamp(a)} --> {stamp(b)}\n{text}\n" for a, b, text in cues]
    path.write_text("WEBVTT\n\n" + "\n".join(blocks), encoding="utf-8")


# --- words ---------------------------------------------------------------------------


def test_fold_drops_punctuation_case_quotes_and_reads_numbers():
    assert fold("„360°-Festival“", "de") == ["dreihundertsechzig", "festival"]
    assert fold("Expert:innen,", "de") == ["expertinnen"]
    assert fold("Kommunen-Podcast.", "de") == fold("kommunenpodcast", "de")
    assert fold("einhundert", "de") == fold("100", "de") == ["hundert"]
    assert fold("21", "de") == ["einundzwanzig"]
    assert fold("360", "en") == ["three", "hundred", "sixty"]


def test_quote_words_mark_elisions_and_insertions():
    words = quote_words("Zunächst habe ich mich [so] vorgestellt, (...) dass ich … lerne.", "de")
    assert [w.text for w in words] == [
        "zunächst", "habe", "ich", "mich", "so", "vorgestellt", "dass", "ich", "lerne",
    ]  # fmt: skip
    assert [w.text for w in words if w.optional] == ["so"]
    assert [w.text for w in words if w.after_elision] == ["dass", "lerne"]


def test_spoken_words_interpolate_by_characters_and_join_hyphenation():
    cues = [Cue(10.0, 12.0, "eins zwei Talent-"), Cue(12.0, 14.0, "orientierung hier")]
    words = spoken_words(cues, "de")
    assert [w.text for w in words] == ["eins", "zwei", "talentorientierung", "hier"]
    assert words[0].start == 10.0
    assert words[1].start == pytest.approx(10.0 + 2.0 * 5 / 17)  # "zwei" starts at char 5
    assert words[2].start == pytest.approx(10.0 + 2.0 * 10 / 17)  # in the first cue …
    assert words[2].end == pytest.approx(12.0 + 2.0 * 12 / 17)  # … ending in the second
    assert words[3].end == 14.0


# --- finding a quote in a transcript --------------------------------------------------

CUES = (
    (0.0, 4.0, "<v A>Willkommen zum Test. Heute geht es um 360 Grad."),
    (4.5, 12.0, "<v B>Wir haben vieles ausprobiert, manches verworfen und am Ende gelernt,"),
    (12.0, 16.0, "<v B>dass Zusammenarbeit wächst, wenn man ihr Zeit gibt."),
    (16.5, 20.0, "<v A>Zeit gibt es nie genug. Danke!"),
)


@pytest.fixture
def transcript(tmp_path) -> TranscriptWords:
    path = tmp_path / "transcript.vtt"
    write_vtt(path, *CUES)
    return TranscriptWords(path, "de")


@pytest.mark.parametrize(
    "text",
    [
        "Wir haben vieles ausprobiert, manches verworfen und am Ende gelernt, dass "
        "Zusammenarbeit wächst, wenn man ihr Zeit gibt.",
        # elision, quotation marks, case, a word put in by the editor
        "„Wir haben vieles ausprobiert (...) und am Ende gelernt, dass [die] Zusammenarbeit "
        "WÄCHST, wenn man ihr Zeit gibt.“",
        "Wir haben vieles ausprobiert … am Ende gelernt, dass Zusammenarbeit wächst, wenn man "
        "ihr Zeit gibt",
    ],
)
def test_quote_found_on_word_boundaries_across_cues(transcript, text):
    located = locate_quote(text, transcript, SETTINGS, duration=20.0)
    assert located.passage is not None
    assert located.passage.start == pytest.approx(4.5 - SETTINGS.margin)
    assert located.passage.end == pytest.approx(16.0 + SETTINGS.margin)


def test_quote_start_inside_a_cue_and_numbers_as_words(transcript):
    located = locate_quote(
        "Heute geht es um dreihundertsechzig Grad", transcript, QuoteSettings(margin=0), 20.0
    )
    assert located.passage is not None
    text = "Willkommen zum Test. Heute geht es um 360 Grad."
    assert located.passage.start == pytest.approx(4.0 * text.index("Heute") / len(text), abs=1e-3)
    assert located.passage.end == pytest.approx(4.0, abs=1e-3)


def test_margin_is_kept_inside_the_audio(transcript):
    located = locate_quote("Willkommen zum Test", transcript, QuoteSettings(margin=2.0), 20.0)
    assert located.passage is not None and located.passage.start == 0.0
    located = locate_quote(
        "Zeit gibt es nie genug. Danke!", transcript, QuoteSettings(margin=2.0), 20.5
    )
    assert located.passage is not None and located.passage.end == 20.5


def test_ambiguous_and_absent_quotes_are_not_located(transcript):
    ambiguous = locate_quote("Zeit gibt", transcript, SETTINGS, 20.0)
    assert ambiguous.passage is None and ambiguous.rival is not None
    absent = locate_quote(
        "Das steht nirgends geschrieben, wirklich nirgends.", transcript, SETTINGS, 20.0
    )
    assert absent.passage is None and absent.rival is None and absent.best is not None


def test_align_counts_a_changed_word_as_an_error():
    words = [w.text for w in spoken_words([Cue(0, 5, "eins zwei drei vier fünf")], "de")]
    assert align(quote_words("zwei drei vier", "de"), words).best.errors == 0
    changed = align(quote_words("zwei dreißig vier", "de"), words).best
    assert changed.errors == 1 and (changed.first, changed.last) == (1, 3)


def test_json_transcript_segments_are_cues(tmp_path):
    path = tmp_path / "transcript.json"
    path.write_text(
        '{"version": "1.0.0", "segments": ['
        '{"speaker": "A", "startTime": 0.5, "endTime": 0.9, "body": "Hallo"},'
        '{"startTime": 1.0, "endTime": 1.4, "body": "Welt"}]}',
        encoding="utf-8",
    )
    cues = parse_transcript(path)
    assert [(c.start, c.end, c.text, c.speaker) for c in cues] == [
        (0.5, 0.9, "Hallo", "A"),
        (1.0, 1.4, "Welt", None),
    ]


# --- in the catalog -----------------------------------------------------------------------


def demo_times() -> dict[tuple[str, int], tuple[float, float]]:
    catalog, problems = load_catalog(DEMO)
    assert catalog is not None, [str(p) for p in problems]
    return {(e.slug, i): (q.start, q.end) for e in catalog.episodes for i, q in enumerate(e.quotes)}


def test_demo_without_times_loads_with_times_close_to_the_catalog(demo):
    strip_times(demo)
    assert "start:" not in (demo / EP11 / "episode.yaml").read_text().split("quotes:")[1]
    catalog, problems = load_catalog(demo)
    assert catalog is not None, [str(p) for p in problems]
    assert problems.warnings == []
    found = {
        (e.slug, i): (q.start, q.end) for e in catalog.episodes for i, q in enumerate(e.quotes)
    }
    expected = demo_times()
    assert found.keys() == expected.keys() and len(found) == 4
    for key, (start, end) in expected.items():
        assert abs(found[key][0] - start) <= 1.0, key
        assert abs(found[key][1] - end) <= 1.0, key


def test_demo_with_times_has_no_text_warnings():
    _, problems = load_catalog(DEMO)
    assert [str(p) for p in problems if "says" in p.message] == []


def quote_line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_changed_word_is_flagged_by_validate_with_file_and_line(demo):
    path = demo / EP15 / "episode.yaml"
    edit(path, "nicht so stark in den technischen", "nicht so stark in den politischen")
    line = quote_line(path, "politischen")
    _, problems = load_catalog(demo)
    [warning] = [p for p in problems.warnings if "says something else" in p.message]
    assert (warning.file, warning.line, warning.field) == (
        f"episodes/{EP15}/episode.yaml",
        line,
        "quotes[0].text",
    )
    assert (
        '"Es muss immer wieder Leute geben, die nicht so stark in den technischen'
        in warning.message
    )
    assert "at 00:00:28.091–00:00:46.399" in warning.message
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", "--catalog", str(demo)])
    assert result.exit_code == 0, result.output
    assert f"{EP15}/episode.yaml:{line}: quotes[0].text: warning:" in result.output
    strict = runner.invoke(cli, ["validate", "--catalog", str(demo), "--strict"])
    assert strict.exit_code != 0
    assert f"{EP15}/episode.yaml:{line}: quotes[0].text:" in strict.output


def test_quote_without_times_with_a_changed_word_is_found_and_warned(demo):
    strip_times(demo)
    path = demo / EP15 / "episode.yaml"
    edit(path, "nicht so stark in den technischen", "nicht so stark in den politischen")
    catalog, problems = load_catalog(demo)
    assert catalog is not None
    [warning] = problems.warnings
    assert warning.line == quote_line(path, "politischen")
    assert "says it a little differently at 00:00:27.841–" in warning.message


def add_quote(path: Path, text: str) -> int:
    body = path.read_text(encoding="utf-8")
    quote = f'  - text: "{text}"\n    speaker: stefanie-goy\n'
    body = body.replace("takeaways:\n", "" + quote + "takeaways:\n", 1)
    path.write_text(body, encoding="utf-8")
    return quote_line(path, f'text: "{text}"')


def test_ambiguous_quote_is_an_error_naming_both_passages(demo):
    path = demo / EP14 / "episode.yaml"
    line = add_quote(path, "Selbstverantwortung")
    catalog, problems = load_catalog(demo)
    assert catalog is None
    [error] = problems.errors
    assert (error.file, error.line, error.field) == (
        f"episodes/{EP14}/episode.yaml",
        line,
        "quotes[2].text",
    )
    assert error.message.startswith("matches two passages of transcript.vtt equally well: 00:01:")
    assert error.message.count('"Selbstverantwortung') == 2
    assert "(add start: and end: to say which)" in error.message


def test_absent_quote_is_an_error_with_the_best_candidate(demo):
    path = demo / EP14 / "episode.yaml"
    line = add_quote(
        path, "Die Mitglieder des Stadtrats haben es nie gespielt: Bürger und Presse am Tisch."
    )
    catalog, problems = load_catalog(demo)
    assert catalog is None
    [error] = problems.errors
    assert (error.line, error.field) == (line, "quotes[2].text")
    assert error.message.startswith("cannot be found in transcript.vtt: the best passage, 00:00:")
    # the best candidate's time and text: the stretch holding most of the quote's words
    assert 'the best passage, 00:00:47.847–00:00:54.211 "Die Mitglieder des' in error.message
    assert "matches 54% of the quote's words" in error.message
    assert "(expected at least 70%; fix the words, or add start: and end:)" in error.message


def test_quote_without_times_and_without_transcript_is_an_error(demo):
    strip_times(demo)
    (demo / EP15 / "transcript.vtt").unlink()
    path = demo / EP15 / "episode.yaml"
    edit(path, "transcript: transcript.vtt\n", "")
    _, problems = load_catalog(demo)
    [error] = problems.errors
    assert error.field == "quotes[0].start"
    assert error.line == quote_line(path, "Es muss immer wieder")
    assert "no transcript" in error.message


def test_quotes_locate_prints_yaml_lines_and_writes_nothing(demo):
    strip_times(demo)
    before = {p: p.read_bytes() for p in demo.rglob("*.yaml")}
    result = CliRunner().invoke(
        cli, ["quotes", "locate", "--catalog", str(demo), "--episode", "14"]
    )
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in demo.rglob("*.yaml")} == before
    assert f"# {EP14}/episode.yaml" in result.output
    assert 'start: "00:00:18.164"' in result.output
    assert 'end: "00:01:22.739"' in result.output
    assert "folge-11" not in result.output


def test_quote_found_in_a_word_level_json_transcript(demo):
    """Podcasting 2.0 JSON, one segment per word (as speech recognition writes them)."""
    import json

    folder = demo / EP15
    segments = []
    for cue in parse_transcript(folder / "transcript.vtt"):
        for word in spoken_words([cue], "de"):
            if not segments or segments[-1]["body"] != word.shown:
                segments.append({"startTime": word.start, "endTime": word.end, "body": word.shown})
    (folder / "transcript.vtt").unlink()
    (folder / "transcript.json").write_text(
        json.dumps({"version": "1.0.0", "segments": segments}), encoding="utf-8"
    )
    edit(folder / "episode.yaml", "transcript: transcript.vtt\n", "")
    strip_times(demo)
    catalog, problems = load_catalog(demo)
    assert catalog is not None, [str(p) for p in problems]
    [episode] = [e for e in catalog.episodes if e.number == 15]
    assert episode.transcript is not None and episode.transcript.name == "transcript.json"
    assert abs(episode.quotes[0].start - 28.091) <= 1.0
    assert abs(episode.quotes[0].end - 46.399) <= 1.0


def test_wrong_times_are_flagged_with_where_the_words_are(demo):
    path = demo / EP11 / "episode.yaml"
    edit(path, 'start: "00:00:18.524"', 'start: "00:00:00.000"')
    edit(path, 'end: "00:00:40.515"', 'end: "00:00:17.000"')
    _, problems = load_catalog(demo)
    [warning] = problems.warnings
    assert warning.field == "quotes[0].text"
    assert warning.message.startswith(
        'transcript.vtt says something else at 00:00:00.000–00:00:17.000: "Willkommen beim'
    )
    assert warning.message.endswith(
        "(expected the quote's words; fix the text or the times; its words are at "
        "00:00:18.274–00:00:40.765)"
    )
