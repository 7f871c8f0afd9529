# The two commands: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
CONFIG ?= config.yaml

.PHONY: run test lint install clean docs clients node-tools bench bench-scale bench-compare bench-tracing profile test-tools fuzz chaos docs-examples vendor-swagger-ui vendor-htmx screenshots soak

$(STAMP): pyproject.toml
	@echo "== setting up $(VENV): the gateway and its test tools (about a minute, once)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -e '.[dev]'
	@touch $(STAMP)
	@echo "== $(VENV) ready"

install: $(STAMP)

# The default config is served from a copy under .gateway/ (ignored by git), so the
# admin API's writes never change the committed config.yaml; the copy is refreshed
# whenever config.yaml is newer. Any other CONFIG is served as it is.
SERVED := $(if $(filter config.yaml,$(CONFIG)),.gateway/config.yaml,$(CONFIG))

.gateway/config.yaml: config.yaml
	@mkdir -p .gateway
	cp config.yaml $@
	@echo "== serving $@, a copy of config.yaml: admin API writes go to the copy"

run: $(STAMP) $(SERVED)
	$(BIN)/gateway serve --config $(SERVED) --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check gateway adapters schemas kernel tests bench docs
	$(BIN)/ruff format --check gateway adapters schemas kernel tests bench docs
	$(BIN)/mypy

# Two workers, one test file each at a time (pytest-xdist): most of the suite's time is
# spent waiting on the servers and gateways it starts. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
test: $(STAMP) lint test-tools node-tools
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The OpenAPI linters (@redocly/cli, @stoplight/spectral-cli) and the TypeScript client's
# tools (openapi-typescript, openapi-fetch, tsc), pinned by clients/package-lock.json:
# npm ci only when clients/node_modules is missing or older than the lock file.
NODE_TOOLS := clients/node_modules/.installed
$(NODE_TOOLS): clients/package-lock.json
	cd clients && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-tools: $(NODE_TOOLS)

# The typed clients (clients/python, clients/typescript) and the document they come from
# (clients/openapi.json), generated from the default config's /openapi.json; commit them
# (tests/test_clients.py fails when they are stale). docs/clients.md says more.
clients: $(STAMP) $(NODE_TOOLS)
	$(BIN)/python -m tests.clients

# Debian packages the tests use for real, as command:package: redis-server (the state
# store, also as a cluster) and redis-sentinel (Sentinel in front of it), curl and jq (the curl tours, run line by line), chromium and its driver
# (the docs page and the admin console in a headless browser), promtool (the metrics
# lint), haproxy (a real balancer in front of draining gateways), systemd-analyze (the
# deploy kit's unit), wrk (the benchmark's end-to-end test). Installed when missing and root; otherwise the command to install
# them is printed.
TEST_TOOLS := redis-server:redis-server redis-sentinel:redis-sentinel curl:curl jq:jq chromium:chromium chromedriver:chromium-driver promtool:prometheus haproxy:haproxy systemd-analyze:systemd wrk:wrk

