//go:build unix

package scheduler_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/cputime"
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
// reminder window). The target: the 1M case within 1.2× of the 1k
// one, on SQLite and on PostgreSQL, because every query is indexed and reads
// only what is due.
//
//	FOCALBOT_TEST_REQUIRE_POSTGRES=1 go test ./scheduler -run '^$' -bench TickNothingDue -count 3
//
// Each backend has three benchmarks: 1k and 1M, each ticking its own
// database, and 1M÷1k, which ticks the two databases in turn (which goes
// first alternating) and reports each one's wall and CPU time per tick and
// their ratios, taken in the same seconds so that the machine's load weighs
// on both alike. The ratio metrics are what to read on a busy machine.
//
// median-wall-1M÷1k is the median of the ratios of each pair of ticks
// (one of each, one after the other), which a load that comes and goes
// disturbs least.
//
// Besides ns/op it reports the CPU time this process spends per tick
// (cpu-µs/op), and on PostgreSQL, when the server runs on this machine,
// the CPU time of the server's backends serving the benchmark's database
// (pg-cpu-µs/op, from /proc/<pid>/stat of each pg_backend_pid; to 10 ms a
// read, so only long runs tell).
//
// With -explain it also prints to standard error every query a tick and a
// dispatch make, with its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
// (ANALYZE, BUFFERS) on PostgreSQL) and its mean time over repeated runs.
//
// Each database is populated once per run of the benchmark binary, with
// set-based SQL (a recursive CTE on SQLite, generate_series on PostgreSQL),
// outside the timer; every iteration then ticks against the same data.
func BenchmarkTickNothingDue(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) {
			// The databases belong to this level, not to the benchmarks
			// below, whose clean-ups run after every measurement: each is
			// populated once and reused by every -count.
			small := newTickFixture(b, backend.Name, backend.DSN(b), "1k", 1_000)
			large := newTickFixture(b, backend.Name, backend.DSN(b), "1M", 1_000_000)
			for _, f := range []*tickFixture{small, large} {
				b.Run(f.name, func(b *testing.B) {
					f.ready(b)
					cpu, server := cputime.Self(), f.serverCPU(b)
					for b.Loop() {
						f.tick(b)
					}
					b.ReportMetric(float64((cputime.Self()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
					if server >= 0 {
						b.ReportMetric(float64((f.serverCPU(b)-server).Microseconds())/float64(b.N), "pg-cpu-µs/op")
					}
				})
			}
			b.Run("1M÷1k", func(b *testing.B) {
				small.ready(b)
				large.ready(b)
				both := []*tickFixture{small, large}
				var wall, cpu [2]time.Duration
				var pairs []float64 // each pair's 1M÷1k, wall: the two taken within milliseconds
				server := [2]time.Duration{small.serverCPU(b), large.serverCPU(b)}
				i := 0
				for b.Loop() {
					var took [2]time.Duration
					for k := range 2 {
						j := (i + k) % 2 // which goes first alternates
						w, c := time.Now(), cputime.Self()
						both[j].tick(b)
						took[j] = time.Since(w)
						wall[j] += took[j]
						cpu[j] += cputime.Self() - c
					}
					pairs = append(pairs, float64(took[1])/float64(took[0]))
					i++
				}
				slices.Sort(pairs)
				per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N) }
				b.ReportMetric(per(wall[0]), "1k-µs/tick")
				b.ReportMetric(per(wall[1]), "1M-µs/tick")
				b.ReportMetric(float64(wall[1])/float64(wall[0]), "wall-1M÷1k")
				// The median pair is what a load that comes and goes
				// disturbs least.
				b.ReportMetric(pairs[len(pairs)/2], "median-wall-1M÷1k")
				b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-1M÷1k")
				if server[0] >= 0 && server[1] >= 0 {
					s0, s1 := small.serverCPU(b)-server[0], large.serverCPU(b)-server[1]
					b.ReportMetric(per(s0), "1k-pg-cpu-µs/tick")
					b.ReportMetric(per(s1), "1M-pg-cpu-µs/tick")
					if s0 > 0 {
						b.ReportMetric(float64(s1)/float64(s0), "pg-cpu-1M÷1k")
					}
				}
			})
		})
	}
}

// tickFixture is one database of the benchmark, populated on first use,
// with a scheduler and a dispatcher over it.
type tickFixture struct {
	backend, name string
	reminders     int
	s             *storage.Store
	sched         *scheduler.Scheduler
	disp          *delivery.Dispatcher
	populated     bool
	sent          atomic.Int64 // what the dispatcher sent, when nothing should have been
}

