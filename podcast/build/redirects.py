"""Redirect pages at the URLs an episode's page had before its slug changed.

An episode keeps its published slug after a folder rename (the published state
records it); ``slug:`` in episode.yaml changes it on purpose.  Links shared to
the old page must not break, so the build writes a small page at each former
slug (``episodes/<old>/index.html``): a ``<meta http-equiv=refresh>`` to the new
page and ``rel=canonical`` naming it, in the show's language.  They are built
every time (the state keeps the former slugs), so ``publish --prune`` keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from podcast.catalog.models import Catalog, EpisodeEntry
from podcast.labels.table import Labels
from podcast.paths import episode_page, page_file, slug_page
from podcast.templating import environment
from podcast.writer import Writer

TEMPLATE = "redirect.html"


def write_redirects(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    redirects: Mapping[str, str],
    writer: Writer,
) -> None:
    """One redirect page per former slug (``redirects``: former slug -> current slug)."""
    if not redirects:
        return
    show = catalog.show
    template = environment(catalog).get_template(TEMPLATE)
    labels = Labels(show.meta.language)
    by_slug = {e.slug: e for e in episodes}
    for old, slug in sorted(redirects.items()):
        episode = by_slug[slug]
        target_url = show.url(episode_page(episode))
        link = Markup('<a href="{0}">{1}</a>').format(target_url, episode.title)
        html = template.render(
            language=show.meta.language,
            labels=labels,
            title=episode.title,
            target_url=target_url,
            text=escape(labels["moved_text"]).format(link=link),
        )
        writer.write_text(page_file(slug_page(old)), html, "redirects")
