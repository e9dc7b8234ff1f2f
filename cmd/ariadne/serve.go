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

	"github.com/ariadne-vid/ariadne/internal/auditlog"
	"github.com/ariadne-vid/ariadne/internal/server"
)

func init() {
	register(command{name: "serve", summary: "answer hash and content lookups over HTTP, with HMA's API (/m/lookup, /h/hash, /c/banks)", run: runServe})
}

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "[--addr 127.0.0.1:5100] [--tls-cert F --tls-key F] [--insecure] [--api-key-file F] [--max-upload BYTES] [--db DB]", stderr)
	db := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:5100", "address to listen on (HMA's default port is 5100)")
	keyFile := fs.String("api-key-file", "", "deprecated, for old HMA tooling: a shared key accepted in place of a user's token (default: $ARIADNE_API_KEY)")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM)")
	tlsKey := fs.String("tls-key", "", "and this private key (PEM)")
	insecure := fs.Bool("insecure", false, "serve although no user is defined, or without TLS on an address other than loopback")
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
	audited, err := auditLog(st, *db)
	if err != nil {
		return err
	}
	// Requests' entries are appended together and signed every minute.
	auditor := audited.NewWriter(auditlog.DefaultInterval)
	defer func() {
		if err := auditor.Close(); err != nil {
			slog.Error("last audit checkpoint not signed", "err", err)
		}
	}()
	srv, err := server.New(ctx, st, server.Options{APIKey: key, IndexCache: indexCachePath(*db), MaxUpload: *maxUpload, Hasher: server.DefaultHasher(av()), Audit: auditor.Record})
	if err != nil {
		return err
	}
	defer srv.Close()
	if (*tlsCert == "") != (*tlsKey == "") {
		return usageErr("--tls-cert and --tls-key go together")
	}
	users, err := st.Users(ctx, 0)
	if err != nil {
		return err
	}
	if len(users) == 0 && !*insecure {
		return fmt.Errorf("no user is defined, so nobody could be let in: add one (ariadne user add, ariadne token create) or serve with --insecure")
	}
	if key != "" {
		slog.Warn("--api-key-file is deprecated: give each client a user's token (ariadne token create)")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	scheme := "https"
	if *tlsCert == "" {
		scheme = "http"
		if !isLoopback(ln.Addr()) && !*insecure {
			ln.Close()
			return fmt.Errorf("refusing to serve without TLS on %s, which is not a loopback address: give --tls-cert and --tls-key, or --insecure", ln.Addr())
		}
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(stdout, "ariadne serving on %s://%s (sign in at /login; GET /status, /site-map)\n", scheme, ln.Addr())
	// Serve returns as shutdown begins; the audit writer closes only once
	// every request in flight is answered (and its entries stored).
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(shutdown)
	}()
	if *tlsCert != "" {
		err = hs.ServeTLS(ln, *tlsCert, *tlsKey)
	} else {
		err = hs.Serve(ln)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-drained
	return nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
