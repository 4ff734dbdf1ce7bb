"""The feed stage: ``feed.xml`` (RSS 2.0 with iTunes, Podcasting 2.0 and psc) and chapters JSON.

:mod:`.rss` renders the feed; :mod:`.ext` holds one feedgen extension per
namespace (``itunes``, ``podcast``, ``psc``).
"""

from podcast.feed.media import EpisodeMedia
from podcast.feed.rss import chapters_json, render_feed

__all__ = ["EpisodeMedia", "chapters_json", "render_feed"]
