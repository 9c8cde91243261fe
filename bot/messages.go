package bot

import (
	"focalbot/i18n"
	"focalbot/model"
)

// The message catalog: every sentence the engine shows a person. Handlers
// refer to these by name and print them through Reply.Printf, which looks
// each one up for the reader's language (golang.org/x/text/message); a
// translation is added with message.SetString(tag, msgX, "…") without
// touching a handler. Domain errors carry their own format strings from
// package model and are printed the same way.
//
// A %d of an int64 is an identifier (a meeting, person, poll or series
// number) and is printed as plain digits, so that it can be typed back; a %d
// of an int is a quantity, grouped as the reader's language writes numbers
// (see Reply.Printf). A quantity that changes the words around it has its
// singular in plurals, below.
const (
	msgInternal                 = "Sorry, something went wrong on my side. The secretariat has been told in the logs; please try again in a minute."
	msgUnknownCommand           = "I don't know the command %q. Type help to see what I can do."
	msgUnknownCommandDidYouMean = "I don't know the command %q. Did you mean %s? Type help to see what I can do."
	msgSecretariatOnly          = "Only the secretariat can do that."
	msgMembersOnly              = "You are not on the roster yet. To join, type: register <your country>."
	msgUsage                    = "Usage: %s"
	msgUsageExample             = "Usage: %s\n  e.g. %s"
	msgUnclosedQuote            = "A quotation mark is not closed: put a \" at the end of the quoted words. To put a quotation mark inside them, write \\\" (and \\\\ for a backslash)."

	msgHelpIntro       = "Here is what you can ask me:"
	msgHelpLine        = "  • %s — %s"
	msgHelpSynopsis    = "%s — %s"
	msgHelpExample     = "  e.g. %s"
	msgHelpNotForYou   = "(This command is not open to you.)"
	msgHelpRegister    = "You are not on the roster yet: type register <your country> to ask to join."
	msgHelpSubcommands = "Commands that begin with %s:"
	msgNeedsSubcommand = "%q needs one more word: %s. Type help %s to see what each does."

	msgProfileUpdated          = "Your profile is updated."
	msgEmailConfirmSent        = "If that address can be used, a message with a confirmation code is on its way to it; type me confirm email <code> within 24 hours."
	msgEmailCodeMail           = "Your code to confirm your new e-mail address: %s\n\nDear %s,\n\nYou asked to make %s your e-mail address on the roster (%s). To confirm it, type this to the bot within 24 hours:\n\n    me confirm email %s\n\nIf you did not ask for this, ignore this message: nothing changes."
	msgProfileName             = "%s (#%d)"
	msgProfileRole             = "Role: %s, %s"
	msgProfileCountry          = "Country: %s (%s group)"
	msgProfileTitle            = "Title: %s"
	msgProfileMinistry         = "Ministry or mission: %s"
	msgProfileEmail            = "E-mail: %s"
	msgProfilePhone            = "Phone: %s"
	msgProfileSlack            = "Slack: %s"
	msgProfileZone             = "Time zone: %s (your time now: %s)"
	msgProfileNoZone           = "Time zone: not set — type me set tz <zone>, e.g. me set tz Europe/Copenhagen"
	msgProfileLanguage         = "Language: %s"
	msgProfileLanguageNamed    = "Language: %s (%s)"
	msgProfileLanguageUnserved = "focalbot does not write %s yet: it answers you in English. It writes en, ar, zh-Hans, fr, ru and es."
	msgProfileAppointed        = "Appointed: %s"

	msgRegistered = "Thank you. You are registered as a focal point for %s, pending approval by the secretariat."

	msgCountryHeader       = "%s (%s, %s) — %s group"
	msgCountryObserver     = "Observer state at the United Nations."
	msgCountryAlso         = "Also known as: %s"
	msgCountryConfusable   = "Not to be confused with: %s."
	msgCountryFacilitator  = "Member of the network's facilitating group."
	msgCountryNote         = "Note: %s"
	msgCountryNoFocalPoint = "No focal point yet."
	msgListItem            = "  • %s"
	msgCountryItem         = "  • %s: %s"

	msgNetwork = "%s\nSecretariat: %s, %s\nFacilitating group: %s"

	msgRosterEmpty     = "No one on the roster matches."
	msgRosterHeader    = "Roster: %d people."
	msgRosterHeaderFor = "Roster for %s: %d people."
	msgRosterCountry   = "%s (%s group)"
	msgRosterNoCountry = "Secretariat and observers"

	msgCoverage          = "%d of %d member states have an active focal point (%.1f%%)."
	msgCoverageGroup     = "%s: %d of %d — %s"
	msgCoverageGroupNone = "%s: %d of %d"
	msgCoverageObservers = "Observer states with a focal point: %s"

	msgRoleFocalPoint  = "focal point"
	msgRoleAlternate   = "alternate"
	msgRoleSecretariat = "secretariat"
	msgRoleObserver    = "observer"
	msgStatusPending   = "pending approval"
	msgStatusActive    = "active"
	msgStatusInactive  = "inactive"

	msgNamePerson      = "Say who: an e-mail address, #id (see roster), a Slack mention or a name."
	msgBadPersonID     = "%q is not a roster number: write it as #12."
	msgNoSuchPerson    = "No one on the roster matches %q. Use their e-mail address or #id (see roster)."
	msgAmbiguousPerson = "%q matches several people: %s. Use the #id."

	msgAdded               = "Added: %s"
	msgUpdated             = "Updated: %s"
	msgUpdatedNothing      = "Nothing to change, these are the details already: %s"
	msgApproved            = "Approved: %s"
	msgNotInvitedYet       = "Meeting %d, %s, is coming, and %s is not invited to it: invite %d #%d invites them."
	msgRejected            = "Rejected the registration of %s."
	msgNoPending           = "No registrations are waiting."
	msgPendingHeader       = "%d registrations waiting for approval (approve <person> or reject <person>):"
	msgGranted             = "%s is now a member of the secretariat."
	msgGrantedActive       = "%s was %s: with the role, they are active."
	msgRevoked             = "%s is no longer a member of the secretariat; they are now %s."
	msgRevokedSelf         = "You are no longer a member of the secretariat; you are now %s. The secretariat's commands are closed to you from now on."
	msgNetworkFieldEmpty   = "The network's %s cannot be empty."
	msgNetworkUnknownField = "Unknown network setting %q: use name=, secretariat= or address=."
	msgFacilitatorsSet     = "The facilitating group is now: %s."
	msgFacilitatorsDropped = "No longer in it: %s. To add a country, give the whole group: facilitators <country>, <country>, …"

	msgAuditEmpty    = "No changes recorded."
	msgAuditNoMatch  = "No person or country matches %q."
	msgAuditLine     = "%s  %s  %s %s  %s"
	msgAuditLineBare = "%s  %s  %s %s"
	msgAuditChange   = "%s: %q → %q"

	msgYes = "yes"
	msgNo  = "no"
)

