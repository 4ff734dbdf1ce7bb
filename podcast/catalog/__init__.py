"""The catalog stage: show.yaml, season.yaml and episode.yaml read, checked and resolved.

:func:`load_catalog` walks the catalog folder (:mod:`.loader`) and returns the
resolved :class:`Catalog` together with every problem found (file, line, field).
The modules: :mod:`.models` (the file formats and the resolved entries),
:mod:`.yamlsource` (YAML with line numbers), :mod:`.errors` (schema errors as
problems), :mod:`.show`, :mod:`.people`, :mod:`.assets` (the files an entry
names), :mod:`.checks` (times, quotes, uniqueness), :mod:`.media` (probing audio
and images), :mod:`.transcript`, :mod:`.categories`, :mod:`.language`,
:mod:`.cardstyle` and :mod:`.names` (file names and slugs).

The names below are imported on first use (PEP 562): reading show.yaml for the
options, or finding that nothing changed since the last build, must not load the
models (pydantic takes a good part of a second to import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from podcast.lazy import lazy_exports

if TYPE_CHECKING:
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

_HOMES = {
    "AudioInfo": "podcast.catalog.models",
    "AudioSettings": "podcast.catalog.models",
    "CardStyle": "podcast.catalog.models",
    "CardStyleError": "podcast.catalog.cardstyle",
    "Catalog": "podcast.catalog.models",
    "Chapter": "podcast.catalog.models",
    "EPISODE_FILE": "podcast.catalog.names",
    "EpisodeEntry": "podcast.catalog.models",
    "EpisodeFile": "podcast.catalog.models",
    "Person": "podcast.catalog.models",
    "Quote": "podcast.catalog.models",
    "SEASON_FILE": "podcast.catalog.names",
    "SHOW_FILE": "podcast.catalog.names",
    "SeasonEntry": "podcast.catalog.models",
    "SeasonFile": "podcast.catalog.models",
    "ShowEntry": "podcast.catalog.models",
    "ShowFile": "podcast.catalog.models",
    "UNDETERMINED_LANGUAGE": "podcast.catalog.language",
    "colour_rgb": "podcast.catalog.cardstyle",
    "font_family": "podcast.catalog.cardstyle",
    "format_timestamp": "podcast.catalog.models",
    "iso639_2": "podcast.catalog.language",
    "load_catalog": "podcast.catalog.loader",
    "parse_timestamp": "podcast.catalog.models",
    "slugify": "podcast.catalog.names",
}


__getattr__ = lazy_exports(__name__, _HOMES)
