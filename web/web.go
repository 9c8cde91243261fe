// Package web serves the pages behind the signed personal links that
// focalbot's e-mails carry (FOCALBOT_PUBLIC_URL/a/<token>): an invitee
// sees the meeting in their own zone and the venue's and answers Accept,
// Maybe or Decline; a focal point ticks the slots of a poll; anyone can stop
// a meeting's reminders (also by RFC 8058 one-click POST from their mail
// client). Pages are server-rendered html/template, with no JavaScript.
//
// Opening a page never changes anything: mail security scanners open every
// link in a message. Only a POST from the page's form, carrying its CSRF
// token (an HMAC of the link's token under a stored secret), answers, and
// it calls the same typed operations as chat (network.Service.Respond,
// Vote, Mute), so the same rules apply, and the audit log says "by web
// link". It knows no storage and no chat system: only package network.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"
	"focalbot/network"
)

// Prefix is where the pages are served: Prefix + token.
const Prefix = "/a/"

// CSSPath is the address of the pages' stylesheet (style-src 'self').
const CSSPath = "/web.css"

// Service is what the pages need from package network.
type Service interface {
	OpenLink(ctx context.Context, token string) (network.Linked, error)
	IssueInvitationLink(ctx context.Context, invitationID int64) (string, error)
	IssuePollLink(ctx context.Context, pollID, personID int64) (string, error)
	RevokeLink(ctx context.Context, lk network.Linked) (int, error)
	Respond(ctx context.Context, c network.Caller, id int64, resp model.Response) (network.Answered, error)
	Vote(ctx context.Context, c network.Caller, pollID int64, slots []int) (model.Poll, model.Vote, error)
	Mute(ctx context.Context, c network.Caller, id int64, mute bool) error
	Delegate(ctx context.Context, c network.Caller, meetingID int64, to network.Delegate) (network.Delegated, error)
}

// Handler serves the pages. Secret signs the forms' CSRF tokens; give the
// same one to every copy of focalbot on one database.
type Handler struct {
	Service Service
	Secret  []byte
	Log     *slog.Logger
}

// Register mounts the pages on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection() // refuses a form posted from another site
	mux.HandleFunc("GET "+CSSPath, h.css)
	mux.HandleFunc("GET "+Prefix+"{token}", h.page)
	mux.Handle("POST "+Prefix+"{token}", cop.Handler(http.HandlerFunc(h.answer)))
	mux.HandleFunc("GET "+Prefix+"{token}/mute", h.mutePage)
	// No cross-origin check here: RFC 8058 one-click POSTs come from mail
	// clients and their servers, not from this site.
	mux.HandleFunc("POST "+Prefix+"{token}/mute", h.mute)
	mux.Handle("POST "+Prefix+"{token}/revoke", cop.Handler(http.HandlerFunc(h.revoke)))
	mux.Handle("POST "+Prefix+"{token}/delegate", cop.Handler(http.HandlerFunc(h.delegate)))
}

// Links makes the signed links the e-mails carry (delivery.PersonalLinks), under
// BaseURL, such as https://focalbot.example.org.
type Links struct {
	Service Service
	BaseURL string
}

// InvitationLink makes a new link to answer an invitation, with its
// address to stop the meeting's reminders.
//
// Errors: ENOTFOUND for an unknown invitation; EINTERNAL.
func (l Links) InvitationLink(ctx context.Context, invitationID int64) (delivery.Link, error) {
	token, err := l.Service.IssueInvitationLink(ctx, invitationID)
	if err != nil {
		return delivery.Link{}, err
	}
	page := strings.TrimSuffix(l.BaseURL, "/") + Prefix + token
	return delivery.Link{Page: page, Unsubscribe: page + "/mute"}, nil
}

// PollLink makes a new link for a person to answer a poll.
//
// Errors: ENOTFOUND for an unknown poll or person; EINTERNAL.
func (l Links) PollLink(ctx context.Context, pollID, personID int64) (delivery.Link, error) {
	token, err := l.Service.IssuePollLink(ctx, pollID, personID)
	if err != nil {
		return delivery.Link{}, err
	}
	return delivery.Link{Page: strings.TrimSuffix(l.BaseURL, "/") + Prefix + token}, nil
}

// csrf is the form token of the page of the link with that token: only
// someone who has the page can post its form.
func (h *Handler) csrf(token string) string {
	mac := hmac.New(sha256.New, h.Secret)
	mac.Write([]byte("focalbot web form\x00" + token))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (h *Handler) csrfOK(r *http.Request, token string) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(h.csrf(token))) == 1
}

// headers are every page's: nothing from elsewhere, no framing, no
// referrer (the address holds the token), never cached.
func headers(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Type", "text/html; charset=utf-8")
}

