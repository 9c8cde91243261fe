package scheduler

// The scheduler's catalog: what it tells people.
const (
	msgBadRule      = "%q is not a recurrence rule: use a preset (%s) or an iCalendar RRULE such as FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA."
	msgRuleTooOften = "A series may recur weekly at the most: use FREQ=WEEKLY, MONTHLY or YEARLY."

	msgDraftPlanned     = "The next meeting of the series %q is planned as a draft: %s (%s). Confirm it with \"meeting schedule %d\", move it with \"meeting change %d start=…\", or skip it with \"meeting cancel %d\"."
	msgRecordAttendance = "%q has ended. Record who came, by country (delegates count for theirs): \"attendance %d <country>, <country>, …\"."

	msgPollClosed  = "Poll %d (%s) closed at its deadline, with %d answers. Ranking:\n"
	msgPollRank    = "  %d. slot %d, %s — can attend: %d, countries: %d, regional groups: %d of 5\n"
	msgPollMissing = "     missing hosts: %s\n"
	msgPollPick    = "Pick a slot with: poll pick %d <slot number>."

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
