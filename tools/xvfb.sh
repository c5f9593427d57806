#!/usr/bin/env bash
# Runs one command under a private Xvfb server and exits with the command's exit code.
#   tools/xvfb.sh [-s "SERVER ARGS"] COMMAND [ARGS...]     (default server args: -screen 0 1600x1000x24)
# Why not xvfb-run -a: it picks a display by probing for a free lock file and then starts the server,
# so two runs starting together can pick the same number; and it removes an auth directory at exit
# whose failure ("problem while cleaning up temporary directory", exit 5) replaced the command's
# exit code and added a line of error output (seen on CI under load). Here the server itself picks
# a free display (-displayfd: it binds first, then reports the number), no auth file is written
# (the socket is local only: -nolisten tcp), and only the command's own exit code comes out.
# XVFB_LOG=FILE keeps the server's messages (discarded by default).
set -u
usage() { echo "xvfb.sh: usage: xvfb.sh [-s \"SERVER ARGS\"] COMMAND [ARGS...]" >&2; exit 2; }
server_args="-screen 0 1600x1000x24"
if [ "${1:-}" = "-s" ]; then
    [ $# -ge 3 ] || usage
    server_args=$2
    shift 2
fi
[ $# -ge 1 ] || usage
command -v Xvfb >/dev/null || { echo "xvfb.sh: Xvfb not found (apt-get install xvfb)" >&2; exit 127; }

# The server writes its display number and a newline to fd 1 (the coprocess pipe) once it listens.
# shellcheck disable=SC2086
coproc XVFB_PROC { exec Xvfb -displayfd 1 -nolisten tcp $server_args 2>>"${XVFB_LOG:-/dev/null}"; }
xvfb_pid=$XVFB_PROC_PID
stop_server() {
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
}
trap stop_server EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

num=""
read -r -t 60 -u "${XVFB_PROC[0]}" num
if ! [[ "$num" =~ ^[0-9]+$ ]]; then
    echo "xvfb.sh: Xvfb did not start within 60 s (server args: $server_args; set XVFB_LOG=FILE to see why)" >&2
    exit 1
fi
eval "exec ${XVFB_PROC[1]}>&-"   # the server's stdin: not the command's business
DISPLAY=":$num" "$@"
exit $?