// open opens the link of the request, or writes the page that says why it
// does not work: 404 for an unknown link, 410 for one that no longer works.
func (h *Handler) open(w http.ResponseWriter, r *http.Request) (network.Linked, string, bool) {
	token := r.PathValue("token")
	lk, err := h.Service.OpenLink(r.Context(), token)
	if err != nil {
		status := http.StatusInternalServerError
		switch model.ErrorCode(err) {
		case model.ENOTFOUND:
			status = http.StatusNotFound
		case model.ECONFLICT:
			status = http.StatusGone
		}
		// The owner's language when the link is known (one that no longer
		// works), else the network's.
		rd := readerIn(i18n.Default())
		if model.ErrorCode(err) == model.ECONFLICT {
			rd = readerOf(lk)
		}
		h.fail(w, r, rd, status, err)
		return network.Linked{}, "", false
	}
	return lk, token, true
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.Default()
	}
	return h.Log
}

// fail writes a page that says what went wrong and what to do.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rd reader, status int, err error) {
	msg := rd.message(err)
	if model.ErrorCode(err) == model.EINTERNAL || !isDomain(err) {
		h.log().Error("web page", "path", redact(r.URL.Path), "err", err)
		msg = rd.p.Sprintf(msgInternal)
	}
	title := rd.p.Sprintf(msgTitleProblem)
	switch status {
	case http.StatusNotFound:
		title = rd.p.Sprintf(msgTitleUnknownLink)
	case http.StatusGone:
		title = rd.p.Sprintf(msgTitleGone)
	}
	h.render(w, rd, status, "problem", problemView{frame: rd.frame(title), Message: msg})
}

func isDomain(err error) bool {
	var e *model.Error
	return errors.As(err, &e)
}

// redact keeps a link's token out of the logs.
func redact(path string) string {
	if rest, ok := strings.CutPrefix(path, Prefix); ok {
		_, after, _ := strings.Cut(rest, "/")
		return Prefix + "…/" + after
	}
	return path
}

func (h *Handler) render(w http.ResponseWriter, rd reader, status int, name string, v any) {
	headers(w)
	w.Header().Set("Content-Language", rd.tag.String())
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, v); err != nil {
		h.log().Error("render web page", "page", name, "err", err)
	}
}

func (h *Handler) css(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	fmt.Fprint(w, stylesheet)
}

// page shows what the link opens. It changes nothing.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	lk, token, ok := h.open(w, r)
	if !ok {
		return
	}
	if lk.Link.PollID != 0 {
		h.render(w, readerOf(lk), http.StatusOK, "poll", newPollView(lk, h.csrf(token), ""))
		return
	}
	h.render(w, readerOf(lk), http.StatusOK, "invitation", newInvitationView(lk, Prefix+token, h.csrf(token), ""))
}

// answer records the answer posted from the page, then sends the reader
// back to the page (303), which shows it.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request) {
	lk, token, ok := h.openPost(w, r, false)
	if !ok {
		return
	}
	if lk.Link.PollID != 0 {
		slots, err := parseSlots(r.PostForm["slot"], lk.Poll)
		if err == nil {
			_, _, err = h.Service.Vote(r.Context(), lk.Caller, lk.Poll.ID, slots)
		}
		if err != nil {
			h.refuse(w, r, lk, err, func(msg string) any { return newPollView(lk, h.csrf(token), msg) }, "poll")
			return
		}
	} else {
		resp, err := parseAnswer(r.PostFormValue("answer"))
		if err == nil {
			_, err = h.Service.Respond(r.Context(), lk.Caller, lk.Meeting.ID, resp)
		}
		if err != nil {
			h.refuse(w, r, lk, err, func(msg string) any { return newInvitationView(lk, Prefix+token, h.csrf(token), msg) }, "invitation")
			return
		}
	}
	w.Header().Set("Content-Language", readerOf(lk).tag.String())
	http.Redirect(w, r, Prefix+token, http.StatusSeeOther)
}

// refuse shows the page again with what to fix, for a mistake the reader
// can mend; other errors get a page of their own.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, lk network.Linked, err error, view func(msg string) any, name string) {
	switch model.ErrorCode(err) {
	case model.EINVALID:
		if view == nil {
			h.fail(w, r, readerOf(lk), http.StatusBadRequest, err)
			return
		}
		h.render(w, readerOf(lk), http.StatusBadRequest, name, view(readerOf(lk).message(err)))
	case model.EFORBIDDEN:
		h.fail(w, r, readerOf(lk), http.StatusForbidden, err)
	case model.ENOTFOUND:
		h.fail(w, r, readerOf(lk), http.StatusNotFound, err)
	case model.ECONFLICT:
		h.fail(w, r, readerOf(lk), http.StatusConflict, err)
	default:
		h.fail(w, r, readerOf(lk), http.StatusInternalServerError, err)
	}
}

func parseAnswer(s string) (model.Response, error) {
	switch s {
	case "yes":
		return model.ResponseYes, nil
	case "maybe":
		return model.ResponseMaybe, nil
	case "no":
		return model.ResponseNo, nil
	}
	return "", model.FieldErrorf("answer", model.EINVALID, msgBadAnswer)
}

