// Package pgtest gives tests a throwaway PostgreSQL database. It uses the
// server named by FOCALBOT_TEST_POSTGRES_DSN when that is set, and otherwise
// starts a private cluster with initdb and pg_ctl the first time a test asks
// for a database, and stops it when the test binary ends (see Main).
//
// When no server can be had the test is skipped, unless
// FOCALBOT_TEST_REQUIRE_POSTGRES=1, in which case it fails. The package is for
// tests only and knows nothing of focalbot's schema.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables that steer the package.
const (
	// EnvDSN names an existing server to use instead of starting one, as a
	// postgres:// URL whose user may create databases. Its database part is
	// ignored: each test gets a new database on that server.
	EnvDSN = "FOCALBOT_TEST_POSTGRES_DSN"
	// EnvRequire, set to 1, turns "no PostgreSQL here" from a skip into a failure.
	EnvRequire = "FOCALBOT_TEST_REQUIRE_POSTGRES"
)

// How long the local server gets to start, and each admin statement to run.
const (
	startTimeout = 60 * time.Second
	adminTimeout = 30 * time.Second
)

var (
	once    sync.Once
	srv     *server // the server in use; nil until started or when none
	srvErr  error   // why there is no server
	skip    bool    // srvErr means "not available here" rather than "broken"
	counter atomic.Int64
)

// server is a PostgreSQL server the tests create databases on.
type server struct {
	base    *url.URL // admin connection URL; its path is replaced per database
	dir     string   // temp dir of a cluster this package started, else ""
	pgCtl   string
	dataDir string
	cred    *syscall.Credential // run pg_ctl as this user, when root
	// lifeline is the write end of a pipe whose read end the watchdog
	// holds; it closes when this process ends, however it ends.
	lifeline *os.File
}

// Main runs the tests of a package and then stops the server this package
// started, if any. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if srv != nil && srv.dir != "" {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	os.Exit(code)
}

// DSN returns a postgres:// URL to a new, empty database that is dropped when
// the test ends. It skips the test when no PostgreSQL is available, or fails
// it when FOCALBOT_TEST_REQUIRE_POSTGRES=1.
func DSN(t testing.TB) string {
	t.Helper()
	once.Do(func() { srv, skip, srvErr = setup() })
	if srvErr != nil {
		if skip && os.Getenv(EnvRequire) != "1" {
			t.Skipf("pgtest: no PostgreSQL: %v (set %s, or put initdb and pg_ctl on PATH; %s=1 makes this a failure)", srvErr, EnvDSN, EnvRequire)
		}
		t.Fatalf("pgtest: no PostgreSQL: %v", srvErr)
	}

	name, err := databaseName()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if err := srv.exec(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE (PostgreSQL 13+) ends connections a test forgot to close.
		err := srv.exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		if err != nil {
			t.Logf("pgtest: drop database %s: %v", name, err)
		}
	})
	return srv.url(name)
}

// databaseName returns a name no other test, in this binary or another one
// sharing the server, is using.
func databaseName() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random database name: %w", err)
	}
	return fmt.Sprintf("focalbot_test_%d_%d_%s", os.Getpid(), counter.Add(1), hex.EncodeToString(b)), nil
}

// url returns the server's URL with database name.
func (s *server) url(name string) string {
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

// exec runs one statement on the server's maintenance database.
func (s *server) exec(ctx context.Context, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.base.String())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// setup finds or starts a server. skip reports that PostgreSQL is simply not
// available, as opposed to available but failing.
func setup() (s *server, skip bool, err error) {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		u, err := url.Parse(dsn)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, false, fmt.Errorf("%s must be a postgres:// URL", EnvDSN)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/postgres"
		}
		s := &server{base: u}
		if err := s.exec(context.Background(), "SELECT 1"); err != nil {
			return nil, false, fmt.Errorf("connect to %s: %w", EnvDSN, err)
		}
		return s, false, nil
	}

	initdb, pgCtl, err := findBinaries()
	if err != nil {
		return nil, true, err
	}
	s, err = start(initdb, pgCtl)
	return s, false, err
}

