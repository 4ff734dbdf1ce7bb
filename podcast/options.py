"""One config path: command-line flags, the environment and show.yaml merged once.

Every command builds its :class:`Options` with :func:`load_options`; the stages
receive that frozen object and never look at flags, ``os.environ`` or
``show.yaml``'s ``publish_to`` themselves.  The precedence, for each setting:

1. the command-line flag (``--to``, ``--endpoint-url``, ``--jobs`` …),
2. the environment (``$PODCAST_BUCKET``; boto3 reads ``$AWS_ENDPOINT_URL`` and
   the credentials itself),
3. show.yaml (``publish_to:``),
4. the default (``public/``, one encode per core).

All option mistakes are collected and reported together, in one abort, as
mkdocs' ``load_config`` does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from podcast.catalog import SHOW_FILE
from podcast.catalog.yamlsource import YamlSource, YamlSyntaxError
from podcast.jobs import default_jobs
from podcast.problems import PodcastError
from podcast.publish import Destination, open_destination
from podcast.publish.local import LocalDestination

DEFAULT_DESTINATION = "public"
BUCKET_VARIABLE = "PODCAST_BUCKET"


class OptionsError(PodcastError):
    """One or more command-line options are wrong; the message lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Options:
    """Everything a command's stages need to know, merged and checked."""

    catalog: Path = Path("episodes")
    build_dir: Path = Path("feed")
    destination: Destination = field(
        default_factory=lambda: LocalDestination(Path(DEFAULT_DESTINATION))
    )
    #: where the destination was named, for messages: "--to", "$PODCAST_BUCKET" …
    destination_source: str = "default"
    strict: bool = False
    jobs: int = field(default_factory=default_jobs)
    quiet: bool = False
    dry_run: bool = False
    prune: bool = False
    break_lock: bool = False
    #: go on although GUIDs of the published feed would be lost (state lost, feed read)
    accept_new_guids: bool = False
    #: the new feed URL of a show moving away: feed.xml's redirect where the destination has one
    redirect_feed_to: str | None = None

    @property
    def cache(self) -> Path:
        """Encoded audio, tags, cards and clips, kept next to the catalog."""
        return self.catalog.parent / ".cache"


def _publish_to(catalog: Path) -> str | None:
    """show.yaml's ``publish_to``, read without validating (validation reports its errors)."""
    try:
        data = YamlSource.read(catalog / SHOW_FILE).data
    except (OSError, YamlSyntaxError):
        return None
    value = data.get("publish_to") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def _destination(catalog: Path, flag: str | None) -> tuple[str, str]:
    if flag:
        return flag, "--to"
    if os.environ.get(BUCKET_VARIABLE):
        return os.environ[BUCKET_VARIABLE], f"${BUCKET_VARIABLE}"
    from_show = _publish_to(catalog)
    if from_show:
        return from_show, f"{catalog / SHOW_FILE}: publish_to"
    return DEFAULT_DESTINATION, "default"


def load_options(
    catalog: Path = Path("episodes"),
    *,
    build_dir: Path = Path("feed"),
    to: str | None = None,
    endpoint_url: str | None = None,
    acl: str | None = None,
    strict: bool = False,
    jobs: int | None = None,
    quiet: bool = False,
    dry_run: bool = False,
    prune: bool = False,
    break_lock: bool = False,
    accept_new_guids: bool = False,
    redirect_feed_to: str | None = None,
) -> Options:
    """The merged, checked options; raises :class:`OptionsError` listing every mistake."""
    spec, source = _destination(catalog, to)
    problems = []
    if jobs is not None and jobs < 1:
        problems.append(f"--jobs must be 1 or more (found {jobs})")
    if redirect_feed_to is not None and not redirect_feed_to.startswith(("https://", "http://")):
        problems.append(
            "--redirect-feed-to: expected the new feed's http(s):// URL, "
            f"found {redirect_feed_to!r}"
        )
    try:
        destination = open_destination(spec, endpoint_url=endpoint_url, acl=acl)
    except PodcastError as error:
        problems.append(f"{source}: {error}" if source != "default" else str(error))
    if problems:
        raise OptionsError(problems)
    return Options(
        catalog=catalog,
        build_dir=build_dir,
        destination=destination,
        destination_source=source,
        strict=strict,
        jobs=jobs or default_jobs(),
        quiet=quiet,
        dry_run=dry_run,
        prune=prune,
        break_lock=break_lock,
        accept_new_guids=accept_new_guids,
        redirect_feed_to=redirect_feed_to,
    )
