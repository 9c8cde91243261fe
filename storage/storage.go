// Package storage keeps focalbot's data — the roster of people, the network's
// settings and the audit log — in a SQL database through GORM: an SQLite file
// by default, or PostgreSQL when given a postgres:// DSN. It migrates the
// schema at start, converts between its own row types and the model's types,
// and translates database failures into model errors. It knows nothing of
// chat systems, e-mail or calendars.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"focalbot/clock"
	"focalbot/model"
)

// Dialects reported by Store.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Options configures a Store.
type Options struct {
	Clock  clock.Clock  // required: stamps rows and audit entries
	Logger *slog.Logger // may be nil: logs nothing
}

// Store is the database. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	dialect string
	clock   clock.Clock
	log     *slog.Logger

	stmts      *stmtConnector                // SQLite's statement cache; nil on PostgreSQL
	network    atomic.Pointer[cachedNetwork] // see Network
	networkGen atomic.Uint64                 // counts SetNetwork calls, so that a read racing one is not kept
}

// Open connects to the database named by dsn and brings its schema up to
// date. A dsn starting with postgres:// or postgresql:// is a PostgreSQL
// connection URL; anything else is the path of an SQLite file, whose
// directory is created if need be, or ":memory:" for a database that lives
// as long as the Store. Open returns an internal error when the database
// cannot be reached or migrated.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if opt.Clock == nil {
		return nil, errors.New("open store: no clock")
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Store{clock: opt.Clock, log: log}

	var dialector gorm.Dialector
	var stmts *stmtConnector
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.dialect = DialectPostgres
		dialector = postgres.Open(dsn)
	} else {
		s.dialect = DialectSQLite
		path, err := sqliteDSN(dsn)
		if err != nil {
			return nil, err
		}
		sqlDB, c, err := openSQLite(path)
		if err != nil {
			return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
		}
		stmts = c
		dialector = gormlite.OpenDB(sqlDB)
	}

	db, err := gorm.Open(dialector, &gorm.Config{
		NowFunc: s.now,
		// A single statement needs no transaction; writes of more than one
		// statement open their own (Store.transaction).
		SkipDefaultTransaction: true,
		PrepareStmtMaxSize:     preparedStmts,
		PrepareStmtTTL:         time.Hour,
		Logger: quietLogger{Interface: logger.NewSlogLogger(log.With("component", "gorm"), logger.Config{
			SlowThreshold:             slowQuery,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true,
		})},
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
	}
	s.db = db
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
	}
	if s.dialect == DialectSQLite && strings.Contains(dsn, ":memory:") {
		// Each connection to ":memory:" is a database of its own: keep one.
		sqlDB.SetMaxOpenConns(1)
	} else {
		// Keep open the connections the dispatcher's and Slack's workers use:
		// reopening one costs a PostgreSQL backend, or SQLite's schema read.
		sqlDB.SetMaxOpenConns(maxConns)
		sqlDB.SetMaxIdleConns(maxConns)
		// But not for ever: the connections a burst opened are closed
		// once idle, each with its SQLite memory (or PostgreSQL backend).
		sqlDB.SetConnMaxIdleTime(connMaxIdle)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.dialect == DialectSQLite {
		// Keep each statement prepared, per connection, rather than
		// preparing and finalizing it every time. Only after migrating, so
		// that no statement of the old schema is kept. GORM prepares a
		// statement first used in a transaction on that transaction, and
		// database/sql prepares it again in every transaction after: the
		// connector's cache (stmtcache.go) makes that a lookup.
		// PostgreSQL's driver (pgx) keeps its own cache of prepared
		// statements already, used as GORM executes without PrepareStmt.
		stmts.enable()
		s.stmts = stmts
		s.db = db.Session(&gorm.Session{PrepareStmt: true})
	}
	return s, nil
}

// preparedStmts bounds the statements kept prepared: statements whose text
// varies with the number of their arguments (IN lists, multi-row inserts)
// take a place each, and the least recently used is closed.
const preparedStmts = 512

// maxConns bounds the connections a store opens and keeps.
const maxConns = 16

// connMaxIdle is how long a connection stays open unused: long enough
// that steady work keeps its connections, short enough that a bot idle
// after a burst gives back what the burst opened (on SQLite each
// connection holds its own SQLite memory, its page cache included). A
// variable for the test.
var connMaxIdle = time.Minute

