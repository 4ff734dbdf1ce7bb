"""``podcast import``: a show published anywhere turned into a catalog folder.

:mod:`.feedread` parses any host's RSS into plain records, :mod:`.fetch` downloads
(retries, resume, size checks), :mod:`.markdown` turns HTML show notes into
Markdown, :mod:`.chapters` reads chapters from the feed, a JSON file or the MP3,
:mod:`.mapping` maps the records onto catalog fields (noting what it cannot map),
:mod:`.write` writes the YAML files and :mod:`.run` does it all in order.
"""
