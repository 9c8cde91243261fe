package delivery_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestSecretariatNoticesInEachMembersLanguage: the dispatcher tells the
// secretariat of an outage, of messages given up on and of the outage's
// end in each member's profile language (a member with none gets the
// network's), its dates as CLDR writes them there; each notice keeps its
// one key per member and channel, so that it is sent once.
func TestSecretariatNoticesInEachMembersLanguage(t *testing.T) {
	clk := clock.Fixed(t0)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		clk.Set(t0)
		down := true
		mails := &recorder{sent: map[string]int{}, fail: func(it model.OutboxItem) error {
			switch {
			case it.Recipient == "g3@example.org":
				return delivery.Permanent(errors.New("550 no such user"))
			case down:
				return errors.New("dial tcp: connection refused")
			}
			return nil
		}}
		slack := &recorder{sent: map[string]int{}}
		d, _ := setup(t, s, clk, mails)
		d.Senders[model.ChannelSlack] = slack
		d.Planner.Channels = []model.Channel{model.ChannelEmail, model.ChannelSlack}
		sec, _ := s.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}})
		if _, err := s.UpdatePerson(ctx, model.System, sec[0].ID, func(p *model.Person) error { p.SlackID = "U0RUTH"; return nil }); err != nil {
			t.Fatal(err)
		}
		marie := model.Person{Name: "Marie", Email: "marie@example.org", SlackID: "U0MARIE", Language: "fr", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &marie); err != nil {
			t.Fatal(err)
		}
		// notices are the texts of the notices queued so far, by recipient,
		// and their keys.
		notices := func() (map[string][]string, []string) {
			t.Helper()
			all, err := s.Outbox(ctx, storage.OutboxFilter{})
			if err != nil {
				t.Fatal(err)
			}
			texts, keys := map[string][]string{}, []string(nil)
			for _, it := range all {
				if it.Kind != model.KindNotice {
					continue
				}
				p, err := delivery.Decode(it)
				if err != nil {
					t.Fatal(err)
				}
				texts[it.Recipient] = append(texts[it.Recipient], p.Text)
				keys = append(keys, it.Key)
			}
			return texts, keys
		}
		for range 4 { // forty minutes down: the outage is told
			if _, err := d.Dispatch(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Advance(10 * time.Minute)
		}
		down = false
		clk.Advance(time.Hour)
		if _, err := d.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
		texts, keys := notices()
		for _, c := range []struct {
			to   string
			want []string
		}{
			{"U0RUTH", []string{"Sending by e-mail has failed since Wed 1 Aug 2012, 13:00 UTC", "Sending by e-mail works again", "Messages not delivered: 1.", `the invitation for "Second Meeting" to Guest 3`}},
			{"U0MARIE", []string{"L'envoi par courrier électronique", "mercredi 1 août 2012, 13:00 UTC", "fonctionne de nouveau", "Messages non remis : 1.", `invitation pour "Second Meeting" à Guest 3`}},
		} {
			all := strings.Join(texts[c.to], "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("the notices to %s lack %q:\n%s", c.to, w, all)
				}
			}
		}
		if len(texts["U0RUTH"]) != 3 || len(texts["U0MARIE"]) != 3 {
			t.Errorf("notices %v; want three to each member", texts)
		}
		for _, k := range keys {
			if !strings.HasSuffix(k, "/slack") {
				t.Errorf("notice key %q: want it to end by member and channel", k)
			}
		}
		slices.Sort(keys)
		if len(slices.Compact(keys)) != 6 {
			t.Errorf("notice keys %v; want six different ones", keys)
		}
	})
}
