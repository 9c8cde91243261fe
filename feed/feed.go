// Package feed serves calendar feeds over HTTP, for anyone to subscribe to
// from a calendar app: each person's meetings at a secret, revocable link,
// and the network's public meetings. Feeds are iCalendar with METHOD:PUBLISH:
// they show events and ask for no answer. The package knows nothing of chat.
package feed

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"

	"focalbot/calendar"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/model"
)

// Store is what the feeds read.
type Store interface {
	PersonByFeedToken(ctx context.Context, token string) (model.Person, error)
	InvitationsOf(ctx context.Context, personID int64, email string) ([]model.Invitation, error)
	Meetings(ctx context.Context, f model.MeetingFilter) ([]model.Meeting, error)
}

// Paths under which the feeds are served.
const (
	Prefix      = "/feeds/"
	NetworkPath = Prefix + "network.ics"
)

// Handler serves GET /feeds/network.ics and GET /feeds/<token>.ics.
type Handler struct {
	Store     Store
	Organiser delivery.Organiser
	Clock     clock.Clock
	Log       *slog.Logger
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Use GET to read a calendar feed.", http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	token, isICS := strings.CutSuffix(name, ".ics")
	if !ok || !isICS || token == "" || strings.Contains(token, "/") {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	all, err := h.Store.Meetings(ctx, model.MeetingFilter{Statuses: []model.MeetingStatus{
		model.MeetingScheduled, model.MeetingCancelled, model.MeetingHeld}})
	if err != nil {
		h.fail(w, err)
		return
	}
	var meetings []model.Meeting
	if r.URL.Path == NetworkPath {
		for _, m := range all {
			if m.Public {
				meetings = append(meetings, m)
			}
		}
	} else {
		p, err := h.Store.PersonByFeedToken(ctx, token)
		if model.ErrorCode(err) == model.ENOTFOUND {
			http.Error(w, "No calendar feed has this link: ask the bot for yours with the feed command.", http.StatusNotFound)
			return
		} else if err != nil {
			h.fail(w, err)
			return
		}
		invs, err := h.Store.InvitationsOf(ctx, p.ID, p.Email)
		if err != nil {
			h.fail(w, err)
			return
		}
		invited := map[int64]bool{}
		for _, inv := range invs {
			invited[inv.MeetingID] = true
		}
		for _, m := range all {
			if invited[m.ID] {
				meetings = append(meetings, m)
			}
		}
	}
	events := make([]calendar.Event, len(meetings))
	now := h.Clock.Now()
	for i, m := range meetings {
		events[i] = calendar.MeetingEvent(calendar.MethodPublish, m, h.Organiser.Person(), now)
	}
	var buf bytes.Buffer
	if err := calendar.Encode(&buf, calendar.MethodPublish, events...); err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(buf.Bytes())
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	h.Log.Error("calendar feed", "err", err)
	http.Error(w, "The feed is not available right now; try again later.", http.StatusInternalServerError)
}
