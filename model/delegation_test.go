package model

import (
	"testing"
	"time"
)

func TestCountryAnswerPrecedence(t *testing.T) {
	inv := func(r Response) Invitation { return Invitation{PersonID: 1, Country: "GH", Response: r} }
	for _, c := range []struct {
		name string
		invs []Invitation
		want Response
	}{
		{"nobody has answered: silent", []Invitation{inv(ResponseNone), inv(ResponseNone)}, ResponseNone},
		{"one accepted, one declined: coming", []Invitation{inv(ResponseNo), inv(ResponseYes)}, ResponseYes},
		{"maybe beats declined", []Invitation{inv(ResponseNo), inv(ResponseMaybe), inv(ResponseNone)}, ResponseMaybe},
		{"declined beats silence", []Invitation{inv(ResponseNone), inv(ResponseNo)}, ResponseNo},
		{"a delegation counts through the delegate only", []Invitation{inv(ResponseDelegate)}, ResponseNone},
		{"the delegate's yes", []Invitation{inv(ResponseDelegate), {Country: "GH", DelegatedFrom: 1, Response: ResponseYes}}, ResponseYes},
		{"no invitations", nil, ResponseNone},
	} {
		if got := CountryAnswer(c.invs); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	answers := CountryAnswers([]Invitation{
		{Country: "BR", Response: ResponseYes},                  // a guest speaks for themselves
		{Country: "BR", DelegatedFrom: 7, Response: ResponseNo}, // a delegate speaks for the country
		{PersonID: 2, Response: ResponseYes},                    // no country
	})
	if len(answers) != 1 || answers["BR"] != ResponseNo {
		t.Errorf("CountryAnswers = %v", answers)
	}
}

func TestAskAgainAndMovesTime(t *testing.T) {
	t0 := time.Date(2012, 9, 29, 14, 0, 0, 0, time.UTC)
	m := Meeting{Start: t0, End: t0.Add(time.Hour), Venue: "New York"}
	b := m
	b.Venue, b.Agenda = "Geneva", "new"
	if m.MovesTime(b) {
		t.Error("a new venue and agenda move the meeting")
	}
	b.End = b.End.Add(time.Minute)
	if !m.MovesTime(b) {
		t.Error("a new end does not move the meeting")
	}
	yes := Invitation{Response: ResponseYes, RespondedAt: t0, ResponseSequence: 1}
	if !yes.AskAgain(2) || yes.Response != ResponseNone || yes.ResponseSequence != 2 || !yes.RespondedAt.IsZero() {
		t.Errorf("asked again: %+v", yes)
	}
	if yes.AskAgain(2) {
		t.Error("asking again twice changed it twice")
	}
	if _, err := yes.Answer(ResponseNo, 1, t0); err != ErrStaleResponse {
		t.Errorf("an answer to the version before the move: %v", err)
	}
	sent := Invitation{Response: ResponseDelegate, DelegatedTo: 9}
	if sent.AskAgain(2) || sent.Response != ResponseDelegate {
		t.Errorf("a delegation was asked again: %+v", sent)
	}
}

func TestDelegateValidate(t *testing.T) {
	for _, c := range []struct {
		d     Delegate
		field string
	}{
		{Delegate{Email: " Ama@MFA.example.gh ", Name: " Ama "}, ""},
		{Delegate{Email: "ama", Name: "Ama"}, "email"},
		{Delegate{Email: "ama@mfa.example.gh"}, "name"},
		{Delegate{Email: "ama@mfa.example.gh", Name: "A\nB"}, "name"},
		{Delegate{Email: "ama@mfa.example.gh", Name: "Ama", Title: string(make([]byte, MaxDelegateTitleLen+1))}, "title"},
	} {
		err := c.d.Validate()
		if ErrorField(err) != c.field || (c.field == "") != (err == nil) {
			t.Errorf("%+v: %v (field %q), want field %q", c.d, err, ErrorField(err), c.field)
		}
		if err == nil && (c.d.Email != "ama@mfa.example.gh" || c.d.Name != "Ama") {
			t.Errorf("not normalised: %+v", c.d)
		}
	}
	inv := Invitation{MeetingID: 3, Email: "kofi@mfa.example.gh"}
	if err := inv.CheckDelegation(Delegate{Email: "kofi@mfa.example.gh"}); ErrorCode(err) != EINVALID {
		t.Errorf("delegating to oneself: %v", err)
	}
	if err := inv.DelegateTo(8, 0, time.Now()); err != nil || inv.Response != ResponseDelegate || inv.CheckAnswerable() == nil {
		t.Errorf("delegated: %+v, %v", inv, err)
	}
	if err := inv.CheckDelegation(Delegate{Email: "kojo@mfa.example.gh"}); ErrorCode(err) != ECONFLICT {
		t.Errorf("a second delegation: %v", err)
	}
	if CheckAnswer(ResponseDelegate) == nil || CheckAnswer(ResponseYes) != nil || CheckAnswer("x") == nil {
		t.Error("CheckAnswer")
	}
}
