# Two commands on a fresh machine: `make publish` and `make test`.
# The virtualenv is created and filled here; nothing needs installing by hand.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: publish build validate test lint serve clean browser

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

## test: lint and run the whole test suite
test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

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
