"""What an import could not map, collected as it goes and listed at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    """One thing left out or changed: where (``channel`` or an item), which field, why."""

    where: str
    field: str
    why: str
    skipped_episode: bool = False  # the whole item was not imported

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.why}"


@dataclass
class Notes:
    items: list[Note] = field(default_factory=list)

    def add(self, where: str, field_name: str, why: str) -> None:
        self.items.append(Note(where, field_name, why))

    def skip(self, where: str, field_name: str, why: str) -> None:
        self.items.append(Note(where, field_name, why, skipped_episode=True))

    @property
    def skipped_episodes(self) -> list[Note]:
        return [n for n in self.items if n.skipped_episode]


def printable(text: str) -> str:
    """``text`` without control characters a terminal would act on."""
    return re.sub("[\x00-\x1f\x7f-\x9f]", "", text)


def item_label(index: int, title: str) -> str:
    """``item 3 "Title"``, shortened and printable."""
    title = printable(title)
    short = title if len(title) <= 60 else title[:59] + "…"
    return f'item {index} "{short}"'
