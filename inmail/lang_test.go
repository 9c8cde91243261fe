package inmail_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestInboxInTheReadersLanguage: what each incoming mail did and why reads
// in the language of whoever runs inbox (a French member of the
// secretariat, an English one), the answer too ("accepted"); mail recorded
// before the sentences were kept shows its text; the notice of a COUNTER
// and of a held reply are written in each member's language: the
// receiving server's doubt in it too, and the proposed times as their
// language writes dates, in their zone (the meeting's when they have none).
func TestInboxInTheReadersLanguage(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		claire := model.Person{Name: "Claire Martin", Email: "claire.martin@globalcentre.example.org", Role: model.RoleSecretariat,
			Status: model.StatusActive, Language: "fr", TimeZone: "Europe/Paris"}
		if err := s.CreatePerson(ctx, model.System, &claire); err != nil {
			t.Fatal(err)
		}

		kwame := "kwame.asante.gh@gmail.com"
		f.ingest(t, reply(kwame, kwame, "ACCEPTED", 0, now.Add(-time.Hour), "yes@gmail.com"))
		f.ingest(t, reply("someone@else.example", kwame, "DECLINED", 0, now.Add(-time.Hour), "forged@else.example"))
		// A mail recorded before migration 0020: its text only.
		old, _, err := s.RecordMail(ctx, model.InboundMail{MessageID: "old@b.example", Hash: "old", From: "x@y.example", Via: model.ViaPipe,
			ReceivedAt: now.Add(-2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		old.Status, old.Kind, old.Did, old.Reason = model.MailRefused, "reply", "nothing", "an old reason, in English"
		if err := s.FinishMail(ctx, old); err != nil {
			t.Fatal(err)
		}
		f.ingest(t, eml(t, "outlook-counter-vtimezone.eml"))
		f.ingest(t, eml(t, "dmarc-fail.eml"))
		f.ingest(t, eml(t, "broken-header.eml"))

		engine := bot.New(s, clock.Fixed(now), slog.New(slog.DiscardHandler), time.UTC)
		for _, c := range []struct {
			who  string
			want []string
		}{
			{claire.Email, []string{
				"Les derniers courriers électroniques reçus :",
				"  samedi 1 juin 2030, 09:00 CEST  courrier ", // when, as French writes dates, in her zone
				"réponse acceptée de kwame.asante.gh@gmail.com à la réunion 1 enregistrée (SEQUENCE 0)",
				"Retenus ou refusés, et pourquoi :",
				"le message provient de someone@else.example, qui n'est ni le participant kwame.asante.gh@gmail.com ni un délégué enregistré pour celui-ci",
				": rien",
				"retenu pour le secrétariat ; rien n'a changé",
				"retenu : mx.globalcentre.example.org signale l'échec de DMARC pour um.example.dk",
				"an old reason, in English",
				"le message est illisible : son en-tête est mal formé (message: malformed MIME header line: This line is not a header field)",
				"courriel illisible de (expéditeur inconnu) : ", // a From that cannot be read
				"  traité  réponse d’agenda de ",                // the status and kind too
				"  refusé  réponse d’agenda de ",
			}},
			{secretariatEmail, []string{
				"The latest e-mail received:",
				"  Sat 1 Jun 2030, 09:00 UTC  mail ",
				"recorded kwame.asante.gh@gmail.com's answer accepted to meeting 1 (SEQUENCE 0)",
				"the message is from someone@else.example, who is neither the attendee kwame.asante.gh@gmail.com nor a delegate recorded for them",
				"an old reason, in English",
				"the message cannot be read: its header is malformed (message: malformed MIME header line: This line is not a header field)",
				"unreadable mail from (sender unknown): ",
			}},
		} {
			r := engine.Handle(ctx, bot.Caller{Email: c.who}, "inbox")
			if r.Code != "" {
				t.Fatalf("inbox for %s: %s %s", c.who, r.Code, r.Text())
			}
			for _, w := range c.want {
				if !strings.Contains(r.Text(), w) {
					t.Errorf("inbox for %s:\n%s\nwant it to contain %q", c.who, r.Text(), w)
				}
			}
		}

		items, err := s.Outbox(ctx, model.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		told := map[string]string{}
		for _, it := range items {
			if it.Kind == model.KindNotice && (strings.Contains(it.Key, "/counter") || strings.Contains(it.Key, "/held")) {
				p, err := delivery.Decode(it)
				if err != nil {
					t.Fatal(err)
				}
				told[it.Recipient] += p.Text + "\n"
			}
		}
		for _, w := range []string{"propose un nouvel horaire pour la réunion 1", "Le courrier entrant",
			"lundi 1 juillet 2030, 12:00", "14:00 CEST", "mx.globalcentre.example.org signale l'échec de DMARC pour um.example.dk"} {
			if !strings.Contains(told[claire.Email], w) {
				t.Errorf("told to Claire: %q; want it in French (%q)", told[claire.Email], w)
			}
		}
		if strings.Contains(told[claire.Email], "says DMARC") || strings.Contains(told[claire.Email], "20300701T") {
			t.Errorf("told to Claire in English or raw: %q", told[claire.Email])
		}
		for _, w := range []string{"proposes a new time for meeting 1", "Incoming mail", "from Mon 1 Jul 2030, 10:00 to 12:00 UTC",
			"mx.globalcentre.example.org says DMARC failed for um.example.dk"} {
			if !strings.Contains(told[secretariatEmail], w) {
				t.Errorf("told to Ruth: %q; want it in English (%q)", told[secretariatEmail], w)
			}
		}
	})
}
