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

# go_tags prints the build tags to use (comma-separated): with a C
# compiler, sqlite_cgo (the C SQLite, about 1.4x faster on big imports);
# when libjpeg-turbo's headers are there or can be installed, libjpeg (the
# fast JPEG path); when libheif's are, libheif (HEIC and AVIF).
go_tags() {
	if ! command -v gcc >/dev/null 2>&1; then
		echo "no C compiler: building pure Go (slower JPEG decoding and SQLite imports)" >&2
		return
	fi
	local tags=sqlite_cgo
	if need_pkg /usr/include/jpeglib.h libjpeg62-turbo-dev; then
		tags="libjpeg,$tags"
	else
		echo "libjpeg-turbo headers not available: building with Go's JPEG decoder (slower, hashes within a few bits of the reference)" >&2
	fi
	# libheif (LGPL, linked dynamically) decodes HEIC and AVIF; cgo finds
	# it through pkg-config.
	if need_pkg /usr/bin/pkg-config pkg-config && need_pkg /usr/share/doc/libheif-dev libheif-dev && pkg-config --exists libheif; then
		tags="$tags,libheif"
	else
		echo "libheif not available: HEIC and AVIF files get exact hashes only, with that reason" >&2
	fi
	echo "$tags"
}

require_go() {
	if ! command -v go >/dev/null 2>&1; then
		echo "Go is not installed: get Go 1.26 or newer (https://go.dev/doc/install) and run this again" >&2
		exit 1
	fi
}

# start_postgres starts a throwaway PostgreSQL cluster on a Unix socket in
# a temporary folder (installing Debian's postgresql when missing) and
# exports ARIADNE_TEST_POSTGRES; stop_postgres removes it. Returns 1 when
# no server can be had.
start_postgres() {
	local bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	if [ -z "$bin" ]; then
		need_pkg /usr/share/postgresql-common postgresql || true
		bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	fi
	[ -n "$bin" ] || return 1
	PG_DIR=$(mktemp -d /tmp/ariadne-pg.XXXXXX)
	local run=()
	if [ "$(id -u)" = 0 ]; then
		# PostgreSQL refuses to run as root.
		id postgres >/dev/null 2>&1 || useradd --system --home "$PG_DIR" postgres
		chown postgres "$PG_DIR"
		run=(runuser -u postgres --)
	fi
	"${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
	"${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
		-o "-k $PG_DIR -c listen_addresses= -p 54329 -c fsync=off -c full_page_writes=off" start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
	PG_BIN=$bin
	PG_RUN=("${run[@]}")
	export ARIADNE_TEST_POSTGRES="postgres:///postgres?host=$PG_DIR&port=54329&user=postgres"
}

stop_postgres() {
	[ -n "${PG_DIR:-}" ] || return 0
	"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
}

# media_tools installs the programs that read video and audio (ffmpeg)
# and, with "test", those the tests check against or make clips with
# (fpcalc, sox, espeak-ng, heif-enc and heif-convert, exiftool). Without them, ingest records video and audio
# with exact hashes only, and says so.
media_tools() {
	need_pkg /usr/bin/ffmpeg ffmpeg || echo "ffmpeg not available: video and audio get exact hashes only" >&2
	if [ "${1:-}" = test ]; then
		need_pkg /usr/bin/fpcalc libchromaprint-tools || echo "fpcalc not available: audio conformance tests skip" >&2
		need_pkg /usr/bin/sox sox || echo "sox not available: audio tests skip" >&2
		need_pkg /usr/bin/espeak-ng espeak-ng || echo "espeak-ng not available: audio tests skip" >&2
		need_pkg /usr/bin/heif-enc libheif-examples || echo "heif-enc not available: HEIF tests skip" >&2
		need_pkg /usr/bin/exiftool libimage-exiftool-perl || echo "exiftool not available: metadata oracle tests skip" >&2
	fi
}
