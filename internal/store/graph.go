package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// NodeKind is what a node of the knowledge graph is.
type NodeKind string

// The kinds of node. Media, cases and agencies live in their own tables;
// the others in graph_node.
const (
	NodeMedia    NodeKind = "media"
	NodeCase     NodeKind = "case"
	NodeAgency   NodeKind = "agency"
	NodeSeries   NodeKind = "series"
	NodeVictim   NodeKind = "victim"
	NodeOffender NodeKind = "offender"
	NodeLocation NodeKind = "location"
	NodeDevice   NodeKind = "device"
)

// Entity reports whether nodes of the kind are stored in graph_node.
func (k NodeKind) Entity() bool {
	switch k {
	case NodeSeries, NodeVictim, NodeOffender, NodeLocation, NodeDevice:
		return true
	}
	return false
}

// Sharing is what other agencies see of a node.
type Sharing string

// The sharing levels.
const (
	SharePrivate       Sharing = "private"       // nothing
	ShareDeconfliction Sharing = "deconfliction" // the owning case's number, agency and contact
	ShareShared        Sharing = "shared"        // the node itself
)

// LinkStatus is where a link stands.
type LinkStatus string

// The link statuses.
const (
	LinkSuggested LinkStatus = "suggested"
	LinkConfirmed LinkStatus = "confirmed"
	LinkRejected  LinkStatus = "rejected"
	LinkRetracted LinkStatus = "retracted"
)

// Basis is on what a link decision rests: a person, or a rule.
type Basis string

// The bases.
const (
	ByPerson Basis = "person"
	ByRule   Basis = "rule"
)

// Node is a series, victim, offender, location or device.
type Node struct {
	ID       int64    `json:"id"`
	Kind     NodeKind `json:"kind"`
	AgencyID int64    `json:"-"`
	Agency   string   `json:"agency"`
	CaseID   int64    `json:"-"`
	Case     string   `json:"case,omitempty"`
	// Label is the series name, the victim's or offender's pseudonymous
	// identifier, the location's label, or the device's make, model and
	// serial.
	Label      string  `json:"label"`
	ExternalID string  `json:"external_id,omitempty"`
	Status     string  `json:"status,omitempty"`
	Sharing    Sharing `json:"sharing"`
	// Identified is nil when unknown (a series or a device has none).
	Identified   *bool    `json:"identified,omitempty"`
	IdentifiedOn string   `json:"identified_on,omitempty"`
	IdentifiedBy string   `json:"identified_by,omitempty"` // an agency's name
	Country      string   `json:"country,omitempty"`
	PlaceKind    string   `json:"place_kind,omitempty"` // room, building, outdoor, town
	Lat          *float64 `json:"lat,omitempty"`
	Lon          *float64 `json:"lon,omitempty"`
	Make         string   `json:"make,omitempty"`
	Model        string   `json:"model,omitempty"`
	Serial       string   `json:"serial,omitempty"`
	Notes        string   `json:"notes,omitempty"`
	CreatedAt    string   `json:"created_at"`
	CreatedBy    string   `json:"created_by"`
}

// Ref names a node of any kind.
type Ref struct {
	Kind NodeKind `json:"kind"`
	ID   int64    `json:"id"`
}

func (r Ref) String() string { return fmt.Sprintf("%s:%d", r.Kind, r.ID) }

// Link is a typed edge between two nodes, made within an agency.
type Link struct {
	ID        int64      `json:"id"`
	AgencyID  int64      `json:"-"`
	CaseID    int64      `json:"-"`
	From      Ref        `json:"from"`
	Relation  string     `json:"relation"`
	To        Ref        `json:"to"`
	Status    LinkStatus `json:"status"`
	CreatedAt string     `json:"created_at"`
	// Last is the latest event: who or what decided the status, on what.
	Last LinkEvent `json:"last"`
}

// LinkEvent is one decision on a link; the events are its history.
type LinkEvent struct {
	Status   LinkStatus      `json:"status"`
	Basis    Basis           `json:"basis"`
	Rule     string          `json:"rule,omitempty"`
	Evidence json.RawMessage `json:"evidence,omitempty"`
	By       string          `json:"by"`
	At       string          `json:"at"`
	Reason   string          `json:"reason,omitempty"`
}

// CreateNode adds a node; its label must be new for its kind in its
// agency (ErrExists).
func (s *Store) CreateNode(ctx context.Context, n Node) (Node, error) {
	var err error
	err = s.tx(ctx, func(tx *sql.Tx) error {
		n, err = s.createNode(ctx, tx, n)
		return err
	})
	return n, err
}

