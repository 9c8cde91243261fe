package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

type meetingRow struct {
	ID               int64 `gorm:"primaryKey"`
	UID              string
	Sequence         int
	Title            string
	StartAt          time.Time
	EndAt            time.Time
	TimeZone         string
	Venue            string
	Address          string
	OnlineURL        string
	Hosts            string
	Organiser        string
	Agenda           string
	Titles           string // the title in other languages, a JSON object by language tag
	Agendas          string // the agenda in other languages, likewise
	Status           string
	Public           bool
	SeriesID         *int64
	Occurrence       *time.Time
	Reminders        string
	RemindedThrough  *time.Time
	RemindedSequence int
	CreatedAt        time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt        time.Time `gorm:"autoUpdateTime:false"`
}

func (meetingRow) TableName() string { return "meetings" }

func toMeetingRow(m model.Meeting) meetingRow {
	r := meetingRow{ID: m.ID, UID: m.UID, Sequence: m.Sequence, Title: m.Title,
		StartAt: m.Start.UTC().Truncate(time.Microsecond), EndAt: m.End.UTC().Truncate(time.Microsecond),
		TimeZone: m.TimeZone, Venue: m.Venue, Address: m.Address, OnlineURL: m.OnlineURL,
		Hosts: strings.Join(m.Hosts, ","), Organiser: m.Organiser, Agenda: m.Agenda, Status: string(m.Status), Public: m.Public,
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(), Reminders: durations(m.Reminders),
		RemindedSequence: m.RemindedSequence, Titles: texts(m.Titles), Agendas: texts(m.Agendas)}
	if !m.RemindedThrough.IsZero() {
		t := m.RemindedThrough.UTC()
		r.RemindedThrough = &t
	}
	if m.SeriesID != 0 {
		id, at := m.SeriesID, m.Occurrence.UTC()
		r.SeriesID, r.Occurrence = &id, &at
	}
	return r
}

// durations writes offsets as "336h0m0s,48h0m0s"; nil as "".
func durations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}

// parseDurations reads what durations wrote; a bad value is skipped (it was
// validated when written).
func parseDurations(s string) []time.Duration {
	if s == "" {
		return nil
	}
	var out []time.Duration
	for _, p := range strings.Split(s, ",") {
		if d, err := time.ParseDuration(p); err == nil {
			out = append(out, d)
		}
	}
	return out
}

func (r meetingRow) model() model.Meeting {
	var hosts []string
	if r.Hosts != "" {
		hosts = strings.Split(r.Hosts, ",")
	}
	m := model.Meeting{ID: r.ID, UID: r.UID, Sequence: r.Sequence, Title: r.Title,
		Start: r.StartAt.UTC(), End: r.EndAt.UTC(), TimeZone: r.TimeZone, Venue: r.Venue, Address: r.Address,
		OnlineURL: r.OnlineURL, Hosts: hosts, Organiser: r.Organiser, Agenda: r.Agenda,
		Status: model.MeetingStatus(r.Status), Public: r.Public, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Reminders: parseDurations(r.Reminders), RemindedSequence: r.RemindedSequence,
		Titles: parseTexts(r.Titles), Agendas: parseTexts(r.Agendas)}
	if r.RemindedThrough != nil {
		m.RemindedThrough = r.RemindedThrough.UTC()
	}
	if r.SeriesID != nil && r.Occurrence != nil {
		m.SeriesID, m.Occurrence = *r.SeriesID, r.Occurrence.UTC()
	}
	return m
}

type invitationRow struct {
	ID               int64 `gorm:"primaryKey"`
	MeetingID        int64
	PersonID         *int64
	Name             string
	Email            *string
	Country          string
	Language         string
	Response         string
	RespondedAt      *time.Time
	ResponseSequence int
	ResponseStamp    *time.Time
	CreatedAt        time.Time `gorm:"autoCreateTime:false"`
	Title            string
	DelegatedToID    *int64
	DelegatedFromID  *int64
}

func (invitationRow) TableName() string { return "invitations" }