// The labels of the fields that the audit log shows.
const (
	msgFieldName          = "name"
	msgFieldEmail         = "e-mail"
	msgFieldCountry       = "country"
	msgFieldRole          = "role"
	msgFieldStatus        = "status"
	msgFieldTitle         = "title"
	msgFieldMinistry      = "ministry"
	msgFieldPhone         = "phone"
	msgFieldSlack         = "Slack user"
	msgFieldZone          = "time zone"
	msgFieldLanguage      = "language"
	msgFieldAppointed     = "appointed"
	msgFieldVersion       = "version"
	msgFieldAnswerVersion = "version of the answer"
	msgFieldStart         = "start"
	msgFieldEnd           = "end"
	msgFieldVenue         = "venue"
	msgFieldAddress       = "address"
	msgFieldOnline        = "online link"
	msgFieldHosts         = "hosts"
	msgFieldOrganiser     = "organiser"
	msgFieldAgenda        = "agenda"
	msgFieldPublic        = "in the public feed"
	msgFieldOccurrence    = "occurrence"
	msgFieldReminders     = "reminders"
	msgFieldRule          = "rule"
	msgFieldDuration      = "duration"
	msgFieldPlanAhead     = "planned ahead"
	msgFieldActive        = "planning on"
	msgFieldSecretariat   = "secretariat"
	msgFieldFacilitators  = "facilitating group"
	msgFieldResponse      = "answer"
	msgFieldRespondedAt   = "answered"
	msgFieldResponseStamp = "answer's own date"
	msgFieldSlots         = "slots"
	msgFieldStage         = "stage"
	msgFieldFollowUp      = "follow up"
	msgFieldDeadline      = "deadline"
	msgFieldText          = "note"
	msgFieldAuthor        = "author"
	msgFieldAt            = "at"
)

