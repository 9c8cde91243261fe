package bot

import (
	"reflect"
	"testing"
	"time"

	"focalbot/model"
)

// TestAuditFieldsLabelled: every field of the records the audit log keeps
// is labelled in the catalog (so read in the reader's language) or hidden as
// bookkeeping; a new field fails here until it is one or the other.
func TestAuditFieldsLabelled(t *testing.T) {
	for _, v := range []any{model.Person{}, model.Meeting{}, model.Invitation{}, model.Network{}, model.Outreach{},
		model.OutreachNote{}, model.Poll{}, model.Vote{}, model.Series{}} {
		tp := reflect.TypeOf(v)
		for i := range tp.NumField() {
			f := tp.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			if _, ok := auditLabels[f.Name]; !ok && !auditHidden(f.Name) {
				t.Errorf("%s.%s is neither labelled (auditLabels) nor hidden (auditHidden)", tp.Name(), f.Name)
			}
		}
	}
}

// TestAuditWordsKnownAndUnknown: every action the store records has its
// phrase, the subjects and fixed actors read as words, and what the log
// does not know is shown as stored.
func TestAuditWordsKnownAndUnknown(t *testing.T) {
	fr, en := newReply("fr"), newReply("en")
	for action := range auditActions {
		if got := fr.auditAction(action); got == action || got == en.auditAction(action) {
			t.Errorf("%s reads %q in French", action, got)
		}
	}
	if got := fr.auditAction("widget.frobnicate"); got != "widget.frobnicate" {
		t.Errorf("an unknown action reads %q", got)
	}
	names := auditNames{12: "Ana Ruiz"}
	for _, c := range []struct{ subject, want string }{
		{"person:12", "Ana Ruiz (#12)"}, {"person:13", "personne 13"}, {"meeting:3", "réunion 3"}, {"poll:4", "sondage 4"},
		{"series:2", "série 2"}, {"invitation:5", "invitation 5"}, {"poll:4/person:12", "sondage 4, pour Ana Ruiz (#12)"},
		{"outreach:DE", "Allemagne"}, {"network", ""}, {"thing:9", "thing:9"}, {"meeting:x", "meeting:x"}, {"outreach:ZZ", "outreach:ZZ"},
	} {
		if got := fr.auditSubject(names, c.subject); got != c.want {
			t.Errorf("subject %q reads %q, want %q", c.subject, got, c.want)
		}
	}
	for _, c := range []struct {
		a    model.AuditEntry
		want string
	}{
		{model.AuditEntry{Actor: "system"}, "système"},
		{model.AuditEntry{Actor: "unknown"}, "inconnu"},
		{model.AuditEntry{Actor: "import of r2p.csv"}, "importation de r2p.csv"},
		{model.AuditEntry{Actor: "ana@example.org (by web link)"}, "ana@example.org (par lien web)"},
		{model.AuditEntry{ActorID: 3, Actor: "Ana Ruiz <ana@example.org> (by e-mail)"}, "Ana Ruiz <ana@example.org> (par courrier électronique)"},
		{model.AuditEntry{ActorID: 3, Actor: "system"}, "system"}, // a person so named is a name
		{model.AuditEntry{Actor: "Someone else"}, "Someone else"},
	} {
		if got := fr.auditActor(c.a); got != c.want {
			t.Errorf("actor %+v reads %q, want %q", c.a, got, c.want)
		}
	}
}

// TestAuditSlots: a vote's slots, kept by ID, read by their numbers in the
// poll, in order, as the reader's language lists them; a slot the poll no
// longer has reads "?".
func TestAuditSlots(t *testing.T) {
	numbers := map[int64]int{41: 1, 42: 2, 43: 3}
	for _, c := range []struct {
		lang string
		v    any
		want string
	}{
		{"en", []any{float64(43), float64(41)}, "1, 3"},
		{"ar", []any{float64(42), float64(41)}, "1، 2"},
		{"en", []any{float64(99)}, "?"},
		{"en", []any{}, ""},
		{"en", nil, ""},
	} {
		if got := auditSlots(newReply(c.lang), c.v, numbers); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.v, got, c.want)
		}
	}
}

// TestAuditPollWords: a poll's state and its slots read in the reader's
// language: the state as a word, the slots by number, each in its zone.
func TestAuditPollWords(t *testing.T) {
	e, fr := &Engine{}, newReply("fr")
	for v, want := range map[string]string{"open": "ouvert aux réponses", "closed": "clos", "cancelled": "annulée", "inactive": "inactif"} {
		if got := e.auditValue(fr, time.UTC, "Status", v); got != want {
			t.Errorf("status %q reads %q in French, want %q", v, got, want)
		}
	}
	slots := []any{
		map[string]any{"ID": float64(7), "Start": "2027-01-05T08:00:00Z", "End": "2027-01-05T10:00:00Z", "TimeZone": "Europe/Zurich"},
		map[string]any{"ID": float64(8), "Start": "2027-01-06T14:00:00Z", "End": "2027-01-06T16:00:00Z", "TimeZone": "America/New_York"},
	}
	want := "1. Tue 5 Jan 2027, 09:00–11:00 CET; 2. Wed 6 Jan 2027, 09:00–11:00 EST"
	if got := auditPollSlots(newReply("en"), slots); got != want {
		t.Errorf("slots: %q, want %q", got, want)
	}
}
