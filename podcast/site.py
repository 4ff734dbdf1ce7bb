"""The site stage: show-notes pages rendered from Jinja2 templates.

Templates live in the package (``podcast/templates``) and can be overridden
by a ``theme/`` folder next to the catalog.  Markdown is rendered with
markdown-it-py and sanitized with nh3; all other catalog text is escaped by
Jinja2's autoescape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from importlib.resources import files

import nh3
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from podcast.feed import EpisodeMedia
from podcast.models import Catalog, EpisodeEntry, format_timestamp
from podcast.paths import episode_page, page_file
from podcast.writer import Writer

OWNER = "site"
_MARKDOWN = MarkdownIt("commonmark", {"linkify": False, "typographer": False})


def render_markdown(text: str) -> Markup:
    """Markdown to sanitized HTML (no scripts, no event handlers, safe links)."""
    html = _MARKDOWN.render(text)
    return Markup(nh3.clean(html, link_rel="noopener noreferrer"))


def environment(catalog: Catalog) -> Environment:
    theme = catalog.show.root / "theme"
    loaders = [FileSystemLoader(str(theme))] if theme.is_dir() else []
    loaders.append(FileSystemLoader(str(files("podcast") / "templates")))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = render_markdown
    env.filters["timestamp"] = lambda s: format_timestamp(s, millis=False)
    env.filters["seconds"] = lambda s: f"{s:.3f}".rstrip("0").rstrip(".")
    env.filters["date_de"] = lambda d: d.strftime("%d.%m.%Y")
    return env


def render_site(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    media: Mapping[str, EpisodeMedia],
    writer: Writer,
    now: dt.datetime,
) -> None:
    """Write the index page and one page per published episode."""
    env = environment(catalog)
    show = catalog.show
    common = {
        "show": show,
        "catalog": catalog,
        "episodes": episodes,
        "feed_url": show.feed_url,
        "artwork_url": show.url(show.artwork.name),
        "now": now,
    }
    writer.write_text(
        "index.html",
        env.get_template("index.html").render(root="", page_url=show.url(""), **common),
        OWNER,
    )
    style, _, _ = env.loader.get_source(env, "style.css")
    writer.write_text("style.css", style, OWNER)
    for episode in episodes:
        path = episode_page(episode)
        page = env.get_template("episode.html").render(
            root="../../",
            episode=episode,
            media=media[episode.slug],
            page_url=show.url(path),
            **common,
        )
        writer.write_text(page_file(path), page, OWNER)