// parseSlots reads the ticked slots' numbers; none ticked is the answer
// "none of them".
func parseSlots(values []string, p model.Poll) ([]int, error) {
	var out []int
	for _, v := range values {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, network.BadSlotNumber(p, v)
		}
		out = append(out, n)
	}
	return out, nil
}

// openPost opens the link of a posted form: its body bounded and parsed,
// and its CSRF token checked, or, where oneClick allows it, the body a mail
// client posts for a one-click unsubscribe (RFC 8058) instead. On a
// mistake it has answered, and reports false.
func (h *Handler) openPost(w http.ResponseWriter, r *http.Request, oneClick bool) (network.Linked, string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	lk, token, ok := h.open(w, r)
	if !ok {
		return lk, token, false
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, readerOf(lk), http.StatusBadRequest, model.Errorf(model.EINVALID, msgBadForm))
		return lk, token, false
	}
	if oneClick && r.PostFormValue("List-Unsubscribe") == "One-Click" {
		return lk, token, true
	}
	if !h.csrfOK(r, token) {
		h.fail(w, r, readerOf(lk), http.StatusForbidden, model.Errorf(model.EFORBIDDEN, msgBadCSRF))
		return lk, token, false
	}
	return lk, token, true
}

// mutePage asks whether to stop the reminders. It changes nothing.
func (h *Handler) mutePage(w http.ResponseWriter, r *http.Request) {
	lk, token, ok := h.open(w, r)
	if !ok {
		return
	}
	if lk.Link.InvitationID == 0 {
		h.fail(w, r, readerOf(lk), http.StatusNotFound, model.Errorf(model.ENOTFOUND, msgNoReminders))
		return
	}
	h.render(w, readerOf(lk), http.StatusOK, "mute", newMuteView(lk, Prefix+token, h.csrf(token), false))
}

// mute stops the meeting's reminders: for a one-click POST from a mail
// client (RFC 8058: the body List-Unsubscribe=One-Click, no page, no
// cookie), or for the page's form with its CSRF token.
func (h *Handler) mute(w http.ResponseWriter, r *http.Request) {
	lk, token, ok := h.openPost(w, r, true)
	if !ok {
		return
	}
	if lk.Link.InvitationID == 0 {
		h.fail(w, r, readerOf(lk), http.StatusNotFound, model.Errorf(model.ENOTFOUND, msgNoReminders))
		return
	}
	if err := h.Service.Mute(r.Context(), lk.Caller, lk.Meeting.ID, true); err != nil {
		h.refuse(w, r, lk, err, nil, "")
		return
	}
	h.render(w, readerOf(lk), http.StatusOK, "mute", newMuteView(lk, Prefix+token, h.csrf(token), true))
}

// revoke stops every link to the same invitation (or poll) working.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	lk, _, ok := h.openPost(w, r, false)
	if !ok {
		return
	}
	if _, err := h.Service.RevokeLink(r.Context(), lk); err != nil {
		h.fail(w, r, readerOf(lk), http.StatusInternalServerError, err)
		return
	}
	rd := readerOf(lk)
	h.render(w, rd, http.StatusOK, "problem", problemView{frame: rd.frame(rd.p.Sprintf(msgTitleRevoked)), Message: rd.p.Sprintf(msgRevoked)})
}

// delegate sends a colleague in the holder's place (network.Service.Delegate,
// as the delegate command does), then back to the page (303), which
// shows it. A mistake shows the page again with what to fix next to the
// field, and the values typed.
func (h *Handler) delegate(w http.ResponseWriter, r *http.Request) {
	lk, token, ok := h.openPost(w, r, false)
	if !ok {
		return
	}
	if lk.Link.InvitationID == 0 {
		h.fail(w, r, readerOf(lk), http.StatusNotFound, model.Errorf(model.ENOTFOUND, msgNoDelegation))
		return
	}
	to := network.Delegate{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Title: strings.TrimSpace(r.PostFormValue("title"))}
	if _, err := h.Service.Delegate(r.Context(), lk.Caller, lk.Meeting.ID, to); err != nil {
		switch model.ErrorCode(err) {
		case model.EINVALID, model.ECONFLICT:
			v := newInvitationView(lk, Prefix+token, h.csrf(token), "")
			v.Form = delegateForm{Email: to.Email, Name: to.Name, Title: to.Title, Error: readerOf(lk).message(err), Field: fieldOf(err)}
			h.render(w, readerOf(lk), http.StatusBadRequest, "invitation", v)
		default:
			h.refuse(w, r, lk, err, nil, "")
		}
		return
	}
	w.Header().Set("Content-Language", readerOf(lk).tag.String())
	http.Redirect(w, r, Prefix+token, http.StatusSeeOther)
}

// fieldOf is the form field a domain error names, if any.
func fieldOf(err error) string {
	var e *model.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
