package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

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
// Error messages name the row's Line (its position from 1 when Line is 0).
// Every bad row is reported, each with every one of its mistakes, up to the
// first that the database refuses (a transaction cannot go on after that).
//
// Errors: EINVALID for bad rows (a person without an e-mail address, two
// with the same one, or one not valid); ECONFLICT for a row whose Slack ID
// someone else has; several are joined with errors.Join, one for each
// mistake, and ErrorCode gives the first one's code; EINTERNAL otherwise. On
// any error nothing is written.
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
		seen := make(map[string]int, len(rows))
		for i, r := range rows {
			p, row := r.Person, r.Line
			if row == 0 {
				row = i + 1
			}
			p.Normalize()
			if p.Email == "" {
				bad = append(bad, model.Errorf(model.EINVALID, "Line %d has no e-mail address: an import matches people by e-mail.", row))
				continue
			}
			if first, ok := seen[p.Email]; ok {
				bad = append(bad, model.Errorf(model.EINVALID, "Lines %d and %d have the same e-mail address %s.", first, row, p.Email))
				continue
			}
			seen[p.Email] = row

			before, err := s.personWhere(tx, "email", p.Email)
			switch {
			case errNotFound(err):
				if problems := prepareAll(&p); len(problems) > 0 {
					refuse(row, problems...)
					continue
				}
				if len(bad) > 0 {
					continue // nothing will be written: check the rest only
				}
				if err := s.insertPerson(tx, actor, &p); err != nil {
					refuse(row, err)
					return errors.Join(bad...)
				}
				res.Created++
			case err != nil:
				return rowError(row, err)
			default:
				if r.Merge != nil {
					p = before
					if err := r.Merge(&p); err != nil {
						refuse(row, err)
						continue
					}
				}
				if problems := prepareAll(&p); len(problems) > 0 {
					refuse(row, problems...)
					continue
				}
				if len(bad) > 0 {
					continue
				}
				changed, err := s.updatePerson(tx, actor, before, &p)
				if err != nil {
					refuse(row, err)
					return errors.Join(bad...)
				} else if changed {
					res.Updated++
				} else {
					res.Unchanged++
				}
			}
		}
		if len(bad) > 0 {
			return errors.Join(bad...)
		}
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

// rowError says which row of an import err is about.
func rowError(row int, err error) error {
	var e *model.Error
	if errors.As(err, &e) {
		return model.Errorf(e.Code, "Line %d: %s", row, e.Message())
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
