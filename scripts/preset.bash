# Sourced by the bash build scripts (build-windows.sh, package-linux.sh) only:
# it uses bash arrays, and scripts/lib.sh must stay POSIX sh because
# scripts/run and scripts/test are run by /bin/sh (dash on Debian).

# embed_preset ROOT DIR copies a preset folder (DIR/mailsetup.preset.json and
# the files it names) into ROOT/preset/embedded for "go build -tags preset",
# appends every copied path to the caller's copied array (so its cleanup
# removes them) and checks the preset with presetcheck. It never overwrites a
# file already there. Used by build-windows.sh and package-linux.sh.
embed_preset() {
	local root=$1 dir=$2 embed f base
	[ -f "$dir/mailsetup.preset.json" ] || die "$dir has no mailsetup.preset.json"
	embed="$root/preset/embedded"
	for f in "$dir"/*; do
		base=$(basename "$f")
		case "$base" in README.md|example.preset.json) continue ;; esac
		[ -e "$embed/$base" ] && die "$embed/$base already exists; remove it first"
		cp -R "$f" "$embed/$base"
		copied+=("$embed/$base")
	done
	# Check the preset now: an invalid one would stop the program later.
	(cd "$root" && go run ./preset/cmd/presetcheck "$embed/mailsetup.preset.json") ||
		die "the preset is invalid (see above)"
}