func (s *Store) createNode(ctx context.Context, tx *sql.Tx, n Node) (Node, error) {
	if !n.Kind.Entity() {
		return n, fmt.Errorf("create node: kind %q is not one of series, victim, offender, location, device", n.Kind)
	}
	if n.Label == "" || n.AgencyID == 0 || n.CreatedBy == "" {
		return n, fmt.Errorf("create %s: a label, an agency and who creates it are needed", n.Kind)
	}
	if n.Sharing == "" {
		n.Sharing = ShareDeconfliction
	}
	n.CreatedAt = now()
	identifiedBy, err := s.identifyingAgency(ctx, tx, n)
	if err != nil {
		return n, fmt.Errorf("create %s %s: %w", n.Kind, n.Label, err)
	}
	var exists int
	if err := tx.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM graph_node WHERE agency_id = ? AND kind = ? AND label = ?`), n.AgencyID, n.Kind, n.Label).Scan(&exists); err != nil {
		return n, err
	}
	if exists > 0 {
		return n, fmt.Errorf("%s %q: %w", n.Kind, n.Label, ErrExists)
	}
	err = tx.QueryRowContext(ctx, s.rebind(`INSERT INTO graph_node (kind, agency_id, case_id, label, external_id, status, sharing, identified, identified_on,
		identified_by, country, place_kind, lat, lon, make, model, serial, notes, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		n.Kind, n.AgencyID, nullID(n.CaseID), n.Label, nullable(n.ExternalID), nullable(n.Status), n.Sharing, nullPtr(n.Identified), nullable(n.IdentifiedOn),
		identifiedBy, nullable(n.Country), nullable(n.PlaceKind), nullPtr(n.Lat), nullPtr(n.Lon), nullable(n.Make), nullable(n.Model), nullable(n.Serial),
		nullable(n.Notes), n.CreatedAt, n.CreatedBy).Scan(&n.ID)
	if err != nil {
		return n, fmt.Errorf("create %s %s: %w", n.Kind, n.Label, err)
	}
	return n, nil
}

// EnsureNode returns the node of the kind and label in the agency,
// creating it from n when absent: what suggestion rules use, so that a
// second run finds what the first made.
func (s *Store) EnsureNode(ctx context.Context, n Node) (Node, bool, error) {
	found, err := s.NodeByLabel(ctx, n.AgencyID, n.Kind, n.Label)
	if err == nil {
		return found, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return n, false, err
	}
	n, err = s.CreateNode(ctx, n)
	return n, err == nil, err
}

