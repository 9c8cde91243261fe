package storage

import (
	"context"
	"fmt"
)

// Ready reports whether the database answers and has every migration this
// focalbot knows applied: what /readyz asks.
//
// Errors: EINTERNAL only.
func (s *Store) Ready(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	all := migrations()
	last := all[len(all)-1].ID
	var n int64
	if err := s.db.WithContext(ctx).Table(migrationsTable).Where("id = ?", last).Count(&n).Error; err != nil {
		return fmt.Errorf("database: read the migrations: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("database: migration %s is not applied", last)
	}
	return nil
}
