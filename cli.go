package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"focalbot/i18n"
	"focalbot/inmail"
	"focalbot/model"
	"focalbot/network"
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
	cfg, err := m.config()
	if err != nil {
		return err
	}
	lang := i18n.Match(cfg.Language) // the network's: the command line has no reader's profile
	entries, err := roster.Read(f)
	var bad roster.Errors
	if errors.As(err, &bad) {
		for _, le := range bad {
			fmt.Fprintf(stderr, "%s:%d: %s\n", name, le.Line, roster.Message(lang, le.Err))
		}
		return errors.New(bad.Summary(lang, name))
	} else if err != nil {
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
				fmt.Fprintf(stderr, "%s: %s\n", name, roster.Message(lang, e))
			}
			return errors.New(roster.NothingImported(lang, name, len(errs)))
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

// inbox takes in the one e-mail on m.Stdin, as a mail server delivers to a
// program (Postfix's pipe, .forward, procmail, Exim). It returns nil when
// the message was handled or deliberately ignored, held or refused (all
// recorded, and shown by the chat command inbox), and a tempFailError
// (exit 75) only when it could not be stored, so that the mail server
// keeps it and tries again.
func (m *Main) inbox(ctx context.Context, args []string) error {
	fs := flags("inbox", "focalbot inbox < message.eml", m.Stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"inbox reads one message on standard input and takes no arguments: focalbot inbox < message.eml"}
	}
	raw, err := io.ReadAll(io.LimitReader(m.Stdin, inmail.MaxSize+1))
	if err != nil {
		return tempFailError{fmt.Errorf("read the message: %w", err)}
	}
	cfg, err := m.config()
	if err != nil {
		return tempFailError{err} // a setting being fixed: the mail server keeps the message meanwhile
	}
	a, err := m.open(ctx, cfg, nil, true)
	if err != nil {
		return tempFailError{err}
	}
	planner, err := a.planner(ctx)
	if err != nil {
		return tempFailError{err}
	}
	in := &inmail.Ingester{
		Store:    a.store,
		Services: network.New(a.store, a.clock, a.zone, planner, nil),
		Clock:    a.clock,
		Log:      a.log.With("component", "inmail"),
	}
	out, err := in.Ingest(ctx, raw, model.ViaPipe)
	if err != nil {
		return tempFailError{err}
	}
	r := out.Mail
	p := i18n.Printer(i18n.Default()) // FOCALBOT_LANGUAGE
	said := func(msg model.Msg, text string) string {
		if msg.IsZero() {
			return text
		}
		return msg.Render(func(f string, a ...any) string { return p.Sprintf(f, a...) })
	}
	id := model.Identifier(r.ID)
	switch {
	case out.Repeat:
		p.Fprintf(m.Stdout, msgInboxRepeat, id, r.Status)
	case r.Reason != "":
		p.Fprintf(m.Stdout, msgInboxReason, id, r.Status, said(r.DidMsg, r.Did), said(r.ReasonMsg, r.Reason))
	default:
		p.Fprintf(m.Stdout, msgInboxDid, id, r.Status, said(r.DidMsg, r.Did))
	}
	return nil
}

// What focalbot inbox prints (the mail server logs it).
const (
	msgInboxRepeat = "mail %d: received before (%s); nothing done again\n"
	msgInboxReason = "mail %d: %s: %s (%s)\n"
	msgInboxDid    = "mail %d: %s: %s\n"
)