// UpdateNode stores a node's editable fields (not its kind, agency or
// label).
func (s *Store) UpdateNode(ctx context.Context, n Node) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		identifiedBy, err := s.identifyingAgency(ctx, tx, n)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE graph_node SET external_id = ?, status = ?, sharing = ?, identified = ?, identified_on = ?,
			identified_by = ?, country = ?, place_kind = ?, lat = ?, lon = ?, notes = ? WHERE id = ? AND agency_id = ?`),
			nullable(n.ExternalID), nullable(n.Status), n.Sharing, nullPtr(n.Identified), nullable(n.IdentifiedOn), identifiedBy, nullable(n.Country),
			nullable(n.PlaceKind), nullPtr(n.Lat), nullPtr(n.Lon), nullable(n.Notes), n.ID, n.AgencyID)
		if err != nil {
			return fmt.Errorf("update %s %s: %w", n.Kind, n.Label, err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return fmt.Errorf("%s #%d: %w", n.Kind, n.ID, ErrNotFound)
		}
		return nil
	})
}

// identifyingAgency is the ID of the agency that identified a node's
// victim or offender (nil when none is named).
func (s *Store) identifyingAgency(ctx context.Context, tx *sql.Tx, n Node) (any, error) {
	if n.IdentifiedBy == "" {
		return nil, nil
	}
	a, err := scanAgency(tx.QueryRowContext(ctx, s.rebind(`SELECT `+agencyColumns+` FROM agency WHERE name = ?`), n.IdentifiedBy))
	if err != nil {
		return nil, fmt.Errorf("identifying agency %s: %w", n.IdentifiedBy, notFound(err))
	}
	return a.ID, nil
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// nullID stores an ID of 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const nodeColumns = `n.id, n.kind, n.agency_id, a.name, COALESCE(n.case_id, 0), COALESCE(c.number, ''), n.label, COALESCE(n.external_id, ''),
	COALESCE(n.status, ''), n.sharing, n.identified, COALESCE(n.identified_on, ''), COALESCE(ib.name, ''), COALESCE(n.country, ''),
	COALESCE(n.place_kind, ''), n.lat, n.lon, COALESCE(n.make, ''), COALESCE(n.model, ''), COALESCE(n.serial, ''), COALESCE(n.notes, ''),
	n.created_at, n.created_by
	FROM graph_node n JOIN agency a ON a.id = n.agency_id LEFT JOIN cases c ON c.id = n.case_id LEFT JOIN agency ib ON ib.id = n.identified_by`

func scanNode(row interface{ Scan(...any) error }) (Node, error) {
	var n Node
	var identified sql.NullBool
	var lat, lon sql.NullFloat64
	err := row.Scan(&n.ID, &n.Kind, &n.AgencyID, &n.Agency, &n.CaseID, &n.Case, &n.Label, &n.ExternalID, &n.Status, &n.Sharing, &identified,
		&n.IdentifiedOn, &n.IdentifiedBy, &n.Country, &n.PlaceKind, &lat, &lon, &n.Make, &n.Model, &n.Serial, &n.Notes, &n.CreatedAt, &n.CreatedBy)
	if identified.Valid {
		n.Identified = &identified.Bool
	}
	if lat.Valid && lon.Valid {
		n.Lat, n.Lon = &lat.Float64, &lon.Float64
	}
	return n, err
}

// NodeByLabel finds a node of an agency by kind and label.
func (s *Store) NodeByLabel(ctx context.Context, agencyID int64, kind NodeKind, label string) (Node, error) {
	n, err := scanNode(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+nodeColumns+` WHERE n.agency_id = ? AND n.kind = ? AND n.label = ?`), agencyID, kind, label))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("%s %q: %w", kind, label, ErrNotFound)
	}
	return n, err
}

// NodeByID finds a node of an agency; another agency's node is
// ErrNotFound, as an absent one.
func (s *Store) NodeByID(ctx context.Context, agencyID, id int64) (Node, error) {
	n, err := scanNode(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+nodeColumns+` WHERE n.agency_id = ? AND n.id = ?`), agencyID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("node #%d: %w", id, ErrNotFound)
	}
	return n, err
}

// NodesByLabel finds the nodes of a kind and label in every agency: what
// a command given only a name resolves it with.
func (s *Store) NodesByLabel(ctx context.Context, kind NodeKind, label string) ([]Node, error) {
	return s.nodes(ctx, ` WHERE n.kind = ? AND n.label = ? ORDER BY a.name`, kind, label)
}

// NodesOf lists an agency's nodes of a kind ("" for all), by kind and
// label.
func (s *Store) NodesOf(ctx context.Context, agencyID int64, kind NodeKind) ([]Node, error) {
	return s.nodes(ctx, ` WHERE n.agency_id = ? AND (? = '' OR n.kind = ?) ORDER BY n.kind, n.label`, agencyID, kind, kind)
}

// NodesByID returns the nodes of the IDs, of any agency: the graph's
// deconfliction reads other agencies' nodes only through this, and
// shows of them what their sharing allows.
func (s *Store) NodesByID(ctx context.Context, ids []int64) (map[int64]Node, error) {
	out := map[int64]Node{}
	err := inChunks(ids, func(ph string, args []any) error {
		ns, err := s.nodes(ctx, ` WHERE n.id IN (`+ph+`)`, args...)
		for _, n := range ns {
			out[n.ID] = n
		}
		return err
	})
	return out, err
}

func (s *Store) nodes(ctx context.Context, where string, args ...any) ([]Node, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+nodeColumns+where), args...)
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		n, err := scanNode(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// AddLink records a link with its first event, or, when the agency
// already holds the same link (whatever its status), leaves it as it is
// and returns it with created false: a rule that runs again adds
// nothing, and a rejected suggestion is not made again.
func (s *Store) AddLink(ctx context.Context, l Link, ev LinkEvent) (Link, bool, error) {
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		l, created, err = s.addLink(ctx, tx, l, ev)
		return err
	})
	return l, created, err
}

func (s *Store) addLink(ctx context.Context, tx *sql.Tx, l Link, ev LinkEvent) (Link, bool, error) {
	if l.AgencyID == 0 || l.Relation == "" || l.From.ID == 0 || l.To.ID == 0 {
		return l, false, errors.New("add link: an agency, a relation and two nodes are needed")
	}
	existing, err := scanLink(tx.QueryRowContext(ctx, s.rebind(`SELECT `+linkColumns+` WHERE l.agency_id = ? AND l.from_kind = ? AND l.from_id = ?
		AND l.relation = ? AND l.to_kind = ? AND l.to_id = ?`), l.AgencyID, l.From.Kind, l.From.ID, l.Relation, l.To.Kind, l.To.ID))
	if err == nil {
		return existing, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return l, false, err
	}
	l.Status, l.CreatedAt = ev.Status, now()
	if err := tx.QueryRowContext(ctx, s.rebind(`INSERT INTO graph_link (agency_id, case_id, from_kind, from_id, relation, to_kind, to_id, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), l.AgencyID, nullID(l.CaseID), l.From.Kind, l.From.ID, l.Relation, l.To.Kind, l.To.ID,
		l.Status, l.CreatedAt).Scan(&l.ID); err != nil {
		return l, false, fmt.Errorf("add link: %w", err)
	}
	l.Last, err = s.addEvent(ctx, tx, l.ID, ev)
	return l, true, err
}