// Meetings.
const (
	msgMeetingCreated         = "Meeting %d created: %s"
	msgMeetingInviteHint      = "Invite people with: invite %d all (or a regional group, countries, people, or guest <e-mail> name=\"…\"); see who answered with: status %d"
	msgBadWhen                = "%q is not a date and time: write it as YYYY-MM-DD HH:MM, e.g. 2012-09-29 10:00 (or HH:MM for the end)."
	msgUnknownMeetingField    = "Unknown meeting field %q: use one of %s."
	msgNameMeeting            = "Say which meeting, by its number (see meetings)."
	msgBadMeetingNumber       = "%q is not a meeting number: see meetings."
	msgMeetingAlready         = "Meeting %d is %s already."
	msgMeetingUnchanged       = "Nothing changed in meeting %d."
	msgDraftChanged           = "Meeting %d changed; it is a draft, so nobody is told until you schedule it."
	msgMeetingChanged         = "Meeting %d changed (version %d); every invitee is sent an update."
	msgMeetingChangedUntold   = "Meeting %d changed (version %d); nobody has been sent an invitation to it yet, so nobody is told."
	msgMeetingScheduled       = "Meeting %d is scheduled (%s). Invitations on their way: %d."
	msgMeetingCancelled       = "Meeting %d, %s, is cancelled; every invitee is told."
	msgMeetingCancelledUntold = "Meeting %d, %s, is cancelled; nobody had been sent an invitation to it, so nobody is told."
	msgInvited                = "Meeting %d: %d newly invited, %d invited already."
	msgInviteStopped          = "Meeting %d: the invite stopped part-way, after %d newly invited (their invitations are on their way) of the %d selected. Run the same invite again to invite the others: nobody is invited twice."
	msgInvitedDraft           = "Meeting %d is a draft: invitations go out when you schedule it (meeting schedule <number>)."
	msgGuestName              = "A guest's name must be on one line."
	msgNoFocalPointIn         = "%s has no active focal point to invite: invite a guest by e-mail instead."
	msgNoInvitee              = "%q is neither a country, a regional group nor someone on the roster."
	msgNoInviteeDidYouMean    = "%q is neither a country, a regional group nor someone on the roster. Did you mean %s?"
	msgStatusCounts           = "Invited: %d — coming: %d, maybe: %d, not coming: %d, no answer yet: %d"
	msgStatusCountries        = "Countries coming: %d"
	msgStatusList             = "%s: %s"
	msgStatusFailed           = "Not delivered (%s to %s): %s"
	msgStatusPendingMail      = "%d messages are waiting to be sent."
	msgNoMeetings             = "No meetings."
	msgMeetingsUpcoming       = "Upcoming:"
	msgMeetingsPast           = "Past:"
	msgMeetingLine            = "  %d. %s — %s (%s)"
	msgYourAnswer             = "Your answer: %s. Answer with rsvp yes|no|maybe %d."
	msgNoNextMeeting          = "You are not invited to any coming meeting."
	msgNoOrganisedMeeting     = "No meeting is coming: create one with meeting create, or see the past ones with meetings."
	msgYouOrganise            = "You organise it: see who answered with status %d."
	msgNotInvited             = "You are not invited to meeting %d."
	msgAnswered               = "Thank you: your answer is %s, for %s."
	msgMeetingTitle           = "%d. %s (%s)"
	msgInviteeCountry         = "%s (%s)" // an invitee and their country
	msgMeetingWhen            = "When: %s"
	msgMeetingWhere           = "Where: %s"
	msgMeetingOnline          = "Online: %s"
	msgMeetingHosts           = "Hosts: %s, with %s"
	msgMeetingAgenda          = "Agenda: %s"
	msgVenueTime              = "%s (%s time)" // a time, then its zone's city: one message, as Chinese writes no space before "（"
	msgYourTime               = "your time: %s (%s)"

	msgYesOrNo      = "Write %s=yes or %s=no."
	msgMeetingSaved = "Meeting %d saved (invitees need no update): in the public feed: %s; reminders: %s before."
	msgNoFeeds      = "Calendar feeds are not served here: the administrator sets FOCALBOT_PUBLIC_URL to serve them."
	msgFeed         = "Your calendar feed (keep the link to yourself; feed reset makes a new one): %s\nThe network's public meetings: %s\nSubscribe to a link from your calendar app (\"add calendar from URL\")."
	msgFeedReset    = "Your old feed link no longer works."

	msgResponseYes        = "coming"
	msgResponseNo         = "not coming"
	msgResponseMaybe      = "maybe"
	msgResponseNone       = "no answer yet"
	msgResponseDelegated  = "delegated"
	msgMeetingDraft       = "draft"
	msgMeetingIsScheduled = "scheduled"
	msgMeetingIsCancelled = "cancelled"
	msgMeetingHeld        = "held"
	msgPollStatusOpen     = "open for answers"
	msgPollStatusClosed   = "closed"
)

