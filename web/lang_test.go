package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/i18n"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// readerLink invites a new focal point of country with language lang to the
// world's meeting and returns their personal link.
func (w *world) readerLink(t *testing.T, name, email, country, zone, lang string) (model.Person, string) {
	t.Helper()
	p := model.Person{Name: name, Email: email, Country: country, Role: model.RoleFocalPoint, Status: model.StatusActive, TimeZone: zone, Language: lang}
	if err := w.store.CreatePerson(ctx, model.System, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Invite(ctx, network.As(w.sec), w.meeting.ID, network.Selection{People: []int64{p.ID}}); err != nil {
		t.Fatal(err)
	}
	return p, w.linkOf(t, email)
}

// linkOf is a new personal link to the invitation of email.
func (w *world) linkOf(t *testing.T, email string) string {
	t.Helper()
	token, err := w.svc.IssueInvitationLink(ctx, w.invitation(t, email).ID)
	if err != nil {
		t.Fatal(err)
	}
	return w.srv.URL + "/a/" + token
}

func contains(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(page, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, page)
		}
	}
}

// TestPageInReadersLanguage: the page of a French focal point is in
// French, with the meeting's French title and agenda and the dates as
// French writes them; pressing Accepter answers yes (the buttons' values
// are not translated); the page that says a link no longer works is in
// the owner's language too, and the one for an unknown link in the
// network's. An Arabic reader's page runs right to left; a Chinese
// reader's writes its zones in full-width parentheses; a guest invited
// with language=es reads Spanish.
func TestPageInReadersLanguage(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		agenda := "1. Opening"
		if _, err := w.svc.ChangeMeeting(ctx, network.As(w.sec), w.meeting.ID, network.MeetingChange{Agenda: &agenda,
			Titles:  map[string]string{"fr": "Deuxième réunion du Réseau"},
			Agendas: map[string]string{"fr": "1. Ouverture"}}); err != nil {
			t.Fatal(err)
		}
		_, fr := w.readerLink(t, "Claire Martin", "claire@diplomatie.example.fr", "FR", "Europe/Paris", "fr")
		resp, page := get(t, fr)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Language") != "fr" {
			t.Fatalf("GET: %d, Content-Language %q\n%s", resp.StatusCode, resp.Header.Get("Content-Language"), page)
		}
		contains(t, "the French page", page, `<html lang="fr" dir="ltr">`, "<title>Deuxième réunion du Réseau</title>",
			"<h1>Deuxième réunion du Réseau</h1>", "1. Ouverture", "<dt>Quand</dt>", "<legend>Votre réponse</legend>",
			"samedi 29 septembre 2012", "(America/New_York)", "(Europe/Paris)",
			`name="answer" value="yes"`, `>Accepter</button>`)
		for _, english := range []string{"Second Meeting of the Network", "1. Opening", "Your answer", "Sat 29 Sep", ">Accept<"} {
			if strings.Contains(page, english) {
				t.Errorf("the French page says %q:\n%s", english, page)
			}
		}

		resp, _ = post(t, fr, url.Values{"answer": {"yes"}, "csrf": {csrfOf(t, page)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Content-Language") != "fr" {
			t.Fatalf("pressing Accepter: %d, Content-Language %q", resp.StatusCode, resp.Header.Get("Content-Language"))
		}
		if inv := w.invitation(t, "claire@diplomatie.example.fr"); inv.Response != model.ResponseYes {
			t.Fatalf("pressing Accepter recorded %q", inv.Response)
		}
		_, page = get(t, fr)
		contains(t, "the answered French page", page, "Votre réponse : acceptée (enregistrée le samedi 1 septembre 2012", `aria-pressed="true"`)
		resp, body := post(t, fr, url.Values{"answer": {"perhaps"}, "csrf": {csrfOf(t, page)}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a bad answer: %d", resp.StatusCode)
		}
		contains(t, "the refused answer", body, `<html lang="fr" dir="ltr">`, "Choisissez")

		_, mute := get(t, fr+"/mute")
		contains(t, "the French mute page", mute, `<html lang="fr" dir="ltr">`, "Deuxième réunion du Réseau")

		_, ar := w.readerLink(t, "Layla Haddad", "layla@mofa.example.eg", "EG", "Africa/Cairo", "ar")
		_, page = get(t, ar)
		contains(t, "the Arabic page", page, `<html lang="ar" dir="rtl">`, "سبتمبر", "Second Meeting of the Network")
		if resp, _ := post(t, ar, url.Values{"answer": {"no"}, "csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("pressing Decline in Arabic: %d", resp.StatusCode)
		}
		if inv := w.invitation(t, "layla@mofa.example.eg"); inv.Response != model.ResponseNo {
			t.Fatalf("pressing Decline in Arabic recorded %q", inv.Response)
		}

		_, zh := w.readerLink(t, "Wang Fang", "wang.fang@mfa.example.cn", "CN", "Asia/Shanghai", "zh-Hans")
		_, page = get(t, zh)
		contains(t, "the Chinese page", page, `<html lang="zh-Hans" dir="ltr">`, "（America/New_York）", "（Asia/Shanghai）")

		es := "invitada@mision.example.org"
		if _, err := w.svc.Invite(ctx, network.As(w.sec), w.meeting.ID, network.Selection{Guest: &model.Invitation{Name: "Lucía Gómez", Email: es, Language: "es"}}); err != nil {
			t.Fatal(err)
		}
		_, page = get(t, w.linkOf(t, es))
		contains(t, "the Spanish guest's page", page, `<html lang="es" dir="ltr">`, "sábado, 29 de septiembre de 2012",
			"<legend>Su respuesta</legend>", ">Aceptar</button>")
		_, page = get(t, w.linkOf(t, w.guest))
		contains(t, "the guest without a language", page, `<html lang="en" dir="ltr">`, "<legend>Your answer</legend>")

		resp, body = get(t, w.srv.URL+"/a/"+strings.Repeat("A", 43))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown link: %d", resp.StatusCode)
		}
		contains(t, "the unknown link's page", body, `<html lang="en" dir="ltr">`, "This link is not known")

		w.clk.Set(w.meeting.End)
		resp, body = get(t, fr)
		if resp.StatusCode != http.StatusGone {
			t.Errorf("ended: %d", resp.StatusCode)
		}
		contains(t, "the ended link's page", body, `<html lang="fr" dir="ltr">`, "Ce lien ne fonctionne plus", "Ce lien a fonctionné jusqu&#39;à la fin de la réunion, le samedi 29 septembre 2012, 17:00 EDT.")
		_, body = get(t, ar)
		contains(t, "the ended Arabic link's page", body, `<html lang="ar" dir="rtl">`)
	})
}

