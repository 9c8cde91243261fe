//go:build unix

package scheduler_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/recur"
	"focalbot/scheduler"
	"focalbot/storage"
)

// BenchmarkTickNothingDue measures what the bot does every minute when
// nothing is due: one scheduler tick and one dispatcher pass, on a database
// holding 1,000 or 1,000,000 pending reminders due over the next two years
// (four per invitee, 250 invitees a meeting, the meetings all beyond the
// reminder window). The target: the 1M case within 2× of the 1k one,
// on SQLite and on PostgreSQL, because every query is indexed and reads only
// what is due.
//
//	FOCALBOT_TEST_REQUIRE_POSTGRES=1 go test ./scheduler -run '^$' -bench TickNothingDue -count 3
//
// With -explain it also logs every query a tick and a dispatch make, with
// its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL)
// and its mean time over repeated runs.
//
// Besides ns/op it reports the CPU time this process spends per tick, which
// a busy machine disturbs less than wall time; on PostgreSQL the server's
// own CPU time is not in it.
//
// Each database is populated once per run of the benchmark binary, with
// set-based SQL (a recursive CTE on SQLite, generate_series on PostgreSQL),
// outside the timer; every iteration then ticks against the same data.
func BenchmarkTickNothingDue(b *testing.B) {
	sizes := []struct {
		name      string
		reminders int
	}{{"1k", 1_000}, {"1M", 1_000_000}}
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) {
			for _, size := range sizes {
				// The database belongs to this level, not to the size's
				// benchmark, whose clean-ups run after every measurement:
				// it is populated once and reused by every -count.
				clk := clock.Fixed(benchNow)
				s := storetest.Open(b, backend.DSN(b), clk)
				populated, explained := false, false
				b.Run(size.name, func(b *testing.B) {
					if !populated {
						start := time.Now()
						populate(b, s, size.reminders)
						b.Logf("%s: %d pending reminders populated in %s", backend.Name, size.reminders, time.Since(start).Round(time.Millisecond))
						populated = true
					}
					sched := newScheduler(s, clk)
					disp := &delivery.Dispatcher{Store: s, Clock: clk, Log: quiet, Planner: pl,
						Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: delivery.SenderFunc(
							func(_ context.Context, it model.OutboxItem, _ delivery.Payload) error {
								b.Errorf("nothing is due, yet %s was sent", it.Key)
								return nil
							})}}
					if *explain && !explained {
						explainTick(b, s, sched, disp)
						explained = true
					}
					cpu := cpuTime()
					for b.Loop() {
						if err := sched.Tick(ctx); err != nil {
							b.Fatal(err)
						}
						if n, err := disp.Dispatch(ctx); err != nil || n != 0 {
							b.Fatalf("dispatch: %d sent, %v", n, err)
						}
					}
					b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
				})
			}
		})
	}
}

// benchNow is a Wednesday, so that the weekly digest (Mondays) is not due.
var benchNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// The populated data: meetings 16 hours apart from just beyond the reminder
// window, each with inviteesPerMeeting guests, each guest with a pending
// reminder for each of the offsets.
const (
	inviteesPerMeeting = 250
	meetingGap         = 16 * time.Hour
)

var benchOffsets = []time.Duration{14 * 24 * time.Hour, 7 * 24 * time.Hour, 2 * 24 * time.Hour, 2 * time.Hour}

