# The two set-up commands of README.md. Both install any missing Debian package first, so they
# work as root on a fresh bookworm machine; the build itself is CMake + ctest.
SHELL := /bin/bash
JOBS ?= 2
BUILD_PKGS := cmake g++ make libboost-dev libspdlog-dev libfmt-dev libcli11-dev libjemalloc-dev catch2 ccache
TEST_PKGS := $(BUILD_PKGS) clang redis-server redis-tools python3 python3-redis python3-pytest tmux
RELEASE_DIR := build/release
TEST_DIR := build/test
CLANG_DIR := build/clang
CMAKE_COMMON := -DCMAKE_CXX_COMPILER_LAUNCHER=$(shell command -v ccache || true)

.PHONY: run test build release compile-checks bench container-test deps-build deps-test deps-node clean

# Installs only the packages that are missing, so a machine that has them needs no network.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps-build:
	$(call apt_install,$(BUILD_PKGS))

deps-test:
	$(call apt_install,$(TEST_PKGS))

release: deps-build
	cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release -DCARDINAL_TESTS=OFF $(CMAKE_COMMON)
	cmake --build $(RELEASE_DIR) -j$(JOBS)

run: release
	./$(RELEASE_DIR)/cardinal-server --bind 127.0.0.1 --port 6379

build: deps-test
	cmake -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=Debug -DCARDINAL_SANITIZE=ON $(CMAKE_COMMON)
	cmake --build $(TEST_DIR) -j$(JOBS)

# The project must stay warning-free under g++ at -O2 (what `make run` builds) and clang 14,
# so the test run compiles both too; ccache keeps repeated runs cheap.
compile-checks: deps-test release
	CXX=clang++ cmake -S . -B $(CLANG_DIR) -DCMAKE_BUILD_TYPE=Debug $(CMAKE_COMMON)
	cmake --build $(CLANG_DIR) -j$(JOBS)

# The Node.js client libraries of tests/integration/test_node_clients.py (ioredis, node-redis,
# valkey-glide), pinned by tests/clients/package-lock.json (versions that run on bookworm's Node
# 18.19 as well as newer ones). Node and npm come from apt when the
# machine has neither (Debian's nodejs and npm packages); the libraries from npm's registry.
deps-node:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm; }
	@if [ ! -d tests/clients/node_modules ] || [ tests/clients/package-lock.json -nt tests/clients/node_modules ]; then \
	  cd tests/clients && npm ci --no-audit --no-fund && touch node_modules; fi

test: build compile-checks deps-node
	cd $(TEST_DIR) && ctest --output-on-failure -j$(JOBS)

# Benchmarks (not part of `make test`): the Release build, the hash table growth benchmark, then
# issue 6's side-by-side suite against Debian's redis-server (throughput, memory, resize latency,
# SINTER; servers pinned to one CPU, load generators to the other), which writes
# docs/bench/RESULTS.md, results.json and PNG plots. About 20 minutes on 2 cores; run it on an
# otherwise idle machine. BENCH_N sizes the hash table benchmark; BENCH_ARGS go to suite.py
# (e.g. BENCH_ARGS="--quick" or "--only throughput").
BENCH_N ?= 10000000
BENCH_ARGS ?=
BENCH_PKGS := $(TEST_PKGS) python3-matplotlib
bench:
	$(call apt_install,$(BENCH_PKGS))
	cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release -DCARDINAL_TESTS=OFF -DCARDINAL_BENCH=ON $(CMAKE_COMMON)
	cmake --build $(RELEASE_DIR) -j$(JOBS) --target cardinal-server hash_table_bench
	./$(RELEASE_DIR)/bench/hash_table_bench $(BENCH_N)
	/usr/bin/python3 bench/e2e/suite.py --cardinal $(RELEASE_DIR)/cardinal-server $(BENCH_ARGS)

# The container image (Dockerfile) built with buildah and smoke-tested with podman and redis-cli
# (PING, SET/GET/DEL) by the shared container-test.sh, which needs root and installs buildah,
# podman, runc, debootstrap and redis-tools the first time. Two runs, each building the image:
# the image's defaults, then a password (--requirepass, redis-cli authenticating) with the AOF on
# (the non-root user writes /data/appendonlydir). The container
# shares the host network, so CONTAINER_PORT must be free here. The previous image is removed
# before each build, so repeated runs leave one image behind, not one per run.
CONTAINER_TEST ?= $(firstword $(wildcard /work/shared/tools/container-test.sh $(abspath ../shared/tools/container-test.sh)))
CONTAINER_PORT ?= 6399
CONTAINER_IMAGE ?= localhost/cardinal:ci
CONTAINER_PASSWORD := cardinal-ci
define container_run
	@command -v podman >/dev/null && podman rmi -f $(CONTAINER_IMAGE) >/dev/null 2>&1 || true
	$(1) IMAGE=$(CONTAINER_IMAGE) bash $(CONTAINER_TEST) . $(CONTAINER_PORT) -- --port $(CONTAINER_PORT) $(2)
endef
container-test:
	@if [ -z "$(CONTAINER_TEST)" ] || [ ! -f "$(CONTAINER_TEST)" ]; then \
	  echo "container-test.sh not found (looked in /work/shared/tools and ../shared/tools);" \
	       "set CONTAINER_TEST=/path/to/container-test.sh" >&2; exit 1; fi
	$(call container_run,,)
	$(call container_run,REDISCLI_AUTH=$(CONTAINER_PASSWORD),--requirepass $(CONTAINER_PASSWORD) --appendonly yes)

clean:
	rm -rf build