test-tools:
	@missing=""; for pair in $(TEST_TOOLS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "== installing Debian packages the tests use:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "the tests need Debian packages:$$missing. Install them with 'sudo apt-get install$$missing', then run make test again" >&2; \
	    exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) build site *.egg-info .mypy_cache .ruff_cache

# The docs site (mkdocs.yml, MkDocs Material) into site/, strictly: a broken link or
# anchor fails it (tests/test_docs_site.py runs the same build in make test). The
# configuration reference is generated from the config models first (commit it:
# tests/test_config_reference.py fails when it is stale). The gateway serves the site at
# /docs/guide/; open site/index.html without one.
docs: $(STAMP)
	$(BIN)/python -m gateway.config.reference
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# schemathesis against a served gateway, 200 examples per operation, and 1,000 generated
# admin config edits (make test runs 100) (minutes, not in CI).
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz
	CONFIG_EXAMPLES=1000 $(BIN)/python -m pytest tests/test_config_property.py

# The adversarial scenarios of issue 28 replayed against real processes (crash after
# write, receiver bombs, burst, Redis restart without persistence, full disk on a tmpfs
# when root), with duplicates and losses per scenario counted from the upstream; exits 1
# if any promise breaks (about 2 minutes, not in make test; needs redis-server).
# REPORT=file also writes the table there.
chaos: $(STAMP)
	$(BIN)/python -m tests.chaos $(if $(REPORT),--report $(REPORT))

# The failover soak (tests/soak.py): three gateways behind a real HAProxy over Redis under
# steady mixed load through kill -9, a drain and the Redis topology's own fault; prints a
# table per fault and fails on a duplicate write, an event missing or repeated, or a
# delivery lost (minutes each, not in CI; make test runs a short one).
# TOPOLOGY=standalone|sentinel|cluster, or all (the default: each in turn).
TOPOLOGY ?= all
soak: $(STAMP) test-tools
	$(BIN)/python -m tests.soak --topology $(TOPOLOGY)

# The OpenAPI examples, recorded from the sandbox simulators' answers (commit the file;
# tests/test_openapi.py fails when it is stale).
docs-examples: $(STAMP)
	$(BIN)/python -m tests.examples

# Swagger UI for /docs, vendored unmodified from npm's swagger-ui-dist (needs npm).
SWAGGER_UI ?= 5.35.0
vendor-swagger-ui:
	rm -rf build/swagger-ui && mkdir -p build/swagger-ui
	cd build/swagger-ui && npm pack --silent swagger-ui-dist@$(SWAGGER_UI) && tar xzf swagger-ui-dist-$(SWAGGER_UI).tgz
	cp build/swagger-ui/package/swagger-ui-bundle.js build/swagger-ui/package/swagger-ui-bundle.js.LICENSE.txt \
	  build/swagger-ui/package/swagger-ui.css build/swagger-ui/package/LICENSE build/swagger-ui/package/NOTICE \
	  gateway/static/swagger-ui/
	echo "swagger-ui-dist $(SWAGGER_UI) (npm), unmodified: make vendor-swagger-ui" > gateway/static/swagger-ui/VERSION


# htmx, the console's only script (refreshes parts of a page without a reload), vendored
# unmodified from npm with its licence (Zero-Clause BSD).
HTMX ?= 2.0.11
vendor-htmx:
	rm -rf build/htmx && mkdir -p build/htmx
	cd build/htmx && npm pack --silent htmx.org@$(HTMX) && tar xzf htmx.org-$(HTMX).tgz
	cp build/htmx/package/dist/htmx.min.js build/htmx/package/LICENSE gateway/static/htmx/
	echo "htmx.org $(HTMX) (npm), unmodified: make vendor-htmx" > gateway/static/htmx/VERSION

# The console's pages in headless chromium, saved as docs/images/console-*.png (about
# 30 s; the images are committed, docs/console.md shows them).
screenshots: $(STAMP) test-tools
	$(BIN)/python -m tests.console_screenshots docs/images

# Gateway vs direct upstream and the floor, side by side, median of 3 (about 6 minutes),
# then the gateway on standalone Redis, Sentinel and Cluster side by side (bench/topologies.py,
# about 2 minutes); PART=topologies runs only that part, PART=main only the first (installs
# wrk and redis-server from Debian if missing).
PART ?= all
bench: $(STAMP)
	$(BIN)/python -m bench.run --part $(PART)

# Growth (bench/scale.py): the poller's CPU per record and memory, an emulated filter over
# the whole list and fan-out at 1k, 10k and 100k customers, /v1/events with 10^4..10^6
# events kept; prints the tables and slopes and puts them in bench/results.md (a few
# minutes; needs redis-server, installed from Debian if missing).
bench-scale: $(STAMP)
	$(BIN)/python -m bench.scale --write

# This commit's gateway beside BASE's (a git worktree), miss and hit CPU per request side by
# side in one run (bench/compare.py; about 2 minutes): make bench-compare BASE=adb64c0.
bench-compare: $(STAMP)
	$(BIN)/python -m bench.compare --base $(BASE)

# Tracing's cost on the miss path: before it was written, off, on (spans only), on with
# OTLP export to a local sink; CPU per request side by side (about 3 minutes).
bench-tracing: $(STAMP)
	$(BIN)/python -m bench.tracing

# Where a cache miss spends the gateway's CPU (py-spy under wrk); READ=single or list,
# STATE=local (default), redis, redis-sentinel or redis-cluster; TRACING=off, on (always-on
# sampler, not exported) or otlp (exported to a local sink).
READ ?= single
STATE ?= local
TRACING ?= off
profile: $(STAMP)
	$(BIN)/python -m bench.profile --read $(READ) --state $(STATE) --tracing $(TRACING)
