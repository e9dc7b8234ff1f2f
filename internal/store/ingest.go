package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/ariadne-vid/ariadne/internal/metadata"
)

// Class is a file's triage class, as stored.
type Class string

// Triage classes of a file, in order of precedence.
const (
	ClassKnown     Class = "known"     // exact match to a known-bad set
	ClassNear      Class = "near"      // PDQ within a known-bad set's radius
	ClassIgnorable Class = "ignorable" // exact match to a known-good set
	ClassError     Class = "error"     // unreadable or undecodable, with the reason
	ClassNew       Class = "new"       // media that matched nothing
	ClassOther     Class = "other"     // not media
)

// Classes lists the triage classes in the order reports show them.
var Classes = []Class{ClassNew, ClassNear, ClassKnown, ClassIgnorable, ClassOther, ClassError}

// SignalPDQ is the signal type of an image's PDQ hash (and of a match by
// it).
const SignalPDQ = "pdq"

// SignalThumbnailPDQ is the signal type of the PDQ of a picture's
// embedded EXIF thumbnail (with its quality), and the match type of a
// match by it: an edited copy that kept its original's thumbnail.
const SignalThumbnailPDQ = "thumbnail-pdq"

// SignalPDQDihedral is the signal type of the 8 dihedral PDQ hashes of an
// image (orig, rot90, rot180, rot270, flipx, flipy, flipp, flipm), comma
// separated.
const SignalPDQDihedral = "pdq-dihedral"

// Signal is a perceptual hash of media.
type Signal struct {
	Type    string `json:"type"` // "pdq"
	Value   string `json:"value"`
	Quality *int   `json:"quality,omitempty"`
	// Version names the algorithm and its variant exactly, since two
	// variants (PDQ from a reduced decode or the full image) may differ
	// by a few bits and a court may ask which one produced a hash.
	Version string `json:"version"`
}

// IngestedFile is everything ingest learned about one file, written in
// one transaction with the rest of its batch: a file row exists only with
// its media, signals and matches, which is what makes a resumed run equal
// an uninterrupted one.
type IngestedFile struct {
	File    File
	Media   *Media // nil when the content could not be read
	Signals []Signal
	// AVSignals are the long ones (vPDQ, audio fingerprint): one per
	// media, type and version.
	AVSignals []Signal
	// Features are the image's local features, encoded, of
	// FeaturesVersion (nil: none).
	Features        []byte
	FeaturesVersion string
	Matches         []Match // MediaID is filled in by the write
	// Metadata is what the media says about itself (nil: nothing); kept
	// once per media, as first recorded.
	Metadata *metadata.Metadata
}

