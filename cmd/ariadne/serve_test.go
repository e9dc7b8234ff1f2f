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

// TestServeCommand: serving with no user, or without TLS beyond
// loopback, is refused; then `ariadne serve` runs as a process on a free
// port, answers a lookup with a user's token (and, deprecated, with the
// shared key from a file) and none without, and stops cleanly on SIGTERM.
func TestServeCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("k3y\n"), 0o600)
	if _, e, code := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--db", db); code != 1 || !strings.Contains(e, "no user is defined") {
		t.Errorf("serve with no user: exit %d: %s", code, e)
	}
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long synthetic passphrase\n"), 0o600)
	runCLI(t, "agency", "add", "Agency A", "--db", db)
	if _, e, code := runCLI(t, "user", "add", "machine", "--agency", "Agency A", "--role", "api", "--password-file", pw, "--db", db); code != 0 {
		t.Fatal(e)
	}
	out0, _, _ := runCLI(t, "token", "create", "--user", "machine", "--db", db)
	fields := strings.Fields(out0)
	token := fields[len(fields)-1]
	if _, e, code := runCLI(t, "serve", "--addr", "0.0.0.0:0", "--db", db); code != 1 || !strings.Contains(e, "without TLS") {
		t.Errorf("serve beyond loopback without TLS: exit %d: %s", code, e)
	}
	cmd := ariadneCmd(t, "serve", "--addr", "127.0.0.1:0", "--api-key-file", keyFile, "--db", db)
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
	for _, c := range []struct {
		header, value string
		want          int
	}{
		{"Authorization", "Bearer " + token, 200},
		{"X-API-Key", "k3y", 200},
		{"", "", 401},
		{"Authorization", "Bearer " + token + "x", 401},
	} {
		req, _ := http.NewRequest("GET", base+"/m/lookup?signal_type=md5&signal=d41d8cd98f00b204e9800998ecf8427e", nil)
		if c.header != "" {
			req.Header.Set(c.header, c.value)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want || c.want == 200 && strings.TrimSpace(string(body)) != "{}" {
			t.Errorf("lookup with %s: %d %s, want %d", c.header, resp.StatusCode, body, c.want)
		}
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
