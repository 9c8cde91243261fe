package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// hostile is markup that a registrant can plant in a name, a title or an
// agenda (Slack sends it typed as &lt;…&gt;, and the bot un-escapes it):
// mentions, pings, a channel, a date token that hides a link, links.
var hostile = []string{"<@UEVIL0001>", "<!here>", "<!channel>", "<#C0EVIL01|general>",
	"<!date^1^{date}^https://evil.example/login|Click to confirm>", "<https://evil.example|x>", "<mailto:x@evil.example|Mail>"}

// planted is every hostile piece in one text, with & that must be escaped.
var planted = strings.Join(hostile, " & ")

// long repeats s until it has about n bytes, within the model's limits.
func long(s string, n int) string {
	var b strings.Builder
	for b.Len()+len(s) <= n {
		b.WriteString(s)
	}
	return b.String()
}

// checkSent checks one thing the bot sent: within Block Kit's limits, and
// no live markup but the bot's own dates and the mentions allowed.
func checkSent(t *testing.T, what string, where surface, text, raw string, allowed ...string) {
	t.Helper()
	for _, p := range blockKitProblems(where, raw) {
		t.Errorf("%s breaks Block Kit's limits: %s", what, p)
	}
	for _, p := range liveProblems(text, raw, allowed...) {
		t.Errorf("%s: %s", what, p)
	}
	for _, s := range append([]string{text}, mrkdwnOf(t, raw)...) {
		for _, h := range hostile {
			if strings.Contains(s, h) {
				t.Errorf("%s has %q live", what, h)
			}
		}
	}
}

func mrkdwnOf(t *testing.T, raw string) []string {
	t.Helper()
	if raw == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return mrkdwnTexts(v)
}

// hostileMeeting has a title, venue and agenda as long as the model allows,
// full of planted markup.
func hostileMeeting(id int64) model.Meeting {
	ny, _ := time.LoadLocation("America/New_York")
	return model.Meeting{ID: id, Title: long(planted+" ", model.MaxTitleLen), Venue: long("<!channel> & ", 300),
		Address: long("<@UEVIL0001> ", 300), OnlineURL: "https://evil.example/?a=1&b=<2>", Agenda: long(planted+"\n", model.MaxAgendaLen),
		Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny), TimeZone: "America/New_York",
		Hosts: []string{"AU", "CR", "DK", "GH"}, Organiser: long("<!here> ", 300), Status: model.MeetingScheduled, Sequence: int(id % 2)}
}

// TestOutboxMessagesKeepSlackLimitsAndEscape sends every kind of outbox
// message with the longest, most hostile data the model allows: each is
// within Block Kit's limits, its notification text is escaped, and no
// planted mention, ping or link is live.
func TestOutboxMessagesKeepSlackLimitsAndEscape(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	var slots []model.Slot
	for i := range model.MaxPollSlots {
		day := time.Date(2013, 9, 21+i, 10, 0, 0, 0, ny)
		slots = append(slots, model.Slot{ID: int64(i + 1), Start: day, End: day.Add(7 * time.Hour), TimeZone: "America/New_York"})
	}
	poll := &model.Poll{ID: 1234567, Title: long(planted+" ", model.MaxTitleLen), Deadline: t0.Add(30 * 24 * time.Hour), Slots: slots}
	for _, tc := range []struct {
		name string
		p    delivery.Payload
	}{
		{"an invitation", delivery.Payload{Kind: model.KindRequest, Meeting: hostileMeeting(1234568)}},
		{"an updated invitation", delivery.Payload{Kind: model.KindRequest, Meeting: hostileMeeting(1234567)}},
		{"a poll question", delivery.Payload{Kind: model.KindPoll, Poll: poll, Text: planted}},
		{"a reminder", delivery.Payload{Kind: model.KindReminder, Meeting: hostileMeeting(3)}},
		{"a nudge", delivery.Payload{Kind: model.KindNudge, Meeting: hostileMeeting(4)}},
		{"a cancellation", delivery.Payload{Kind: model.KindCancel, Meeting: hostileMeeting(5)}},
		{"a notice", delivery.Payload{Kind: model.KindNotice, Text: "Meeting planned: " + planted}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each to another user, so that none waits for Slack's pace in a channel.
			to := "U" + strings.ToUpper(strings.ReplaceAll(tc.name, " ", ""))
			if err := b.tr.Send(ctx, model.OutboxItem{Recipient: to, Kind: tc.p.Kind}, tc.p); err != nil {
				t.Fatalf("Slack refused it: %v", err)
			}
			got := next(t, fs.posts, tc.name)
			checkSent(t, tc.name, surfaceMessage, got.Text, got.Blocks)
			if got.Text == "" || !strings.Contains(got.Text, "&lt;!channel&gt;") {
				t.Errorf("the text is not escaped: %.200q", got.Text)
			}
			none(t, fs.posts, "another part")
		})
	}
}

