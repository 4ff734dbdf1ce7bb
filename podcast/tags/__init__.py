"""The tags stage: ID3 tags, cover art and chapters written into the published MP3s.

:mod:`.id3` is the one door to mutagen: every frame any output writes goes
through its :class:`~podcast.tags.id3.Id3`, whose errors name the file.
"""

from podcast.tags.id3 import TagError, tag_all

__all__ = ["TagError", "tag_all"]
