package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	for _, k := range []struct {
		kind    store.NodeKind
		summary string
	}{
		{store.NodeVictim, "victims (pseudonymous identifiers): victim create|show|identify"},
		{store.NodeOffender, "offenders (pseudonymous identifiers): offender create|show|identify"},
		{store.NodeLocation, "locations: location create|show"},
	} {
		kind := k.kind
		register(command{name: string(kind), summary: k.summary, run: func(args []string, stdout, stderr io.Writer) error {
			verbs := map[string]verb{
				"create": func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
					return entityCreate(ctx, kind, args, stdout, stderr)
				},
				"show": func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
					return entityShow(ctx, kind, args, stdout, stderr)
				},
			}
			if kind != store.NodeLocation {
				verbs["identify"] = func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
					return entityIdentify(ctx, kind, args, stdout, stderr)
				}
			}
			return runVerb(string(kind), verbs, args, stdout, stderr)
		}})
	}
}

// entityCreate is "victim|offender|location create LABEL --case C".
func entityCreate(ctx context.Context, kind store.NodeKind, args []string, stdout, stderr io.Writer) error {
	name := string(kind) + " create"
	fs := newFlags(name, "LABEL --case C [--country CC] [--sharing LEVEL] [--notes N] [--identified --identified-on DATE --identified-by AGENCY] [--kind K --lat L --lon L] [--by WHO] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the owning case")
	country := fs.String("country", "", "ISO 3166 country code")
	sharing := fs.String("sharing", string(store.ShareDeconfliction), "what other agencies see: private, deconfliction or shared")
	notes := fs.String("notes", "", "notes (never shown to other agencies)")
	identified := fs.Bool("identified", false, "victim or offender: identified")
	identifiedOn := fs.String("identified-on", "", "date of the identification (YYYY-MM-DD)")
	identifiedBy := fs.String("identified-by", "", "agency that identified them (default: the case's)")
	placeKind := fs.String("kind", "", "location: room, building, outdoor or town")
	lat := fs.String("lat", "", "location: latitude, decimal degrees")
	lon := fs.String("lon", "", "location: longitude, decimal degrees")
	by := byFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one LABEL")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	n := store.Node{Kind: kind, AgencyID: c.AgencyID, CaseID: c.ID, Label: pos[0], Country: *country, Sharing: store.Sharing(*sharing), Notes: *notes, CreatedBy: *by}
	if kind == store.NodeLocation {
		n.PlaceKind = *placeKind
		if (*lat == "") != (*lon == "") {
			return usageErr("--lat and --lon go together")
		}
		if *lat != "" {
			la, err1 := strconv.ParseFloat(*lat, 64)
			lo, err2 := strconv.ParseFloat(*lon, 64)
			if err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 {
				return usageErr("--lat %s --lon %s: want decimal degrees", *lat, *lon)
			}
			n.Lat, n.Lon = &la, &lo
		}
	} else {
		n.Identified = identified
		if err := checkDate(*identifiedOn); err != nil {
			return err
		}
		if *identified {
			n.IdentifiedOn = *identifiedOn
			n.IdentifiedBy = *identifiedBy
			if n.IdentifiedBy == "" {
				n.IdentifiedBy = c.Agency
			}
		}
	}
	n, err = st.CreateNode(ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s created (%s:%d, case %s, agency %s)\n", kind, n.Label, kind, n.ID, c.Number, c.Agency)
	return nil
}

// entityIdentify is "victim|offender identify LABEL": records that they
// were identified, by whom and when.
func entityIdentify(ctx context.Context, kind store.NodeKind, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(string(kind)+" identify", "LABEL --on DATE [--by-agency AGENCY] [--agency A] [--db DB]", stderr)
	db := dbFlag(fs)
	on := fs.String("on", "", "date of the identification (YYYY-MM-DD)")
	byAgency := fs.String("by-agency", "", "the identifying agency (default: the owner)")
	agency := fs.String("agency", "", "the owning agency, when several have this label")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one LABEL")
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := nodeByName(ctx, st, kind, pos[0], *agency)
	if err != nil {
		return err
	}
	if err := checkDate(*on); err != nil {
		return err
	}
	yes := true
	n.Identified, n.IdentifiedOn = &yes, *on
	n.IdentifiedBy = *byAgency
	if n.IdentifiedBy == "" {
		n.IdentifiedBy = n.Agency
	}
	if err := st.UpdateNode(ctx, n); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s identified by %s on %s\n", kind, n.Label, n.IdentifiedBy, *on)
	return nil
}

// entityShow is "victim|offender|location show LABEL".
func entityShow(ctx context.Context, kind store.NodeKind, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(string(kind)+" show", "LABEL [--agency A] [--json] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the owning agency, when several have this label")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one LABEL")
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := nodeByName(ctx, st, kind, pos[0], *agency)
	if err != nil {
		return err
	}
	shown, err := graph.New(st).Show(ctx, n)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: n.Agency, Action: "view-" + string(n.Kind), Object: fmt.Sprintf("%s:%d", n.Kind, n.ID)}); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, shown)
	}
	return shown.WriteText(stdout)
}

// checkDate accepts "" or a date as YYYY-MM-DD.
func checkDate(s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return usageErr("date %q: want YYYY-MM-DD", s)
	}
	return nil
}
