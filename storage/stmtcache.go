package storage

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
)

// The SQLite connections are opened through stmtConnector, which keeps each
// connection's prepared statements by their SQL text, so that preparing a
// statement the connection has already prepared is a map lookup.
//
// It is needed because GORM's PrepareStmt binds a statement first used in a
// transaction to that transaction, and database/sql then prepares it again on
// the driver in every later transaction (Tx.StmtContext), and in every use
// within one: without this cache, each of those was an SQLite prepare and
// finalize. The cache never prepares on the pool, only on the connection in
// hand, so it cannot wait for a connection (":memory:" has one).
//
// A cached statement is shared by every handle prepared with its text on
// its connection, but used by one at a time: while it runs or its rows are
// open, another use of the same text on that connection prepares a
// statement of its own, closed after that use. A connection keeps at most
// stmtCacheSize statements; the least recently prepared one is closed once
// no handle holds it. All are closed with their connection.
//
// The connector caches nothing until enable is called, after migrating, so
// that no statement prepared for an older schema is kept.

// stmtConnector wraps a driver's connector with the statement cache.
type stmtConnector struct {
	driver.Connector
	size    atomic.Int64 // statements kept per connection
	enabled atomic.Bool

	// Counters of the statements prepared on, and closed by, the driver;
	// tests read them.
	prepared atomic.Int64
	closed   atomic.Int64
}

// stmtCacheSize bounds the statements each connection keeps prepared.
const stmtCacheSize = preparedStmts

// sqliteDriverName is the name the SQLite driver (ncruces/go-sqlite3, which
// gormlite imports) registers with database/sql.
const sqliteDriverName = "sqlite3"

// openSQLite opens the SQLite database dsn through the statement cache.
func openSQLite(dsn string) (*sql.DB, *stmtConnector, error) {
	probe, err := sql.Open(sqliteDriverName, dsn)
	if err != nil {
		return nil, nil, err
	}
	drv := probe.Driver()
	if err := probe.Close(); err != nil {
		return nil, nil, err
	}
	dc, ok := drv.(driver.DriverContext)
	if !ok {
		return nil, nil, errors.New("the sqlite driver has no connector")
	}
	inner, err := dc.OpenConnector(dsn)
	if err != nil {
		return nil, nil, err
	}
	c := &stmtConnector{Connector: inner}
	c.size.Store(stmtCacheSize)
	return sql.OpenDB(c), c, nil
}

// enable starts keeping statements prepared, on every connection.
func (c *stmtConnector) enable() { c.enabled.Store(true) }

// Connect implements driver.Connector.
func (c *stmtConnector) Connect(ctx context.Context) (driver.Conn, error) {
	ci, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := ci.(sqliteConn)
	if !ok {
		return nil, errors.Join(errors.New("the sqlite driver's connections lack PrepareContext or BeginTx"), ci.Close())
	}
	return &stmtConn{inner: inner, connector: c, byQuery: map[string]*list.Element{}, lru: list.New()}, nil
}

// sqliteConn is what the cache needs of the driver's connections, and
// sqliteStmt of its statements: the context-taking forms, which
// ncruces/go-sqlite3 has (Connect and prepareInner check it), so that
// nothing here falls back to the deprecated ones.
type sqliteConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
	driver.NamedValueChecker
}

// stmtConn is a driver connection with its cache of prepared statements.
// database/sql uses a connection from one goroutine at a time; mu guards
// the cache all the same, and is never held while the driver runs.
type stmtConn struct {
	inner     sqliteConn
	connector *stmtConnector

	mu      sync.Mutex
	byQuery map[string]*list.Element // of *cachedStmt
	lru     *list.List               // most recently prepared first
	closed  bool
}

// cachedStmt is one statement kept prepared on a connection.
type cachedStmt struct {
	conn    *stmtConn
	query   string
	si      sqliteStmt
	refs    int  // handles open on it
	busy    bool // running, or its rows are open
	dropped bool // out of the cache: closed once neither held nor busy
	gone    bool // closed, with its connection
}

