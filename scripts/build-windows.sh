#!/usr/bin/env bash
# build-windows.sh — build mailsetup.exe for 64-bit Windows on Linux.
#
# A GUI-subsystem PE32+ executable with the icon, version information and a
# manifest taken from FyneApp.toml, everything embedded (it runs with
# nothing beside it). Optionally a company preset is built in and the file is
# signed with Authenticode (osslsigncode).
#
# Needs: Go, mingw-w64 (x86_64-w64-mingw32-gcc and -windres), osslsigncode
# when signing. Debian: apt-get install gcc-mingw-w64-x86-64 osslsigncode
#
# usage: scripts/build-windows.sh [--out FILE] [--preset-dir DIR] [--debug]
#          [--sign-cert CERT.pem --sign-key KEY.pem | --sign-p12 FILE.p12 [--sign-pass-env VAR]]
#
#   --out FILE         the executable to write (default dist/mailsetup.exe)
#   --preset-dir DIR   build in DIR/mailsetup.preset.json and the files it names
#   --debug            keep symbols (no -s -w)
#   --sign-cert/--sign-key   PEM certificate (chain after it) and unencrypted key
#   --sign-p12 FILE    PKCS#12 file; its password is read from the environment
#                      variable named by --sign-pass-env (default MAILSETUP_SIGN_PASSWORD)
#
# The first build compiles Fyne, GLFW and the runtime for Windows (about 6-7
# minutes on 2 cores); later builds take seconds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$root/scripts/lib.sh"
# shellcheck source=preset.bash
. "$root/scripts/preset.bash"
out="$root/dist/mailsetup.exe"
preset_dir=""
debug=0
sign_cert="" sign_key="" sign_p12="" sign_pass_env="MAILSETUP_SIGN_PASSWORD"

die() { echo "build-windows: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--preset-dir) preset_dir=$2; shift 2 ;;
	--debug) debug=1; shift ;;
	--sign-cert) sign_cert=$2; shift 2 ;;
	--sign-key) sign_key=$2; shift 2 ;;
	--sign-p12) sign_p12=$2; shift 2 ;;
	--sign-pass-env) sign_pass_env=$2; shift 2 ;;
	-h|--help) sed -n '2,25p' "$0"; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
if [ -n "$sign_cert$sign_key" ] && { [ -z "$sign_cert" ] || [ -z "$sign_key" ]; }; then
	die "--sign-cert and --sign-key go together"
fi
if [ -n "$sign_p12" ] && [ -n "$sign_cert" ]; then
	die "give --sign-p12 or --sign-cert/--sign-key, not both"
fi
for tool in go x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres; do
	command -v "$tool" >/dev/null || die "$tool is missing (see the top of this script for the packages)"
done
if [ -n "$sign_cert$sign_p12" ]; then
	command -v osslsigncode >/dev/null || die "osslsigncode is missing (apt-get install osslsigncode)"
fi

# --- metadata from FyneApp.toml -------------------------------------------
toml="$root/FyneApp.toml"
tomlval() { # key → value of the first `key = "..."` or `key = N`
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*$/\1/p" "$toml" | head -n1
}
name=$(tomlval Name)
version=$(tomlval Version)
build=$(tomlval Build)
appid=$(tomlval ID)
website=$(tomlval Website)
icon="$root/$(tomlval Icon)"
[ -n "$name" ] && [ -n "$version" ] || die "FyneApp.toml has no Details.Name or Details.Version"
[ -f "$icon" ] || die "icon $icon not found"
IFS=. read -r v1 v2 v3 _ <<<"${version%%[-+]*}.0.0.0"
build=${build:-0}
fileversion="$v1,$v2,$v3,$build"
dotversion="$v1.$v2.$v3.$build"

work=$(mktemp -d)
syso="$root/zz_rsrc_windows_amd64.syso"
copied=()
cleanup() {
	rm -rf "$work" "$syso"
	for f in "${copied[@]+"${copied[@]}"}"; do rm -rf "$f"; done
}
trap cleanup EXIT

