#!/bin/bash
# The image's entry point. Arguments after the image name are cardinal-server's, as with
# redis-server in the official redis image: options (`--requirepass x`), a config file first
# (`/etc/cardinal/redis.conf --port 7000`), or `cardinal-server ...`. Anything else runs as a
# command (`bash`).
#
# Like the official image, the server listens on all interfaces with protected mode off: inside
# a container a client arrives from the bridge's gateway, not from loopback, so protected mode
# would refuse even `docker run -p 6379:6379` users on the same host, and publishing the port is
# already the explicit decision to expose it. A config file that sets bind or protected-mode
# itself wins, and so does any option on the command line (later directives override).
set -e

if [ $# -eq 0 ] || [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ] || [ -f "$1" ]; then
  set -- cardinal-server "$@"
fi
if [ "$1" != cardinal-server ]; then
  exec "$@"
fi
shift

conf=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  conf=("$1")
  shift
fi
# True when the config file sets directive $1 (include files are not followed).
conf_sets() {
  [ ${#conf[@]} -eq 1 ] && grep -qiE "^[[:space:]]*$1([[:space:]]|\$)" "${conf[0]}" 2>/dev/null
}
defaults=()
conf_sets bind || defaults+=(--bind '*' '-::*')
conf_sets protected-mode || defaults+=(--protected-mode no)

exec cardinal-server "${conf[@]}" "${defaults[@]}" "$@"