var (
	_ driver.Conn               = (*stmtConn)(nil)
	_ driver.ConnBeginTx        = (*stmtConn)(nil)
	_ driver.ConnPrepareContext = (*stmtConn)(nil)
	_ driver.ExecerContext      = (*stmtConn)(nil)
	_ driver.QueryerContext     = (*stmtConn)(nil)
	_ driver.NamedValueChecker  = (*stmtConn)(nil)
	_ driver.SessionResetter    = (*stmtConn)(nil)
	_ driver.Validator          = (*stmtConn)(nil)
	_ driver.Pinger             = (*stmtConn)(nil)
)

func (c *stmtConn) prepareInner(ctx context.Context, query string) (sqliteStmt, error) {
	si, err := c.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.connector.prepared.Add(1)
	ss, ok := si.(sqliteStmt)
	if !ok {
		return nil, errors.Join(errors.New("the sqlite driver's statements lack ExecContext, QueryContext or CheckNamedValue"), c.closeInner(si))
	}
	return ss, nil
}

func (c *stmtConn) closeInner(si driver.Stmt) error {
	c.connector.closed.Add(1)
	return si.Close()
}

// PrepareContext implements driver.ConnPrepareContext: a statement this
// connection keeps is handed out again.
func (c *stmtConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if !c.connector.enabled.Load() {
		si, err := c.prepareInner(ctx, query)
		if err != nil {
			return nil, err
		}
		return &ownStmt{sqliteStmt: si, conn: c}, nil
	}
	c.mu.Lock()
	if e, ok := c.byQuery[query]; ok {
		c.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		cs.refs++
		c.mu.Unlock()
		return &stmtHandle{cs: cs}, nil
	}
	c.mu.Unlock()

	si, err := c.prepareInner(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{conn: c, query: query, si: si, refs: 1}
	var evicted []sqliteStmt
	c.mu.Lock()
	if c.closed {
		cs.dropped = true
	} else {
		c.byQuery[query] = c.lru.PushFront(cs)
		for int64(c.lru.Len()) > c.connector.size.Load() {
			old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
			delete(c.byQuery, old.query)
			old.dropped = true
			if old.refs == 0 && !old.busy {
				old.gone = true
				evicted = append(evicted, old.si)
			}
		}
	}
	c.mu.Unlock()
	for _, s := range evicted {
		c.closeInner(s)
	}
	return &stmtHandle{cs: cs}, nil
}

// Prepare implements driver.Conn.
func (c *stmtConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// Close closes the statements kept, then the connection.
func (c *stmtConn) Close() error {
	c.mu.Lock()
	c.closed = true
	// database/sql closes a connection's statements and rows before
	// the connection; a handle still open fails from now on.
	var kept []sqliteStmt
	for e := c.lru.Front(); e != nil; e = e.Next() {
		cs := e.Value.(*cachedStmt)
		cs.dropped, cs.gone = true, true
		kept = append(kept, cs.si)
	}
	c.lru.Init()
	clear(c.byQuery)
	c.mu.Unlock()
	var errs []error
	for _, s := range kept {
		errs = append(errs, c.closeInner(s))
	}
	errs = append(errs, c.inner.Close())
	return errors.Join(errs...)
}

// Begin implements driver.Conn.
//
// Deprecated: database/sql calls BeginTx.
func (c *stmtConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx implements driver.ConnBeginTx.
func (c *stmtConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}

// ExecContext implements driver.ExecerContext (for statements without
// arguments, SQLite's driver runs them without preparing them).
func (c *stmtConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.inner.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

// QueryContext implements driver.QueryerContext.
func (c *stmtConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := c.inner.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

// CheckNamedValue implements driver.NamedValueChecker.
func (c *stmtConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.inner.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// ResetSession implements driver.SessionResetter.
func (c *stmtConn) ResetSession(ctx context.Context) error {
	if r, ok := c.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid implements driver.Validator.
func (c *stmtConn) IsValid() bool {
	if v, ok := c.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Ping implements driver.Pinger.
func (c *stmtConn) Ping(ctx context.Context) error {
	if p, ok := c.inner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// stmtHandle is a statement handed out by stmtConn.PrepareContext: one use
// of a cached statement.
type stmtHandle struct {
	cs     *cachedStmt
	closed bool
}

var (
	_ driver.Stmt              = (*stmtHandle)(nil)
	_ driver.StmtExecContext   = (*stmtHandle)(nil)
	_ driver.StmtQueryContext  = (*stmtHandle)(nil)
	_ driver.NamedValueChecker = (*stmtHandle)(nil)
)

// Close releases the handle; the statement stays prepared.
func (h *stmtHandle) Close() error {
	if h.closed {
		return nil
	}
	h.closed = true
	cs := h.cs
	c := cs.conn
	c.mu.Lock()
	cs.refs--
	closeIt := cs.dropped && !cs.gone && cs.refs == 0 && !cs.busy
	if closeIt {
		cs.gone = true
	}
	c.mu.Unlock()
	if closeIt {
		return c.closeInner(cs.si)
	}
	return nil
}

// NumInput implements driver.Stmt.
func (h *stmtHandle) NumInput() int { return h.cs.si.NumInput() }

// CheckNamedValue implements driver.NamedValueChecker.
func (h *stmtHandle) CheckNamedValue(nv *driver.NamedValue) error {
	return h.cs.si.CheckNamedValue(nv)
}

// acquire takes the cached statement for one use, or, when it is already
// in use, prepares one of its own for that use (own is true then).
func (h *stmtHandle) acquire(ctx context.Context) (si sqliteStmt, own bool, err error) {
	cs := h.cs
	c := cs.conn
	c.mu.Lock()
	if cs.gone {
		c.mu.Unlock()
		return nil, false, driver.ErrBadConn
	}
	if !cs.busy {
		cs.busy = true
		c.mu.Unlock()
		return cs.si, false, nil
	}
	c.mu.Unlock()
	si, err = c.prepareInner(ctx, cs.query)
	return si, true, err
}

// release ends a use that acquire began.
func (h *stmtHandle) release(si sqliteStmt, own bool) error {
	cs := h.cs
	c := cs.conn
	if own {
		return c.closeInner(si)
	}
	c.mu.Lock()
	cs.busy = false
	closeIt := cs.dropped && !cs.gone && cs.refs == 0
	if closeIt {
		cs.gone = true
	}
	c.mu.Unlock()
	if closeIt {
		return c.closeInner(cs.si)
	}
	return nil
}

// ExecContext implements driver.StmtExecContext.
func (h *stmtHandle) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	si, own, err := h.acquire(ctx)
	if err != nil {
		return nil, err
	}
	res, err := si.ExecContext(ctx, args)
	return res, errors.Join(err, h.release(si, own))
}

// QueryContext implements driver.StmtQueryContext.
func (h *stmtHandle) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	si, own, err := h.acquire(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := si.QueryContext(ctx, args)
	if err != nil {
		return nil, errors.Join(err, h.release(si, own))
	}
	return &stmtRows{Rows: rows, done: func() error { return h.release(si, own) }}, nil
}

// Exec implements driver.Stmt.
//
// Deprecated: database/sql calls ExecContext.
func (h *stmtHandle) Exec(args []driver.Value) (driver.Result, error) {
	return h.ExecContext(context.Background(), named(args))
}

// Query implements driver.Stmt.
//
// Deprecated: database/sql calls QueryContext.
func (h *stmtHandle) Query(args []driver.Value) (driver.Rows, error) {
	return h.QueryContext(context.Background(), named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, v := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return nv
}

// ownStmt is a statement prepared while the cache is off (before
// migrating): closing it closes it.
type ownStmt struct {
	sqliteStmt
	conn *stmtConn
}

func (s ownStmt) Close() error { return s.conn.closeInner(s.sqliteStmt) }

// stmtRows are the rows of a cached statement, which is in use until they
// are closed.
type stmtRows struct {
	driver.Rows
	done func() error
}

var (
	_ driver.RowsColumnTypeDatabaseTypeName = (*stmtRows)(nil)
	_ driver.RowsColumnTypeNullable         = (*stmtRows)(nil)
	_ driver.RowsColumnTypeScanType         = (*stmtRows)(nil)
	_ driver.RowsColumnTypeLength           = (*stmtRows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*stmtRows)(nil)
)

func (r *stmtRows) Close() error {
	err := r.Rows.Close()
	if r.done != nil {
		err = errors.Join(err, r.done())
		r.done = nil
	}
	return err
}

// The column types, as database/sql finds them when rows lack the method.

func (r *stmtRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *stmtRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *stmtRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *stmtRows) ColumnTypeLength(i int) (length int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *stmtRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
