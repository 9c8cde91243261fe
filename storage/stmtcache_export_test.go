package storage

import "gorm.io/gorm"

// StmtCounts reports how many statements the SQLite driver has prepared and
// closed for s; ok is false on PostgreSQL, which has no such cache.
func StmtCounts(s *Store) (prepared, closed int64, ok bool) {
	if s.stmts == nil {
		return 0, 0, false
	}
	return s.stmts.prepared.Load(), s.stmts.closed.Load(), true
}

// SetStmtCacheSize bounds the statements each connection of s keeps
// prepared; 0 keeps none, as if there were no cache.
func SetStmtCacheSize(s *Store, n int) { s.stmts.size.Store(int64(n)) }

// StmtCacheSize is the bound in use.
const StmtCacheSize = stmtCacheSize

// StmtConnInner is the driver's own connection under dc, a connection of the
// statement cache (ok false if dc is not one).
func StmtConnInner(dc any) (inner any, ok bool) {
	c, ok := dc.(*stmtConn)
	if !ok {
		return nil, false
	}
	return c.inner, true
}

// AgainOnDeadlock is Store.againOnDeadlock, for its test.
func AgainOnDeadlock(s *Store, tx *gorm.DB, stmt func(*gorm.DB) error) error {
	return s.againOnDeadlock(tx, stmt)
}