// Series, reminders, attendance, the outbox and the clock.
const (
	msgBadSpan            = "%q is not a duration: write it like 14d, 2d12h, 6h or 90m."
	msgUnknownSeriesField = "Unknown series field %q: use name, rule, start, duration, tz, venue, address, hosts, plan, reminders, invitees."
	msgSeriesCreated      = "Series %d created: %s"
	msgSeriesNext         = "Next meeting: %s; its draft is planned from %s."
	msgSeriesStartMoved   = "The rule does not take %s, the day start= gives: the first meeting of the series is on %s."
	msgSeriesEnded        = "Its rule has no further meeting."
	msgNoSeries           = "No series yet: see help series create."
	msgSeriesLine         = "  %d. %s (%s) — next: %s; planning on: %s"
	msgBadSeriesNumber    = "%q is not a series number: see series."
	msgSeriesActive       = "Series %d (%s): planning on: %s."
	msgMutedAll           = "You will get no more reminders (unmute all to get them again)."
	msgMuted              = "You will get no more reminders for meeting %d."
	msgUnmutedAll         = "You will get reminders again."
	msgUnmuted            = "You will get reminders for meeting %d again."
	msgAttendance         = "%d. %s (%s): %d countries came — %s"
	msgAttendanceDropped  = "This list replaces the one recorded before: %d countries are no longer recorded as having come (%s). To add a country, give the whole list: attendance %d <country>, <country>, …"
	msgAttendanceNone     = "%d. %s (%s): no attendance recorded yet. Record it with: attendance %d <country>, <country>, …"
	msgOutboxEmpty        = "Nothing has been sent or queued."
	msgOutboxCounts       = "%d messages: %d sent, %d waiting, %d failed, %d replaced by a newer one, %d skipped. The latest:"
	msgOutboxLine         = "  %s  %s  %s → %s"
	msgClock              = "The bot's time: %s."
	msgClockReal          = "The clock is the real one: start the console with --now to move it on with clock advance."
	msgClockTooFar        = "Advance at most 400 days at a time."
	msgClockAdvanced      = "The bot's time is now %s (%d scheduler ticks on the way)."
)