# --- resources: icon, version info, manifest -------------------------------
(cd "$root" && go run ./scripts/mkico "$icon" "$work/app.ico")
rcesc() { printf '%s' "$1" | sed 's/"/""/g'; }
cat >"$work/app.manifest" <<EOF
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity type="win32" name="$appid" version="$dotversion" processorArchitecture="amd64"/>
  <description>$name</description>
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3">
    <security><requestedPrivileges><requestedExecutionLevel level="asInvoker" uiAccess="false"/></requestedPrivileges></security>
  </trustInfo>
  <application xmlns="urn:schemas-microsoft-com:asm.v3">
    <windowsSettings>
      <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
      <dpiAwareness xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">permonitorv2,permonitor</dpiAwareness>
      <activeCodePage xmlns="http://schemas.microsoft.com/SMI/2019/WindowsSettings">UTF-8</activeCodePage>
    </windowsSettings>
  </application>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application><supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/></application>
  </compatibility>
</assembly>
EOF
cat >"$work/app.rc" <<EOF
#pragma code_page(65001)
1 ICON "app.ico"
1 24 "app.manifest"
1 VERSIONINFO
FILEVERSION $fileversion
PRODUCTVERSION $fileversion
FILEFLAGSMASK 0x3fL
FILEFLAGS 0x0L
FILEOS 0x40004L
FILETYPE 0x1L
FILESUBTYPE 0x0L
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "$(rcesc "$website")"
      VALUE "FileDescription", "$(rcesc "$name")"
      VALUE "FileVersion", "$dotversion"
      VALUE "InternalName", "mailsetup"
      VALUE "OriginalFilename", "mailsetup.exe"
      VALUE "ProductName", "$(rcesc "$name")"
      VALUE "ProductVersion", "$version"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
EOF
(cd "$work" && x86_64-w64-mingw32-windres -c 65001 -i app.rc -O coff -o "$syso")

# --- preset ---------------------------------------------------------------
tags=()
if [ -n "$preset_dir" ]; then
	embed_preset "$root" "$preset_dir"
	tags=(-tags preset)
fi

# --- build ---------------------------------------------------------------
# Two executables from the same code, as Visual Studio ships devenv.exe and
# devenv.com: mailsetup.exe is a GUI-subsystem program (a double-click opens
# the window, no console flashes up), and mailsetup.com beside it is the
# console-subsystem twin. cmd.exe and PowerShell look for ".COM" before
# ".EXE" (PATHEXT), so typing `mailsetup detect …` runs the .com: the shell
# waits for it, and its output, exit status, pipes and redirection work as
# for any console program. mailsetup.exe still attaches to the console it
# was typed in (AttachConsole), so `mailsetup.exe detect …` prints too, but a
# shell does not wait for a GUI program.
gui_ldflags="-H=windowsgui"
con_ldflags=""
if [ "$debug" != 1 ]; then gui_ldflags="$gui_ldflags -s -w"; con_ldflags="-s -w"; fi
mkdir -p "$(dirname "$out")"
com="${out%.exe}.com"
unsigned="$out" unsigned_com="$com"
[ -n "$sign_cert$sign_p12" ] && unsigned="$work/unsigned.exe" unsigned_com="$work/unsigned.com"
echo "build-windows: building $name $version for windows/amd64 (the first build takes minutes)" >&2
(cd "$root" && CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	go build "${tags[@]+"${tags[@]}"}" -ldflags "$gui_ldflags" -o "$unsigned" . &&
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	go build "${tags[@]+"${tags[@]}"}" -ldflags "$con_ldflags" -o "$unsigned_com" .)

# --- sign -----------------------------------------------------------------
sign() { # sign IN OUT
	rm -f "$2"
	if [ -n "$sign_p12" ]; then
		printf '%s' "${!sign_pass_env:-}" >"$work/pass"
		osslsigncode sign -pkcs12 "$sign_p12" -readpass "$work/pass" -n "$name" -i "${website:-https://example.invalid}" \
			-h sha256 -in "$1" -out "$2" >/dev/null
	else
		osslsigncode sign -certs "$sign_cert" -key "$sign_key" -n "$name" -i "${website:-https://example.invalid}" \
			-h sha256 -in "$1" -out "$2" >/dev/null
	fi
}
if [ -n "$sign_cert$sign_p12" ]; then
	sign "$unsigned" "$out"
	sign "$unsigned_com" "$com"
	echo "build-windows: signed $out and $com" >&2
fi
echo "$out"
