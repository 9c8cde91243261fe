package network

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"focalbot/model"
)

// LinkStore is what the signed links' services need from storage.
type LinkStore interface {
	CreateLink(ctx context.Context, l model.Link, hash string) (model.Link, error)
	LinkByHash(ctx context.Context, hash string) (model.Link, error)
	RevokeLinks(ctx context.Context, actor model.Actor, l model.Link) (int, error)
	Invitation(ctx context.Context, id int64) (model.Invitation, error)
	MuteInvitation(ctx context.Context, invitationID int64, mute bool) error
	Person(ctx context.Context, id int64) (model.Person, error)
}

// ViaWebLink is how the audit log says that a change came from a signed
// link's web page (Caller.Via).
const ViaWebLink = "by web link"

// What the signed links' services answer.
const (
	msgNoSuchLink       = "This link is not known: check that the whole link was copied from the e-mail."
	msgLinkRevoked      = "This link was revoked. The next e-mail about the meeting brings a new one."
	msgLinkMeetingEnded = "This link worked until the meeting ended, on %s."
	msgLinkMeetingGone  = "Meeting %d is %s: this link no longer works."
	msgLinkPollClosed   = "Poll %d is closed: it takes no more answers, and this link no longer works."
	msgLinkPersonGone   = "This link no longer works: its owner is no longer on the roster."
)

// linkTokenBytes is how many random bytes a link's token has.
const linkTokenBytes = 32

