package storage_test

import (
	"errors"
	"strings"
	"testing"

	"focalbot/model"
	"focalbot/storage"
)

// TestImportReportsEveryMistake: every bad row is reported, each with every
// one of its mistakes and its line, and nothing is written.
func TestImportReportsEveryMistake(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		ps := roster()
		ps[1].Country, ps[1].Language = "XX", "klingon"
		ps[3].TimeZone = "Mars/Base"
		rows := make([]storage.ImportRow, len(ps))
		for i, p := range ps {
			rows[i] = storage.ImportRow{Line: i + 2, Person: p}
		}
		_, err := s.ImportPeople(ctx, model.Actor{Label: "import (cli)"}, rows, false)
		wantCode(t, err, model.EINVALID)
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("one mistake reported: %v", err)
		}
		var got []string
		for _, e := range joined.Unwrap() {
			var de *model.Error
			if !errors.As(e, &de) {
				t.Fatalf("%v is not a domain error", e)
			}
			got = append(got, de.Message())
		}
		want := []string{`Line 3: Unknown country code "XX".`, `Line 3: Unknown language "klingon"`, `Line 5: Unknown time zone "Mars/Base"`}
		if len(got) != len(want) {
			t.Fatalf("mistakes:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("mistake %d = %q, want it to start with %q", i, got[i], want[i])
			}
		}
		if n := len(people(t, s, storage.PeopleFilter{})); n != 0 {
			t.Errorf("%d people written, want none", n)
		}
	})
}
