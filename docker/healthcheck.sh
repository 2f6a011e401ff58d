#!/bin/bash
# The image's HEALTHCHECK: healthy when the server answers a PING on loopback, with PONG or, when
# a password is set, with NOAUTH (it answered all the same). bash's /dev/tcp does the talking, so
# the image needs no redis-cli. The port is the server's (PID 1's): the last `--port N` on its
# command line, else the last `port` line of its config file (include files are not followed),
# else 6379.
args=()
while IFS= read -r -d '' arg; do args+=("$arg"); done </proc/1/cmdline
port=6379
conf=${args[1]:-}
if [ -n "$conf" ] && [ "${conf#-}" = "$conf" ] && [ -r "$conf" ]; then
  while read -r key value _; do
    [ "${key,,}" = port ] && port=$value
  done <"$conf"
fi
for ((i = 1; i + 1 < ${#args[@]}; i++)); do
  [ "${args[i]}" = --port ] && port=${args[i + 1]}
done

exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || exit 1
printf 'PING\r\n' >&3
IFS= read -r -t 3 reply <&3 || exit 1
case $reply in
  +PONG* | -NOAUTH*) exit 0 ;;
esac
exit 1