// WriteIngested writes a batch of files of an exhibit in one transaction.
// Media, signals and matches already stored are kept; a file already
// recorded at the same path is updated.
func (s *Store) WriteIngested(ctx context.Context, exhibitID int64, batch []IngestedFile) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		media, err := tx.PrepareContext(ctx, s.rebind(`INSERT INTO media (sha256, md5, sha1, size, mime, width, height, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (sha256) DO UPDATE SET mime = COALESCE(media.mime, excluded.mime), width = COALESCE(media.width, excluded.width),
				height = COALESCE(media.height, excluded.height), duration_ms = COALESCE(media.duration_ms, excluded.duration_ms)
			RETURNING id`))
		if err != nil {
			return err
		}
		defer media.Close()
		signal, err := tx.PrepareContext(ctx, s.rebind(`INSERT INTO signal (media_id, type, value, quality, algorithm_version) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (media_id, type, algorithm_version, value) DO NOTHING`))
		if err != nil {
			return err
		}
		defer signal.Close()
		file, err := tx.PrepareContext(ctx, s.rebind(saveFileSQL))
		if err != nil {
			return err
		}
		defer file.Close()
		avSignal, err := tx.PrepareContext(ctx, s.rebind(`INSERT INTO media_av_signal (media_id, type, value, algorithm_version) VALUES (?, ?, ?, ?)
			ON CONFLICT (media_id, type, algorithm_version) DO NOTHING`))
		if err != nil {
			return err
		}
		defer avSignal.Close()
		match, err := tx.PrepareContext(ctx, s.rebind(insertMatchSQL))
		if err != nil {
			return err
		}
		defer match.Close()
		meta, err := tx.PrepareContext(ctx, s.rebind(insertMetadataSQL))
		if err != nil {
			return err
		}
		defer meta.Close()
		feats, err := tx.PrepareContext(ctx, s.rebind(`INSERT INTO media_features (media_id, version, data) VALUES (?, ?, ?)
			ON CONFLICT (media_id, version) DO NOTHING`))
		if err != nil {
			return err
		}
		defer feats.Close()
		t := now()
		for _, f := range batch {
			var mediaID any
			if m := f.Media; m != nil {
				var id int64
				if err := media.QueryRowContext(ctx, m.SHA256, m.MD5, m.SHA1, m.Size, nullable(m.MIME), nullZero(m.Width), nullZero(m.Height), nullZero(m.DurationMS)).Scan(&id); err != nil {
					return fmt.Errorf("save media of %s: %w", f.File.Path, err)
				}
				mediaID = id
				for _, sg := range f.Signals {
					var q any
					if sg.Quality != nil {
						q = *sg.Quality
					}
					if _, err := signal.ExecContext(ctx, id, sg.Type, sg.Value, q, sg.Version); err != nil {
						return fmt.Errorf("save signal of %s: %w", f.File.Path, err)
					}
				}
				for _, sg := range f.AVSignals {
					if _, err := avSignal.ExecContext(ctx, id, sg.Type, sg.Value, sg.Version); err != nil {
						return fmt.Errorf("save signal of %s: %w", f.File.Path, err)
					}
				}
				for _, mt := range f.Matches {
					if _, err := match.ExecContext(ctx, id, nil, mt.EntryID, mt.SignalType, mt.Distance, t, nullable(mt.IndexVersion), nullable(mt.Detail)); err != nil {
						return fmt.Errorf("save match of %s: %w", f.File.Path, err)
					}
				}
				if md := f.Metadata; !md.Empty() {
					if _, err := meta.ExecContext(ctx, metadataArgs(id, md)...); err != nil {
						return fmt.Errorf("save metadata of %s: %w", f.File.Path, err)
					}
				}
				if f.Features != nil {
					if _, err := feats.ExecContext(ctx, id, f.FeaturesVersion, f.Features); err != nil {
						return fmt.Errorf("save local features of %s: %w", f.File.Path, err)
					}
				}
			}
			fr := f.File
			fr.ExhibitID = exhibitID
			var id int64
			if err := file.QueryRowContext(ctx, fr.args(mediaID)...).Scan(&id); err != nil {
				return fmt.Errorf("save file %s: %w", fr.Path, err)
			}
		}
		return nil
	})
}

// FileKey identifies a file as ingest saw it (path, size and modification
// time), so a later run can skip what did not change. It is a digest, to
// keep an exhibit of millions of files small in memory.
type FileKey [16]byte

// KeyOf makes the FileKey of a file.
func KeyOf(path string, size int64, modifiedAt string) FileKey {
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatInt(size, 10)))
	h.Write([]byte{0})
	h.Write([]byte(modifiedAt))
	var k FileKey
	copy(k[:], h.Sum(nil))
	return k
}

// IngestedKeys returns the keys of the files of an exhibit that an ingest
// has recorded completely.
func (s *Store) IngestedKeys(ctx context.Context, exhibitID int64) (map[FileKey]struct{}, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT path, COALESCE(size, -1), COALESCE(modified_at, '') FROM file WHERE exhibit_id = ? AND class IS NOT NULL`), exhibitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[FileKey]struct{}{}
	for rows.Next() {
		var p, mt string
		var size int64
		if err := rows.Scan(&p, &size, &mt); err != nil {
			return nil, err
		}
		out[KeyOf(p, size, mt)] = struct{}{}
	}
	return out, rows.Err()
}

// FileMedia returns the SHA-256 of the content recorded at a path of an
// exhibit ("" when the file is not recorded or had no readable content).
func (s *Store) FileMedia(ctx context.Context, exhibitID int64, path string) (string, error) {
	var sum sql.NullString
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT m.sha256 FROM file f LEFT JOIN media m ON m.id = f.media_id WHERE f.exhibit_id = ? AND f.path = ?`), exhibitID, path).Scan(&sum)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return sum.String, err
}