// AddLinks records many links (each with its event) in one transaction
// and says how many were new.
func (s *Store) AddLinks(ctx context.Context, links []Link, events []LinkEvent) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		added = 0
		for i, l := range links {
			_, created, err := s.addLink(ctx, tx, l, events[i])
			if err != nil {
				return err
			}
			if created {
				added++
			}
		}
		return nil
	})
	return added, err
}

func (s *Store) addEvent(ctx context.Context, tx *sql.Tx, linkID int64, ev LinkEvent) (LinkEvent, error) {
	if ev.By == "" || ev.Basis == "" || ev.Status == "" {
		return ev, errors.New("a link decision needs a status, a basis and who made it")
	}
	ev.At = now()
	var evidence any
	if len(ev.Evidence) > 0 {
		evidence = string(ev.Evidence)
	}
	_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO graph_link_event (link_id, status, basis, rule, evidence, decided_by, decided_at, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), linkID, ev.Status, ev.Basis, nullable(ev.Rule), evidence, ev.By, ev.At, nullable(ev.Reason))
	if err != nil {
		return ev, fmt.Errorf("record link decision: %w", err)
	}
	return ev, nil
}

// DecideLink appends a decision to an agency's link and makes its status
// the link's. The domain (internal/graph) checks the transition first.
func (s *Store) DecideLink(ctx context.Context, agencyID, linkID int64, ev LinkEvent) (Link, error) {
	var l Link
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE graph_link SET status = ? WHERE id = ? AND agency_id = ?`), ev.Status, linkID, agencyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("link #%d: %w", linkID, ErrNotFound)
		}
		if _, err := s.addEvent(ctx, tx, linkID, ev); err != nil {
			return err
		}
		l, err = scanLink(tx.QueryRowContext(ctx, s.rebind(`SELECT `+linkColumns+` WHERE l.id = ?`), linkID))
		return err
	})
	return l, err
}

// The latest event of each link is read with it.
const linkColumns = `l.id, l.agency_id, COALESCE(l.case_id, 0), l.from_kind, l.from_id, l.relation, l.to_kind, l.to_id, l.status, l.created_at,
	e.status, e.basis, COALESCE(e.rule, ''), COALESCE(e.evidence, ''), e.decided_by, e.decided_at, COALESCE(e.reason, '')
	FROM graph_link l JOIN graph_link_event e ON e.id = (SELECT MAX(id) FROM graph_link_event WHERE link_id = l.id)`

func scanLink(row interface{ Scan(...any) error }) (Link, error) {
	var l Link
	var evidence string
	err := row.Scan(&l.ID, &l.AgencyID, &l.CaseID, &l.From.Kind, &l.From.ID, &l.Relation, &l.To.Kind, &l.To.ID, &l.Status, &l.CreatedAt,
		&l.Last.Status, &l.Last.Basis, &l.Last.Rule, &evidence, &l.Last.By, &l.Last.At, &l.Last.Reason)
	if evidence != "" {
		l.Last.Evidence = json.RawMessage(evidence)
	}
	return l, err
}

// LinkByID finds an agency's link; another agency's is ErrNotFound.
func (s *Store) LinkByID(ctx context.Context, agencyID, id int64) (Link, error) {
	l, err := scanLink(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+linkColumns+` WHERE l.id = ? AND l.agency_id = ?`), id, agencyID))
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("link #%d: %w", id, ErrNotFound)
	}
	return l, err
}

// LinkHistory lists a link's events, oldest first.
func (s *Store) LinkHistory(ctx context.Context, agencyID, id int64) ([]LinkEvent, error) {
	if _, err := s.LinkByID(ctx, agencyID, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT status, basis, COALESCE(rule, ''), COALESCE(evidence, ''), decided_by, decided_at, COALESCE(reason, '')
		FROM graph_link_event WHERE link_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LinkEvent
	for rows.Next() {
		var ev LinkEvent
		var evidence string
		if err := rows.Scan(&ev.Status, &ev.Basis, &ev.Rule, &evidence, &ev.By, &ev.At, &ev.Reason); err != nil {
			return nil, err
		}
		if evidence != "" {
			ev.Evidence = json.RawMessage(evidence)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// LinkFilter selects an agency's links.
type LinkFilter struct {
	AgencyID int64
	CaseID   int64 // 0: any
	// Touching, when not empty, keeps links with either end among them.
	Touching []Ref
}

// Links lists an agency's links, by ID.
func (s *Store) Links(ctx context.Context, f LinkFilter) ([]Link, error) {
	where := []string{"l.agency_id = ?"}
	args := []any{f.AgencyID}
	if f.CaseID != 0 {
		where, args = append(where, "l.case_id = ?"), append(args, f.CaseID)
	}
	if len(f.Touching) > 0 {
		var ors []string
		for _, r := range f.Touching {
			ors = append(ors, "(l.from_kind = ? AND l.from_id = ?) OR (l.to_kind = ? AND l.to_id = ?)")
			args = append(args, r.Kind, r.ID, r.Kind, r.ID)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+linkColumns+` WHERE `+strings.Join(where, " AND ")+` ORDER BY l.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ForeignLinksTo lists the links of agencies other than agencyID that
// end at, or start from, any of the media: where another agency's
// series, victims, offenders, locations or devices touch this agency's
// material. Only links neither rejected nor retracted.
func (s *Store) ForeignLinksTo(ctx context.Context, agencyID int64, mediaIDs []int64) ([]Link, error) {
	var out []Link
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		all := append([]any{agencyID, NodeMedia}, args...)
		all = append(all, NodeMedia)
		all = append(all, args...)
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+linkColumns+` WHERE l.agency_id <> ? AND l.status IN ('suggested', 'confirmed')
			AND ((l.from_kind = ? AND l.from_id IN (`+ph+`)) OR (l.to_kind = ? AND l.to_id IN (`+ph+`))) ORDER BY l.id`), all...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanLink(rows)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}

