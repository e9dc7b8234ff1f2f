// Command ariadne is Ariadne's single binary: hashing, matching and the
// evidence store for victim identification. Each subcommand lives in its
// own file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
)

// command is one subcommand: its name, a one-line summary and its entry
// point, which gets the arguments after the name.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// stdin is where commands read queries from (tests replace it).
var stdin io.Reader = os.Stdin

func register(c command) { commands[c.name] = c }

// errUsage marks a usage error: the message is printed with the usage and
// the exit status is 2.
var errUsage = errors.New("usage")

// errSomeFailed marks a run that finished but met bad input (exit 1).
var errSomeFailed = errors.New("some files could not be processed")

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ariadne: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	err := c.run(args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "ariadne %s: %v\n", c.name, err)
		return 2
	case errors.Is(err, errSomeFailed):
		return 1
	}
	fmt.Fprintf(stderr, "ariadne %s: %v\n", c.name, err)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ariadne COMMAND [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'ariadne COMMAND -h' for a command's flags.")
}

// newFlags makes a subcommand's flag set that reports errors instead of
// exiting.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ariadne %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// parseFlags parses flags that may come before or after the positional
// arguments (ariadne hash DIR --jobs 2 works as well as --jobs 2 DIR).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// startCPUProfile writes a Go CPU profile to path ("" does nothing) until
// the returned stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// verb is one subcommand of a group (case create, hashset import...).
type verb func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// runVerb runs the verb args[0] of a group.
func runVerb(group string, verbs map[string]verb, args []string, stdout, stderr io.Writer) error {
	names := slices.Sorted(maps.Keys(verbs))
	if len(args) == 0 {
		return usageErr("%s %s", group, strings.Join(names, "|"))
	}
	v, ok := verbs[args[0]]
	if !ok {
		return usageErr("unknown %s command %q (%s)", group, args[0], strings.Join(names, ", "))
	}
	return v(context.Background(), args[1:], stdout, stderr)
}
