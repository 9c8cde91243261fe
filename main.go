// Command focalbot runs the day-to-day of a network of national focal points:
// a chat bot over a roster, with the console as its default transport.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"focalbot/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{Args: os.Args[1:], Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	err := m.Run(ctx)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	stop()
	if code := exitCode(err); code != 0 {
		fmt.Fprintln(os.Stderr, "focalbot:", err)
		os.Exit(code)
	}
}

// exitCode is the exit status for what Run returned: 0 for success (or
// help), 2 for a mistake in the command line, 75 (EX_TEMPFAIL) when an
// incoming message could not be stored and the mail server should try
// again, 1 for any other error.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		return 2
	case errors.As(err, new(tempFailError)):
		return exTempFail
	}
	return 1
}

// exTempFail is sysexits.h's EX_TEMPFAIL: mail servers keep the message
// and deliver it again later.
const exTempFail = 75

// tempFailError is a failure that may pass, such as a database that does
// not answer: focalbot inbox exits 75 so that the mail server tries again.
type tempFailError struct{ err error }

func (e tempFailError) Error() string { return e.err.Error() }
func (e tempFailError) Unwrap() error { return e.err }

// Main is the program, with everything it takes from the process passed
// in: main fills it from the command line, the environment and the standard
// streams, and the end-to-end tests fill it themselves, with the process's
// environment or one of their own. Nothing below Main reads the process's
// environment, arguments or standard streams.
type Main struct {
	Args   []string            // the command line after the program's name
	Getenv func(string) string // the environment (os.Getenv in main); nil is an empty one
	Stdin  io.Reader           // nil reads nothing
	Stdout io.Writer           // nil discards
	Stderr io.Writer           // nil discards

	app *app // what the command opened; Close releases it
}

// Run runs the command that m.Args name until it is done or ctx is
// cancelled. What it opened (the database) stays open until Close, so that
// a test can look at it. A Main runs once.
func (m *Main) Run(ctx context.Context) error {
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Stderr == nil {
		m.Stderr = io.Discard
	}
	args := m.Args
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return m.serve(ctx, args)
	case "import":
		return m.importCSV(ctx, args)
	case "export":
		return m.export(ctx, args)
	case "inbox":
		return m.inbox(ctx, args)
	case "version":
		if err := parse(flags("version", "focalbot version", m.Stderr), args); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "focalbot %s (%s)\n", version, runtime.Version())
		return nil
	case "help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q; run focalbot --help", cmd)}
}

// Close releases what Run opened. Call it once Run has returned.
func (m *Main) Close() error {
	if m.app == nil {
		return nil
	}
	a := m.app
	m.app = nil
	return a.store.Close()
}

// config reads the settings from m's environment.
func (m *Main) config() (config.Config, error) {
	getenv := m.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return config.Load(getenv)
}

// usageError is a mistake on the command line; it exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `focalbot runs the day-to-day of a network of national focal points.

Usage:
  focalbot [--as e-mail] [--now time]     chat with the bot (the console when no Slack credentials are set)
  focalbot import [--dry-run] file.csv    add or update people from a CSV file, all or nothing
  focalbot export                         write the roster as CSV to standard output
  focalbot inbox                          take in one e-mail on standard input (from the mail server)
  focalbot version                        print the version
  focalbot <command> --help               explain one command

Settings come from the environment (see README.md), e.g. FOCALBOT_DB, FOCALBOT_DATA_DIR.
`

// flags returns a flag set that prints its own help to w.
func flags(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning mistakes into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