// IngestRun is one run of ingest over an exhibit.
type IngestRun struct {
	ID         int64     `json:"id"`
	ExhibitID  int64     `json:"exhibit_id"`
	Roots      string    `json:"roots"`
	Options    string    `json:"options,omitempty"`
	Version    string    `json:"program_version,omitempty"`
	StartedAt  string    `json:"started_at"`
	FinishedAt string    `json:"finished_at,omitempty"`
	Status     RunStatus `json:"status"`
	Files      int64     `json:"files"`
	Skipped    int64     `json:"skipped"`
	Bytes      int64     `json:"bytes"`
	Error      string    `json:"error,omitempty"`
}

// HeartbeatStale is how long a running ingest may go without a
// heartbeat (IngestHeartbeat) before another may take its exhibit over:
// its host may have crashed.
const HeartbeatStale = 2 * time.Minute

// BusyError is returned by StartIngestRun while another live run ingests
// the exhibit.
type BusyError struct {
	RunID     int64
	Host      string
	PID       int64
	Heartbeat string // when it last said it was alive
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("the exhibit is being ingested by run %d (host %s, process %d, alive at %s); wait for it to finish or stop it (a stopped run resumes where it stopped); a run on a host that crashed is taken over %v after its last sign of life",
		e.RunID, e.Host, e.PID, e.Heartbeat, HeartbeatStale)
}

// StartIngestRun records the start of a run by this process. One run at a
// time ingests an exhibit: while another is alive (its process runs on
// this host, or another host's run sent a heartbeat within
// HeartbeatStale) the start fails with a *BusyError. Runs still marked
// running that are not alive were cut short (a crash, kill -9) and are
// marked abandoned.
func (s *Store) StartIngestRun(ctx context.Context, r IngestRun) (int64, error) {
	host, _ := os.Hostname()
	pid := int64(os.Getpid())
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		busy, err := s.liveRun(ctx, tx, r.ExhibitID, host)
		if err != nil {
			return err
		}
		if busy != nil {
			return busy
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE ingest_run SET status = ? WHERE exhibit_id = ? AND status = ?`), string(RunAbandoned), r.ExhibitID, string(RunRunning)); err != nil {
			return err
		}
		t := now()
		return tx.QueryRowContext(ctx, s.rebind(`INSERT INTO ingest_run (exhibit_id, roots, options, program_version, started_at, status, host, pid, heartbeat_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.ExhibitID, r.Roots, nullable(r.Options), nullable(r.Version), t, string(RunRunning), host, pid, t).Scan(&id)
	})
	var be *BusyError
	if errors.As(err, &be) {
		return 0, be
	}
	if err != nil {
		// Another run may have started between the check and the insert
		// (the index allows one running run per exhibit).
		if busy, _ := s.liveRun(ctx, s.db, r.ExhibitID, host); busy != nil {
			return 0, busy
		}
		return 0, fmt.Errorf("start ingest run: %w", err)
	}
	return id, nil
}

// liveRun returns the exhibit's running run that is alive, if any.
func (s *Store) liveRun(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, exhibitID int64, host string) (*BusyError, error) {
	rows, err := q.QueryContext(ctx, s.rebind(`SELECT id, COALESCE(host, ''), COALESCE(pid, 0), COALESCE(heartbeat_at, started_at)
		FROM ingest_run WHERE exhibit_id = ? AND status = ?`), exhibitID, string(RunRunning))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b BusyError
		if err := rows.Scan(&b.RunID, &b.Host, &b.PID, &b.Heartbeat); err != nil {
			return nil, err
		}
		beat, err := time.Parse(time.RFC3339Nano, b.Heartbeat)
		if err != nil || time.Since(beat) > HeartbeatStale {
			continue // silent too long: its host or process died
		}
		if b.Host == host && !processAlive(int(b.PID)) {
			continue // its process is gone (kill -9, a crash)
		}
		return &b, nil
	}
	return nil, rows.Err()
}

