package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"focalbot/clock"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/storage"
)

// TestAgainOnDeadlock proves that a statement PostgreSQL fails to break a
// deadlock (the dispatcher's record of sends against a change's supersede,
// each locking rows the other wants) is run again from a savepoint, and
// that its transaction then commits, with the other side's change undone
// and its own kept. The deadlock is made on purpose: the transaction under
// test waits first, so PostgreSQL's check finds the cycle on its side.
func TestAgainOnDeadlock(t *testing.T) {
	s := storetest.Open(t, pgtest.DSN(t), clock.Fixed(time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC)))
	db := s.DB()
	if err := db.Exec("CREATE TABLE locks (id int PRIMARY KEY, v int NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO locks VALUES (1, 0), (2, 0)").Error; err != nil {
		t.Fatal(err)
	}
	other := db.Begin() // the other side: holds row 2, will want row 1
	if err := other.Exec("UPDATE locks SET v = v + 1 WHERE id = 2").Error; err != nil {
		t.Fatal(err)
	}
	mine := db.Begin() // holds row 1, wants row 2
	if err := mine.Exec("UPDATE locks SET v = v + 1 WHERE id = 1").Error; err != nil {
		t.Fatal(err)
	}
	tries := 0
	done := make(chan error, 1)
	go func() {
		err := storage.AgainOnDeadlock(s, mine, func(tx *gorm.DB) error {
			tries++
			return tx.Exec("UPDATE locks SET v = v + 10 WHERE id = 2").Error
		})
		if err != nil {
			mine.Rollback() // lets the other side go on, so that the test ends
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond) // mine waits first
	otherErr := other.Exec("UPDATE locks SET v = v + 1 WHERE id = 1").Error
	other.Rollback()
	if err := <-done; err != nil {
		t.Fatalf("the statement was not run again: %v", err)
	}
	if err := mine.Commit().Error; err != nil {
		t.Fatal(err)
	}
	var pgErr *pgconn.PgError
	if !errors.As(otherErr, &pgErr) || pgErr.Code != "40P01" {
		t.Errorf("the other side's error: %v, want a deadlock", otherErr)
	}
	if tries != 2 {
		t.Errorf("the statement ran %d times, want 2: failed once to break the deadlock, then done", tries)
	}
	var v []int
	if err := db.Raw("SELECT v FROM locks ORDER BY id").Scan(&v).Error; err != nil || len(v) != 2 || v[0] != 1 || v[1] != 10 {
		t.Errorf("rows %v, %v; want [1 10]: this side's changes, none of the other's", v, err)
	}
}