// LinkHash is what is stored of a link's token: its SHA-256, in hex.
func LinkHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newLinkToken is 32 random bytes, base64url without padding (43
// characters).
func newLinkToken() string {
	b := make([]byte, linkTokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// IssueInvitationLink makes a new signed link to answer invitation id and
// returns its token; only the token's hash is stored. Each e-mail gets a
// link of its own, and every one works until the meeting ends, unless
// revoked.
//
// Errors: ENOTFOUND for an unknown invitation; EINTERNAL.
func (s *Service) IssueInvitationLink(ctx context.Context, invitationID int64) (string, error) {
	token := newLinkToken()
	if _, err := s.store.CreateLink(ctx, model.Link{InvitationID: invitationID}, LinkHash(token)); err != nil {
		return "", err
	}
	return token, nil
}

// IssuePollLink makes a new signed link for person personID to answer poll
// pollID, and returns its token. It works until the poll closes.
//
// Errors: ENOTFOUND for an unknown poll or person; EINTERNAL.
func (s *Service) IssuePollLink(ctx context.Context, pollID, personID int64) (string, error) {
	token := newLinkToken()
	if _, err := s.store.CreateLink(ctx, model.Link{PollID: pollID, PersonID: personID}, LinkHash(token)); err != nil {
		return "", err
	}
	return token, nil
}

// Linked is what a working link opens: its holder as a caller (recorded
// in the audit log as "… (by web link)"), and either an invitation with its
// meeting, or a poll with the holder's own answer. It holds nobody else's
// data.
type Linked struct {
	Link   model.Link
	Caller Caller
	Person *model.Person // the holder on the roster; nil for a guest

	Meeting    model.Meeting    // for an invitation's link
	Invitation model.Invitation // for an invitation's link
	// Delegate is the colleague the holder sent in their place, if any.
	Delegate *model.Invitation

	Poll  model.Poll  // for a poll's link
	Vote  *model.Vote // the holder's answer to the poll, if any
	Zone  string      // the holder's time zone, when known
	Guest bool        // the holder is a guest, not on the roster
}

// OpenLink finds what the link with that token opens, if it still works:
// an invitation's link until its meeting ends (or is cancelled), a poll's
// until the poll closes; neither after it was revoked, nor once its owner
// left the roster. Opening changes nothing.
//
// Errors: ENOTFOUND for a token that no link has; ECONFLICT for a link
// that no longer works (the message says why), returned with the link, its
// invitation and its owner as far as they are known (no Caller: nothing can
// be done with it), so that the page saying why speaks the owner's
// language; EINTERNAL.
func (s *Service) OpenLink(ctx context.Context, token string) (Linked, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(linkTokenBytes) {
		return Linked{}, model.Errorf(model.ENOTFOUND, msgNoSuchLink)
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return Linked{}, model.Errorf(model.ENOTFOUND, msgNoSuchLink)
	}
	l, err := s.store.LinkByHash(ctx, LinkHash(token))
	if model.ErrorCode(err) == model.ENOTFOUND {
		return Linked{}, model.Errorf(model.ENOTFOUND, msgNoSuchLink)
	} else if err != nil {
		return Linked{}, err
	}
	if l.Revoked() {
		return s.owner(ctx, l, nil), model.Errorf(model.ECONFLICT, msgLinkRevoked)
	}
	out := Linked{Link: l}
	now := s.clock.Now()
	personID := l.PersonID
	if l.InvitationID != 0 {
		if out.Invitation, err = s.store.Invitation(ctx, l.InvitationID); err != nil {
			return Linked{}, err
		}
		if out.Meeting, err = s.store.Meeting(ctx, out.Invitation.MeetingID); err != nil {
			return Linked{}, err
		}
		m := out.Meeting
		switch {
		case m.Closed():
			return s.owner(ctx, l, &out.Invitation), model.Errorf(model.ECONFLICT, msgLinkMeetingGone, m.ID, m.Status)
		case m.Ended(now):
			return s.owner(ctx, l, &out.Invitation), model.Errorf(model.ECONFLICT, msgLinkMeetingEnded, m.End.In(m.Location())) // a time.Time: the page writes it in its reader's language
		}
		personID = out.Invitation.PersonID
		if id := out.Invitation.DelegatedTo; id != 0 {
			d, err := s.store.Invitation(ctx, id)
			if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
				return Linked{}, err
			} else if err == nil {
				out.Delegate = &d
			}
		}
	} else {
		if out.Poll, err = s.store.Poll(ctx, l.PollID); err != nil {
			return Linked{}, err
		}
		if out.Poll.Status != model.PollOpen || !out.Poll.Deadline.After(now) {
			return s.owner(ctx, l, nil), model.Errorf(model.ECONFLICT, msgLinkPollClosed, out.Poll.ID)
		}
	}
	if personID == 0 {
		inv := out.Invitation
		out.Caller, out.Guest = Caller{Label: inv.Email, Email: inv.Email, Via: ViaWebLink}, true
		return out, nil
	}
	p, err := s.store.Person(ctx, personID)
	if model.ErrorCode(err) == model.ENOTFOUND || err == nil && p.Status != model.StatusActive {
		return s.owner(ctx, l, &out.Invitation), model.Errorf(model.ECONFLICT, msgLinkPersonGone)
	} else if err != nil {
		return Linked{}, err
	}
	out.Person, out.Zone = &p, p.TimeZone
	out.Caller = Caller{Person: &p, Via: ViaWebLink}
	if l.PollID != 0 {
		votes, err := s.store.Votes(ctx, l.PollID)
		if err != nil {
			return Linked{}, err
		}
		for _, v := range votes {
			if v.PersonID == p.ID {
				out.Vote = &v
			}
		}
	}
	return out, nil
}

// owner is what OpenLink returns with a link that no longer works: the link,
// its invitation (inv when already read) and its owner on the roster, as far
// as they can be found, and no Caller.
func (s *Service) owner(ctx context.Context, l model.Link, inv *model.Invitation) Linked {
	out := Linked{Link: l}
	personID := l.PersonID
	if l.InvitationID != 0 {
		if inv == nil || inv.ID == 0 {
			i, err := s.store.Invitation(ctx, l.InvitationID)
			if err != nil {
				return out
			}
			inv = &i
		}
		out.Invitation, personID = *inv, inv.PersonID
	}
	if personID != 0 {
		if p, err := s.store.Person(ctx, personID); err == nil {
			out.Person = &p
		}
	}
	out.Guest = out.Person == nil && l.InvitationID != 0 && personID == 0
	return out
}

// RevokeLink revokes the link that lk was opened from, and every other
// link to the same invitation (or the same poll for the same person): for
// a link that was forwarded by mistake. The next e-mail brings a new one.
//
// Errors: EINTERNAL only.
func (s *Service) RevokeLink(ctx context.Context, lk Linked) (int, error) {
	return s.store.RevokeLinks(ctx, lk.Caller.Actor(), lk.Link)
}
