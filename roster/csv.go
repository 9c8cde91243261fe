package roster

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/language"

	"focalbot/i18n"
	"focalbot/model"
)

// Header is the CSV header that Write writes and Read expects (in any order,
// with any of the fields' aliases; only name and email are required).
func Header() []string {
	h := make([]string, len(Fields))
	for i, f := range Fields {
		h[i] = f.Key
	}
	return h
}

// Write writes people as CSV, with a header line. A cell that a spreadsheet
// would take for a formula (it begins with =, +, -, @, a tab or a carriage
// return) is written with a single quote before it, as OWASP advises against
// CSV injection; so is a cell that begins with a single quote, so that Read
// gives back every value as it was.
func Write(w io.Writer, people []model.Person) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header()); err != nil {
		return err
	}
	row := make([]string, len(Fields))
	for i := range people {
		for j, f := range Fields {
			row[j] = neutralise(f.get(&people[i]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStart holds the first characters that make a spreadsheet read a
// cell as a formula, and the quote that neutralises them.
const formulaStart = "=+-@\t\r'"

// neutralise puts a single quote before a cell that begins with one of
// formulaStart.
func neutralise(cell string) string {
	if cell != "" && strings.IndexByte(formulaStart, cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// unneutralise takes off the single quote that neutralise put on.
func unneutralise(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.IndexByte(formulaStart, cell[1]) >= 0 {
		return cell[1:]
	}
	return cell
}

// LineError is what is wrong with one line of a CSV file; a line with
// several mistakes has one LineError for each.
type LineError struct {
	Line int
	Err  error
}

// Errors lists every bad line of a CSV file.
type Errors []LineError

// Error is every mistake, one a line, in English, for logs; Lines says
// them to a reader.
func (e Errors) Error() string { return strings.Join(e.Lines(i18n.English), "\n") }

// Lines is every mistake, one a line with its line number ("Line 2:
// Unknown country …"), in lang: the words a reader of the file is shown,
// in chat in their language (i18n.Reader), on the command line in the
// network's.
func (e Errors) Lines(lang language.Tag) []string {
	pr := i18n.Printer(lang)
	lines := make([]string, len(e))
	for i, le := range e {
		lines[i] = pr.Sprintf(msgCSVLine, le.Line, Message(lang, le.Err))
	}
	return lines
}

// Summary says, in lang, how many lines of file are bad and that nothing
// was imported.
func (e Errors) Summary(lang language.Tag, file string) string {
	lines := map[int]bool{}
	for _, le := range e {
		lines[le.Line] = true
	}
	return i18n.Printer(lang).Sprintf(msgCSVBadLines, file, len(lines))
}

// NothingImported says, in lang, that file has n mistakes, found when its
// people were compared with the roster, and that nothing was imported.
func NothingImported(lang language.Tag, file string, n int) string {
	return i18n.Printer(lang).Sprintf(msgImportMistakes, file, n)
}

// Message is what err says to a reader of lang: a domain error's sentence
// through the catalog, an argument that is a domain error itself (the
// mistake of a numbered line) in lang too; an internal error's details are
// never shown (model.ErrorMessage).
func Message(lang language.Tag, err error) string {
	var e *model.Error
	if !errors.As(err, &e) {
		return model.ErrorMessage(err)
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if inner, ok := a.(*model.Error); ok {
			a = Message(lang, inner)
		}
		args[i] = i18n.Argument(lang, a) // a model.Moment or model.Day

	}
	return i18n.Printer(lang).Sprintf(e.Format, args...)
}

// maxErrors stops reading a file that is wrong throughout.
const maxErrors = 100

// Entry is one person read from a line of a CSV file.
type Entry struct {
	Line   int
	Person model.Person // as a new person: columns the file lacks are at their defaults
	set    []Field      // the columns this line sets
}

// Merge sets on dst what this line of the file says, and nothing else: a file
// without a phone column leaves phone numbers alone, and an empty role or
// status cell keeps the person's role or status. An empty cell of another
// optional column clears that field, as the file says.
func (e Entry) Merge(dst *model.Person) error {
	for _, f := range e.set {
		if err := f.set(dst, f.get(&e.Person)); err != nil {
			return err
		}
	}
	return nil
}

// Read parses a whole CSV file of people. It checks every line and returns
// either all the entries or an Errors listing every bad line with its number
// and what to fix; a new person's role defaults to focal-point and status to
// active.
func Read(r io.Reader) ([]Entry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, Errors{{Line: 1, Err: model.Errorf(model.EINVALID, msgCSVEmpty, strings.Join(Header(), ","))}}
	} else if err != nil {
		return nil, Errors{{Line: 1, Err: csvError(err)}}
	}
	cols, err := columns(header)
	if err != nil {
		return nil, Errors{{Line: 1, Err: err}}
	}
	// With a country column each line describes a whole person and is
	// checked as one here; a file that only updates some fields of people
	// already on the roster is checked person by person when it is applied.
	whole := false
	for _, f := range cols {
		whole = whole || f.Key == "country"
	}

	var (
		entries []Entry
		bad     Errors
		seen    = map[string]int{} // e-mail → line
	)
	for len(bad) < maxErrors {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			bad = append(bad, LineError{pe.StartLine, csvError(err)})
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(cols) {
			bad = append(bad, LineError{line, model.Errorf(model.EINVALID, msgCSVFieldCount, len(rec), len(cols))})
			continue
		}
		e := Entry{Line: line, Person: model.Person{Role: model.RoleFocalPoint, Status: model.StatusActive}}
		if errs := e.fill(cols, rec, whole); len(errs) > 0 {
			for _, err := range errs {
				bad = append(bad, LineError{line, err})
			}
			continue
		}
		p := e.Person
		if first, dup := seen[p.Email]; dup {
			bad = append(bad, LineError{line, model.Errorf(model.EINVALID, msgCSVDuplicate, p.Email, first)})
			continue
		}
		seen[p.Email] = line
		entries = append(entries, e)
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return entries, nil
}

// columns maps a header to fields, refusing unknown or repeated columns.
func columns(header []string) ([]Field, error) {
	cols := make([]Field, len(header))
	have := map[string]bool{}
	for i, name := range header {
		f, ok := Lookup(strings.TrimPrefix(name, "\ufeff"), nil)
		if !ok {
			return nil, model.Errorf(model.EINVALID, msgCSVUnknownColumn, name, Keys(nil))
		}
		if have[f.Key] {
			return nil, model.Errorf(model.EINVALID, msgCSVRepeatedColumn, f.Key)
		}
		cols[i], have[f.Key] = f, true
	}
	for _, req := range []string{"name", "email"} {
		if !have[req] {
			return nil, model.Errorf(model.EINVALID, msgCSVMissingColumn, req)
		}
	}
	return cols, nil
}

// fill sets the entry's fields from one record, each checked as it is set,
// and with whole checks the person as a whole. It returns every mistake of
// the record, not just the first.
func (e *Entry) fill(cols []Field, rec []string, whole bool) []error {
	var errs []error
	var failed []Field
	for i, f := range cols {
		v := unneutralise(strings.TrimSpace(rec[i]))
		switch {
		case v == "" && (f.Key == "role" || f.Key == "status"):
			continue // left at its default, or as it is
		case v == "" && f.clear:
		default:
			if err := Set(&e.Person, f.Key, v, nil); err != nil {
				errs, failed = append(errs, err), append(failed, f)
				continue
			}
		}
		e.set = append(e.set, f)
	}
	e.Person.Normalize()
	if !whole {
		return errs
	}
	// A cell already reported stands in as a valid value, so that the check
	// of the whole person does not report it again in other words.
	p := e.Person
	for _, f := range failed {
		_ = f.set(&p, f.get(&standIn))
	}
	return append(errs, p.Problems()...)
}

// standIn is a valid person whose fields stand in for the bad cells of a line.
var standIn = model.Person{Name: "Stand-in", Email: "stand-in@example.org", Country: "GH", Role: model.RoleFocalPoint,
	Status: model.StatusActive, TimeZone: "UTC", Language: "en", Phone: "+233 30 266 4951", SlackID: "U0STANDIN1"}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return model.Errorf(model.EINVALID, msgCSVSyntax, pe.Err.Error())
	}
	return model.Errorf(model.EINVALID, msgCSVSyntax, err.Error())
}

const (
	msgCSVLine           = "Line %d: %s"
	msgCSVEmpty          = "The file is empty: it needs a header line such as %s."
	msgCSVFieldCount     = "It has %d fields but the header has %d: check the commas and quotes."
	msgCSVDuplicate      = "The e-mail address %s is already on line %d."
	msgCSVUnknownColumn  = "Unknown column %q: use %s."
	msgCSVRepeatedColumn = "The column %q appears twice."
	msgCSVMissingColumn  = "The header has no %q column; it is required."
	msgCSVSyntax         = "This is not valid CSV (%s): put fields with commas or quotes in double quotes, and double any quote inside them."
	msgCSVBadLines       = "%s has %d bad lines; nothing was imported"
	msgImportMistakes    = "%s has %d mistakes; nothing was imported"
)

// The messages above that count, with their text for a count of one, for
// every language that has no translation of its own (see bot's catalog).
func init() {
	i18n.RegisterPlurals(
		i18n.Plural{Key: msgCSVBadLines, Arg: 2, One: "%s has %d bad line; nothing was imported"},
		i18n.Plural{Key: msgImportMistakes, Arg: 2, One: "%s has %d mistake; nothing was imported"},
	)
}
