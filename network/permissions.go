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
