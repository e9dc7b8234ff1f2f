package hashsets

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// VICS has no field for video or audio signals: they travel in
// AlternativeHashes, named "vPDQ" (the reference's text format, one
// index,quality,hex,timestamp line per frame) and "Chromaprint" (as
// fpcalc prints it).

// setMediaSignal stores a vPDQ or Chromaprint alternative hash in e,
// checked and normalised; handled is false for other names.
func setMediaSignal(e *store.Entry, name, value string) (handled bool, err error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "vpdq":
		frames, err := video.ReadLines(strings.NewReader(value))
		if err != nil {
			return true, fmt.Errorf("vPDQ: %w", err)
		}
		if len(frames) == 0 {
			return true, fmt.Errorf("vPDQ: no frames")
		}
		var b bytes.Buffer
		video.WriteLines(&b, frames)
		e.VPDQ = b.String()
		return true, nil
	case "chromaprint", "acoustid":
		v := strings.TrimSpace(value)
		if _, _, err := audio.Decode(v); err != nil {
			return true, fmt.Errorf("Chromaprint: %w", err)
		}
		e.Chromaprint = v
		return true, nil
	}
	return false, nil
}

var vpdqLine = regexp.MustCompile(`^\d+,\d+,[0-9a-fA-F]{64}(,[0-9.]+)?\r?$`)

// isVPDQ tells a vPDQ hash file (the reference's text format) from its
// first line.
func isVPDQ(head []byte) bool {
	first, _, _ := bytes.Cut(head, []byte("\n"))
	return vpdqLine.Match(first)
}

// ReadVPDQ reads one video's vPDQ hash file as one entry named after
// the file.
func ReadVPDQ(r io.Reader, path string, sink Sink) (Report, error) {
	var rep Report
	rep.Records = 1
	frames, err := video.ReadLines(r)
	if err != nil || len(frames) == 0 {
		if err == nil {
			err = fmt.Errorf("no frames")
		}
		sink.reject(&rep, 0, "vPDQ file: %v", err)
		return rep, nil
	}
	var b bytes.Buffer
	video.WriteLines(&b, frames)
	name := filepath.Base(path)
	e := store.Entry{Key: "vpdq:" + strings.TrimSuffix(name, filepath.Ext(name)), VPDQ: b.String(), FileName: name}
	if err := sink.Entry(e); err != nil {
		return rep, err
	}
	rep.Accepted++
	return rep, nil
}
