#!/bin/sh
# Runs the real window under Xvfb, measures the time from start to the
# first mapped window, drives the wizard with the keyboard, and reports the
# resident memory. Usage: ui/bench/window.sh /tmp/mailsetup [outdir]
set -eu
bin=${1:-/tmp/mailsetup}
out=${2:-/tmp/window-bench}
mkdir -p "$out"
export DISPLAY=${MAILSETUP_BENCH_DISPLAY:-:97}
Xvfb $DISPLAY -screen 0 1024x768x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
until [ -S /tmp/.X11-unix/X${DISPLAY#:} ]; do sleep 0.05; done
sleep 0.5
home=$(mktemp -d)
mkdir -p "$home/.cache"
start=$(date +%s%N)
HOME=$home "$bin" --lang "${MAILSETUP_BENCH_LANG:-en}" >"$out/stdout.log" 2>&1 &
app=$!
until xdotool search --onlyvisible --name '.+' >/dev/null 2>&1; do sleep 0.01; done
end=$(date +%s%N)
echo "first window after $(( (end - start) / 1000000 )) ms"
sleep 1
import -window root "$out/1-start.png"
echo "RSS at start: $(grep VmRSS /proc/$app/status)"
win=$(xdotool search --onlyvisible --name '.+' | head -1)
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool type --delay 30 "ivan@yandex.ru"
sleep 3
import -window root "$out/2-address.png"
xdotool key Return; sleep 1
import -window root "$out/3-settings.png"
xdotool key Return; sleep 1
xdotool type --delay 30 "not-a-real-password"
xdotool key Return; sleep 20
import -window root "$out/4-signin.png"
xdotool key Tab space; sleep 1          # Skip (the password field is focused)
import -window root "$out/5-export.png"
xdotool key Return; sleep 1             # Next: Instructions
import -window root "$out/6-guide.png"
xdotool key Escape Escape Escape Escape; sleep 1   # Esc = Back, to the start
import -window root "$out/7-back.png"
echo "RSS after the walk: $(grep VmRSS /proc/$app/status)"
echo "peak RSS: $(grep VmHWM /proc/$app/status)"
kill $app
rm -rf "$home"
