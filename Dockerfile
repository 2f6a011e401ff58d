# cardinal container image: a Release build on Debian bookworm, run as a non-root user.
#
#   docker build -t cardinal .
#   docker run --rm -p 6379:6379 cardinal                      # then: redis-cli PING
#   docker run --rm -p 6379:6379 cardinal --requirepass secret
#   docker run --rm -p 6379:6379 -v "$PWD/redis.conf:/etc/cardinal/redis.conf:ro" \
#       cardinal /etc/cardinal/redis.conf
#
# Arguments after the image name go to cardinal-server (docker/entrypoint.sh): options, or a
# config file first and then options, as redis-server takes them.
#
# Protected mode: cardinal implements it as Redis 7.0 does (with protected-mode yes and no
# password, only clients on 127.0.0.1, ::1 or a unix socket are let in), and its default is yes.
# The official redis image turns it off (docker-library/redis builds Redis with protected-mode
# defaulting to no: ports are only exposed when published with -p/-P) and Redis's built-in bind
# is every interface. This image does the same by starting the server with
# `--bind * -::* --protected-mode no` (cardinal's built-in bind is loopback only): behind
# `docker run -p` a client arrives from the bridge's gateway, never from loopback, so protected
# mode would shut out every client. Set a password (`--requirepass`) before publishing the port
# beyond this host, or pass `--protected-mode yes` for the stand-alone behaviour. A config file
# that sets bind or protected-mode keeps its own values.

############################## stage 1: build ##############################
FROM debian:bookworm-slim AS build

# The Makefile's build packages minus the test-only ones. libjemalloc-dev matters: a Release build
# links jemalloc (CMake's CARDINAL_JEMALLOC defaults to ON outside sanitizer builds).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make libboost-dev libspdlog-dev libfmt-dev libcli11-dev libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what the server build needs; the tests are not built here (CARDINAL_TESTS=OFF).
COPY CMakeLists.txt ./
COPY include/ include/
COPY src/ src/

RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCARDINAL_TESTS=OFF \
 && cmake --build build -j"$(nproc)" --target cardinal-server \
 && strip build/cardinal-server

############################# stage 2: runtime #############################
FROM debian:bookworm-slim

# The shared libraries `ldd cardinal-server` lists beyond glibc: spdlog, fmt, jemalloc and the
# C++ runtime (already in the base image; named so it stays). Boost.Asio and CLI11 are
# header-only. bash, which the entry point and the health check use, is part of the base image.
# apt-get clean drops the downloaded .debs and apt's caches, which a base image without the
# official one's docker-clean hook would otherwise keep (~80 MB).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libspdlog1.10 libfmt9 libjemalloc2 libstdc++6 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system cardinal \
 && useradd --system --gid cardinal --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin cardinal \
 && mkdir -p /data \
 && chown cardinal:cardinal /data

COPY --from=build /src/build/cardinal-server /usr/local/bin/cardinal-server
COPY docker/entrypoint.sh /usr/local/bin/cardinal-entrypoint
COPY docker/healthcheck.sh /usr/local/bin/cardinal-healthcheck

# The working directory is the server's default 'dir': the RDB dump (dump.rdb) is loaded from
# /data at startup and written there by SAVE, BGSAVE, the default save points and when the
# container stops (docker stop sends SIGTERM); with --appendonly yes the AOF directory
# (/data/appendonlydir) is kept there instead. Mount a volume to keep them across containers.
WORKDIR /data
VOLUME /data
USER cardinal
EXPOSE 6379

# PING over loopback with bash's /dev/tcp; PONG or NOAUTH (a password is set) count as healthy.
# OCI images have no HEALTHCHECK: buildah/podman keep it only with `--format docker`.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/cardinal-healthcheck"]

# Exec form, and the entry point execs the server: cardinal-server is PID 1 and receives
# `docker stop`'s SIGTERM, on which it shuts down cleanly.
ENTRYPOINT ["/usr/local/bin/cardinal-entrypoint"]
CMD []
