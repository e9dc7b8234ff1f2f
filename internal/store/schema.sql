-- Ariadne's schema: the one source of truth for both engines. Each
-- migration starts with a "-- migration N: title" line and is applied once,
-- in order, inside a transaction; migrations only ever add. Macros in
-- braces are replaced per engine (store.go, dialect):
--   {ID}    an auto-increment integer primary key
--   {BOOL}  a boolean column (0/1 in SQLite)

-- migration 1: cases, media, signals, hash sets and matches
CREATE TABLE agency (
	id {ID},
	name TEXT NOT NULL UNIQUE,
	country TEXT,
	notes TEXT
);

CREATE TABLE cases (
	id {ID},
	number TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL DEFAULT '',
	agency_id BIGINT REFERENCES agency(id),
	status TEXT NOT NULL DEFAULT 'open',
	opened_at TEXT,
	closed_at TEXT,
	notes TEXT
);

CREATE TABLE exhibit (
	id {ID},
	case_id BIGINT NOT NULL REFERENCES cases(id),
	label TEXT NOT NULL,
	description TEXT,
	seized_at TEXT,
	seized_by TEXT,
	seized_where TEXT,
	source_path TEXT,
	acquisition_hash TEXT,
	notes TEXT,
	UNIQUE (case_id, label)
);

-- One row per unique content.
CREATE TABLE media (
	id {ID},
	sha256 TEXT NOT NULL UNIQUE,
	md5 TEXT NOT NULL,
	sha1 TEXT NOT NULL,
	size BIGINT NOT NULL,
	mime TEXT,
	width INTEGER,
	height INTEGER,
	duration_ms BIGINT
);
CREATE INDEX media_md5 ON media (md5);
CREATE INDEX media_sha1 ON media (sha1);

-- One row per instance of a file inside an exhibit (path includes the
-- member path inside archives).
CREATE TABLE file (
	id {ID},
	exhibit_id BIGINT NOT NULL REFERENCES exhibit(id),
	path TEXT NOT NULL,
	media_id BIGINT REFERENCES media(id),
	size BIGINT,
	modified_at TEXT,
	accessed_at TEXT,
	changed_at TEXT,
	born_at TEXT,
	deleted {BOOL} NOT NULL DEFAULT FALSE,
	error TEXT,
	UNIQUE (exhibit_id, path)
);
CREATE INDEX file_media ON file (media_id);

CREATE TABLE signal (
	id {ID},
	media_id BIGINT NOT NULL REFERENCES media(id),
	type TEXT NOT NULL,
	value TEXT NOT NULL,
	quality INTEGER,
	algorithm_version TEXT NOT NULL,
	UNIQUE (media_id, type, algorithm_version, value)
);

CREATE TABLE series (
	id {ID},
	name TEXT NOT NULL UNIQUE,
	notes TEXT
);