func toInvitationRow(i model.Invitation) invitationRow {
	r := invitationRow{ID: i.ID, MeetingID: i.MeetingID, Name: i.Name, Email: nullable(i.Email), Country: i.Country, Language: i.Language,
		Response: string(i.Response), ResponseSequence: i.ResponseSequence, CreatedAt: i.CreatedAt.UTC(), Title: i.Title}
	if i.PersonID != 0 {
		r.PersonID = &i.PersonID
	}
	if i.DelegatedTo != 0 {
		r.DelegatedToID = &i.DelegatedTo
	}
	if i.DelegatedFrom != 0 {
		r.DelegatedFromID = &i.DelegatedFrom
	}
	if !i.RespondedAt.IsZero() {
		t := i.RespondedAt.UTC()
		r.RespondedAt = &t
	}
	if !i.ResponseStamp.IsZero() {
		t := i.ResponseStamp.UTC()
		r.ResponseStamp = &t
	}
	return r
}

func (r invitationRow) model() model.Invitation {
	i := model.Invitation{ID: r.ID, MeetingID: r.MeetingID, Name: r.Name, Email: deref(r.Email), Country: r.Country, Language: r.Language,
		Response: model.Response(r.Response), ResponseSequence: r.ResponseSequence, CreatedAt: r.CreatedAt.UTC(), Title: r.Title}
	if r.PersonID != nil {
		i.PersonID = *r.PersonID
	}
	if r.DelegatedToID != nil {
		i.DelegatedTo = *r.DelegatedToID
	}
	if r.DelegatedFromID != nil {
		i.DelegatedFrom = *r.DelegatedFromID
	}
	if r.RespondedAt != nil {
		i.RespondedAt = r.RespondedAt.UTC()
	}
	if r.ResponseStamp != nil {
		i.ResponseStamp = r.ResponseStamp.UTC()
	}
	return i
}

// texts writes a meeting's texts in other languages as a JSON object, or
// "" for none.
func texts(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// parseTexts reads what texts wrote; nil for none.
func parseTexts(s string) map[string]string {
	if s == "" {
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil || len(m) == 0 {
		return nil
	}
	return m
}

// newUID makes a globally unique iCalendar UID.
func newUID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make uid: %w", err)
	}
	return hex.EncodeToString(b) + "@focalbot", nil
}

func meetingSubject(id int64) string { return fmt.Sprintf("meeting:%d", id) }

// CreateMeeting validates m, gives it a UID (unless it has one) and
// Sequence 0, stores it and audits "meeting.create".
//
// Errors: EINVALID for a bad meeting; ECONFLICT for a UID in use; EINTERNAL.
func (s *Store) CreateMeeting(ctx context.Context, actor model.Actor, m *model.Meeting) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.UID == "" {
		uid, err := newUID()
		if err != nil {
			return err
		}
		m.UID = uid
	}
	m.Sequence, m.CreatedAt, m.UpdatedAt = 0, s.now(), s.now()
	return s.transaction(ctx, func(tx *gorm.DB) error {
		r := toMeetingRow(*m)
		if err := tx.Create(&r).Error; err != nil {
			if _, ok := isUniqueViolation(err); ok {
				return model.Errorf(model.ECONFLICT, "A meeting with the calendar UID %s exists already.", m.UID)
			}
			return internal("create meeting", err)
		}
		*m = r.model()
		return s.audit(tx, actor, "meeting.create", meetingSubject(m.ID), "", "", toJSON(*m))
	})
}

// Meeting returns the meeting with that ID.
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) Meeting(ctx context.Context, id int64) (model.Meeting, error) {
	return s.meeting(s.db.WithContext(ctx), id, false)
}

