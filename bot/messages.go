package bot

// The message catalog: every sentence the engine shows a person. Handlers
// refer to these by name and print them through Reply.Printf, which looks
// each one up for the reader's language (golang.org/x/text/message); a
// translation is added with message.SetString(tag, msgX, "…") without
// touching a handler. Domain errors carry their own format strings from
// package model and are printed the same way.
const (
	msgInternal                 = "Sorry, something went wrong on my side. The secretariat has been told in the logs; please try again in a minute."
	msgUnknownCommand           = "I don't know the command %q. Type help to see what I can do."
	msgUnknownCommandDidYouMean = "I don't know the command %q. Did you mean %s? Type help to see what I can do."
	msgSecretariatOnly          = "Only the secretariat can do that."
	msgMembersOnly              = "You are not on the roster yet. To join, type: register <your country>."
	msgUsage                    = "Usage: %s"

	msgHelpIntro     = "Here is what you can ask me:"
	msgHelpLine      = "  • %s — %s"
	msgHelpSynopsis  = "%s — %s"
	msgHelpExample   = "  e.g. %s"
	msgHelpNotForYou = "(This command is not open to you.)"
	msgHelpRegister  = "You are not on the roster yet: type register <your country> to ask to join."

	msgProfileUpdated   = "Your profile is updated."
	msgProfileName      = "%s (#%d)"
	msgProfileRole      = "Role: %s, %s"
	msgProfileCountry   = "Country: %s (%s group)"
	msgProfileTitle     = "Title: %s"
	msgProfileMinistry  = "Ministry or mission: %s"
	msgProfileEmail     = "E-mail: %s"
	msgProfilePhone     = "Phone: %s"
	msgProfileSlack     = "Slack: <@%s>"
	msgProfileZone      = "Time zone: %s (your time now: %s)"
	msgProfileNoZone    = "Time zone: not set — type me set tz <zone>, e.g. me set tz Europe/Copenhagen"
	msgProfileLanguage  = "Language: %s"
	msgProfileAppointed = "Appointed: %s"

	msgRegistered         = "Thank you. You are registered as a focal point for %s, pending approval by the secretariat."
	msgAlreadyRegistered  = "You are already on the roster as %s (%s). Type me to see your profile."
	msgRegisterName       = "Tell me your name too, e.g. register %s name=\"Your Name\"."
	msgRegisterRole       = "You can register as a focal point or an alternate (role=alternate)."
	msgRegisterNoIdentity = "I need your e-mail address to register you: start the console with --as you@example.org."

	msgCountryHeader       = "%s (%s, %s) — %s group"
	msgCountryObserver     = "Observer state at the United Nations."
	msgCountryAlso         = "Also known as: %s"
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
	msgApproved            = "Approved: %s"
	msgRejected            = "Rejected the registration of %s."
	msgNotPending          = "%s is not pending (they are %s)."
	msgNoPending           = "No registrations are waiting."
	msgPendingHeader       = "%d registrations waiting for approval (approve <person> or reject <person>):"
	msgGranted             = "%s is now a member of the secretariat."
	msgRevoked             = "%s is no longer a member of the secretariat; they are now %s."
	msgNotSecretariat      = "%s is not a member of the secretariat."
	msgRevokeRole          = "After revoking, the role must be observer, focal-point or alternate."
	msgLastSecretariat     = "%s is the last active member of the secretariat: grant the role to someone else first."
	msgNetworkFieldEmpty   = "The network's %s cannot be empty."
	msgNetworkUnknownField = "Unknown network setting %q: use name=, secretariat= or address=."
	msgFacilitatorsSet     = "The facilitating group is now: %s."

	msgAuditEmpty   = "No changes recorded."
	msgAuditNoMatch = "No person or country matches %q."
	msgAuditLine    = "%s  %s  %s %s  %s"
)