// populate fills an empty store with a secretariat member, a series whose
// next occurrence is not yet in its planning window, and reminders pending
// reminders with their meetings and invitations, all in the future.
func populate(b *testing.B, s *storage.Store, reminders int) {
	b.Helper()
	if err := s.CreatePerson(ctx, model.System, &model.Person{Name: "Ruth", Email: "ruth@example.org",
		Role: model.RoleSecretariat, Status: model.StatusActive}); err != nil {
		b.Fatal(err)
	}
	rule, err := recur.ParseRule("unga")
	if err != nil {
		b.Fatal(err)
	}
	sr := model.Series{Name: "Annual meeting", Rule: rule, Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), TimeZone: "America/New_York",
		Duration: 7 * time.Hour, Venue: "New York", PlanAhead: 120 * 24 * time.Hour, Active: true}
	if err := s.CreateSeries(ctx, model.System, &sr); err != nil {
		b.Fatal(err)
	}

	perInvitee := len(benchOffsets)
	perMeeting := inviteesPerMeeting * perInvitee
	if reminders%perMeeting != 0 {
		b.Fatalf("reminders must be a multiple of %d", perMeeting)
	}
	meetings, invitees := reminders/perMeeting, reminders/perInvitee
	first := benchNow.Add(61 * 24 * time.Hour) // beyond the 60-day reminder window
	m := model.Meeting{ID: 1, UID: "bench-0@focalbot", Title: "Meeting 0", Start: first, End: first.Add(7 * time.Hour),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled, Reminders: benchOffsets}
	inv := model.Invitation{ID: 1, MeetingID: 1, Name: "Guest 0", Email: "guest0@example.org", Response: model.ResponseYes}
	payload := pl.Reminder(model.KindReminder, benchOffsets[0], m, inv, nil)[0].Payload

	// The dialects differ in how rows are numbered and how times are
	// written; the statements are otherwise the same. Ids are given (the
	// tables are empty) so that invitations and reminders name their meeting
	// and invitation by arithmetic on n.
	var numbers func(count int) string // a CTE k(n) of 0 … count-1
	var at func(secs string) string    // first + secs seconds
	switch s.Dialect() {
	case storage.DialectSQLite:
		numbers = func(count int) string {
			return fmt.Sprintf("WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n+1 FROM k WHERE n+1 < %d) ", count)
		}
		at = func(secs string) string { // as the driver writes times: "2006-01-02 15:04:05+00:00"
			return fmt.Sprintf("(strftime('%%Y-%%m-%%d %%H:%%M:%%S', '%s', (%s) || ' seconds') || '+00:00')", first.Format(time.DateTime), secs)
		}
	case storage.DialectPostgres:
		numbers = func(count int) string {
			return fmt.Sprintf("WITH k(n) AS (SELECT generate_series(0, %d)) ", count-1)
		}
		at = func(secs string) string {
			return fmt.Sprintf("(timestamptz '%s' + (%s) * interval '1 second')", first.Format(time.RFC3339), secs)
		}
	}
	now := at(fmt.Sprint(int(benchNow.Sub(first).Seconds())))
	gap := int(meetingGap.Seconds())
	var offsets, secs, durations []string
	for i, o := range benchOffsets {
		offsets = append(offsets, fmt.Sprintf("WHEN %d THEN '%s'", i, o))
		secs = append(secs, fmt.Sprintf("WHEN %d THEN %d", i, int(o.Seconds())))
		durations = append(durations, o.String())
	}
	stmts := []string{
		numbers(meetings) + `INSERT INTO meetings (id, uid, sequence, title, start_at, end_at, time_zone, venue, address, online_url,
			hosts, organiser, agenda, status, public, reminders, reminded_sequence, created_at, updated_at)
		SELECT n+1, 'bench-' || n || '@focalbot', 0, 'Meeting ' || n, ` + at(fmt.Sprintf("n*%d", gap)) + `, ` + at(fmt.Sprintf("n*%d + 25200", gap)) + `,
			'America/New_York', 'New York', '', '', '', 'Global Centre', '', 'scheduled', FALSE, '` + strings.Join(durations, ",") + `', 0, ` + now + `, ` + now + `
		FROM k`,
		numbers(invitees) + `INSERT INTO invitations (id, meeting_id, person_id, name, email, country, response, response_sequence, created_at)
		SELECT n+1, n/` + fmt.Sprint(inviteesPerMeeting) + ` + 1, NULL, 'Guest ' || n, 'guest' || n || '@example.org', '', 'yes', 0, ` + now + `
		FROM k`,
		numbers(reminders) + `INSERT INTO outbox (id, key, channel, kind, meeting_id, invitation_id, recipient, status,
			due_at, next_attempt_at, attempts, last_error, claimed_by, created_at)
		SELECT n+1, 'meeting:' || (m+1) || '/invitation:' || (i+1) || '/email/reminder/' || o || '/seq:0', 'email', 'reminder', m+1, i+1,
			'guest' || i || '@example.org', 'pending', ` + at(fmt.Sprintf("m*%d - secs", gap)) + `, ` + at(fmt.Sprintf("m*%d - secs", gap)) + `,
			0, '', '', ` + now + `
		FROM (SELECT n, n/` + fmt.Sprint(perMeeting) + ` AS m, n/` + fmt.Sprint(perInvitee) + ` AS i,
			CASE n%` + fmt.Sprint(perInvitee) + ` ` + strings.Join(offsets, " ") + ` END AS o,
			CASE n%` + fmt.Sprint(perInvitee) + ` ` + strings.Join(secs, " ") + ` END AS secs FROM k) AS r`,
		`INSERT INTO outbox_payloads (outbox_id, payload) SELECT id, ? FROM outbox`,
	}
	db := s.DB().WithContext(ctx)
	for i, q := range stmts {
		var args []any
		if i == len(stmts)-1 {
			args = []any{payload}
		}
		if err := db.Exec(q, args...).Error; err != nil {
			b.Fatalf("populate: %v\n%s", err, q)
		}
	}
	if s.Dialect() == storage.DialectSQLite {
		// Fold the write-ahead log into the database now rather than in the
		// first measured commit, as a long-running deployment has long done.
		if err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
			b.Fatalf("populate: checkpoint: %v", err)
		}
	}
	if s.Dialect() == storage.DialectPostgres {
		// Let later inserts number on from the given ids, and give the
		// planner the statistics autovacuum would have gathered by now.
		for _, q := range []string{
			"SELECT setval(pg_get_serial_sequence('meetings', 'id'), (SELECT max(id) FROM meetings))",
			"SELECT setval(pg_get_serial_sequence('invitations', 'id'), (SELECT max(id) FROM invitations))",
			"SELECT setval(pg_get_serial_sequence('outbox', 'id'), (SELECT max(id) FROM outbox))",
			"VACUUM ANALYZE meetings, invitations, outbox, outbox_payloads",
		} {
			if err := db.Exec(q).Error; err != nil {
				b.Fatalf("populate: %s: %v", q, err)
			}
		}
	}
	// The times written compare as the store's own do: none is due now,
	// and those due by the first meeting's start are the ones computed.
	dueBy := func(t time.Time) int {
		n := 0
		for k := range meetings {
			for _, o := range benchOffsets {
				if !first.Add(time.Duration(k) * meetingGap).Add(-o).After(t) {
					n += inviteesPerMeeting
				}
			}
		}
		return n
	}
	for _, t := range []time.Time{benchNow, first} {
		var n int64
		err := db.Table("outbox").Where("status = ? AND next_attempt_at <= ?", model.OutboxPending, t.UTC()).Count(&n).Error
		if err != nil || n != int64(dueBy(t)) {
			b.Fatalf("%d reminders due by %s (%v), want %d", n, t, err, dueBy(t))
		}
	}
	var all int64
	if err := db.Table("outbox").Count(&all).Error; err != nil || all != int64(reminders) {
		b.Fatalf("populated %d reminders (%v), want %d", all, err, reminders)
	}
}