func (s *Store) meeting(tx *gorm.DB, id int64, lock bool) (model.Meeting, error) {
	var r meetingRow
	if lock && s.dialect == DialectPostgres {
		tx = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := tx.First(&r, id).Error; errNotFound(err) {
		return model.Meeting{}, model.Errorf(model.ENOTFOUND, "There is no meeting %d: see meetings.", id)
	} else if err != nil {
		return model.Meeting{}, internal("read meeting", err)
	}
	return r.model(), nil
}

// MeetingFilter selects meetings; it is the model's type.
type MeetingFilter = model.MeetingFilter

// Meetings returns the meetings matching f, earliest first.
//
// A meeting that ends after f.EndsAfter started less than
// model.MaxMeetingLen before it (no meeting lasts longer), and the query
// says so: the index on start_at is then read over a range bounded on both
// sides, not over every meeting of the past, and on PostgreSQL the plan of
// the prepared statement can be kept (a generic plan) rather than made anew
// at every tick of the scheduler once the table holds many meetings.
//
// Errors: EINTERNAL only.
func (s *Store) Meetings(ctx context.Context, f MeetingFilter) ([]model.Meeting, error) {
	q := s.db.WithContext(ctx).Order("start_at, id")
	if !f.EndsAfter.IsZero() {
		q = q.Where("end_at > ? AND start_at > ?", f.EndsAfter.UTC(), f.EndsAfter.Add(-model.MaxMeetingLen).UTC())
	}
	if !f.StartsBefore.IsZero() {
		q = q.Where("start_at < ?", f.StartsBefore.UTC())
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	var rows []meetingRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, internal("list meetings", err)
	}
	out := make([]model.Meeting, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// MeetingChange is what a change to a meeting does, decided by the caller
// inside the store's transaction: the messages it sends.
type MeetingChange = func(m *model.Meeting, invitations []model.Invitation) ([]model.OutboxItem, error)

// UpdateMeeting changes a meeting in one transaction: it loads the meeting
// and its invitations, lets change edit the meeting (and the answers of
// its invitations, in place: a meeting that moves asks for them again) and
// say what to send, saves the meeting if it changed (audited
// "meeting.update") and each invitation that changed ("invitation.update"),
// and writes the messages to the outbox. The caller raises the Sequence when invitees must
// see the change. Nothing is written when change returns an error.
//
// Errors: ENOTFOUND; EINVALID for a bad result; the change's own error; EINTERNAL.
func (s *Store) UpdateMeeting(ctx context.Context, actor model.Actor, id int64, change MeetingChange) (model.Meeting, error) {
	m, _, err := s.UpdateMeetingQueued(ctx, actor, id, change)
	return m, err
}

// UpdateMeetingQueued is UpdateMeeting, and returns the messages it wrote
// too, once committed, as Enqueue returns them: with their IDs, and the
// claim they were written with kept only by those pending and due now.
//
// Errors: as UpdateMeeting's.
func (s *Store) UpdateMeetingQueued(ctx context.Context, actor model.Actor, id int64, change MeetingChange) (model.Meeting, []model.OutboxItem, error) {
	var (
		out    model.Meeting
		queued []model.OutboxItem
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		before, err := s.meeting(tx, id, true)
		if err != nil {
			return err
		}
		invs, err := s.invitations(tx, id)
		if err != nil {
			return err
		}
		after := before
		after.Hosts = append([]string(nil), before.Hosts...)
		was := append([]model.Invitation(nil), invs...)
		items, err := change(&after, invs)
		if err != nil {
			return err
		}
		if err := s.saveInvitations(tx, actor, was, invs); err != nil {
			return err
		}
		after.ID, after.UID, after.CreatedAt = before.ID, before.UID, before.CreatedAt
		if err := after.Validate(); err != nil {
			return err
		}
		if after.Differs(before) {
			after.UpdatedAt = s.now()
			r := toMeetingRow(after)
			if err := tx.Save(&r).Error; err != nil {
				return internal("update meeting", err)
			}
			after = r.model()
			if err := s.audit(tx, actor, "meeting.update", meetingSubject(id), "", toJSON(before), toJSON(after)); err != nil {
				return err
			}
		}
		out = after
		queued, err = s.enqueue(tx, items)
		return err
	})
	if err != nil {
		return out, nil, err
	}
	return out, queued, nil
}

// saveInvitations saves the answers of the invitations change edited (the
// same ones, in the same order, as was), each audited "invitation.update".
func (s *Store) saveInvitations(tx *gorm.DB, actor model.Actor, was, now []model.Invitation) error {
	for i, inv := range now {
		before := was[i]
		if inv.ID != before.ID {
			return internal("update invitations", fmt.Errorf("invitation %d became %d", before.ID, inv.ID))
		}
		if inv.Response == before.Response && inv.ResponseSequence == before.ResponseSequence && inv.RespondedAt.Equal(before.RespondedAt) {
			continue
		}
		res := tx.Model(&invitationRow{}).Where("id = ?", inv.ID).Updates(map[string]any{
			"response": string(inv.Response), "response_sequence": inv.ResponseSequence, "responded_at": toInvitationRow(inv).RespondedAt})
		if res.Error != nil {
			return internal("update invitation", res.Error)
		}
		if err := s.audit(tx, actor, "invitation.update", meetingSubject(inv.MeetingID), inv.Country, toJSON(before), toJSON(inv)); err != nil {
			return err
		}
	}
	return nil
}

// Invite is InviteInBatches with nothing told as each batch commits.
func (s *Store) Invite(ctx context.Context, actor model.Actor, meetingID int64, invitees []model.Invitation,
	plan func(m model.Meeting, inv model.Invitation) []model.OutboxItem) ([]model.Invitation, error) {
	return s.InviteInBatches(ctx, actor, meetingID, invitees, plan, nil)
}

// inviteFirst and inviteBatch are how many invitations InviteInBatches
// writes in its first transaction and in each one after: the first is
// small so that the first messages can go out sooner.
var inviteFirst, inviteBatch = 50, enqueueBatch

// InviteInBatches adds invitations to a meeting, skipping people (or guest
// e-mail addresses) already invited, and writes what plan says to send for
// each new invitation. It returns the new invitations.
//
// It writes them a batch at a time, each batch in a transaction of its own
// with its invitations, an audit entry for each ("invitation.create") and
// their messages, so that the messages of the first batches can be sent
// while the next are written: committed, when not nil, is called after
// each batch that added someone commits, with those it added and the
// messages it queued for them (those plan wrote claimed, its caller's
// dispatcher can take without claiming them from the store). Each batch
// reads the meeting again (on PostgreSQL, locking it), so that none
// invites to a meeting cancelled or held meanwhile, and plans for the
// meeting as it is then; whether someone is invited already is decided by
// the unique indexes of invitations, in the statement that writes, so that
// two invites at once, or an invite run again after one that stopped,
// invite each person once. When a batch fails, those before it stay
// written, whole: InviteInBatches returns them with the error.
//
// Errors: ENOTFOUND for the meeting; ECONFLICT for a cancelled or past
// meeting; EINVALID for an invitee with neither person nor e-mail, before
// anything is written; EINTERNAL.
func (s *Store) InviteInBatches(ctx context.Context, actor model.Actor, meetingID int64, invitees []model.Invitation,
	plan func(m model.Meeting, inv model.Invitation) []model.OutboxItem, committed func(added []model.Invitation, queued []model.OutboxItem)) ([]model.Invitation, error) {
	var want []model.Invitation
	byPerson, byEmail := map[int64]bool{}, map[string]bool{}
	for _, inv := range invitees {
		inv.Email = model.NormalizeEmail(inv.Email)
		switch {
		case inv.PersonID == 0 && inv.Email == "":
			return nil, model.Errorf(model.EINVALID, "Say whom to invite: a person on the roster or an e-mail address.")
		case inv.PersonID != 0 && byPerson[inv.PersonID], inv.Email != "" && byEmail[inv.Email]:
			continue
		}
		byPerson[inv.PersonID], byEmail[inv.Email] = true, true
		want = append(want, inv)
	}
	var added []model.Invitation
	for start, size := 0, inviteFirst; ; start, size = start+size, inviteBatch {
		batch := want[start:min(start+size, len(want))]
		var (
			got    []model.Invitation
			queued []model.OutboxItem
		)
		err := s.transaction(ctx, func(tx *gorm.DB) error {
			m, err := s.meeting(tx, meetingID, true)
			if err != nil {
				return err
			}
			if err := m.CheckInvitable(s.now()); err != nil {
				return err
			}
			got, queued, err = s.inviteBatch(tx, actor, m, batch, plan)
			return err
		})
		if err != nil {
			return added, err
		}
		added = append(added, got...)
		if committed != nil && len(got) > 0 {
			committed(got, queued)
		}
		if start+size >= len(want) {
			return added, nil
		}
		if s.dialect == DialectSQLite {
			// SQLite has one writer at a time, and the others wait by
			// trying again every millisecond or two (the driver's busy
			// handler): without a pause the next batch would take the
			// lock again at once, and the dispatcher's claims and records
			// of what it sent would wait for the whole invite.
			time.Sleep(sqliteYield)
		}
	}
}

// sqliteYield is how long InviteInBatches leaves SQLite's write lock free
// between two batches.
const sqliteYield = 3 * time.Millisecond

// inviteBatch writes in tx the invitations of batch to m but those of
// people and addresses invited already, an audit entry for each, and the
// messages plan says for them; it returns the invitations and the messages
// written. The invitations, the audit entries, the messages and their
// payloads go enqueueBatch to a statement; the invitations are new, so they
// have no messages to supersede.
func (s *Store) inviteBatch(tx *gorm.DB, actor model.Actor, m model.Meeting, batch []model.Invitation,
	plan func(m model.Meeting, inv model.Invitation) []model.OutboxItem) ([]model.Invitation, []model.OutboxItem, error) {
	if len(batch) == 0 {
		return nil, nil, nil
	}
	now := s.now()
	rows := make([]invitationRow, len(batch))
	for i, inv := range batch {
		inv.ID, inv.MeetingID, inv.CreatedAt = 0, m.ID, now
		inv.Response, inv.RespondedAt, inv.ResponseSequence = model.ResponseNone, time.Time{}, 0
		rows[i] = toInvitationRow(inv)
	}
	var added []model.Invitation
	for chunk := range slices.Chunk(rows, enqueueBatch) {
		written, err := insertInvitations(tx, chunk)
		if err != nil {
			return nil, nil, internal("invite", err)
		}
		added = append(added, written...)
	}
	if len(added) == 0 {
		return nil, nil, nil
	}
	audits := make([]auditRow, len(added))
	var items []model.OutboxItem
	for i, inv := range added {
		audits[i] = s.auditEntry(actor, "invitation.create", meetingSubject(m.ID), inv.Country, "", toJSON(inv))
		if m.Status == model.MeetingScheduled {
			items = append(items, plan(m, inv)...)
		}
	}
	err := insertAudits(tx, audits)
	if err != nil {
		return nil, nil, internal("write audit log", err)
	}
	queued, err := s.enqueueItems(tx, items, false)
	if err != nil {
		return nil, nil, err
	}
	return added, queued, nil
}

// insertInvitations writes rows in one statement, but those whose person
// or e-mail address the meeting has invited already (its unique indexes
// say so), and returns those it wrote, with their IDs, in the order of
// rows.
func insertInvitations(tx *gorm.DB, rows []invitationRow) ([]model.Invitation, error) {
	var q strings.Builder
	q.WriteString(`INSERT INTO invitations (meeting_id, person_id, name, email, country, language, title, response,
		responded_at, response_sequence, created_at) `)
	args := values(tx, &q, 11, len(rows), func(args []any, i int) []any {
		r := &rows[i]
		return append(args, r.MeetingID, r.PersonID, r.Name, r.Email, r.Country, r.Language, r.Title, r.Response, r.RespondedAt,
			r.ResponseSequence, r.CreatedAt)
	})
	q.WriteString(" ON CONFLICT DO NOTHING RETURNING id, person_id, email")
	res, err := tx.Raw(q.String(), args...).Rows()
	if err != nil {
		return nil, err
	}
	defer res.Close()
	// Each row is known by its person, or for a guest by the address.
	type key struct {
		person int64
		email  string
	}
	keyOf := func(person *int64, email *string) key {
		if person != nil {
			return key{person: *person}
		}
		return key{email: deref(email)}
	}
	ids := make(map[key]int64, len(rows))
	for res.Next() {
		var (
			id     int64
			person sql.NullInt64
			email  sql.NullString
		)
		if err := res.Scan(&id, &person, &email); err != nil {
			return nil, err
		}
		var p *int64
		var e *string
		if person.Valid {
			p = &person.Int64
		}
		if email.Valid {
			e = &email.String
		}
		ids[keyOf(p, e)] = id
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	var out []model.Invitation
	for _, r := range rows {
		if id, ok := ids[keyOf(r.PersonID, r.Email)]; ok {
			r.ID = id
			out = append(out, r.model())
		}
	}
	if len(out) != len(ids) {
		return nil, errShortInsert
	}
	return out, nil
}

// Invitations returns a meeting's invitations, by country then name.
//
// Errors: EINTERNAL only.
func (s *Store) Invitations(ctx context.Context, meetingID int64) ([]model.Invitation, error) {
	return s.invitations(s.db.WithContext(ctx), meetingID)
}

func (s *Store) invitations(tx *gorm.DB, meetingID int64) ([]model.Invitation, error) {
	var rows []invitationRow
	if err := tx.Where("meeting_id = ?", meetingID).Find(&rows).Error; err != nil {
		return nil, internal("list invitations", err)
	}
	out := make([]model.Invitation, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Country != out[j].Country {
			return out[i].Country < out[j].Country
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out, nil
}

// InvitationByEmail returns the invitation of meeting meetingID sent to
// e-mail address email (compared as model.NormalizeEmail writes it).
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) InvitationByEmail(ctx context.Context, meetingID int64, email string) (model.Invitation, error) {
	var r invitationRow
	err := s.db.WithContext(ctx).Where("meeting_id = ? AND email = ?", meetingID, model.NormalizeEmail(email)).Limit(1).Find(&r).Error
	if err != nil {
		return model.Invitation{}, internal("read invitation", err)
	}
	if r.ID == 0 {
		return model.Invitation{}, model.Errorf(model.ENOTFOUND, msgNoInvitation)
	}
	return r.model(), nil
}

// InvitationsOf returns the invitations of a person (or, for personID 0,
// of a guest's e-mail address), oldest meeting first.
//
// Errors: EINTERNAL only.
func (s *Store) InvitationsOf(ctx context.Context, personID int64, email string) ([]model.Invitation, error) {
	q := s.db.WithContext(ctx).Order("meeting_id")
	if personID != 0 {
		q = q.Where("person_id = ?", personID)
	} else {
		q = q.Where("email = ?", model.NormalizeEmail(email))
	}
	var rows []invitationRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, internal("list invitations", err)
	}
	out := make([]model.Invitation, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// Respond records an invitee's answer, given to the meeting's sequence seq,
// and audits it. The latest answer wins, except that an answer to an older
// sequence never overwrites one given to a newer sequence (a late calendar
// reply), nor does one to the same sequence made before it (stamp, a
// calendar reply's DTSTAMP; zero for an answer made now): then nothing
// changes and the error is model.ErrStaleResponse. The rule is
// model.Invitation.AnswerStamped. An unchanged answer writes nothing.
//
// An invitee who sent a colleague (model.Invitation.CheckAnswerable) is
// refused.
//
// Errors: ENOTFOUND; ECONFLICT for an invitee who delegated;
// model.ErrStaleResponse; EINTERNAL.
func (s *Store) Respond(ctx context.Context, actor model.Actor, invitationID int64, r model.Response, seq int, stamp time.Time) (model.Invitation, error) {
	return s.respond(ctx, actor, "invitation.respond", invitationID, r, seq, stamp)
}

func (s *Store) respond(ctx context.Context, actor model.Actor, action string, invitationID int64, r model.Response, seq int, stamp time.Time) (model.Invitation, error) {
	var out model.Invitation
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var row invitationRow
		q := tx
		if s.dialect == DialectPostgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.First(&row, invitationID).Error; errNotFound(err) {
			return model.Errorf(model.ENOTFOUND, "There is no such invitation.")
		} else if err != nil {
			return internal("read invitation", err)
		}
		before := row.model()
		if err := before.CheckAnswerable(); err != nil {
			return err
		}
		after := before
		if changed, err := after.AnswerStamped(r, seq, stamp, s.now()); !changed {
			out = before
			return err
		}
		nr := toInvitationRow(after)
		if err := tx.Save(&nr).Error; err != nil {
			return internal("record answer", err)
		}
		out = nr.model()
		if err := skipNudges(tx, out); err != nil {
			return err
		}
		return s.audit(tx, actor, action, meetingSubject(before.MeetingID), before.Country, toJSON(before), toJSON(out))
	})
	return out, err
}

// QueueReminders writes reminder items and moves the meeting's reminder mark
// to through for sequence seq, in one transaction, and returns the items it
// wrote. It changes nothing when the meeting has changed sequence since the
// caller read it.
//
// Errors: EINTERNAL only.
func (s *Store) QueueReminders(ctx context.Context, meetingID int64, seq int, through time.Time, items []model.OutboxItem) ([]model.OutboxItem, error) {
	var written []model.OutboxItem
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&meetingRow{}).Where("id = ? AND sequence = ?", meetingID, seq).
			Updates(map[string]any{"reminded_through": through.UTC(), "reminded_sequence": seq})
		if res.Error != nil {
			return internal("mark reminders", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // the meeting changed: the next tick plans for its new version
		}
		var err error
		written, err = s.enqueue(tx, items)
		return err
	})
	return written, err
}