CREATE TABLE hashset (
	id {ID},
	name TEXT NOT NULL UNIQUE,
	source TEXT,
	version TEXT,
	kind TEXT NOT NULL CHECK (kind IN ('known-bad', 'known-good')),
	radius INTEGER NOT NULL DEFAULT 31,
	category_scheme TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- Categories are a (scheme, value) pair; a NULL value is "not
-- categorised", distinct from category 0.
CREATE TABLE hashset_entry (
	id {ID},
	hashset_id BIGINT NOT NULL REFERENCES hashset(id),
	entry_key TEXT NOT NULL,
	md5 TEXT,
	sha1 TEXT,
	sha256 TEXT,
	pdq TEXT,
	photodna TEXT,
	category_scheme TEXT,
	category TEXT,
	series TEXT,
	victim_identified {BOOL},
	offender_identified {BOOL},
	is_distributed {BOOL},
	is_precategorized {BOOL},
	mime TEXT,
	size BIGINT,
	file_name TEXT,
	tags TEXT,
	comments TEXT,
	date_updated TEXT,
	extra TEXT,
	tombstone {BOOL} NOT NULL DEFAULT FALSE
);
-- An index, not a table constraint, so that a bulk import can drop it
-- and build it once at the end (store.WriterOptions.Bulk).
CREATE UNIQUE INDEX hashset_entry_key ON hashset_entry (hashset_id, entry_key);
-- Partial: many sets carry only some kinds of hash, and NULLs need no
-- index entries (a lookup's IN (...) implies IS NOT NULL).
CREATE INDEX hashset_entry_md5 ON hashset_entry (md5) WHERE md5 IS NOT NULL;
CREATE INDEX hashset_entry_sha1 ON hashset_entry (sha1) WHERE sha1 IS NOT NULL;
CREATE INDEX hashset_entry_sha256 ON hashset_entry (sha256) WHERE sha256 IS NOT NULL;

CREATE TABLE matches (
	id {ID},
	media_id BIGINT NOT NULL REFERENCES media(id),
	file_id BIGINT REFERENCES file(id),
	entry_id BIGINT NOT NULL REFERENCES hashset_entry(id),
	signal_type TEXT NOT NULL,
	distance INTEGER NOT NULL,
	matched_at TEXT NOT NULL,
	index_version TEXT
);
CREATE INDEX matches_media ON matches (media_id);

-- migration 2: ingest runs, triage classes, matches recorded once
-- The triage class of a file (known, near, ignorable, new, other, error)
-- as its ingest found it; warning keeps what did not stop the read (a
-- suspicious archive member name, a link not followed).
ALTER TABLE file ADD COLUMN class TEXT;
ALTER TABLE file ADD COLUMN warning TEXT;
CREATE INDEX file_exhibit_class ON file (exhibit_id, class);

-- One row per run of `ariadne ingest`: what was asked, when, and how it
-- ended (running, done, interrupted, failed; a run still "running" when
-- the next one starts was cut short and is marked abandoned).
CREATE TABLE ingest_run (
	id {ID},
	exhibit_id BIGINT NOT NULL REFERENCES exhibit(id),
	roots TEXT NOT NULL,
	options TEXT,
	program_version TEXT,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	status TEXT NOT NULL,
	files BIGINT,
	skipped BIGINT,
	bytes BIGINT,
	error TEXT
);

-- A match is a fact about content: media × entry × signal, once, however
-- often the media is seen or re-ingested.
CREATE UNIQUE INDEX matches_once ON matches (media_id, entry_id, signal_type);

-- migration 3: video and audio signals
-- In hash sets: vpdq, the reference's text format (one
-- index,quality,hex,timestamp line per hashed frame); chromaprint, the
-- fingerprint as fpcalc prints it.
ALTER TABLE hashset_entry ADD COLUMN vpdq TEXT;
ALTER TABLE hashset_entry ADD COLUMN chromaprint TEXT;

-- Of media: signals too long for the signal table's unique index (a
-- vPDQ hash is a line per frame), one per media, type and version.
CREATE TABLE media_av_signal (
	id {ID},
	media_id BIGINT NOT NULL REFERENCES media(id),
	type TEXT NOT NULL,
	value TEXT NOT NULL,
	algorithm_version TEXT NOT NULL,
	UNIQUE (media_id, type, algorithm_version)
);

-- migration 4: one ingest at a time per exhibit
-- Who runs an ingest (host and process) and when it last said it was
-- alive, so a run cut short (kill -9, a crash) is told from a live one.
ALTER TABLE ingest_run ADD COLUMN host TEXT;
ALTER TABLE ingest_run ADD COLUMN pid BIGINT;
ALTER TABLE ingest_run ADD COLUMN heartbeat_at TEXT;
-- Stores from before this migration may hold runs cut short still marked
-- running; only one running run per exhibit is allowed from now on.
UPDATE ingest_run SET status = 'abandoned' WHERE status = 'running';
CREATE UNIQUE INDEX ingest_run_one_running ON ingest_run (exhibit_id) WHERE status = 'running';

-- migration 5: the known videos and sounds found without reading every entry
-- Ingest loads them at each start; most entries of a large set carry
-- neither, and these indexes hold only those that do.
CREATE INDEX hashset_entry_vpdq ON hashset_entry (id) WHERE vpdq IS NOT NULL;
CREATE INDEX hashset_entry_chromaprint ON hashset_entry (id) WHERE chromaprint IS NOT NULL;

-- migration 6: hash sets know how many entries they hold
-- Counted when an import commits; NULL while one runs (or after one was
-- cut short), when the count is taken from the entries themselves.
ALTER TABLE hashset ADD COLUMN entry_count BIGINT;
UPDATE hashset SET entry_count = (SELECT COUNT(*) FROM hashset_entry e WHERE e.hashset_id = hashset.id AND NOT e.tombstone);

-- migration 7: what a match rests on
-- JSON: for a video or audio match, the aligned segments (times in the
-- media and in the known one, offset); for a video frame matching a
-- known image, the frame's time.
ALTER TABLE matches ADD COLUMN detail TEXT;

