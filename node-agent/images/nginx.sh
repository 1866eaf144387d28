#!/bin/sh
# A stand-in for nginx in Troupe's local images: busybox httpd serving /usr/share/nginx/html on
# port 80 in the foreground. It stops with exit 0 on SIGTERM, SIGQUIT or SIGINT (busybox httpd as
# PID 1 would ignore SIGTERM) and understands the nginx commands tests and hooks use:
#   nginx [-g 'daemon off;']   serve (the image's CMD)
#   nginx -s quit|stop         ask the running server to stop (graceful / fast: both exit 0)
#   nginx -s reload|reopen     accepted, nothing to do
#   nginx -v | -V              print the version to stderr, as nginx does
#   nginx -t                   "configuration test is successful"
PIDFILE=/run/nginx.pid
case "$1" in
  -s)
    case "$2" in
      quit|stop)
        [ -f "$PIDFILE" ] || { echo "nginx: [error] open() \"$PIDFILE\" failed (2: No such file or directory)" >&2; exit 1; }
        kill -QUIT "$(cat "$PIDFILE")"
        exit $? ;;
      reload|reopen) exit 0 ;;
      *) echo "nginx: invalid option: \"-s $2\"" >&2; exit 1 ;;
    esac ;;
  -v|-V) echo "nginx version: nginx/${NGINX_VERSION:-unknown}" >&2; exit 0 ;;
  -t) echo "nginx: configuration file /etc/nginx/nginx.conf test is successful" >&2; exit 0 ;;
esac
mkdir -p /run
echo $$ > "$PIDFILE"
httpd -f -p 80 -h /usr/share/nginx/html &
child=$!
stop() {
  kill "$child" 2>/dev/null
  wait "$child" 2>/dev/null
  rm -f "$PIDFILE"
  exit 0
}
trap stop TERM QUIT INT
# wait returns early when a trapped signal arrives; loop while httpd lives.
while kill -0 "$child" 2>/dev/null; do
  wait "$child"
done
rm -f "$PIDFILE"
exit 1
