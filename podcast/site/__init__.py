"""The site stage: show-notes pages (index, seasons, episodes, quotes) from Jinja2 templates.

:mod:`.pages` renders every page; the templates and the shared Jinja2
environment are in :mod:`podcast.templating`.
"""

from podcast.site.pages import render_site

__all__ = ["render_site"]
