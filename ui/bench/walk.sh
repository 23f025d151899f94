#!/bin/sh
# Walks the real window under Xvfb with the keyboard only and saves a
# screenshot of every step: a provider from the built-in list (mail.ru), and
# a company domain that publishes nothing, set up by hand with an
# unencrypted server (the consent dialog), to the summary. Needs Xvfb,
# xdotool and ImageMagick's import.
#
# Usage: ui/bench/walk.sh BINARY OUTDIR LANG THEME WIDTHxHEIGHT
#   e.g. ui/bench/walk.sh /tmp/window-bin /tmp/walk ru light 640x480
# Build the binary with: go build -o /tmp/window-bin .
set -eu
bin=$1 out=$2 lang=$3 theme=$4 size=$5
w=${size%x*} h=${size#*x}
tag=$lang-$theme-$w
mkdir -p "$out"
export DISPLAY=${MAILSETUP_WALK_DISPLAY:-:93}
Xvfb "$DISPLAY" -screen 0 1024x768x24 >/dev/null 2>&1 &
xvfb=$!
home=$(mktemp -d)
app=
cleanup() {
	if [ -n "$app" ]; then
		kill "$app" 2>/dev/null || true
		wait "$app" 2>/dev/null || true # it may still be writing its preferences
	fi
	kill "$xvfb" 2>/dev/null || true
	rm -rf "$home" 2>/dev/null || true
}
trap cleanup EXIT
until xdotool getdisplaygeometry >/dev/null 2>&1; do sleep 0.1; done   # the server answers
mkdir -p "$home/.cache" "$home/Documents"
HOME=$home FYNE_THEME=$theme "$bin" --lang "$lang" >"$out/$tag.log" 2>&1 &
app=$!
until win=$(xdotool search --onlyvisible --name '.+' 2>/dev/null | head -1) && [ -n "$win" ]; do sleep 0.05; done
sleep 1
xdotool windowsize "$win" "$w" "$h"
sleep 0.5
n=0
shot() { # shot NAME: the window as the person sees it
	sleep "${2:-0.8}"
	n=$((n + 1))
	import -window "$win" "$out/$tag-$(printf %02d $n)-$1.png"
}
key() { xdotool key --delay 60 "$@"; }
typ() { xdotool type --delay 40 "$1"; }

# Journey 1: a provider from the built-in list.
shot start
typ "ivan@mail.ru"
shot found 1.2
key Tab
case $lang in ja) typ "山田太郎" ;; ru) typ "Иван Петров" ;; *) typ "Ivan Petrov" ;; esac
shot name
key Return
shot settings
key Return
shot signin
typ "not-the-password"
key Return
shot checked 6
key Escape Escape
shot back-to-address

# Journey 2: a domain that publishes nothing, set up by hand.
key ctrl+a
typ "anna@firma-example.de"
shot nothing 4
key Tab Tab space                   # Name, then "Enter the server settings yourself"
shot manual
key ctrl+a
typ "mail.firma-example.de"         # incoming server
key Tab ctrl+a
typ "143"                           # port: STARTTLS follows
key Tab
shot manual-typed
key Right                           # security: from STARTTLS to None
shot manual-none 1
key Return                          # Next
shot signin-manual
typ "secret"
key Return                          # Check: the consent dialog
shot consent 1.2
key Escape                          # Cancel
shot after-cancel
key Tab space                       # Skip
shot export 1
key Tab Tab Tab Tab Tab Tab Tab     # from the first program to Save…
shot export-focus-save
key space                           # the folder dialog
shot save-dialog 1.5
# "Save here" is the dialog's bottom-right button (the dialog is 95% of the
# window); the one click of the walk, as the dialog's Tab order is Fyne's
xdotool mousemove --window "$win" $((w * 975 / 1000 - 47)) $((h * 975 / 1000 - 22)) click 1
shot saved 1.5
key Return                          # Next: instructions
shot guide 1.5
key Return                          # Next: the guide's next step (one navigation)
shot guide-step-2 1.5
key Return                          # the last step's Next: the summary
shot done
cleanup
trap - EXIT
