"""The publish stage: copy a finished build to a folder or an S3 bucket, never half-way.

:mod:`.destination` says what a destination is, :mod:`.local` and :mod:`.s3`
are the two kinds, :mod:`.plan` compares the build with what is published,
:mod:`.lock` keeps publishes one at a time, and :mod:`.run` carries a plan out
in the order that keeps the published feed valid at every moment.
"""

from podcast.publish.destination import Destination, PublishReport, UploadProgress
from podcast.publish.run import open_destination, publish

__all__ = ["Destination", "PublishReport", "UploadProgress", "open_destination", "publish"]
