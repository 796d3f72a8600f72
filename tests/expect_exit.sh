#!/bin/sh
# expect_exit.sh STATUS COMMAND [ARGS...]: runs COMMAND, shows its output and
# says "unexpected exit status" (which ctest treats as failure) unless it
# exited with STATUS.
expected=$1
shift
"$@" 2>&1
status=$?
if [ "$status" -ne "$expected" ]; then
  echo "unexpected exit status $status (expected $expected)"
  exit 1
fi
