package slack

import (
	"focalbot/i18n"
)

// Every sentence and label the Slack transport itself shows a person, in one
// place. The engine's replies come from its own catalog in package bot.
const (
	msgAnsweredInDM = "I have sent you the answer in a direct message."
	msgBusy         = "I am very busy right now and could not take that in. Please try again in a minute."
	msgTooSlow      = "That took too long on my side; please try again."
	msgRestInDM     = "That is all that fits here: the rest of the answer is in your direct messages with me."

	// The words around a date in a Slack date token (DateToken): Slack
	// replaces {date_long_pretty} and {time}, in the reader's own zone;
	// a translation keeps both as they are.
	msgDateAtTime = "{date_long_pretty} at {time}"

	// App Home.
	msgHomeTitle       = "focalbot"
	msgHomeIntro       = "Write to me in the Messages tab, mention me in a channel, or use /focal anywhere. Type help to see what I can do."
	msgHomeNotOnRoster = "You are not on the roster yet. If your government has appointed you as its focal point (or alternate), register and the secretariat will approve."
	msgHomeProfile     = "Your profile"
	msgHomeCountry     = "Your country"
	msgHomeCoverage    = "Coverage"
	msgHomePending     = "Registrations awaiting approval"
	msgHomeNoPending   = "None."
	msgHomePendingItem = "*%s* — %s" // name — country and role, as the reader's language lists them
	msgHomePendingMore = "…and %d more registrations: type `pending` to see them all."
	msgHomePendingOne  = "…and one more registration: type `pending` to see them all."
	msgButtonRegister  = "Register"
	msgButtonEdit      = "Edit my profile"
	msgButtonAdd       = "Add a person"
	msgButtonApprove   = "Approve"
	msgButtonReject    = "Reject"
	msgConfirmTitle    = "Reject this registration?"
	msgConfirmReject   = "%s will not be added to the roster."
	msgConfirmYes      = "Reject"
	msgConfirmNo       = "Cancel"
	msgModalSubmit     = "Save"
	msgModalCancel     = "Cancel"
	msgModalRegister   = "Register"
	msgModalProfile    = "Your profile"
	msgModalAdd        = "Add a person"
	msgFieldCountry    = "Country"
	msgFieldName       = "Name"
	msgFieldEmail      = "E-mail address"
	msgFieldTitle      = "Title"
	msgFieldMinistry   = "Ministry or mission"
	msgFieldPhone      = "Phone"
	msgFieldZone       = "Time zone"
	msgFieldRole       = "Role"
	msgHintZone        = "An IANA zone such as Africa/Accra or Europe/Copenhagen."
	msgHintPhone       = "International format, e.g. +233 30 266 4951."
	msgChooseCountry   = "Choose a country"
	msgRoleFocalPoint  = "Focal point"
	msgRoleAlternate   = "Alternate"
	msgRoleSecretariat = "Secretariat"
	msgRoleObserver    = "Observer"
	msgErrorRequired   = "Please fill this in."
	msgErrorBadEmail   = "This is not an e-mail address."
	msgErrorBadPhone   = "This is not a phone number: use digits, spaces and a leading +."
	msgErrorBadZone    = "This is not a time zone: use a name such as Africa/Accra."
	msgErrorPickDay    = "Pick the day in the calendar."
	msgErrorPickTime   = "Pick a time in the list, such as 10:00."
)

// Invitations, reminders and notices sent from the outbox.
const (
	msgInvitation         = "*You are invited:* %s"
	msgInvitationChanged  = "*The meeting has changed:* %s"
	msgInvitationWhen     = "*When:* %s"
	msgInvitationWhere    = "*Where:* %s"
	msgInvitationOnline   = "*Online:* %s"
	msgInvitationHosts    = "*Hosts:* %s, with %s"
	msgInvitationAgenda   = "*Agenda:*\n%s"
	msgInvitationHow      = "Answer with the buttons, or with `/focal rsvp yes|maybe|no %s`. The invitation is also in your e-mail, for your calendar."
	msgInvitationFallback = "You are invited: %s, %s"
	msgButtonAccept       = "Accept"
	msgButtonMaybe        = "Maybe"
	msgButtonDecline      = "Decline"
	msgCancelled          = "*Cancelled:* %s, %s. It is off your calendar."
	msgReminder           = "*Reminder:* %s, %s. To stop reminders: `/focal mute %d`."
	msgHomeNext           = "Your next meeting"
	msgButtonNewMeeting   = "New meeting"
	msgModalMeeting       = "New meeting"
	msgFieldMeetingTitle  = "Title"
	msgFieldDate          = "Day"
	msgFieldStart         = "Starts at (in the meeting's time zone)"
	msgFieldEnd           = "Ends at (the same day; 2 hours later if left empty)"
	msgFieldMeetingZone   = "Time zone of the venue"
	msgFieldVenue         = "Venue"
	msgFieldAddress       = "Address"
	msgFieldHosts         = "Host countries"
	msgHintHosts          = "Separated by commas; empty: the facilitating group"
	msgFieldAgenda        = "Agenda"
	msgHomeDrafts         = "Meetings to confirm"
	msgHomeNoDrafts       = "No planned meeting is waiting for you."
	msgHomeDraftItem      = "*%d. %s*, %s — confirm to send the invitations, move it with `/focal meeting change %d start=…`, or skip it."
	msgButtonSchedule     = "Confirm"
	msgButtonSkip         = "Skip"
	msgHomeDraftsMore     = "…and %d more planned meetings: type `meetings` to see them all."
	msgHomeDraftsOne      = "…and one more planned meeting: type `meetings` to see them all."
	msgConfirmSkipTitle   = "Skip this planned meeting?"
	msgConfirmSkip        = "Meeting %d, %s, will not take place. Nobody has been told of it yet."
	msgConfirmSkipYes     = "Skip it"
	msgConfirmSkipNo      = "Keep it"
	msgPollQuestion       = "*Which of these times can you attend for %s?* Tick them and send your answer by %s."
	msgPollSlotLabel      = "%d. %s"
	msgPollHow            = "Or answer with `/focal poll answer %s 1,2` (or `none`). You can change your answer until the poll closes."
	msgPollFallback       = "A poll: which times can you attend for %s?"
	msgButtonSendAnswer   = "Send my answer"
	msgNudge              = "*Reminder:* %s, %s. We have not had your answer: `/focal rsvp yes|maybe|no %d`, or `/focal mute %d`."
)

// The meeting buttons and form.
const msgCannotDo = "I cannot do that here."

// plurals are the Slack transport's messages that count something, with
// their English text for a count of one (which the "one more" sentences
// say instead; see more).
var plurals = []i18n.Plural{
	{Key: msgHomePendingMore, Arg: 1, One: "…and %d more registration: type `pending` to see them all."},
	{Key: msgHomeDraftsMore, Arg: 1, One: "…and %d more planned meeting: type `meetings` to see them all."},
}

func init() { i18n.RegisterPlurals(plurals...) }