// IngestHeartbeat records that a run is alive.
func (s *Store) IngestHeartbeat(ctx context.Context, runID int64) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE ingest_run SET heartbeat_at = ? WHERE id = ?`), now(), runID)
	if err != nil {
		return fmt.Errorf("ingest heartbeat: %w", err)
	}
	return nil
}

// FinishIngestRun records how a run ended.
func (s *Store) FinishIngestRun(ctx context.Context, r IngestRun) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE ingest_run SET finished_at = ?, status = ?, files = ?, skipped = ?, bytes = ?, error = ? WHERE id = ?`),
		now(), string(r.Status), r.Files, r.Skipped, r.Bytes, nullable(r.Error), r.ID)
	if err != nil {
		return fmt.Errorf("finish ingest run: %w", err)
	}
	return nil
}

// IngestRuns lists the runs over an exhibit, oldest first.
func (s *Store) IngestRuns(ctx context.Context, exhibitID int64) ([]IngestRun, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT id, exhibit_id, roots, COALESCE(options, ''), COALESCE(program_version, ''), started_at,
		COALESCE(finished_at, ''), status, COALESCE(files, 0), COALESCE(skipped, 0), COALESCE(bytes, 0), COALESCE(error, '')
		FROM ingest_run WHERE exhibit_id = ? ORDER BY id`), exhibitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IngestRun
	for rows.Next() {
		var r IngestRun
		if err := rows.Scan(&r.ID, &r.ExhibitID, &r.Roots, &r.Options, &r.Version, &r.StartedAt, &r.FinishedAt, &r.Status, &r.Files, &r.Skipped, &r.Bytes, &r.Error); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunStatus is the state of an ingest run, as stored.
type RunStatus string

// The states of an ingest run.
const (
	RunRunning     RunStatus = "running"     // started, heartbeat alive
	RunDone        RunStatus = "done"        // finished with every file recorded
	RunInterrupted RunStatus = "interrupted" // cancelled (Ctrl-C, SIGTERM); the same command resumes it
	RunFailed      RunStatus = "failed"      // stopped by an error, kept in the run's record
	RunAbandoned   RunStatus = "abandoned"   // its process died; taken over by a later run
)

// Signal types of video and audio.
const (
	SignalVPDQ = "vpdq" // the reference's lines
	// SignalLocalFeatures is a match by local features (internal/features):
	// a copy of media that matched the entry by another signal.
	SignalLocalFeatures = "local-features"
	SignalChromaprint   = "chromaprint" // as fpcalc prints it
	// SignalVPDQFrame is the match type of a still image whose PDQ is
	// near a frame of a known video (a frame grabbed from it).
	SignalVPDQFrame = "vpdq-frame"
	// SignalFramePDQ is the match type of a video one of whose frames is
	// near a known image's PDQ (a slideshow or compilation of known
	// images).
	SignalFramePDQ = "frame-pdq"
)

// SignalChromaprintAt is the signal type of a media's audio fingerprint
// taken as if played at a speed (audio.Speeds: "chromaprint@0.97"); such
// signals are for matching only.
func SignalChromaprintAt(speed float64) string {
	return SignalChromaprint + "@" + strconv.FormatFloat(speed, 'f', -1, 64)
}

// KnownBadVPDQ calls fn for every live known-bad entry with a vPDQ hash.
func (s *Store) KnownBadVPDQ(ctx context.Context, fn func(entryID int64, vpdq string) error) error {
	return s.knownBadColumn(ctx, "vpdq", fn)
}

// KnownBadAudio calls fn for every live known-bad entry with an audio
// fingerprint.
func (s *Store) KnownBadAudio(ctx context.Context, fn func(entryID int64, chromaprint string) error) error {
	return s.knownBadColumn(ctx, "chromaprint", fn)
}

// knownBadColumn reads one column of the live known-bad entries that have
// it, through its partial index (schema migration 5): a set of millions
// of photo hashes is not read to find its few videos.
func (s *Store) knownBadColumn(ctx context.Context, col string, fn func(int64, string) error) error {
	bad := map[int64]bool{}
	sets, err := s.db.QueryContext(ctx, s.rebind(`SELECT id FROM hashset WHERE kind = ?`), string(KnownBad))
	if err != nil {
		return fmt.Errorf("known-bad sets: %w", err)
	}
	for sets.Next() {
		var id int64
		if err := sets.Scan(&id); err != nil {
			sets.Close()
			return err
		}
		bad[id] = true
	}
	sets.Close()
	if err := sets.Err(); err != nil {
		return err
	}
	// No join on the sets: with one, SQLite walks every entry of the sets
	// instead of the column's partial index.
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.hashset_id, e.`+col+` FROM hashset_entry e
		WHERE e.`+col+` IS NOT NULL AND NOT e.tombstone ORDER BY e.id`)
	if err != nil {
		return fmt.Errorf("known-bad %s: %w", col, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, set int64
		var v string
		if err := rows.Scan(&id, &set, &v); err != nil {
			return err
		}
		if !bad[set] {
			continue
		}
		if err := fn(id, v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EntryVPDQ returns an entry's vPDQ hash ("" when it has none).
func (s *Store) EntryVPDQ(ctx context.Context, entryID int64) (string, error) {
	return s.entryColumn(ctx, "vpdq", entryID)
}

// EntryChromaprint returns an entry's audio fingerprint ("" when it has
// none).
func (s *Store) EntryChromaprint(ctx context.Context, entryID int64) (string, error) {
	return s.entryColumn(ctx, "chromaprint", entryID)
}

func (s *Store) entryColumn(ctx context.Context, col string, entryID int64) (string, error) {
	var v sql.NullString
	err := s.read.QueryRowContext(ctx, s.rebind(`SELECT `+col+` FROM hashset_entry WHERE id = ?`), entryID).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("%s of entry %d: %w", col, entryID, err)
	}
	return v.String, nil
}

// KnownBadPDQ calls fn for every live entry with a PDQ hash in a
// known-bad set.
func (s *Store) KnownBadPDQ(ctx context.Context, fn func(entryID int64, pdq string) error) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT e.id, e.pdq FROM hashset_entry e JOIN hashset h ON h.id = e.hashset_id
		WHERE h.kind = ? AND e.pdq IS NOT NULL AND NOT e.tombstone ORDER BY e.id`), string(KnownBad))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return err
		}
		if err := fn(id, p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// KnownBadState summarises the known-bad sets (each set's ID, radius and
// last write, and the highest entry ID of the store), so that an index
// built from them can be cached and known to be stale when any of them
// changed: every write to a set's entries goes through an EntryWriter,
// which marks the set written when it starts and when it commits. It
// reads no entries, so it costs the same for a set of any size.
func (s *Store) KnownBadState(ctx context.Context) (state string, maxRadius int, err error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT id, radius, updated_at FROM hashset WHERE kind = ? ORDER BY id`), string(KnownBad))
	if err != nil {
		return "", 0, err
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var id, radius int64
		var updated string
		if err := rows.Scan(&id, &radius, &updated); err != nil {
			return "", 0, err
		}
		fmt.Fprintf(h, "%d %d %s\n", id, radius, updated)
		maxRadius = max(maxRadius, int(radius))
	}
	if err := rows.Err(); err != nil {
		return "", 0, err
	}
	var maxID int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM hashset_entry`).Scan(&maxID); err != nil {
		return "", 0, err
	}
	fmt.Fprintf(h, "max entry %d\n", maxID)
	return hex.EncodeToString(h.Sum(nil)[:12]), maxRadius, nil
}

// EntryRef is a hash-set entry with the set it belongs to.
type EntryRef struct {
	SetID  int64
	Set    string
	Kind   string
	Radius int
	Entry  Entry
}

// EntryByID finds an entry and its set by the entry's row ID.
func (s *Store) EntryByID(ctx context.Context, id int64) (EntryRef, error) {
	rows, err := s.read.QueryContext(ctx, s.rebind(`SELECT h.id, h.name, h.kind, h.radius, `+entryColumnsOf("e")+`
		FROM hashset_entry e JOIN hashset h ON h.id = e.hashset_id WHERE e.id = ?`), id)
	if err != nil {
		return EntryRef{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return EntryRef{}, err
		}
		return EntryRef{}, fmt.Errorf("entry %d: %w", id, ErrNotFound)
	}
	var r EntryRef
	r.Entry, err = scanEntry(rows, &r.SetID, &r.Set, &r.Kind, &r.Radius)
	return r, err
}

// ExactHit is an exact match with the entry's row ID.
type ExactHit struct {
	Hit
	EntryID int64
}

// LookupExactIDs is LookupExact with the entries' row IDs, which matches
// refer to.
func (s *Store) LookupExactIDs(ctx context.Context, hashes []string) ([]ExactHit, error) {
	return s.lookupExact(ctx, hashes)
}
