package scheduler

import (
	"focalbot/model"
	"io"
	"strings"
	"time"

	"golang.org/x/text/language"

	"focalbot/i18n"
)

// The scheduler's catalog: what it tells people. Its messages are rendered
// through sprintf and fprintf, which look them up in the message catalog.
const (
	msgDraftPlanned     = "The next meeting of the series %q is planned as a draft: %s (%s). Confirm it with \"meeting schedule %d\", move it with \"meeting change %d start=…\", or skip it with \"meeting cancel %d\"."
	msgRecordAttendance = "%q has ended. Record who came, by country (delegates count for theirs): \"attendance %d <country>, <country>, …\"."

	msgPollClosed = "Poll %d (%s) closed at its deadline, with %d answers. Ranking:\n"

	msgFollowUps       = "Good morning. Outreach follow-ups due today: %d.\n%sLog what happened with: outreach log <country> <note> [follow up YYYY-MM-DD]."
	msgFollowUpLine    = "  %s (%s), due %s\n"
	msgDigestFollowUps = "Outreach follow-ups due: %d.\n"

	msgDigestTitle      = "Weekly digest, week of %s\n"
	msgDigestCoverage   = "Coverage: %d of %d member states have an active focal point.\n"
	msgDigestGroup      = "  %s: %d of %d\n"
	msgDigestChange     = "Since last week: new %s; lost %s.\n"
	msgDigestNoBaseline = "This is the first digest: next week's will show the change.\n"
	msgDigestRSVPs      = "Next meeting: %s, %s — invited %d: coming %d, maybe %d, not coming %d, no answer %d.\n"
	msgDigestNoMeeting  = "No meeting is scheduled.\n"
	msgDigestFailedHead = "Deliveries that failed this week:\n"
	msgDigestFailed     = "  %s to %s: %s\n"
	msgDigestNoFailures = "No delivery failed this week.\n"
)

// plurals are the messages above that count something, with their text for
// a count of one, set for every language as bot's catalog does (see its
// plurals). Counts written as a label ("invited: 3") need none.
var plurals = []i18n.Plural{
	{Key: msgPollClosed, Arg: 3, One: "Poll %d (%s) closed at its deadline, with %d answer. Ranking:\n"},
}

func init() { i18n.RegisterPlurals(plurals...) }

// sprintfFor renders a message of the catalog in p's language (theirs, else
// the network's).
func sprintfFor(p model.Person, format string, args ...any) string {
	return i18n.Printer(i18n.Reader(p.Language)).Sprintf(format, localize(i18n.Reader(p.Language), args)...)
}

// fprintf renders a message of the catalog to w: into a notice, kept to be
// rendered in each reader's language (see notice); elsewhere in the
// network's language.
func fprintf(w io.Writer, format string, args ...any) {
	if n, ok := w.(*notice); ok {
		n.lines = append(n.lines, line{format, args})
		return
	}
	i18n.Printer(i18n.Default()).Fprintf(w, format, model.Identifiers(args)...)
}

// notice is a text made of catalog messages, rendered for each reader in
// their language: the digest goes to every member of the secretariat, each
// in theirs.
type notice struct{ lines []line }

type line struct {
	format string
	args   []any
}

// Write keeps text that is not a message as it is.
func (n *notice) Write(b []byte) (int, error) {
	n.lines = append(n.lines, line{"%s", []any{string(b)}})
	return len(b), nil
}

// For renders the notice in p's language.
func (n *notice) For(p model.Person) string {
	var b strings.Builder
	for _, l := range n.lines {
		b.WriteString(sprintfFor(p, l.format, l.args...))
	}
	return b.String()
}

// localDay is a day, shown to each reader as their language writes it
// ("2 Sep 2012", "2 sept. 2012").
type localDay time.Time

// groupName is a regional group's English name, shown to each reader in
// their language (the catalog's key is the English name).
type groupName string

// countryList is countries by ISO code, shown to each reader by their
// names in their language ("—" for none).
type countryList []string

// localize writes the arguments that depend on the reader's language (a
// localDay, a groupName, a countryList) in lang, and marks identifiers
// (model.Identifiers).
func localize(lang language.Tag, args []any) []any {
	out := model.Identifiers(args)
	for i, a := range out {
		switch a := a.(type) {
		case localDay:
			out[i] = i18n.DateMedium(lang, time.Time(a))
		case groupName:
			out[i] = i18n.Printer(lang).Sprintf(string(a))
		case countryList:
			if len(a) == 0 {
				out[i] = "—"
			} else {
				out[i] = i18n.CountryNames(lang, a)
			}
		}
	}
	return out
}
