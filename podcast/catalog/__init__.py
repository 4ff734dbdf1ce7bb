"""The catalog stage: show.yaml, season.yaml and episode.yaml read, checked and resolved.

:func:`load_catalog` walks the catalog folder (:mod:`.loader`) and returns the
resolved :class:`Catalog` together with every problem found (file, line, field).
The modules: :mod:`.models` (the file formats and the resolved entries),
:mod:`.yamlsource` (YAML with line numbers), :mod:`.errors` (schema errors as
problems), :mod:`.show`, :mod:`.people`, :mod:`.assets` (the files an entry
names), :mod:`.checks` (times, quotes, uniqueness), :mod:`.media` (probing audio
and images), :mod:`.transcript`, :mod:`.categories`, :mod:`.language`,
:mod:`.cardstyle` and :mod:`.names` (file names and slugs).
"""

from podcast.catalog.cardstyle import CardStyleError, colour_rgb, font_family
from podcast.catalog.language import UNDETERMINED_LANGUAGE, iso639_2
from podcast.catalog.loader import load_catalog
from podcast.catalog.models import (
    AudioInfo,
    AudioSettings,
    CardStyle,
    Catalog,
    Chapter,
    EpisodeEntry,
    EpisodeFile,
    Person,
    Quote,
    SeasonEntry,
    SeasonFile,
    ShowEntry,
    ShowFile,
    format_timestamp,
    parse_timestamp,
)
from podcast.catalog.names import EPISODE_FILE, SEASON_FILE, SHOW_FILE, slugify

__all__ = [
    "EPISODE_FILE",
    "SEASON_FILE",
    "SHOW_FILE",
    "UNDETERMINED_LANGUAGE",
    "AudioInfo",
    "AudioSettings",
    "CardStyle",
    "CardStyleError",
    "Catalog",
    "Chapter",
    "EpisodeEntry",
    "EpisodeFile",
    "Person",
    "Quote",
    "SeasonEntry",
    "SeasonFile",
    "ShowEntry",
    "ShowFile",
    "colour_rgb",
    "font_family",
    "format_timestamp",
    "iso639_2",
    "load_catalog",
    "parse_timestamp",
    "slugify",
]
