# Shared by scripts/run and scripts/test: install what mailsetup needs on a
# fresh Debian or Ubuntu machine. Only Debian packages and Go modules are
# downloaded. Source it; it defines functions and sets nothing else.

GO_VERSION=1.26.8

# as_root runs a command as root, with sudo when we are not root.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_packages installs the Debian packages that are missing.
ensure_packages() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "scripts: installing Debian packages:$missing" >&2
	# Keep package scripts from starting system services (dovecot) on install.
	made_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
		as_root chmod +x /usr/sbin/policy-rc.d
		made_policy=1
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
	[ -n "$made_policy" ] && as_root rm -f /usr/sbin/policy-rc.d
	return 0
}

# go_ok reports whether $1 is a go command of at least GO_VERSION's minor.
go_ok() {
	v=$("$1" env GOVERSION 2>/dev/null) || return 1
	minor=$(echo "$v" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
	[ -n "$minor" ] && [ "$minor" -ge 26 ]
}

# ensure_go puts a Go >= 1.26 first on PATH. When none is installed it takes
# Debian's Go and uses it to fetch the official toolchain as a Go module
# (golang.org/toolchain) through the module proxy.
ensure_go() {
	for g in "$(command -v go 2>/dev/null)" /usr/local/go/bin/go "$HOME/go/bin/go" "$HOME/.cache/mailsetup/go/bin/go"; do
		if [ -n "$g" ] && [ -x "$g" ] && go_ok "$g"; then
			PATH="$(dirname "$g"):$PATH"
			export PATH
			return 0
		fi
	done
	ensure_packages golang-go ca-certificates
	arch=$(dpkg --print-architecture)
	mod="golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-${arch}"
	tmp=$(mktemp -d)
	dir=$(cd "$tmp" && GOTOOLCHAIN=local GOFLAGS=-mod=mod /usr/bin/go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	rm -rf "$tmp"
	[ -n "$dir" ] || { echo "scripts: could not download Go $GO_VERSION" >&2; return 1; }
	mkdir -p "$HOME/.cache/mailsetup"
	rm -rf "$HOME/.cache/mailsetup/go"
	cp -r "$dir" "$HOME/.cache/mailsetup/go"
	chmod -R u+w "$HOME/.cache/mailsetup/go"
	chmod +x "$HOME/.cache/mailsetup/go/bin/"* "$HOME/.cache/mailsetup/go/pkg/tool/"*/* 2>/dev/null || true
	PATH="$HOME/.cache/mailsetup/go/bin:$PATH"
	export PATH
	go_ok go
}

# Packages to build the Fyne window (cgo, OpenGL, X11 and Wayland headers).
BUILD_PACKAGES="gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libxext-dev libxkbcommon-dev libwayland-dev ca-certificates git"

# Packages the test suite uses: a real Dovecot (IMAP, POP3, submission), a real
# Thunderbird, plistutil, openssl, the Windows cross compiler and osslsigncode.
TEST_PACKAGES="$BUILD_PACKAGES dovecot-imapd dovecot-pop3d dovecot-submissiond thunderbird libplist-utils openssl gcc-mingw-w64-x86-64 osslsigncode file xvfb xauth zbar-tools wine wine64 xdotool imagemagick"