// findBinaries looks for initdb and pg_ctl on PATH, then in Debian's
// /usr/lib/postgresql/<version>/bin, where the server package leaves them.
func findBinaries() (initdb, pgCtl string, err error) {
	initdb, err1 := exec.LookPath("initdb")
	pgCtl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return initdb, pgCtl, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		initdb, pgCtl = filepath.Join(d, "initdb"), filepath.Join(d, "pg_ctl")
		if isFile(initdb) && isFile(pgCtl) {
			return initdb, pgCtl, nil
		}
	}
	return "", "", errors.New("initdb and pg_ctl are not on PATH")
}

// version reads the major version from /usr/lib/postgresql/<version>/bin.
func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// start creates a cluster in a new temporary directory and starts it on a
// free loopback port, tuned for speed rather than durability.
func start(initdb, pgCtl string) (*server, error) {
	dir, err := os.MkdirTemp("", "focalbot-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	s := &server{dir: dir, pgCtl: pgCtl, dataDir: filepath.Join(dir, "data")}
	fail := func(err error) (*server, error) {
		os.RemoveAll(dir)
		return nil, err
	}

	// initdb refuses to run as root: run the server as the postgres user,
	// which then has to own the directory.
	if os.Geteuid() == 0 {
		cred, err := lookupCredential("postgres")
		if err != nil {
			return fail(fmt.Errorf("running as root, and %w", err))
		}
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail(fmt.Errorf("chown %s: %w", dir, err))
		}
		s.cred = cred
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fail(fmt.Errorf("chmod %s: %w", dir, err))
	}

	if out, err := s.run(initdb, "-D", s.dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}

	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off", dir, port)
	logFile := filepath.Join(dir, "postgres.log")
	if out, err := s.run(pgCtl, "start", "-D", s.dataDir, "-l", logFile, "-w", "-t", strconv.Itoa(int(startTimeout.Seconds())), "-o", opts); err != nil {
		log, _ := os.ReadFile(logFile)
		s.stop()
		return fail(fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log))
	}

	if err := s.startWatchdog(); err != nil {
		s.stop()
		return fail(err)
	}

	s.base = &url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/postgres",
		RawQuery: "sslmode=disable",
	}
	if err := s.waitReady(); err != nil {
		log, _ := os.ReadFile(logFile)
		s.stop()
		return fail(fmt.Errorf("%w\n%s", err, log))
	}
	return s, nil
}

// waitReady waits until the server accepts connections. pg_ctl -w has
// already waited; this guards against it answering early.
func (s *server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		err := s.exec(ctx, "SELECT 1")
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server does not accept connections: %w", err)
		case <-tick.C:
		}
	}
}

// watchdogScript waits for the test binary to end — its stdin, a pipe
// from the binary, then reaches end of file — and then stops the server
// immediately and removes its directory. It serves when the binary ends
// without returning to Main: a panic, os.Exit in a test, a timeout, a kill.
// After Main has stopped the server it finds nothing left to do.
const watchdogScript = `cat >/dev/null
pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null)
if [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; then
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -rf "$2"`

// startWatchdog starts the watchdog in a process group of its own, so that
// an interrupt meant for the tests does not stop it before it cleans up.
// It inherits no output, so that go test does not wait for it.
func (s *server) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("watchdog: %w", err)
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "pgtest-watchdog", s.dataDir, s.dir)
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("watchdog: %w", err)
	}
	go cmd.Wait() // reap it if it ends while we run
	s.lifeline = w
	return nil
}

// stop shuts the server down at once (its data is thrown away) and removes
// its directory.
func (s *server) stop() error {
	out, err := s.run(s.pgCtl, "stop", "-D", s.dataDir, "-m", "immediate", "-w")
	rmErr := os.RemoveAll(s.dir)
	if s.lifeline != nil {
		s.lifeline.Close() // the watchdog finds nothing left to do
	}
	if err == nil && rmErr != nil {
		return fmt.Errorf("remove %s: %w", s.dir, rmErr)
	}
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// run runs a PostgreSQL program in the server's directory, as the server's
// user, and returns its combined output.
func (s *server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
		cmd.Env = append(cmd.Env, "HOME="+s.dir, "USER=postgres", "LOGNAME=postgres")
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// pg_ctl start sends the server's output to the log file (-l), so the
	// server does not hold our pipe; WaitDelay is a guard should it ever do.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	return out.Bytes(), err
}

// lookupCredential returns the uid and gid of a system user.
func lookupCredential(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("no %q user to run PostgreSQL as: %w", name, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: gid %q: %w", name, u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort asks the kernel for a free loopback TCP port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
