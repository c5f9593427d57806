#!/usr/bin/env bash
# Runs a command that must fail: exit code non-zero, and a one-line error on stderr that matches
# the given pattern. usage: expect_fail.sh PATTERN -- COMMAND...
set -u
pattern="$1"; shift; [ "$1" = "--" ] && shift
err=$("$@" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 0 ]; then echo "expected failure, got exit 0: $*"; exit 1; fi
if [ $rc -ge 128 ]; then echo "crashed (signal $((rc-128))): $*"; exit 1; fi
if ! printf '%s' "$err" | grep -qE -- "$pattern"; then echo "error did not match '$pattern': $err"; exit 1; fi
lines=$(printf '%s\n' "$err" | grep -c .)
if [ "$lines" -ne 1 ]; then echo "expected one line of error, got $lines: $err"; exit 1; fi
echo "ok (exit $rc): $err"
