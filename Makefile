# Serverless Facts: every developer command. `make test` and `make demo` bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help venv test lint typecheck unit bench demo serve chat clean validate build lock browser

help:
	@echo "make demo | test | bench | serve [VERIFY=1] | chat [URL=...] | build | validate | lock | clean"

# Exactly what requirements-dev.txt pins, with hashes (tools, the Lambda's dependencies at the
# versions skill/requirements.txt ships, the build backend); then the project itself, editable,
# built by the pinned backend (no build isolation, so nothing unpinned is downloaded).
$(STAMP): pyproject.toml requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=...)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation -e .
	$(BIN)/python -m pip check --disable-pip-version-check
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) browser
	$(BIN)/pytest -q

test: lint typecheck unit

# Debian's chromium and chromium-driver for the console's browser tests (tests/browser/),
# installed here when missing and possible (root, apt); without them those tests are skipped
# unless BROWSER_TESTS=required (CI).
browser:
	@{ test -x /usr/bin/chromium && test -x /usr/bin/chromedriver; } || \
		{ command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		chromium chromium-driver; } >/dev/null 2>&1; } || \
		echo "could not install chromium: the browser tests will be skipped"

# wrk (Debian's package) drives the endpoint benchmark; installed here when missing and possible.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null 2>&1; } || \
		echo "could not install wrk: the endpoint benchmark will be skipped"
	$(BIN)/python -m tests.benchmarks

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

# The local stack, kept up until Ctrl-C. VERIFY=1 turns Alexa request verification on (tunnels);
# then AUDIO_URL=https://... is the public copy of the audio a real device can fetch.
serve: $(STAMP)
	$(BIN)/python scripts/stack.py $(if $(VERIFY),--verify) $(if $(PORT),--port $(PORT)) \
		$(if $(AUDIO_URL),--audio-base-url $(AUDIO_URL))

# Type what you would say. URL=http://127.0.0.1:3000/ talks to `make serve`; ARGS for more.
chat: $(STAMP)
	$(BIN)/python scripts/chat.py $(if $(URL),--url $(URL)) $(ARGS)

validate: $(STAMP)
	SAM_CLI_TELEMETRY=0 $(BIN)/sam validate --lint

build: $(STAMP)
	PYTHON=$(abspath $(BIN)/python) SAM_CLI_TELEMETRY=0 $(BIN)/sam build

# Re-resolve both locks to the newest releases pyproject.toml and skill/requirements.in allow:
# the tools for Python 3.11+ on any platform, and the Lambda's dependencies for its platform
# (Python 3.13, arm64) at the same versions. Review the diff, run make test, commit both.
lock: $(STAMP)
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --upgrade -o requirements-dev.txt
	$(BIN)/uv pip compile --quiet skill/requirements.in --python-version 3.13 \
		--python-platform aarch64-manylinux_2_17 --generate-hashes -c requirements-dev.txt \
		-o skill/requirements.txt

clean:
	rm -rf $(VENV) .aws-sam build .mypy_cache .ruff_cache .hypothesis
