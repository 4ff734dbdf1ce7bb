"""The Jinja2 environment that pages and the feed's show notes are rendered with.

Templates and static assets live in ``podcast/templates``; a ``theme/`` folder
next to the catalog overrides any of them by file name.  Catalog text is
escaped by autoescape; Markdown is rendered with markdown-it-py and sanitized
with nh3.
"""

from __future__ import annotations

from importlib.resources import files

import nh3
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from podcast.catalog.models import Catalog, format_timestamp
from podcast.paths import episode_page, episode_page_at, season_page

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str) -> Markup:
    """Markdown to sanitized HTML (no scripts, no event handlers, safe links)."""
    html = _MARKDOWN.render(text)
    return Markup(nh3.clean(html, link_rel="noopener noreferrer"))


def seconds_attr(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def initials(name: str) -> str:
    """'Prof. Dr. Jutta Rump' -> 'JR' (titles ending in a dot are skipped)."""
    words = [w for w in name.split() if not w.endswith(".") and w[:1].isalnum()] or name.split()
    if not words:
        return "?"
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()


def environment(catalog: Catalog) -> Environment:
    """Templates from ``theme/`` next to the catalog first, then the package's."""
    theme = catalog.show.root / "theme"
    loaders = [FileSystemLoader(str(theme))] if theme.is_dir() else []
    loaders.append(FileSystemLoader(str(files("podcast") / "templates")))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters["markdown"] = render_markdown
    env.filters["timestamp"] = lambda s: format_timestamp(s, millis=False)
    env.filters["clock"] = lambda s: format_timestamp(s, millis=False).removeprefix("00:")
    env.filters["seconds"] = seconds_attr
    env.filters["initials"] = initials
    env.globals.update(
        episode_page=episode_page, episode_page_at=episode_page_at, season_page=season_page
    )
    return env
