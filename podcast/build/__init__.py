"""The build stage: the catalog turned into the build folder, one straight line of stages.

:mod:`.pipeline` runs the stages in order, :mod:`.identity` keeps GUIDs and audio
URLs stable across builds (the published state), and :mod:`.placement` puts each
episode's media into the build.
"""

from podcast.build.pipeline import BuildOptions, BuildResult, build, validate

__all__ = ["BuildOptions", "BuildResult", "build", "validate"]
