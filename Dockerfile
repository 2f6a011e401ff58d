# cardinal container image: a Release build on Debian bookworm, run as a non-root user.
#
#   docker build -t cardinal .
#   docker run --rm -p 6379:6379 cardinal
#   docker run --rm -p 6379:6379 -v "$PWD/redis.conf:/etc/cardinal/redis.conf:ro" \
#       cardinal /etc/cardinal/redis.conf --bind 0.0.0.0
#
# Arguments after the image name replace CMD. cardinal-server takes an optional config file as
# its first argument, then --directive value pairs, like redis-server.

############################## stage 1: build ##############################
FROM debian:bookworm-slim AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make libboost-dev libspdlog-dev libfmt-dev libcli11-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what the server build needs; the tests are not built here (CARDINAL_TESTS=OFF).
COPY CMakeLists.txt ./
COPY include/ include/
COPY src/ src/

RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCARDINAL_TESTS=OFF \
 && cmake --build build -j"$(nproc)" \
 && strip build/cardinal-server

############################# stage 2: runtime #############################
FROM debian:bookworm-slim

# Shared libraries the binary links against (ldd): spdlog and fmt, plus the C++ runtime, which
# the base image already has. Boost.Asio and CLI11 are header-only, so neither is needed here.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libspdlog1.10 libfmt9 libstdc++6 \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system cardinal \
 && useradd --system --gid cardinal --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin cardinal \
 && mkdir -p /data \
 && chown cardinal:cardinal /data

COPY --from=build /src/build/cardinal-server /usr/local/bin/cardinal-server

# The working directory is the server's default 'dir'. cardinal does not persist data yet
# (save/appendonly are accepted but nothing is written), so /data stays empty for now; it is
# declared so a future RDB/AOF lands on a volume.
WORKDIR /data
VOLUME /data
USER cardinal
EXPOSE 6379

# Exec form, so cardinal-server is PID 1 and receives `docker stop`'s SIGTERM, on which it
# shuts down cleanly.
ENTRYPOINT ["cardinal-server"]
# Inside a container the default bind (127.0.0.1 -::1) would be unreachable, so listen on
# all IPv4 interfaces. "--protected-mode no" matches what a Redis image needs for the same
# setup; in cardinal, protected-mode is accepted but NOT implemented yet, so it has no effect
# either way. Nothing stops remote clients: set --requirepass, or publish the port only where
# it is safe.
CMD ["--bind", "0.0.0.0", "--protected-mode", "no"]
