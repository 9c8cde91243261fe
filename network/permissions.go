package network

import "focalbot/model"

// The roles and object permissions of every operation live here, and only
// here: transports never decide who may do what.

// Messages of refusals.
const (
	msgSecretariatOnly = "Only the secretariat can do that."
	msgMembersOnly     = "You are not on the roster yet. To join, type: register <your country>."
)

// member reports whether the caller is on the roster and not inactive.
func (c Caller) member() bool {
	return c.Person != nil && c.Person.Status != model.StatusInactive
}

// secretariat reports whether the caller is an active member of the
// secretariat.
func (c Caller) secretariat() bool { return c.Person.IsSecretariat() }

// requireMember refuses a caller who is not an active member of the roster.
//
// Errors: EFORBIDDEN.
func (c Caller) requireMember() error {
	if !c.member() {
		return model.Errorf(model.EFORBIDDEN, msgMembersOnly)
	}
	return nil
}

// requireSecretariat refuses a caller who is not of the secretariat.
//
// Errors: EFORBIDDEN.
func (c Caller) requireSecretariat() error {
	if !c.secretariat() {
		return model.Errorf(model.EFORBIDDEN, msgSecretariatOnly)
	}
	return nil
}

// people

// MaySeeContact reports whether viewer may see p's contact details (e-mail
// address and phone): the secretariat and p themselves. A nil viewer is an
// answer shown to everyone (a channel, the public), who may not.
func MaySeeContact(viewer *model.Person, p model.Person) bool {
	return viewer.IsSecretariat() || viewer != nil && viewer.ID == p.ID
}

// MaySeePending reports whether viewer may see registrations waiting for
// approval, and people's roster numbers: the secretariat only.
func MaySeePending(viewer *model.Person) bool { return viewer.IsSecretariat() }

// polls

// Refusals about polls.
const (
	msgPollAnswerersOnly = "Only active focal points and alternates answer polls, for their country."
	msgPollNotYours      = "This poll is for the network's members and the meeting's invitees."
)

// answersPolls reports whether the caller answers polls: an active focal
// point or alternate, who answers for their country. System answers none.
func (c Caller) answersPolls() bool {
	p := c.Person
	return p != nil && p.Status == model.StatusActive && p.Country != "" &&
		(p.Role == model.RoleFocalPoint || p.Role == model.RoleAlternate)
}

// MayAnswerPolls refuses a caller who does not answer polls.
//
// Errors: EFORBIDDEN.
func (c Caller) MayAnswerPolls() error {
	if !c.answersPolls() {
		return model.Errorf(model.EFORBIDDEN, msgPollAnswerersOnly)
	}
	return nil
}

// maySeePoll reports whether the caller may see poll p: the network's
// members, and the invitees of the poll's meeting (guests too); invited
// tells whether the caller is invited to a meeting, asked only when it matters.
func (c Caller) maySeePoll(p model.Poll, invited func(meetingID int64) (bool, error)) (bool, error) {
	if c.member() {
		return true, nil
	}
	if p.MeetingID == 0 {
		return false, nil
	}
	return invited(p.MeetingID)
}

// outreach

const msgOutreachNotOwner = "%s is not an active member of the secretariat: only they can own outreach."

// mayOwnOutreach refuses someone who may not own the outreach to a country:
// only an active member of the secretariat may, so that someone is
// reminded of its follow-ups.
//
// Errors: EINVALID (field "owner").
func mayOwnOutreach(p model.Person) error {
	if !p.IsSecretariat() {
		return model.FieldErrorf("owner", model.EINVALID, msgOutreachNotOwner, p.Name)
	}
	return nil
}

// Meetings.

// canSeeMeeting reports whether the caller may see meeting m: the
// secretariat sees every meeting, an invitee (invited) the meeting once it
// is announced, and nobody else sees it.
func (c Caller) canSeeMeeting(m model.Meeting, invited bool) bool {
	return c.secretariat() || (invited && m.Status != model.MeetingDraft)
}
