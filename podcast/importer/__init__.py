"""``podcast import``: a show published anywhere turned into a catalog folder.

:mod:`.source` reads every page of the feed, which :mod:`.feedread` parses into plain
records (:mod:`.values`: dates, durations, explicit as hosts write them);
:mod:`.fetch` downloads (redirects, retries, resume, size checks); :mod:`.markdown`
turns HTML show notes into Markdown; :mod:`.chapters` reads chapters from the feed, a
JSON file or the MP3, :mod:`.transcripts` picks the transcript, :mod:`.images` fits
artwork to the catalog's rules; :mod:`.mapping` maps the records onto catalog fields
and :mod:`.notes` collects what it cannot map; :mod:`.write` writes the YAML,
:mod:`.files` names the folders and masters, and :mod:`.run` does it all in order.
"""