// TestPollPageInReadersLanguage: a French focal point's poll page is in
// French, slots and deadline as French writes them; ticking two boxes
// answers. With FOCALBOT_LANGUAGE=es, an unknown link's page is Spanish.
func TestPollPageInReadersLanguage(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		claire, _ := w.readerLink(t, "Claire Martin", "claire@diplomatie.example.fr", "FR", "Europe/Paris", "fr")
		slot := func(day int) model.Slot {
			return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
		}
		p, err := w.svc.CreatePoll(ctx, network.As(w.sec), network.NewPoll{Title: "Third Meeting", Deadline: time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC),
			Slots: []model.Slot{slot(23), slot(24)}}, func(model.Poll, model.Person) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		token, err := w.svc.IssuePollLink(ctx, p.ID, claire.ID)
		if err != nil {
			t.Fatal(err)
		}
		link := w.srv.URL + "/a/" + token
		_, page := get(t, link)
		contains(t, "the French poll page", page, `<html lang="fr" dir="ltr">`, "Quels horaires vous conviennent ?",
			`<label for="slot-1">Créneau 1 : lundi 23 septembre 2013`, `name="slot" value="2"`, "Envoyer ma réponse", "vendredi 31 mai 2013, 20:00 EDT (America/New_York)",
			`<span class="yours">Votre heure : lundi 23 septembre 2013, 16:00–23:00 CEST`)
		if resp, _ := post(t, link, url.Values{"slot": {"1", "2"}, "csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST: %d", resp.StatusCode)
		}
		if votes, _ := s.Votes(ctx, p.ID); len(votes) != 1 || votes[0].PersonID != claire.ID || len(votes[0].SlotIDs) != 2 {
			t.Fatalf("votes: %+v", votes)
		}
		_, page = get(t, link)
		contains(t, "the answered French poll page", page, `<html lang="fr" dir="ltr">`, "checked")

		i18n.SetDefault(i18n.Spanish)
		t.Cleanup(func() { i18n.SetDefault(i18n.English) })
		_, body := get(t, w.srv.URL+"/a/"+strings.Repeat("A", 43))
		contains(t, "the unknown link's page under FOCALBOT_LANGUAGE=es", body, `<html lang="es" dir="ltr">`, "Este enlace")
		_, page = get(t, w.linkOf(t, w.guest))
		contains(t, "the guest without a language under FOCALBOT_LANGUAGE=es", page, `<html lang="es" dir="ltr">`)
		_, page = get(t, w.linkOf(t, "claire@diplomatie.example.fr"))
		contains(t, "Claire's page under FOCALBOT_LANGUAGE=es", page, `<html lang="fr" dir="ltr">`)
	})
}
