package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeCommand starts `ariadne serve` as a process on a free port,
// asks it a lookup with its API key (from a file), and stops it with
// SIGTERM: it exits cleanly.
func TestServeCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("k3y\n"), 0o600)
	cmd := ariadneCmd(t, "serve", "--addr", "127.0.0.1:0", "--api-key-file", keyFile, "--db", filepath.Join(dir, "a.db"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v", err)
	}
	// "ariadne serving on http://127.0.0.1:PORT (...)"
	base := strings.Fields(line)[3]
	req, _ := http.NewRequest("GET", base+"/m/lookup?signal_type=md5&signal=d41d8cd98f00b204e9800998ecf8427e", nil)
	req.Header.Set("X-API-Key", "k3y")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "{}" {
		t.Errorf("lookup in an empty store: %d %s", resp.StatusCode, body)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("still running 15 s after SIGTERM")
	}
}
