# The two commands in the README: `make run` and `make test`. Everything else is set up here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: install run demo refresh serve test test-fast browser-deps lint format bench clean \
	vendor-plotly vendor-maplibre snapshot mutation bundle

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/cockpit demo

refresh: install
	$(BIN)/cockpit refresh

serve: install
	$(BIN)/cockpit serve

## Load the embedded demo district and serve the cockpit on http://127.0.0.1:8050.
## `cockpit demo` makes the demo's sign-ins (printed, and kept in data/demo-logins.txt).
run: demo refresh
	@cat data/demo-logins.txt
	$(BIN)/cockpit serve

## Headless Chromium and a CJK font for the browser tests, PostgreSQL for the
## application database's tests, Java for the Spark engine's, Prometheus (promtool) for
## the monitoring's, systemd-analyze for the services', node with faketime for the
## identity provider the sign-in tests run, and iproute2 for the offline install's (Debian
## packages); then the npm packages the tests run: the identity provider (tests/idp) and
## axe-core (tests/a11y), each pinned in its lock.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh | grep -q . \
			|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
			|| ! command -v java >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1 \
			|| ! command -v systemd-analyze >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1 \
			|| ! command -v npm >/dev/null 2>&1 || ! command -v faketime >/dev/null 2>&1 \
			|| ! command -v ip >/dev/null 2>&1; then \
		echo "installing chromium, a CJK font, postgresql, java, prometheus, systemd, node, faketime"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			chromium chromium-driver fonts-wqy-microhei postgresql \
			default-jre-headless >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			prometheus systemd faketime iproute2 >/dev/null && \
		{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }; \
	fi
	@[ -d tests/idp/node_modules/oidc-provider ] || \
		(cd tests/idp && npm ci --silent --no-audit --no-fund)
	@[ -d tests/a11y/node_modules/axe-core ] || \
		(cd tests/a11y && npm ci --silent --no-audit --no-fund)

## Everything (docs/testing.md): the layers' own tests, then pytest on both cores, the
## browser, Spark, PostgreSQL and the soak tests included.
PYTEST_CORES ?= 2
# The suite starts dozens of Python processes (workers, servers, commands): each reads the
# compiled modules the first one wrote instead of compiling them again.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(PYTEST_CORES) --dist worksteal
test: install browser-deps
	$(BIN)/cockpit layers check
	$(PYTEST)

## The edit loop: all but the browser, Spark, soak, flows and slow tests (about two minutes).
test-fast: install browser-deps
	$(PYTEST) -m "not browser and not spark and not soak and not flows and not slow"

## Rewrite tests/snapshots/values.txt from a fresh demo, after an intended change to a
## figure; review the diff and commit it. The tests only ever compare against it.
snapshot: install
	$(BIN)/python -m tests.snapshots.values

## Mutation testing of the roll-up engine and the extract checks (about an hour; not part
## of `make test`). Writes its table into docs/testing.md.
mutation: install
	$(BIN)/python -m tests.mutation

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Everything measured (about an hour). The city's warehouse is built under $(BENCH_CITY)
## (about 15 GB), used by the load test and removed at the end; bench.report writes the
## figures against their targets into docs/PERFORMANCE.md.
BENCH_CITY ?= $(or $(COCKPIT_BENCH_TMP),/tmp)/cockpit-bench-city
bench: install browser-deps
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench
	$(BIN)/python -m bench.hotline
	$(BIN)/python -m bench.render
	$(BIN)/python -m bench.scene3d
	$(BIN)/python -m bench.phone
	cd bench/lighthouse && npm ci --silent --no-audit --no-fund
	$(BIN)/python -m bench.lighthouse
	$(BIN)/python -m bench.spark
	$(BIN)/python -m bench.pull
	rm -rf $(BENCH_CITY)
	$(BIN)/python -m bench.city_scale --keep $(BENCH_CITY)
	$(BIN)/python -m bench.load $(BENCH_CITY)
	$(BIN)/python -m bench.load $(BENCH_CITY) --users 500 --seconds 60 --name load500
	$(BIN)/python -m bench.api_load $(BENCH_CITY)
	rm -rf $(BENCH_CITY)
	$(BIN)/python -m bench.report

## One archive that installs the cockpit with no network (docs/operators.md, "Installing
## offline"): dist/cockpit-offline-<version>-linux-x86_64.tar.gz.
bundle: install
	packaging/bundle.sh $(BIN)/python dist

clean:
	rm -rf $(VENV) data/inbox data/archive data/warehouse .pytest_cache
	@echo "kept data/app.db (accounts, audit log) and data/secret.key: remove them by hand"

## plotly.js's map bundle, the version the installed plotly package bundles (needs npm).
## MapLibre GL JS for the 3D scene (dashboard/assets/vendor/maplibre/README.md): the npm
## package's own built files, at the version named here.
MAPLIBRE_VERSION ?= 5.24.1
vendor-maplibre:
	@tmp=$$(mktemp -d); cd $$tmp && npm pack --silent maplibre-gl@$(MAPLIBRE_VERSION) >/dev/null && \
	tar -xzf maplibre-gl-$(MAPLIBRE_VERSION).tgz package/dist/maplibre-gl.js \
	  package/dist/maplibre-gl.css package/LICENSE.txt && \
	cp package/dist/maplibre-gl.js package/dist/maplibre-gl.css $(CURDIR)/dashboard/assets/vendor/maplibre/ && \
	cp package/LICENSE.txt $(CURDIR)/dashboard/assets/vendor/maplibre/maplibre-gl-LICENSE.txt && \
	echo "vendored maplibre-gl $(MAPLIBRE_VERSION)"; rm -rf $$tmp

vendor-plotly: install
	@version=$$($(BIN)/python -c "from plotly.offline import get_plotlyjs_version as v; print(v())"); \
	tmp=$$(mktemp -d); cd $$tmp && npm pack --silent plotly.js@$$version >/dev/null && \
	tar -xzf plotly.js-$$version.tgz package/dist/plotly-map.min.js package/LICENSE && \
	cp package/dist/plotly-map.min.js $(CURDIR)/dashboard/assets/vendor/plotly-map.min.js && \
	cp package/LICENSE $(CURDIR)/dashboard/assets/vendor/plotly.js-LICENSE && \
	echo "vendored plotly.js $$version map bundle"; rm -rf $$tmp