var explain = flag.Bool("explain", false, "BenchmarkTickNothingDue: log the plan and time of each query of a tick")

// explainTick ticks and dispatches once, recording every query the store
// makes, and logs each query's plan and its mean time over 50 runs.
func explainTick(b *testing.B, s *storage.Store, sched *scheduler.Scheduler, disp *delivery.Dispatcher) {
	b.Helper()
	type query struct {
		sql  string
		vars []any
	}
	var queries []query
	record := func(db *gorm.DB) {
		if db.Statement.SQL.Len() > 0 {
			queries = append(queries, query{db.Statement.SQL.String(), slices.Clone(db.Statement.Vars)})
		}
	}
	cb := s.DB().Callback()
	if err := cb.Query().After("gorm:query").Register("bench:explain", record); err != nil {
		b.Fatal(err)
	}
	if err := cb.Row().After("gorm:row").Register("bench:explain", record); err != nil {
		b.Fatal(err)
	}
	if err := sched.Tick(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := disp.Dispatch(ctx); err != nil {
		b.Fatal(err)
	}
	cb.Query().Remove("bench:explain")
	cb.Row().Remove("bench:explain")

	db, err := s.DB().DB()
	if err != nil {
		b.Fatal(err)
	}
	prefix := "EXPLAIN QUERY PLAN "
	if s.Dialect() == storage.DialectPostgres {
		prefix = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	lines := func(q string, vars []any) []string {
		rows, err := db.QueryContext(ctx, q, vars...)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			out = append(out, fmt.Sprint(vals[len(vals)-1]))
		}
		return out
	}
	for _, q := range queries {
		const runs = 50
		start := time.Now()
		for range runs {
			lines(q.sql, q.vars)
		}
		mean := time.Since(start) / runs
		b.Logf("%s (%d rows, mean %s)\n\t%s", q.sql, len(lines(q.sql, q.vars)), mean.Round(time.Microsecond),
			strings.Join(lines(prefix+q.sql, q.vars), "\n\t"))
	}
}

// cpuTime is the CPU time, user and system, this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
