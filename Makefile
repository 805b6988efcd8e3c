# The two commands of the README:
#   make demo   install what is missing, build, import the real lists, serve
#   make test   install what is missing, build, run every test (CI runs this)
# Everything else here is a step of those two.

SHELL := /bin/bash
DATA_DIR ?= $(abspath ../shared/data)
DB ?= var/demo.db
PORT ?= 8080
JOBS ?= 2
RIFUGIO := build/release/src/cli/rifugio

# Debian 12 packages the build, the tests and the demo need.
PACKAGES := build-essential cmake ninja-build pkg-config git \
  libgdal-dev gdal-bin libsqlite3-dev libboost-dev zlib1g-dev libsodium-dev \
  libfmt-dev nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev \
  libgeographiclib-dev time \
  libosmium2-dev libprotozero-dev libbz2-dev libexpat1-dev \
  postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting osm2pgrouting osmium-tool tilemaker \
  chromium
# Node.js and npm: Debian's packages only when no node is installed already.
NODE_PACKAGES := nodejs npm

.PHONY: deps web build build-asan test test-release test-asan demo import-demo bench clean

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing $(NODE_PACKAGES)"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# npm install, not npm ci: npm 11 drops other platforms' optional packages
	@# (rollup, esbuild) from the lock file and npm ci then refuses it; install
	@# still keeps exactly the locked versions.
	@cd web && npm install --no-audit --no-fund --loglevel=error

web: deps
	npm run --silent --prefix web build

build: deps web
	cmake --preset release -DRIFUGIO_DATA_DIR=$(DATA_DIR) >/dev/null
	cmake --build --preset release -j $(JOBS)

build-asan: deps
	cmake --preset asan -DRIFUGIO_DATA_DIR=$(DATA_DIR) >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-release: build
	ctest --preset release
	tools/web-test.sh

test-asan: build-asan
	ctest --preset asan

test: test-release test-asan
	@echo "all tests passed"

# The newest complete list of each country. Re-running is idempotent.
DEMO_MAPPINGS := se-msb-2018 no-dsb-2026 il-jerusalem-2025-09 tw-npa-keelung tw-npa-lienchiang ua-kyiv-2025

import-demo: build
	@mkdir -p $(dir $(DB))
	@if [ -d "$(DATA_DIR)" ]; then \
	  $(RIFUGIO) --db $(DB) import -q --data-dir $(DATA_DIR) $(addprefix mappings/,$(addsuffix .json,$(DEMO_MAPPINGS))); \
	else \
	  echo "No data folder at $(DATA_DIR) (set DATA_DIR=...): starting with a GENERATED SAMPLE, not real shelters."; \
	  tools/demo-sample.sh $(DB); \
	fi

# Walking routes and the base map of east Oslo (the demo's street-level extract).
GRAPH := var/oslo.graph
TILES := var/oslo.mbtiles
OSM_EXTRACT := $(DATA_DIR)/osm-oslo/oslo-east-2019-10.osm.pbf

demo: import-demo
	@if [ -f "$(OSM_EXTRACT)" ] && [ ! -f "$(GRAPH)" ]; then $(RIFUGIO) graph build -q "$(OSM_EXTRACT)" -o $(GRAPH); fi
	@if [ -f "$(OSM_EXTRACT)" ] && [ ! -f "$(TILES)" ]; then \
	  if command -v tilemaker >/dev/null; then $(RIFUGIO) tiles build "$(OSM_EXTRACT)" -o $(TILES); \
	  else echo "tilemaker is missing (apt-get install -y tilemaker): the map shows country outlines only"; fi; fi
	@echo "Rifugio on http://127.0.0.1:$(PORT)/  (register: $(DB); stop with Ctrl-C)"
	@echo "Staff page: http://127.0.0.1:$(PORT)/admin  (an account first: $(RIFUGIO) --db $(DB) user add NAME --role admin --password-stdin)"
	$(RIFUGIO) --db $(DB) serve --port $(PORT) --static web/dist $$([ -f $(GRAPH) ] && echo --graph $(GRAPH)) $$([ -f $(TILES) ] && echo --tiles $(TILES))

bench: build
	bench/run.sh

clean:
	rm -rf build var
