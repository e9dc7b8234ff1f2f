// Package auth says who may do what: users of an agency with one role
// each, the one table of what each role may do, passwords hashed with
// argon2id, TOTP second factors that refuse a replayed code, and API
// tokens stored only as hashes. It holds the rules; the store keeps the
// users and tokens, and the server asks Can before every action.
package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a user is to their agency.
type Role string

// The roles.
const (
	Admin      Role = "admin"      // manages the agency's users and tokens; sees no media
	Specialist Role = "specialist" // victim identification: categorises, links, edits series, victims, offenders, locations
	Grader     Role = "grader"     // votes on categories only
	Examiner   Role = "examiner"   // ingests, triages and reports on the agency's cases
	Auditor    Role = "auditor"    // reads and verifies the audit log, never media
	API        Role = "api"        // machine lookups only, as HMA clients make them
)

// Roles lists every role.
var Roles = []Role{Admin, Specialist, Grader, Examiner, Auditor, API}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	if r := Role(s); slices.Contains(Roles, r) {
		return r, nil
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("no role %q (%s)", s, strings.Join(names, ", "))
}

// Action is something a user may be allowed to do.
type Action string

// The actions, grouped as the table below grants them.
const (
	ViewCase       Action = "view-case"        // a case, its exhibits and report
	ViewMedia      Action = "view-media"       // a media record and its blurred thumbnail
	RevealMedia    Action = "reveal-media"     // the unblurred picture, with a reason
	Ingest         Action = "ingest"           // ingest, rematch
	Export         Action = "export"           // case export, reports
	Categorize     Action = "categorize"       // vote a category
	EditGraph      Action = "edit-graph"       // series, victims, offenders, locations, links, notes
	ImportHashSet  Action = "import-hashset"   // hash-set import
	Lookup         Action = "lookup"           // hash lookups (the HMA routes)
	ReadAudit      Action = "read-audit"       // read, export and verify the audit log
	ManageUsers    Action = "manage-users"     // users and roles of the agency
	ManageTokens   Action = "manage-tokens"    // the agency's API tokens
	ViewOwnAccount Action = "view-own-account" // one's own account, password and tokens
)

// Actions lists every action, in the table's order.
var Actions = []Action{ViewCase, ViewMedia, RevealMedia, Ingest, Export, Categorize, EditGraph, ImportHashSet, Lookup, ReadAudit, ManageUsers, ManageTokens, ViewOwnAccount}

// permissions is the one table of role × action. An admin sees no media
// by default; an auditor reads the log and never media; an api user
// only looks hashes up.
var permissions = map[Role][]Action{
	Admin:      {ManageUsers, ManageTokens, ReadAudit, ViewOwnAccount},
	Specialist: {ViewCase, ViewMedia, RevealMedia, Export, Categorize, EditGraph, Lookup, ViewOwnAccount},
	Grader:     {ViewMedia, RevealMedia, Categorize, ViewOwnAccount},
	Examiner:   {ViewCase, ViewMedia, RevealMedia, Ingest, Export, ImportHashSet, Lookup, ViewOwnAccount},
	Auditor:    {ReadAudit, ViewOwnAccount},
	API:        {Lookup},
}

// NeedsTOTP says whether a user of the role, in an agency that does or
// does not require it of everyone, must have a second factor. An admin
// always must: that account makes the others.
func NeedsTOTP(r Role, agencyRequires bool) bool { return agencyRequires || r == Admin }

// Can reports whether a role may do an action.
func Can(r Role, a Action) bool { return slices.Contains(permissions[r], a) }

// Table is the role × action table in Markdown, as docs/security.md
// shows it (a test keeps the two equal).
func Table() string {
	var b strings.Builder
	b.WriteString("| action |")
	for _, r := range Roles {
		b.WriteString(" " + string(r) + " |")
	}
	b.WriteString("\n|---|")
	for range Roles {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, a := range Actions {
		b.WriteString("| `" + string(a) + "` |")
		for _, r := range Roles {
			if Can(r, a) {
				b.WriteString(" yes |")
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
