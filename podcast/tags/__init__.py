"""The tags stage: ID3 tags, cover art and chapters written into the published MP3s.

:mod:`.mutagen_door` is the one door to mutagen: every frame any output writes (the
episodes' tags in :mod:`.id3`, the soundbite clips' in :mod:`podcast.quotes.clips`)
goes through its :class:`~podcast.tags.mutagen_door.Id3`, whose errors name the file.
"""

from podcast.tags.id3 import tag_all
from podcast.tags.mutagen_door import TagError

__all__ = ["TagError", "tag_all"]
