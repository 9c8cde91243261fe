package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// ImportResult counts what an import did, or would do in a dry run.
type ImportResult struct {
	Created, Updated, Unchanged int
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// ImportRow is one person to import: the person as a new roster entry, the
// line of the file it came from (for messages), and how to apply it to
// someone already on the roster. Merge sets only what the file says, so a
// file with fewer columns leaves the other fields alone; a nil Merge
// replaces every field but ID and CreatedAt.
type ImportRow struct {
	Line   int
	Person model.Person
	Merge  func(dst *model.Person) error
}

// ImportPeople adds or updates many people in one transaction: all of them,
// or none. Each is matched to the roster by e-mail address, which is
// therefore required. A matched person is changed by the row's Merge; one
// whose data ends up the same is neither written nor audited, so importing
// the same people twice changes nothing the second time. Each change is
// audited as "person.create" or "person.update". With dryRun, it computes
// the result and rolls back.
//
// It reads the people concerned in a few statements (by e-mail, and by
// Slack ID), checks every row, and only then writes: new people and their
// audit entries in multi-row inserts of importBatch rows, changed people one
// by one.
//
// Error messages name the row's Line (its position from 1 when Line is 0).
// Every bad row is reported, each with every one of its mistakes.
//
// Errors: EINVALID for bad rows (a person without an e-mail address, two
// with the same one, or one not valid); ECONFLICT for a row whose Slack ID
// someone else has (on the roster, or on another row); several are joined
// with errors.Join, one for each mistake, and ErrorCode gives the first
// one's code; EINTERNAL otherwise. On any error nothing is written.
func (s *Store) ImportPeople(ctx context.Context, actor model.Actor, rows []ImportRow, dryRun bool) (ImportResult, error) {
	var res ImportResult
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var bad []error
		// refuse records the mistakes of a row.
		refuse := func(row int, errs ...error) {
			for _, err := range errs {
				bad = append(bad, rowError(row, err))
			}
		}
		type planned struct {
			row    int
			before *model.Person // nil: a new person
			after  model.Person
		}
		var (
			plan   []planned
			seen   = make(map[string]int, len(rows))
			emails = make([]string, 0, len(rows))
			people = make([]model.Person, len(rows))
			lines  = make([]int, len(rows))
			ok     = make([]bool, len(rows))
		)
		for i, r := range rows {
			p, row := r.Person, r.Line
			if row == 0 {
				row = i + 1
			}
			p.Normalize()
			people[i], lines[i] = p, row
			if p.Email == "" {
				bad = append(bad, model.Errorf(model.EINVALID, "Line %d has no e-mail address: an import matches people by e-mail.", row))
				continue
			}
			if first, dup := seen[p.Email]; dup {
				bad = append(bad, model.Errorf(model.EINVALID, "Lines %d and %d have the same e-mail address %s.", first, row, p.Email))
				continue
			}
			seen[p.Email] = row
			emails = append(emails, p.Email)
			ok[i] = true
		}
		existing, err := s.peopleWhereIn(tx, "email", emails)
		if err != nil {
			return err
		}
		slackIDs := map[string]int{} // Slack ID → line that takes it
		var wanted []string
		for i, r := range rows {
			if !ok[i] {
				continue
			}
			p, row := people[i], lines[i]
			step := planned{row: row}
			if before, found := existing[p.Email]; found {
				step.before = &before
				if r.Merge != nil {
					p = before
					if err := r.Merge(&p); err != nil {
						refuse(row, err)
						continue
					}
				}
			}
			if problems := prepareAll(&p); len(problems) > 0 {
				refuse(row, problems...)
				continue
			}
			if p.SlackID != "" {
				if _, taken := slackIDs[p.SlackID]; taken { // by an earlier row
					refuse(row, model.Errorf(model.ECONFLICT, "Someone on the roster already has the Slack user %s.", p.SlackID))
					continue
				}
				slackIDs[p.SlackID] = row
				wanted = append(wanted, p.SlackID)
			}
			step.after = p
			plan = append(plan, step)
		}
		holders, err := s.peopleWhereIn(tx, "slack_id", wanted)
		if err != nil {
			return err
		}
		// A holder whose own row gives the Slack ID up lets another row take it.
		givesUp := map[int64]bool{}
		for _, step := range plan {
			if step.before != nil && step.before.SlackID != "" && step.after.SlackID != step.before.SlackID {
				givesUp[step.before.ID] = true
			}
		}
		var creates []model.Person
		for _, step := range plan {
			if h, taken := holders[step.after.SlackID]; taken && step.after.SlackID != "" && !givesUp[h.ID] && (step.before == nil || h.ID != step.before.ID) {
				refuse(step.row, model.Errorf(model.ECONFLICT, "Someone on the roster already has the Slack user %s.", step.after.SlackID))
				continue
			}
			if step.before == nil {
				creates = append(creates, step.after)
			}
		}
		if len(bad) > 0 {
			return errors.Join(bad...)
		}
		for _, step := range plan {
			if step.before == nil {
				continue
			}
			p := step.after
			changed, err := s.updatePerson(tx, actor, *step.before, &p)
			if err != nil {
				return rowError(step.row, err)
			} else if changed {
				res.Updated++
			} else {
				res.Unchanged++
			}
		}
		if err := s.insertPeople(tx, actor, creates); err != nil {
			return err
		}
		res.Created = len(creates)
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	} else if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importBatch is how many rows an import inserts in one statement.
const importBatch = 200

// peopleWhereIn loads the people whose column (email or slack_id) is one
// of values, by that value, a few hundred values to a statement.
func (s *Store) peopleWhereIn(tx *gorm.DB, column string, values []string) (map[string]model.Person, error) {
	out := make(map[string]model.Person, len(values))
	for chunk := range slices.Chunk(values, 500) {
		var found []personRow
		if err := tx.Where(clause.IN{Column: clause.Column{Name: column}, Values: anys(chunk)}).Find(&found).Error; err != nil {
			return nil, internal("load people by "+column, err)
		}
		for _, r := range found {
			p := r.model()
			if column == "email" {
				out[p.Email] = p
			} else {
				out[p.SlackID] = p
			}
		}
	}
	return out, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// insertPeople writes prepared new people, and an audit entry
// ("person.create") for each, importBatch to a statement.
func (s *Store) insertPeople(tx *gorm.DB, actor model.Actor, people []model.Person) error {
	now := s.now()
	for chunk := range slices.Chunk(people, importBatch) {
		rows := make([]personRow, len(chunk))
		for i := range chunk {
			chunk[i].ID, chunk[i].CreatedAt, chunk[i].UpdatedAt = 0, now, now
			rows[i] = toPersonRow(chunk[i])
		}
		var q strings.Builder
		q.WriteString(`INSERT INTO people (name, title, organisation, country, email, phone, slack_id, time_zone, language,
			role, status, appointed_on, created_at, updated_at) `)
		args := values(tx, &q, 14, len(rows), func(args []any, i int) []any {
			r := &rows[i]
			return append(args, r.Name, r.Title, r.Organisation, r.Country, r.Email, r.Phone, r.SlackID, r.TimeZone, r.Language,
				r.Role, r.Status, r.AppointedOn, r.CreatedAt, r.UpdatedAt)
		})
		// The new IDs, by e-mail: the order RETURNING gives them in is
		// not promised.
		q.WriteString(" RETURNING id, email")
		var ids []struct {
			ID    int64
			Email string
		}
		if err := tx.Raw(q.String(), args...).Scan(&ids).Error; err != nil {
			return writeError("create people", err, chunk[0])
		}
		byEmail := make(map[string]int64, len(ids))
		for _, r := range ids {
			byEmail[r.Email] = r.ID
		}
		audits := make([]auditRow, len(chunk))
		for i := range chunk {
			chunk[i].ID = byEmail[chunk[i].Email]
			audits[i] = auditRow{At: now, ActorID: actor.PersonID, Actor: actor.Label, Action: "person.create",
				Subject: personSubject(chunk[i].ID), Country: chunk[i].Country, After: toJSON(chunk[i])}
		}
		if err := insertAudits(tx, audits); err != nil {
			return internal("write audit log", err)
		}
	}
	return nil
}

// rowError says which row of an import err is about.
func rowError(row int, err error) error {
	var e *model.Error
	if errors.As(err, &e) {
		return model.Errorf(e.Code, "Line %d: %s", row, e) // e in the reader's words: roster.Message
	}
	return fmt.Errorf("import row %d: %w", row, err)
}

// EnsureSecretariat makes sure that each of ids — e-mail addresses or Slack
// user IDs (U… or W…), as given in the configuration — belongs to someone on
// the roster. One that matches nobody is added as an active member of the
// secretariat, named after the address or ID and audited as
// "person.create" by model.System. People already on the roster are left as
// they are, whatever their role. Empty ids are skipped.
//
// Errors: EINVALID when an id is neither an e-mail address nor a Slack user
// ID (nothing is written); EINTERNAL otherwise.
func (s *Store) EnsureSecretariat(ctx context.Context, ids []string) error {
	var added []string
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		for _, id := range ids {
			id = strings.TrimSpace(id)
			p := model.Person{Name: id, Role: model.RoleSecretariat, Status: model.StatusActive}
			column, key := "email", ""
			switch {
			case id == "":
				continue
			case strings.Contains(id, "@"):
				p.Email = model.NormalizeEmail(id)
				p.Name, key = p.Email, p.Email
				if err := model.ValidateEmail(p.Email); err != nil {
					return err
				}
			case model.IsSlackUserID(id):
				p.SlackID, column, key = id, "slack_id", id
			default:
				return model.Errorf(model.EINVALID, "%q is neither an e-mail address nor a Slack user ID.", id)
			}

			_, err := s.personWhere(tx, column, key)
			if err == nil {
				continue
			} else if !errNotFound(err) {
				return err
			}
			if err := prepare(&p); err != nil {
				return err
			}
			if err := s.insertPerson(tx, model.System, &p); err != nil {
				return err
			}
			added = append(added, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range added {
		s.log.Info("added to the secretariat from the configuration", "id", id)
	}
	return nil
}