// Note is a dated remark by someone on a node (media included).
type Note struct {
	ID       int64  `json:"id"`
	AgencyID int64  `json:"-"`
	Target   Ref    `json:"target"`
	Author   string `json:"author"`
	At       string `json:"at"`
	Text     string `json:"text"`
}

// AddNote records a note; notes are never edited.
func (s *Store) AddNote(ctx context.Context, n Note) (Note, error) {
	if n.AgencyID == 0 || n.Author == "" || strings.TrimSpace(n.Text) == "" || n.Target.ID == 0 {
		return n, errors.New("a note needs an agency, a target, an author and a text")
	}
	n.At = now()
	err := s.db.QueryRowContext(ctx, s.rebind(`INSERT INTO graph_note (agency_id, target_kind, target_id, author, written_at, text) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		n.AgencyID, n.Target.Kind, n.Target.ID, n.Author, n.At, n.Text).Scan(&n.ID)
	if err != nil {
		return n, fmt.Errorf("add note: %w", err)
	}
	return n, nil
}

// NotesOf lists an agency's notes on a node, oldest first.
func (s *Store) NotesOf(ctx context.Context, agencyID int64, target Ref) ([]Note, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT id, agency_id, target_kind, target_id, author, written_at, text FROM graph_note
		WHERE agency_id = ? AND target_kind = ? AND target_id = ? ORDER BY id`), agencyID, target.Kind, target.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.ID, &n.AgencyID, &n.Target.Kind, &n.Target.ID, &n.Author, &n.At, &n.Text); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// AgencyHoldsMedia reports whether a case of the agency holds the media.
func (s *Store) AgencyHoldsMedia(ctx context.Context, agencyID, mediaID int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM file f JOIN exhibit x ON x.id = f.exhibit_id JOIN cases c ON c.id = x.case_id
		WHERE f.media_id = ? AND c.agency_id = ?`), mediaID, agencyID).Scan(&n)
	return n > 0, err
}

// MediaSHA256 returns a media's SHA-256.
func (s *Store) MediaSHA256(ctx context.Context, id int64) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT sha256 FROM media WHERE id = ?`), id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("media #%d: %w", id, ErrNotFound)
	}
	return h, err
}
