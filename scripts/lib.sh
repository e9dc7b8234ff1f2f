# Shared by the scripts in this folder: installs what Ariadne builds with.
# Sourced, not run.

# need_pkg HEADER PACKAGE: installs Debian PACKAGE when HEADER (a path) is
# missing, where apt-get can be used (root). Returns 1 when it stays missing.
need_pkg() {
	local path=$1 pkg=$2
	[ -e "$path" ] && return 0
	if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		echo "installing $pkg (for $path)" >&2
		if [ -z "${ARIADNE_APT_UPDATED:-}" ]; then
			apt-get update -qq >&2 || true
			export ARIADNE_APT_UPDATED=1
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2 || true
	fi
	[ -e "$path" ]
}

# go_tags prints the build tags to use: libjpeg when libjpeg-turbo's
# headers are there (or can be installed) and cgo works.
go_tags() {
	if need_pkg /usr/include/jpeglib.h libjpeg62-turbo-dev && command -v gcc >/dev/null 2>&1; then
		echo libjpeg
	else
		echo "libjpeg-turbo headers not available: building with Go's JPEG decoder (slower, hashes within a few bits of the reference)" >&2
	fi
}

require_go() {
	if ! command -v go >/dev/null 2>&1; then
		echo "Go is not installed: get Go 1.26 or newer (https://go.dev/doc/install) and run this again" >&2
		exit 1
	fi
}
