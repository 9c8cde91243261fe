package network

import (
	"context"
	"fmt"

	"focalbot/model"
)

// MailStore is what the services of incoming e-mail need from storage.
type MailStore interface {
	Mails(ctx context.Context, f model.MailFilter) ([]model.InboundMail, error)
	Enqueue(ctx context.Context, items []model.OutboxItem) ([]model.OutboxItem, error)
	PersonByEmail(ctx context.Context, email string) (model.Person, error)
}

// ViaEmail is Caller.Via for a calendar reply by e-mail.
const ViaEmail = "by e-mail"

// Mailer is the caller for the sender of an e-mail (the From of a
// calendar reply): the person on the roster with that address, or a
// guest known by it; the audit log says the change came by e-mail.
//
// Errors: EINTERNAL.
func (s *Service) Mailer(ctx context.Context, email string) (Caller, error) {
	email = model.NormalizeEmail(email)
	p, err := s.store.PersonByEmail(ctx, email)
	switch {
	case err == nil:
		c := As(p)
		c.Email, c.Via = email, ViaEmail
		return c, nil
	case model.ErrorCode(err) == model.ENOTFOUND:
		return Caller{Label: email, Email: email, Via: ViaEmail}, nil
	}
	return Caller{}, err
}

// Inbox is the latest incoming e-mail, newest first: latest messages (all
// of them for 0), or only those of the given statuses.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINTERNAL.
func (s *Service) Inbox(ctx context.Context, c Caller, latest int, statuses ...model.MailStatus) ([]model.InboundMail, error) {
	if err := c.requireSecretariat(); err != nil {
		return nil, err
	}
	return s.store.Mails(ctx, model.MailFilter{Latest: latest, Statuses: statuses})
}

// TellSecretariat queues a notice to every active member of the
// secretariat, keyed by key: told once however often it is asked. Its text
// is written for each reader (in their language, say).
//
// Errors: EFORBIDDEN unless the caller is of the secretariat (or System);
// EINTERNAL.
func (s *Service) TellSecretariat(ctx context.Context, c Caller, key string, text func(reader model.Person) string) error {
	if err := c.requireSecretariat(); err != nil {
		return err
	}
	sec, err := s.store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}, Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return err
	}
	var items []model.OutboxItem
	for _, p := range sec {
		items = append(items, s.planner.NoticeFor(key, p, text)...)
	}
	if len(items) == 0 {
		return nil
	}
	if _, err := s.store.Enqueue(ctx, items); err != nil {
		return err
	}
	s.kick()
	return nil
}

// Refresh sends the caller their invitation by e-mail to meeting id again, as it
// stands (an iTIP REFRESH): the current version, as a new message keyed by
// key, so that asking again with another key sends it again.
//
// Errors: ENOTFOUND for the meeting or an invitation the caller does not
// have; ECONFLICT for a meeting that is not scheduled; EINTERNAL.
func (s *Service) Refresh(ctx context.Context, c Caller, id int64, key string) (model.Meeting, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return model.Meeting{}, err
	}
	invs, err := s.invitationsOf(ctx, c)
	if err != nil {
		return model.Meeting{}, err
	}
	inv, ok := invs[m.ID]
	if !ok {
		return model.Meeting{}, model.Errorf(model.ENOTFOUND, msgNotInvited, m.ID)
	}
	if err := m.Answerable(); err != nil {
		return model.Meeting{}, err
	}
	var items []model.OutboxItem
	for _, it := range s.planner.Invitation(model.KindRequest, m, inv, c.Person) {
		if it.Channel == model.ChannelEmail { // asked by e-mail, answered by e-mail
			it.Key = fmt.Sprintf("%s/refresh:%s", it.Key, key)
			items = append(items, it)
		}
	}
	if _, err := s.store.Enqueue(ctx, items); err != nil {
		return model.Meeting{}, err
	}
	s.kick()
	return m, nil
}