// A series' invitees, and meetings that have ended.
const (
	msgBadInvitees             = "Say whom the series invites: invitees=all, a regional group (invitees=African) or countries (invitees=\"Ghana, Denmark\")."
	msgSeriesInviteesAll       = "Confirming one of its drafts (meeting schedule) invites every active focal point and alternate."
	msgSeriesInviteesGroup     = "Confirming one of its drafts (meeting schedule) invites the active focal points and alternates of the %s group."
	msgSeriesInviteesCountries = "Confirming one of its drafts (meeting schedule) invites the active focal points and alternates of %s."
	msgScheduledNobody         = "Meeting %d is scheduled (%s), but nobody is invited yet: invite %d all (or a regional group, countries or people)."
	msgSeriesInvited           = "Invited as its series asks: %d new."
	msgMeetingInPast           = "That meeting would have ended on %s, which has passed: nobody can be invited to it. Check the date (start=\"YYYY-MM-DD HH:MM\")."
	msgMeetingEnded            = "Meeting %d ended on %s: it can no longer be announced, and nobody can be invited to it."
)

// The regional groups' names, as model.Group.Name gives them in English;
// Reply.group shows them in the reader's language.
const (
	msgGroupAfrican     = "African"
	msgGroupAsiaPacific = "Asia-Pacific"
	msgGroupEastern     = "Eastern European"
	msgGroupLatin       = "Latin American and Caribbean"
	msgGroupWestern     = "Western European and Others"
)

var groupMsgs = map[model.Group]string{
	model.GroupAfrican: msgGroupAfrican, model.GroupAsiaPacific: msgGroupAsiaPacific, model.GroupEastern: msgGroupEastern,
	model.GroupLatin: msgGroupLatin, model.GroupWestern: msgGroupWestern,
}

// A meeting's text and a guest in another language.
const (
	msgTextLanguage  = "%s: %q is not a language focalbot writes besides English: use ar, zh-Hans, fr, ru or es (title= and agenda= are the text for everyone else)."
	msgGuestLanguage = "language=%s: focalbot writes en, ar, zh-Hans, fr, ru and es; give one of them."
)

// plurals are the messages that count something, with their text for a count
// of one. They are set for every language (language.Und) so that a reader
// whose language has no translation yet gets correct English; a translation
// sets its own forms for its language with plural.Selectf and the CLDR
// categories ("one", "few", "many", …), which Arabic and Russian need.
var plurals = []i18n.Plural{
	{Key: msgRosterHeader, Arg: 1, One: "Roster: %d person."},
	{Key: msgRosterHeaderFor, Arg: 2, One: "Roster for %s: %d person."},
	{Key: msgPendingHeader, Arg: 1, One: "%d registration waiting for approval (approve <person> or reject <person>):"},
	{Key: msgStatusPendingMail, Arg: 1, One: "%d message is waiting to be sent."},
	{Key: msgAttendance, Arg: 4, One: "%d. %s (%s): %d country came — %s"},
	{Key: msgAttendanceDropped, Arg: 1, One: "This list replaces the one recorded before: %d country is no longer recorded as having come (%s). To add a country, give the whole list: attendance %d <country>, <country>, …"},
	{Key: msgOutboxCounts, Arg: 1, One: "%d message: %d sent, %d waiting, %d failed, %d replaced by a newer one, %d skipped. The latest:"},
	{Key: msgClockAdvanced, Arg: 2, One: "The bot's time is now %s (%d scheduler tick on the way)."},
	{Key: msgOutreachHeader, Arg: 1, One: "Outreach: %d country without an active focal point."},
	{Key: msgOutreachHeaderGroup, Arg: 2, One: "Outreach in the %s group: %d country without an active focal point."},
}

func init() { i18n.RegisterPlurals(plurals...) }

// outbox retry.
const (
	msgOutboxRetryNone  = "No failed messages to send again."
	msgOutboxRetried    = "Failed messages queued again: %d. They go out now, as the same messages; outbox shows how they fare."
	msgOutboxRetryStale = "Left failed, as they no longer matter (their meeting has begun or ended, or their poll has closed): %d."
)