-- migration 8: what pictures say about themselves
-- One row per media that carries metadata: the camera (body serial ties
-- a series to one device), the capture time (ISO 8601, with its offset
-- when the file gives one), the place (decimal degrees, south and west
-- negative; metres) and the XMP document IDs that survive editing. The
-- embedded thumbnail's PDQ is a signal (type thumbnail-pdq).
CREATE TABLE media_metadata (
	media_id BIGINT NOT NULL UNIQUE REFERENCES media(id),
	make TEXT,
	model TEXT,
	serial TEXT,
	lens_serial TEXT,
	owner TEXT,
	software TEXT,
	datetime_original TEXT,
	gps_lat {REAL},
	gps_lon {REAL},
	gps_alt {REAL},
	image_unique_id TEXT,
	document_id TEXT,
	original_document_id TEXT,
	instance_id TEXT
);
CREATE INDEX media_metadata_serial ON media_metadata (serial) WHERE serial IS NOT NULL;
CREATE INDEX media_metadata_camera ON media_metadata (make, model);
CREATE INDEX media_metadata_document ON media_metadata (document_id) WHERE document_id IS NOT NULL;
CREATE INDEX media_metadata_taken ON media_metadata (datetime_original) WHERE datetime_original IS NOT NULL;

-- migration 9: the knowledge graph, categories and notes
-- An agency is how other agencies reach it (contact: a desk, never a
-- person's details by default) and grades under one scheme by default.
ALTER TABLE agency ADD COLUMN contact TEXT;
ALTER TABLE agency ADD COLUMN category_scheme TEXT;

-- The graph's own nodes: series, victims, offenders, locations and
-- devices, each owned by an agency (and usually a case). Media, cases and
-- agencies are nodes too, from their own tables. A label is unique per
-- agency and kind, never across agencies: another agency's names are not
-- revealed by a refused name. sharing says what other agencies see:
-- private (nothing), deconfliction (the owning case's number, agency and
-- contact), shared (the node itself). The table "series" of migration 1
-- was never used and is superseded by this one.
CREATE TABLE graph_node (
	id {ID},
	kind TEXT NOT NULL CHECK (kind IN ('series', 'victim', 'offender', 'location', 'device')),
	agency_id BIGINT NOT NULL REFERENCES agency(id),
	case_id BIGINT REFERENCES cases(id),
	label TEXT NOT NULL,
	external_id TEXT,
	status TEXT,
	sharing TEXT NOT NULL DEFAULT 'deconfliction' CHECK (sharing IN ('private', 'deconfliction', 'shared')),
	identified {BOOL},
	identified_on TEXT,
	identified_by BIGINT REFERENCES agency(id),
	country TEXT,
	place_kind TEXT,
	lat {REAL},
	lon {REAL},
	make TEXT,
	model TEXT,
	serial TEXT,
	notes TEXT,
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	UNIQUE (agency_id, kind, label)
);
CREATE INDEX graph_node_case ON graph_node (case_id);

-- A link between two nodes of any kind (media, case, agency, or a
-- graph_node's kind), made within an agency. status is the latest of its
-- events (kept here to be read without them); the events are the
-- history, never deleted: a decision is a new event.
CREATE TABLE graph_link (
	id {ID},
	agency_id BIGINT NOT NULL REFERENCES agency(id),
	case_id BIGINT REFERENCES cases(id),
	from_kind TEXT NOT NULL,
	from_id BIGINT NOT NULL,
	relation TEXT NOT NULL,
	to_kind TEXT NOT NULL,
	to_id BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('suggested', 'confirmed', 'rejected', 'retracted')),
	created_at TEXT NOT NULL,
	UNIQUE (agency_id, from_kind, from_id, relation, to_kind, to_id)
);
CREATE INDEX graph_link_from ON graph_link (from_kind, from_id);
CREATE INDEX graph_link_to ON graph_link (to_kind, to_id);
CREATE INDEX graph_link_case ON graph_link (case_id);

-- basis is "person" or "rule"; rule names the suggestion rule; evidence
-- is JSON (the signals, distances, metadata values or matches it rests
-- on); by is who decided (a user, or "ariadne suggest").
CREATE TABLE graph_link_event (
	id {ID},
	link_id BIGINT NOT NULL REFERENCES graph_link(id),
	status TEXT NOT NULL,
	basis TEXT NOT NULL CHECK (basis IN ('person', 'rule')),
	rule TEXT,
	evidence TEXT,
	decided_by TEXT NOT NULL,
	decided_at TEXT NOT NULL,
	reason TEXT
);
CREATE INDEX graph_link_event_link ON graph_link_event (link_id);

-- Notes on any node, media included: who, when, what. Never edited.
CREATE TABLE graph_note (
	id {ID},
	agency_id BIGINT NOT NULL REFERENCES agency(id),
	target_kind TEXT NOT NULL,
	target_id BIGINT NOT NULL,
	author TEXT NOT NULL,
	written_at TEXT NOT NULL,
	text TEXT NOT NULL
);
CREATE INDEX graph_note_target ON graph_note (target_kind, target_id);

-- One vote of a grader (or of a matched known-set entry: source
-- "set:NAME") on a media under a scheme, in an agency. Votes are never
-- changed; a grader's later vote replaces their earlier one in the
-- consensus, and both stay.
CREATE TABLE category_vote (
	id {ID},
	agency_id BIGINT NOT NULL REFERENCES agency(id),
	media_id BIGINT NOT NULL REFERENCES media(id),
	scheme TEXT NOT NULL,
	value TEXT NOT NULL,
	grader TEXT NOT NULL,
	voted_at TEXT NOT NULL
);
CREATE INDEX category_vote_media ON category_vote (agency_id, media_id, scheme);

-- Schemes an agency declares (internal/category parses the JSON; the
-- built-in ones are not stored).
CREATE TABLE category_scheme (
	id {ID},
	agency_id BIGINT NOT NULL REFERENCES agency(id),
	name TEXT NOT NULL,
	definition TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (agency_id, name)
);

-- migration 10: the audit log
-- One row per entry, in sequence from 0; leaf is the entry's canonical
-- encoding (internal/audit), whose hash is the Merkle tree's leaf; the
-- other columns repeat its fields for queries, and audit verify checks
-- they agree. Rows are only ever added.
CREATE TABLE audit_entry (
	seq BIGINT PRIMARY KEY,
	at TEXT NOT NULL,
	user_name TEXT,
	agency TEXT,
	action TEXT NOT NULL,
	object TEXT,
	outcome TEXT NOT NULL,
	client TEXT,
	reason TEXT,
	detail TEXT,
	leaf TEXT NOT NULL,
	leaf_hash TEXT NOT NULL
);
CREATE INDEX audit_entry_user ON audit_entry (user_name);
CREATE INDEX audit_entry_object ON audit_entry (object);
CREATE INDEX audit_entry_at ON audit_entry (at);

-- The tree's stored hashes, in the layout of golang.org/x/mod/sumdb/tlog
-- (an index per hash), so a tree head or a proof reads a few rows.
CREATE TABLE audit_hash (
	idx BIGINT PRIMARY KEY,
	hash TEXT NOT NULL
);

-- Signed checkpoints (the signed note as written).
CREATE TABLE audit_checkpoint (
	id {ID},
	size BIGINT NOT NULL,
	signed TEXT NOT NULL,
	created_at TEXT NOT NULL
);

-- migration 11: users and API tokens
-- A user belongs to one agency and has one role (internal/auth holds
-- what each may do). password_hash is argon2id's PHC string; totp_secret
-- the base32 TOTP secret when a second factor is set, totp_last_step the
-- last 30-second step accepted (a code is good once). Disabling a user
-- keeps the row: the audit log names them.
CREATE TABLE users (
	id {ID},
	agency_id BIGINT NOT NULL REFERENCES agency(id),
	name TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	totp_secret TEXT,
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	disabled {BOOL} NOT NULL DEFAULT FALSE,
	created_at TEXT NOT NULL
);

-- An API token is stored as its SHA-256 only; it is shown once.
CREATE TABLE api_token (
	id {ID},
	user_id BIGINT NOT NULL REFERENCES users(id),
	hash TEXT NOT NULL UNIQUE,
	scope TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT,
	revoked_at TEXT,
	last_used_at TEXT
);

-- migration 12: web sessions and sign-in failures
-- A session is an opaque random secret in a cookie; only its SHA-256 is
-- stored. It ends at sign-out, when its user is disabled, after an idle
-- time or at an absolute end (expires_at).
CREATE TABLE web_session (
	id {ID},
	user_id BIGINT NOT NULL REFERENCES users(id),
	hash TEXT NOT NULL UNIQUE,
	client TEXT,
	created_at TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	ended_at TEXT
);
CREATE INDEX web_session_user ON web_session (user_id);

-- Failed sign-ins, by the name given and the client's address, for
-- throttling (the audit log keeps them too).
CREATE TABLE login_failure (
	id {ID},
	user_name TEXT NOT NULL,
	client TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX login_failure_user ON login_failure (user_name, at);
CREATE INDEX login_failure_client ON login_failure (client, at);

-- migration 13: an agency can require a second factor of all its users
ALTER TABLE agency ADD COLUMN require_totp {BOOL} NOT NULL DEFAULT FALSE;

-- migration 14: mappings between category schemes an agency declares
CREATE TABLE category_mapping (
	id {ID},
	agency_id BIGINT NOT NULL REFERENCES agency(id),
	from_scheme TEXT NOT NULL,
	to_scheme TEXT NOT NULL,
	definition TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (agency_id, from_scheme, to_scheme)
);

-- migration 15: local features of media (internal/features: keypoints
-- and binary descriptors, encoded), to match crops, captions and views
-- of the same place; one row per media and extraction version.
CREATE TABLE media_features (
	media_id BIGINT NOT NULL REFERENCES media(id),
	version TEXT NOT NULL,
	data {BYTES} NOT NULL,
	PRIMARY KEY (media_id, version)
);
