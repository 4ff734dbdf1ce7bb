# Two commands on a fresh machine: `make publish` and `make test`.
# The virtualenv is created and filled here; nothing needs installing by hand.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: publish build validate test lint serve clean browser ffmpeg audio-tests-wheel-ffmpeg

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

## publish: validate, build and publish the catalog in episodes/ (to public/ unless a bucket is set)
publish: $(STAMP)
	$(BIN)/podcast publish

build: $(STAMP)
	$(BIN)/podcast build

validate: $(STAMP)
	$(BIN)/podcast validate

## test: lint, type-check and run the whole test suite (with the system's ffmpeg when there is one),
## then the audio tests once more with the imageio-ffmpeg wheel's binary
test: $(STAMP) browser ffmpeg
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q
	@$(MAKE) --no-print-directory audio-tests-wheel-ffmpeg

## ffmpeg: Debian's ffmpeg, so that the tests run against a distribution's LAME too
ffmpeg:
	@command -v ffmpeg >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null) \
	      || echo "ffmpeg could not be installed: the tests use the wheel's ffmpeg only"; \
	  else echo "no system ffmpeg and not root: the tests use the wheel's ffmpeg only"; fi; }

# the suite above ran with the system's ffmpeg (PATH): the audio tests again with the wheel's
audio-tests-wheel-ffmpeg: $(STAMP)
	@wheel="$$($(BIN)/python -c 'import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())')"; \
	if command -v ffmpeg >/dev/null 2>&1 && [ -z "$$PODCAST_FFMPEG" ]; then \
	  echo "audio tests with PODCAST_FFMPEG=$$wheel"; \
	  PODCAST_FFMPEG="$$wheel" $(BIN)/python -m pytest -q tests/audio; \
	else echo "one ffmpeg only ($${PODCAST_FFMPEG:-$$wheel}): the audio tests ran with it above"; fi

## browser: Debian's Chromium for the page tests, installed when we may (root, apt)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "chromium not installed and not root: browser tests will be skipped"; fi; }

serve: $(STAMP)
	$(BIN)/podcast serve --lan

clean:
	rm -rf feed public .cache .pytest_cache
