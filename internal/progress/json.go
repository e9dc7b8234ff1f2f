package progress

import (
	"encoding/json"
	"io"
	"log/slog"

	"github.com/ariadne-vid/ariadne/internal/ingest"
)

// JSON prints progress and the summary as JSON lines, for tooling:
// {"event":"progress",...} and a last {"event":"summary",...}.
type JSON struct {
	W io.Writer
}

// Update prints a progress event.
func (j *JSON) Update(s ingest.Snapshot) {
	j.write(struct {
		Event string `json:"event"`
		ingest.Snapshot
		ETA float64 `json:"eta_s,omitempty"`
	}{"progress", s, s.ETA().Seconds()})
}

// Finish prints the summary event.
func (j *JSON) Finish(_ ingest.Snapshot, sum ingest.Summary) {
	j.write(struct {
		Event string `json:"event"`
		ingest.Summary
	}{"summary", sum})
}

func (j *JSON) write(v any) {
	if err := json.NewEncoder(j.W).Encode(v); err != nil {
		slog.Warn("progress not written", "err", err)
	}
}
