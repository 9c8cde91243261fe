package scheduler

import (
	"focalbot/model"
	"io"

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

// printer renders the scheduler's notices. They go to the secretariat, in
// English until notices are written in each reader's language.
var printer = i18n.Printer(i18n.English)

// sprintf renders a message of the catalog.
func sprintf(format string, args ...any) string {
	return printer.Sprintf(format, model.Identifiers(args)...)
}

// fprintf renders a message of the catalog to w.
func fprintf(w io.Writer, format string, args ...any) {
	printer.Fprintf(w, format, model.Identifiers(args)...)
}