// TestNotificationTextIsEscaped: the text beside an invitation's or a
// poll's blocks, which notifications show, is escaped: a title such as
// <!channel> pings nobody.
func TestNotificationTextIsEscaped(t *testing.T) {
	m := hostileMeeting(1)
	m.Title = "<!channel> A & B"
	text, _ := invitationBlocks(delivery.Payload{Kind: model.KindRequest, Meeting: m})
	if want := "You are invited: &lt;!channel&gt; A &amp; B, 28 Sep 2013"; text != want {
		t.Errorf("invitation text %q; want %q", text, want)
	}
	poll := &model.Poll{ID: 1, Title: "<!channel> A & B", Deadline: t0, Slots: []model.Slot{{Start: m.Start, End: m.End, TimeZone: m.TimeZone}}}
	text, _ = pollBlocks(delivery.Payload{Kind: model.KindPoll, Poll: poll})
	if want := "A poll: which times can you attend for &lt;!channel&gt; A &amp; B?"; text != want {
		t.Errorf("poll text %q; want %q", text, want)
	}
}

// TestPollOptionsFit: each slot of a poll question is an option of at most
// 75 characters, its number and its start as a date token; the question
// lists each slot in full.
func TestPollOptionsFit(t *testing.T) {
	m := hostileMeeting(1)
	poll := &model.Poll{ID: 1, Title: "the 2013 meeting", Deadline: t0, Slots: []model.Slot{{Start: m.Start, End: m.End, TimeZone: m.TimeZone}}}
	_, blocks := pollBlocks(delivery.Payload{Kind: model.KindPoll, Poll: poll})
	raw, _ := json.Marshal(blocks)
	for _, p := range blockKitProblems(surfaceMessage, string(raw)) {
		t.Error(p)
	}
	if want := `"text":"1. \u003c!date^1380376800^{date_short_pretty} {time}|Sat 28 Sep 10:00\u003e"`; !strings.Contains(string(raw), want) {
		t.Errorf("the option is not %s:\n%s", want, raw)
	}
	if want := `1. \u003c!date^1380376800^{date_long_pretty} at {time}|`; !strings.Contains(string(raw), want) {
		t.Errorf("the question does not list the slot in full:\n%s", raw)
	}
}

// TestHomeForABigSecretariat: with 60 registrations waiting and 30
// meetings planned, all with long, hostile names, the secretariat's App
// Home keeps within Slack's 100 blocks and limits, says how many of each
// it leaves out, asks before skipping a planned meeting in words of its
// own, and shows no planted markup live.
func TestHomeForABigSecretariat(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b) // one registration waiting
	ctx := context.Background()
	for i := range 59 {
		b.addPerson(model.Person{Name: long(fmt.Sprintf("%d %s ", i, planted), model.MaxNameLen), Email: fmt.Sprintf("p%d@mfa.example.org", i),
			Country: "GH", Role: model.RoleFocalPoint, Status: model.StatusPending, Title: long("<!here> ", model.MaxFieldLen)})
	}
	ny, _ := time.LoadLocation("America/New_York")
	for i := range 30 {
		start := time.Date(2013, 1, 10+i, 10, 0, 0, 0, ny)
		m := model.Meeting{Title: long(fmt.Sprintf("%d %s ", i, planted), model.MaxTitleLen), Start: start, End: start.Add(7 * time.Hour),
			TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingDraft}
		if err := b.store.CreateMeeting(ctx, model.System, &m); err != nil {
			t.Fatal(err)
		}
	}
	b.event(homeOpened("Ev1", "U2"))
	raw := string(next(t, fs.homes, "the secretariat's home"))
	checkSent(t, "the home", surfaceHome, "", raw, "<@U2>")

	var body struct {
		View struct {
			Blocks []map[string]any `json:"blocks"`
		} `json:"view"`
	}
	if err := json.Unmarshal([]byte(raw), &body); err != nil {
		t.Fatal(err)
	}
	approves, confirms := strings.Count(raw, `"action_id":"approve"`), strings.Count(raw, `"action_id":"meeting_schedule"`)
	if !strings.Contains(raw, fmt.Sprintf("…and %d more registrations: type `pending` to see them all.", 60-approves)) {
		t.Errorf("the home shows %d of 60 registrations without saying how many are left out", approves)
	}
	if !strings.Contains(raw, fmt.Sprintf("…and %d more planned meetings: type `meetings` to see them all.", 30-confirms)) {
		t.Errorf("the home shows %d of 30 planned meetings without saying how many are left out", confirms)
	}
	if approves < 10 || confirms < 10 || len(body.View.Blocks) < 90 {
		t.Errorf("the home shows %d registrations and %d meetings in %d blocks; want the room used", approves, confirms, len(body.View.Blocks))
	}
	skips := strings.Count(raw, `"text":"Skip this planned meeting?"`)
	if skips != confirms || strings.Count(raw, `"text":"Reject this registration?"`) != approves {
		t.Errorf("%d Skip buttons ask %q, of %d; %d Reject buttons ask about a registration, of %d", skips, msgConfirmSkipTitle, confirms,
			strings.Count(raw, `"text":"Reject this registration?"`), approves)
	}
}

