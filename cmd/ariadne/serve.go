package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/server"
)

func init() {
	register(command{name: "serve", summary: "answer hash and content lookups over HTTP, with HMA's API (/m/lookup, /h/hash, /c/banks)", run: runServe})
}

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "[--addr 127.0.0.1:5100] [--api-key-file F] [--max-upload BYTES] [--db DB]", stderr)
	db := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:5100", "address to listen on (HMA's default port is 5100)")
	keyFile := fs.String("api-key-file", "", "file holding the API key every request must carry (default: $ARIADNE_API_KEY; none: no key)")
	maxUpload := fs.Int64("max-upload", 512<<20, "largest content accepted for hashing (bytes)")
	av := avFlags(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("no arguments besides flags")
	}
	key := os.Getenv("ARIADNE_API_KEY")
	if *keyFile != "" {
		b, err := os.ReadFile(*keyFile)
		if err != nil {
			return fmt.Errorf("API key: %w", err)
		}
		key = strings.TrimSpace(string(b))
	}
	ctx, stop := interruptible()
	defer stop()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := server.New(ctx, st, server.Options{APIKey: key, IndexCache: indexCachePath(*db), MaxUpload: *maxUpload, Hasher: server.DefaultHasher(av())})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if key == "" && !isLoopback(ln.Addr()) {
		slog.Warn("serving without an API key on a non-loopback address", "addr", ln.Addr().String())
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "ariadne serving on http://%s (GET /status, /site-map)\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
