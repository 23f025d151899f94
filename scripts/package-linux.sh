#!/usr/bin/env bash
# package-linux.sh — build mailsetup for Linux and package it with the fyne
# tool (fyne package -os linux): a .tar.xz holding usr/local/bin/mailsetup, a
# .desktop file, the icon and a Makefile ("sudo make install" installs it).
#
# Needs: Go, gcc and the Fyne GL/X11/Wayland headers (libgl1-mesa-dev xorg-dev
# libxkbcommon-dev libwayland-dev); the fyne tool is installed on first use
# (go install fyne.io/tools/cmd/fyne@v1.7.4).
#
# usage: scripts/package-linux.sh [--out FILE.tar.xz] [--preset-dir DIR]
#
#   --out FILE        the archive to write (default dist/mailsetup-linux-amd64.tar.xz)
#   --preset-dir DIR  build in DIR/mailsetup.preset.json and the files it names
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$root/scripts/lib.sh"
# shellcheck source=preset.bash
. "$root/scripts/preset.bash"
out="$root/dist/mailsetup-linux-$(go env GOARCH).tar.xz"
preset_dir=""
die() { echo "package-linux: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--preset-dir) preset_dir=$2; shift 2 ;;
	-h|--help) sed -n '2,14p' "$0"; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

fyne=$(command -v fyne || true)
if [ -z "$fyne" ]; then
	echo "package-linux: installing the fyne tool (fyne.io/tools/cmd/fyne@v1.7.4)" >&2
	GOFLAGS= go install fyne.io/tools/cmd/fyne@v1.7.4
	fyne="$(go env GOPATH)/bin/fyne"
fi

work=$(mktemp -d)
copied=()
# fyne package --release bumps Build in FyneApp.toml: keep the file as it was.
cp "$root/FyneApp.toml" "$work/FyneApp.toml.orig"
cleanup() {
	cp "$work/FyneApp.toml.orig" "$root/FyneApp.toml"
	rm -rf "$work"
	for f in "${copied[@]+"${copied[@]}"}"; do rm -rf "$f"; done
}
trap cleanup EXIT

tags=()
if [ -n "$preset_dir" ]; then
	embed_preset "$root" "$preset_dir"
	tags=(-tags preset)
fi

# Build with the normal flags (so the build cache is shared with go test and
# go build), then let fyne package the executable with FyneApp.toml's
# name, icon and desktop entry.
(cd "$root" && CGO_ENABLED=1 go build "${tags[@]+"${tags[@]}"}" -ldflags "-s -w" -o "$work/mailsetup" .)
(cd "$work" && "$fyne" package -os linux --src "$root" --exe "$work/mailsetup" --release)
archive=$(ls "$work"/*.tar.xz)
mkdir -p "$(dirname "$out")"
mv "$archive" "$out"
echo "$out"
