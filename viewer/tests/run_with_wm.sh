#!/bin/sh
# run_with_wm.sh COMMAND [ARGS...]: runs COMMAND on a fresh Xvfb display
# managed by openbox and exits with its status. xvfb-run alone has no window
# manager, and without one nothing minimises a window (glfwIconifyWindow only
# asks the window manager), so the viewer's minimise test needs this.
# A missing openbox fails with a message: the test must not pass untested.
set -u
say() { echo "run_with_wm.sh: $*"; }
for tool in Xvfb openbox; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    say "$tool is not installed; tools/install-deps.sh installs it (the minimise test needs a window manager)"
    exit 1
  fi
done

tmp=$(mktemp -d)
xvfb_pid=""
wm_pid=""
# shellcheck disable=SC2317  # runs from the trap
cleanup() {
  [ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to 10 s for FILE to be non-empty while PID lives; false otherwise.
wait_for() {
  i=0
  while [ ! -s "$1" ]; do
    kill -0 "$2" 2>/dev/null || return 1
    i=$((i + 1))
    [ "$i" -gt 100 ] && return 1
    sleep 0.1
  done
}

# The tests' LD_PRELOAD (lavapipe, for LeakSanitizer) is for the program
# under test, not for the X server and window manager.
# -displayfd: Xvfb picks a free display itself and writes its number once it
# accepts connections, so parallel runs never race for a display.
env -u LD_PRELOAD Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
if ! wait_for "$tmp/display" "$xvfb_pid"; then
  say "Xvfb did not start:"; cat "$tmp/xvfb.log"
  exit 1
fi
DISPLAY=:$(head -n 1 "$tmp/display")
export DISPLAY

# openbox runs its --startup command once it manages the screen.
env -u LD_PRELOAD openbox --sm-disable --startup "sh -c 'echo up >$tmp/wm-up'" >"$tmp/openbox.log" 2>&1 &
wm_pid=$!
if ! wait_for "$tmp/wm-up" "$wm_pid"; then
  say "openbox did not come up on $DISPLAY:"; cat "$tmp/openbox.log"
  exit 1
fi
say "openbox manages $DISPLAY"

"$@"
status=$?
exit "$status"