// TestEveryModalKeepsSlackLimits opens every modal for a caller whose Slack
// name and profile are as long as allowed.
func TestEveryModalKeepsSlackLimits(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	name := long(planted+" ", model.MaxNameLen)
	fs.addUser("U2", "ruth@globalr2p.example.org", name, "America/New_York")
	fs.addUser("U3", "lars@um.dk", name, "Europe/Copenhagen")
	ctx := context.Background()
	ruth, _ := b.store.PersonByEmail(ctx, "ruth@globalr2p.example.org")
	if _, err := b.store.UpdatePerson(ctx, model.System, ruth.ID, func(p *model.Person) error {
		p.Name, p.Title, p.Organisation = name, long("<!here> ", model.MaxFieldLen), long("&<> ", model.MaxFieldLen)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ user, action string }{
		{"U3", actionRegister}, {"U2", actionProfile}, {"U2", actionAdd}, {"U2", actionNewMeeting},
	} {
		b.interaction(click(tc.user, tc.action, ""))
		raw := string(next(t, fs.modals, tc.action))
		checkSent(t, tc.action, surfaceModal, "", raw)
	}
}

// TestPublicAnswersAreEscaped: a public answer in a channel (roster Ghana)
// and a private one (me) show a planted name as typed, never live, while
// the bot's own mention of a Slack user stays a mention.
func TestPublicAnswersAreEscaped(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	p := ama()
	p.Name, p.Title, p.SlackID = long(planted+" ", model.MaxNameLen), long("<!channel> ", model.MaxFieldLen), "U1"
	b.addPerson(p)

	b.event(mention("Ev1", "U1", "C1", "1348927200.000200", "<@UBOT> roster Ghana"))
	got := next(t, fs.posts, "the public answer")
	if got.Channel != "C1" || !strings.Contains(got.Text, "&lt;@UEVIL0001&gt;") {
		t.Errorf("public answer %+v", got)
	}
	checkSent(t, "roster Ghana", surfaceMessage, got.Text, "")

	b.event(dm("Ev2", "U1", "me"))
	got = next(t, fs.posts, "the profile")
	checkSent(t, "me", surfaceMessage, got.Text, "", "<@U1>")
	if !strings.Contains(got.Text, "Slack: <@U1>") {
		t.Errorf("the bot's own mention is not live: %.400q", got.Text)
	}
}

// TestPlantedThroughSlack: markup typed on Slack (which Slack sends
// escaped, and the bot un-escapes) is stored as typed, and shown escaped
// on the App Home of the secretariat.
func TestPlantedThroughSlack(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	typed := strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(`register DK name="Lars <@UEVIL0001> <!here> <https://evil.example|x>"`)
	b.event(dm("Ev1", "U3", typed))
	if got := next(t, fs.posts, "the registration's answer"); !strings.Contains(got.Text, "pending") {
		t.Fatalf("registration answered %q", got.Text)
	}
	b.event(homeOpened("Ev2", "U2"))
	raw := string(next(t, fs.homes, "the secretariat's home"))
	checkSent(t, "the home", surfaceHome, "", raw, "<@U2>")
	if !strings.Contains(raw, "Lars \\u0026lt;@UEVIL0001\\u0026gt;") {
		t.Errorf("the planted name is not shown as typed:\n%s", raw)
	}
}