// sqliteDSN turns a file path (or file: URI, possibly with parameters of its
// own) into a file: URI for the SQLite driver that enforces foreign keys, uses
// a write-ahead log, waits for locks instead of failing, and takes the write
// lock when a transaction begins, so that concurrent transactions queue
// rather than deadlock. Times are written in the layout of the driver used
// before (sqliteTimeLayout), so that rows written then and now compare and
// sort alike. It creates the file's directory.
func sqliteDSN(dsn string) (string, error) {
	if dsn == "" {
		return "", errors.New("open sqlite database: no file name")
	}
	path, query, _ := strings.Cut(dsn, "?")
	file := path
	if strings.HasPrefix(path, "file:") {
		// Already a URI: its path is percent-encoded as SQLite expects.
		file = strings.TrimPrefix(path, "file:")
		if f, err := url.PathUnescape(file); err == nil {
			file = f
		}
	} else {
		path = "file:" + (&url.URL{Path: path}).EscapedPath()
	}
	if file != ":memory:" && file != "" {
		if dir := filepath.Dir(file); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return "", fmt.Errorf("create database directory: %w", err)
			}
		}
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("open sqlite database: bad parameters in %q: %w", dsn, err)
	}
	// busy_timeout first: the pragmas run in order when a connection
	// opens, and journal_mode needs the lock another process may hold.
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	if q.Get("_timefmt") == "" {
		q.Set("_timefmt", sqliteTimeLayout)
	}
	return path + "?" + q.Encode(), nil
}

// sqliteTimeLayout is how times are stored in SQLite text columns: the layout
// glebarez/go-sqlite, the driver before github.com/ncruces/go-sqlite3, wrote.
// Keeping it keeps old and new rows comparable as strings (the scheduler's
// "due_at <= ?" reads compare text on SQLite).
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// quietLogger logs GORM's slow queries but not its failed ones: a failed
// query's error is returned to the caller, which decides whether it is worth
// logging (a duplicate e-mail address is the user's mistake, not an outage).
// Query parameters, personal data, are never logged.
// A query that takes no longer than slowQuery is not logged, nor even
// formatted: GORM's logger formats every query it is handed (a regular
// expression over the SQL on PostgreSQL), which cost more than the writes
// of a large invite.
type quietLogger struct {
	logger.Interface
	verbose bool // LogMode(Info) or more: every query is logged
}

// slowQuery is how long a query takes before it is logged.
const slowQuery = time.Second

func (l quietLogger) LogMode(level logger.LogLevel) logger.Interface {
	return quietLogger{Interface: l.Interface.LogMode(level), verbose: level >= logger.Info}
}

func (l quietLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), _ error) {
	if !l.verbose && time.Since(begin) <= slowQuery {
		return
	}
	l.Interface.Trace(ctx, begin, fc, nil)
}

func (quietLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	if p, ok := s.db.ConnPool.(*gorm.PreparedStmtDB); ok {
		p.Close() // the statements kept prepared (SQLite)
	}
	if err := sqlDB.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Dialect reports the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// DB gives tests and other storage-minded packages of this module direct
// access to the database. Writes through it bypass validation and the audit
// log.
func (s *Store) DB() *gorm.DB { return s.db }

// now is the store's clock in UTC, cut to the microsecond that both
// databases keep, so that a value read back equals the value written.
func (s *Store) now() time.Time {
	return s.clock.Now().UTC().Truncate(time.Microsecond)
}

// transaction runs fn in a transaction bound to ctx; fn's error rolls it back
// and is returned as is.
func (s *Store) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

// isUniqueViolation reports whether err is a unique-constraint violation, and
// names the column or constraint concerned as the database reported it.
func isUniqueViolation(err error) (what string, ok bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if pgErr.Code == "23505" {
			return pgErr.ConstraintName + " " + pgErr.Detail, true
		}
		return "", false
	}
	// The SQLite driver reports "sqlite3: constraint failed: UNIQUE
	// constraint failed: people.email".
	msg := err.Error()
	if i := strings.Index(msg, "UNIQUE constraint failed:"); i >= 0 {
		return msg[i:], true
	}
	return "", false
}

// isDeadlock reports whether err is PostgreSQL breaking a deadlock by
// failing this statement (SQLSTATE 40P01). SQLite locks the whole database
// and has none.
func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "40P01"
}

// deadlockTries is how many times a statement that PostgreSQL failed to
// break a deadlock is tried in all.
const deadlockTries = 3

// againOnDeadlock runs stmt, one statement that changes rows others may
// lock in another order (the dispatcher's record of sends, a change's
// supersede), and runs it again when PostgreSQL chose it to break a
// deadlock: by then the other side has gone on. When tx is a transaction
// the statement runs from a savepoint, which it rolls back to, so that the
// transaction goes on too; otherwise it is run again as it is. Either way
// it must be safe to run twice: an UPDATE whose WHERE says what it changes.
func (s *Store) againOnDeadlock(tx *gorm.DB, stmt func(tx *gorm.DB) error) error {
	if s.dialect != DialectPostgres {
		return stmt(tx)
	}
	_, inTx := tx.Statement.ConnPool.(gorm.TxCommitter)
	for try := 1; ; try++ {
		if inTx {
			if err := tx.SavePoint("again").Error; err != nil {
				return err
			}
		}
		err := stmt(tx)
		switch {
		case err == nil && inTx:
			return tx.Exec("RELEASE SAVEPOINT again").Error
		case err == nil:
			return nil
		case !isDeadlock(err) || try == deadlockTries:
			return err
		}
		if inTx {
			if err := tx.RollbackTo("again").Error; err != nil {
				return err
			}
		}
	}
}

// errNotFound reports whether err is GORM's "record not found".
func errNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// internal wraps err with context, unless it is already a domain error.
func internal(what string, err error) error {
	var e *model.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}
