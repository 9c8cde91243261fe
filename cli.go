package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"focalbot/model"
	"focalbot/roster"
	"focalbot/storage"
)

// importCSV adds or updates the people of a CSV file, all or nothing.
func (m *Main) importCSV(ctx context.Context, args []string) error {
	stdout, stderr := m.Stdout, m.Stderr
	fs := flags("import", "focalbot import [--dry-run] file.csv", stderr)
	dry := fs.Bool("dry-run", false, "check the file and report what would change, without writing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"import takes one CSV file: focalbot import [--dry-run] file.csv"}
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, err)
	}
	defer f.Close()
	entries, err := roster.Read(f)
	var bad roster.Errors
	if errors.As(err, &bad) {
		for _, le := range bad {
			fmt.Fprintf(stderr, "%s:%d: %s\n", name, le.Line, model.ErrorMessage(le.Err))
		}
		return errors.New(bad.Summary(name))
	} else if err != nil {
		return err
	}

	cfg, err := m.config()
	if err != nil {
		return err
	}
	a, err := m.open(ctx, cfg, nil, true)
	if err != nil {
		return err
	}
	rows := make([]storage.ImportRow, len(entries))
	for i, e := range entries {
		rows[i] = storage.ImportRow{Line: e.Line, Person: e.Person, Merge: e.Merge}
	}
	res, err := a.store.ImportPeople(ctx, model.Actor{Label: "import of " + name}, rows, *dry)
	if err != nil {
		if code := model.ErrorCode(err); code != model.EINTERNAL {
			// One line on stderr for each mistake of each row.
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			for _, e := range errs {
				fmt.Fprintf(stderr, "%s: %s\n", name, model.ErrorMessage(e))
			}
			return errors.New(roster.NothingImported(name, len(errs)))
		}
		return err
	}
	if *dry {
		fmt.Fprintf(stdout, "Dry run of %s, nothing written: it would create %d, update %d and leave %d unchanged.\n", name, res.Created, res.Updated, res.Unchanged)
	} else {
		fmt.Fprintf(stdout, "Imported %s: %d created, %d updated, %d unchanged.\n", name, res.Created, res.Updated, res.Unchanged)
	}
	return nil
}

// export writes the roster as CSV to m.Stdout.
func (m *Main) export(ctx context.Context, args []string) error {
	fs := flags("export", "focalbot export > roster.csv", m.Stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	a, err := m.open(ctx, cfg, nil, true)
	if err != nil {
		return err
	}
	people, err := a.store.People(ctx, model.PeopleFilter{})
	if err != nil {
		return err
	}
	return roster.Write(m.Stdout, people)
}