// newTickFixture opens an empty store on dsn for as long as b runs.
func newTickFixture(b *testing.B, backend, dsn, name string, reminders int) *tickFixture {
	clk := clock.Fixed(benchNow)
	f := &tickFixture{backend: backend, name: name, reminders: reminders, s: storetest.Open(b, dsn, clk)}
	f.sched = newScheduler(f.s, clk)
	f.disp = &delivery.Dispatcher{Store: f.s, Clock: clk, Log: quiet, Planner: pl,
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: delivery.SenderFunc(
			func(context.Context, model.OutboxItem, delivery.Payload) error {
				f.sent.Add(1)
				return nil
			})}}
	return f
}

// ready populates the database the first time it is asked for.
func (f *tickFixture) ready(b *testing.B) {
	b.Helper()
	if f.populated {
		return
	}
	start := time.Now()
	populate(b, f.s, f.reminders)
	b.Logf("%s: %d pending reminders populated in %s", f.backend, f.reminders, time.Since(start).Round(time.Millisecond))
	f.populated = true
	if *explain {
		fmt.Fprintf(os.Stderr, "=== %s, %d reminders\n", f.backend, f.reminders)
		explainTick(b, f.s, f.sched, f.disp)
	}
}

// tick is what the benchmark measures: one tick and one dispatch.
func (f *tickFixture) tick(b *testing.B) {
	if err := f.sched.Tick(ctx); err != nil {
		b.Fatal(err)
	}
	if n, err := f.disp.Dispatch(ctx); err != nil || n != 0 || f.sent.Load() != 0 {
		b.Fatalf("dispatch: nothing is due, yet %d were sent (%d handed to the sender): %v", n, f.sent.Load(), err)
	}
}

// serverCPU is the CPU time the PostgreSQL backends connected to the
// fixture's database have used so far; -1 when it cannot be known.
func (f *tickFixture) serverCPU(b *testing.B) time.Duration {
	b.Helper()
	return storetest.ServerCPU(b, f.s)
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
			// Write the bulk load's pages out now, not in a checkpoint
			// spread over the minutes the benchmark measures.
			"CHECKPOINT",
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
// makes, and prints each query's plan and its mean time over 50 runs to
// standard error (a benchmark's log keeps only its first lines).
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
		server := ""
		if s.Dialect() == storage.DialectPostgres {
			server = preparedCost(b, db, q.sql, q.vars)
		}
		fmt.Fprintf(os.Stderr, "%s (%d rows, mean %s%s)\n\t%s\n", q.sql, len(lines(q.sql, q.vars)), mean.Round(time.Microsecond),
			server, strings.Join(lines(prefix+q.sql, q.vars), "\n\t"))
	}
}

// preparedCost runs a query as the store does, prepared once on one
// connection and executed again and again (so that the server's plan cache
// decides between custom and generic plans as it does in the bot), and says
// what one execution costs in wall time and in the server backend's CPU.
func preparedCost(b *testing.B, db *sql.DB, q string, vars []any) string {
	b.Helper()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		b.Fatal(err)
	}
	stmt, err := conn.PrepareContext(ctx, q)
	if err != nil {
		b.Fatalf("prepare %s: %v", q, err)
	}
	defer stmt.Close()
	const runs = 2000
	before, err := cputime.Process(pid)
	if err != nil {
		return ""
	}
	start := time.Now()
	for range runs {
		rows, err := stmt.QueryContext(ctx, vars...)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
		}
		rows.Close()
	}
	took := time.Since(start)
	after, _ := cputime.Process(pid)
	var generic, custom int64
	if err := conn.QueryRowContext(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements
		WHERE statement = $1 ORDER BY generic_plans + custom_plans DESC LIMIT 1`, q).
		Scan(&generic, &custom); err != nil {
		b.Fatalf("plan cache of %s: %v", q, err)
	}
	plan := ""
	if generic > 0 {
		// The generic plan the server settled on, which EXPLAIN with
		// the values in does not show.
		if _, err := conn.ExecContext(ctx, "PREPARE bench_generic AS "+q); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
			b.Fatal(err)
		}
		// EXPLAIN takes no parameters: the values go in as literals.
		args := make([]string, len(vars))
		for i, v := range vars {
			switch v := v.(type) {
			case nil:
				args[i] = "NULL"
			case time.Time:
				args[i] = "'" + v.Format(time.RFC3339Nano) + "'"
			default:
				args[i] = "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
			}
		}
		rows, err := conn.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_generic("+strings.Join(args, ", ")+")")
		if err != nil {
			b.Fatalf("generic plan of %s: %v", q, err)
		}
		var lines []string
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				b.Fatal(err)
			}
			lines = append(lines, l)
		}
		rows.Close()
		if _, err := conn.ExecContext(ctx, "DEALLOCATE bench_generic; RESET plan_cache_mode"); err != nil {
			b.Fatal(err)
		}
		plan = "\n\tgeneric plan:\n\t" + strings.Join(lines, "\n\t")
	}
	return fmt.Sprintf("; prepared: %s, server CPU %s, %d generic and %d custom plans%s", (took / runs).Round(time.Microsecond),
		((after - before) / runs).Round(time.Microsecond), generic, custom, plan)
}
