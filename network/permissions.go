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

// Meetings.

// canSeeMeeting reports whether the caller may see meeting m: the
// secretariat sees every meeting, an invitee (invited) the meeting once it
// is announced, and nobody else sees it.
func (c Caller) canSeeMeeting(m model.Meeting, invited bool) bool {
	return c.secretariat() || (invited && m.Status != model.MeetingDraft)
}
