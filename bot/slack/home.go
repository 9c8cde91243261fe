package slack

import (
	"context"
	"strconv"

	slackapi "github.com/slack-go/slack"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"focalbot/bot"
	"focalbot/i18n"
	"focalbot/model"
)

// Action IDs of the buttons the bot shows.
const (
	actionApprove    = "approve" // value "#<person id>"; runs the engine's approve
	actionReject     = "reject"  // value "#<person id>"; runs the engine's reject
	actionRegister   = "open_register"
	actionProfile    = "open_profile"
	actionAdd        = "open_add"
	actionNewMeeting = "open_meeting"
	actionSchedule   = "meeting_schedule" // value: a draft meeting's number; calls the engine's ScheduleMeeting
	actionSkip       = "meeting_cancel"   // value: a draft meeting's number; calls the engine's CancelMeeting
)

// Block Kit limits that slack-go does not check (Slack's reference).
const (
	maxSectionText  = 3000
	maxViewBlocks   = 100 // a modal or the App Home
	maxHeaderText   = 150
	maxButtonText   = 75
	maxConfirmTitle = 100
	maxConfirmText  = 300
	maxConfirmWord  = 30 // a confirmation's confirm and deny buttons
)

// homeSource gives the data of a caller's App Home; *bot.Engine is one.
// Without it the Home shows what the caller's commands answer.
type homeSource interface {
	Home(ctx context.Context, c bot.Caller) (bot.Home, error)
}

// homeJob publishes a user's App Home when they open it.
func (t *Transport) homeJob(key, userID string) job {
	return job{key: key, what: "app_home_opened", run: func(ctx context.Context) {
		t.publishHome(ctx, userID)
	}}
}

// publishHome shows userID their profile and country; the secretariat also
// sees coverage and the registrations to decide on, with buttons.
func (t *Transport) publishHome(ctx context.Context, userID string) {
	caller := t.users.caller(ctx, userID)
	var home bot.Home
	if hs, ok := t.handler.(homeSource); ok {
		var err error
		if home, err = hs.Home(ctx, caller); err != nil {
			t.log.Error("cannot gather the app home", "user", userID, "err", err)
			return
		}
	}
	lang := caller.Locale
	if home.Person != nil && home.Person.Language != "" {
		lang = home.Person.Language
	}
	tag := i18n.Reader(lang)
	pr := i18n.Printer(tag)
	blocks := []slackapi.Block{
		slackapi.NewHeaderBlock(plain(pr.Sprintf(msgHomeTitle))),
		section(pr.Sprintf(msgHomeIntro)),
	}
	if home.Person == nil {
		blocks = append(blocks, section(pr.Sprintf(msgHomeNotOnRoster)),
			slackapi.NewActionBlock("home_register", button(actionRegister, "", pr.Sprintf(msgButtonRegister), "primary")))
	} else {
		blocks = append(blocks, slackapi.NewDividerBlock(),
			slackapi.NewHeaderBlock(plain(pr.Sprintf(msgHomeProfile))), section(t.shown(ctx, caller, showProfile)),
			slackapi.NewActionBlock("home_profile", button(actionProfile, "", pr.Sprintf(msgButtonEdit), "")))
		if home.Person.Country != "" {
			blocks = append(blocks, slackapi.NewHeaderBlock(plain(pr.Sprintf(msgHomeCountry))),
				section(t.shown(ctx, caller, showCountry(home.Person.Country))))
		}
		blocks = append(blocks, slackapi.NewHeaderBlock(plain(pr.Sprintf(msgHomeNext))), section(t.shown(ctx, caller, showNext)))
	}
	if home.Secretariat {
		blocks = append(blocks, slackapi.NewDividerBlock(),
			slackapi.NewHeaderBlock(plain(pr.Sprintf(msgHomeCoverage))), section(t.shown(ctx, caller, showCoverage)))
		// The two lists share the blocks left, two an item, after their
		// headers, their "and N more" lines and the two buttons at the end.
		room := (maxViewBlocks - len(blocks) - 2 - 2 - 2) / 2
		np, nd := share(room, len(home.Pending), len(home.Drafts))
		blocks = append(blocks, slackapi.NewHeaderBlock(plain(pr.Sprintf(msgHomePending))))
		blocks = append(blocks, pendingBlocks(pr, tag, home.Pending, np)...)
		blocks = append(blocks, slackapi.NewHeaderBlock(plain(pr.Sprintf(msgHomeDrafts))))
		blocks = append(blocks, draftBlocks(pr, tag, home.Drafts, nd)...)
		blocks = append(blocks, slackapi.NewActionBlock("home_meeting", button(actionNewMeeting, "", pr.Sprintf(msgButtonNewMeeting), "")))
		blocks = append(blocks, slackapi.NewActionBlock("home_add", button(actionAdd, "", pr.Sprintf(msgButtonAdd), "")))
	}
	view := slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: blocks}}
	if err := t.api.publishHome(ctx, userID, view); err != nil {
		t.log.Error("cannot publish the app home", "user", userID, "err", err)
	}
}

// share splits room for n items between two lists of a and b items: each
// gets half, and what one does not need goes to the other.
func share(room, a, b int) (int, int) {
	room = max(room, 0)
	na := min(a, max(room/2, room-b))
	return na, min(b, room-na)
}

// pendingBlocks lists the first n registrations with Approve and Reject
// buttons, and says how many more there are, for a reader of lang (pr
// prints in it): each person's country and role in their words.
func pendingBlocks(pr *message.Printer, lang language.Tag, pending []model.Person, n int) []slackapi.Block {
	if len(pending) == 0 {
		return []slackapi.Block{section(pr.Sprintf(msgHomeNoPending))}
	}
	var blocks []slackapi.Block
	for i, p := range pending {
		if i == n {
			blocks = append(blocks, section(more(pr, len(pending)-i, msgHomePendingOne, msgHomePendingMore)))
			break
		}
		c, _ := model.CountryByCode(p.Country)
		id := strconv.FormatInt(p.ID, 10)
		value := "#" + id
		reject := button(actionReject, value, pr.Sprintf(msgButtonReject), "danger")
		reject.Confirm = confirm(pr.Sprintf(msgConfirmTitle), pr.Sprintf(msgConfirmReject, p.Name), pr.Sprintf(msgConfirmYes), pr.Sprintf(msgConfirmNo))
		blocks = append(blocks,
			section(pr.Sprintf(msgHomePendingItem, model.Clip(p.Name, maxTitleShown), i18n.JoinList(lang, []string{i18n.CountryName(lang, c.Alpha2), bot.RoleName(pr, p.Role)}))),
			slackapi.NewActionBlock("pending_"+id, button(actionApprove, value, pr.Sprintf(msgButtonApprove), "primary"), reject))
	}
	return blocks
}

// draftBlocks lists the first n planned meetings with Confirm and Skip
// buttons, and says how many more there are, for a reader of lang (pr
// prints in it).
func draftBlocks(pr *message.Printer, lang language.Tag, drafts []model.Meeting, n int) []slackapi.Block {
	if len(drafts) == 0 {
		return []slackapi.Block{section(pr.Sprintf(msgHomeNoDrafts))}
	}
	var blocks []slackapi.Block
	for i, m := range drafts {
		if i == n {
			blocks = append(blocks, section(more(pr, len(drafts)-i, msgHomeDraftsOne, msgHomeDraftsMore)))
			break
		}
		id := strconv.FormatInt(m.ID, 10)
		skip := button(actionSkip, id, pr.Sprintf(msgButtonSkip), "danger")
		skip.Confirm = confirm(pr.Sprintf(msgConfirmSkipTitle), pr.Sprintf(msgConfirmSkip, model.Identifiers([]any{m.ID, m.Title})...), pr.Sprintf(msgConfirmSkipYes), pr.Sprintf(msgConfirmSkipNo))
		blocks = append(blocks,
			section(pr.Sprintf(msgHomeDraftItem, model.Identifiers([]any{m.ID, model.Clip(m.Title, maxTitleShown), when(lang, m), m.ID})...)),
			slackapi.NewActionBlock("draft_"+id, button(actionSchedule, id, pr.Sprintf(msgButtonSchedule), "primary"), skip))
	}
	return blocks
}

// more says how many items of a list are left out.
func more(pr *message.Printer, n int, one, many string) string {
	if n == 1 {
		return pr.Sprintf(one)
	}
	return pr.Sprintf(many, n)
}

// confirm is a confirmation dialog, each text cut to Slack's limit.
func confirm(title, text, yes, no string) *slackapi.ConfirmationBlockObject {
	return slackapi.NewConfirmationBlockObject(plain(model.Clip(title, maxConfirmTitle)), plain(model.Clip(text, maxConfirmText)),
		plain(model.Clip(yes, maxConfirmWord)), plain(model.Clip(no, maxConfirmWord)))
}

// plain is a plain_text object: Slack shows it as it is, with no markup.
func plain(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, unlive(s), false, false)
}

// mrkdwn is a mrkdwn text object, escaped for Slack and cut to Slack's
// limit: only live markup stays live, and Slack is told not to make links
// or mentions of the rest (verbatim). Every mrkdwn text the bot sends is
// made here.
func mrkdwn(text string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, cut(escape(text), maxSectionText), false, true)
}

// section is a block of text, escaped for Slack and cut to Slack's limit.
func section(text string) *slackapi.SectionBlock {
	return slackapi.NewSectionBlock(mrkdwn(text), nil, nil)
}

// fallback is a message's text beside its blocks, which notifications
// show: escaped like the blocks, and cut short.
func fallback(text string) string { return cut(escape(text), maxSectionText) }

// cut cuts escaped text to at most n characters, with an ellipsis, never
// inside an escape (&lt;) or a piece of markup (<!date…>), which Slack
// would show broken.
func cut(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	r = r[:n-1]
	if i := lastIndex(r, '<'); i >= 0 && i > lastIndex(r, '>') {
		r = r[:i]
	}
	if i := lastIndex(r, '&'); i >= 0 && i > lastIndex(r, ';') {
		r = r[:i]
	}
	return string(r) + "…"
}

func lastIndex(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

func button(actionID, value, label, style string) *slackapi.ButtonBlockElement {
	b := slackapi.NewButtonBlockElement(actionID, value, plain(model.Clip(label, maxButtonText)))
	if style != "" {
		b.Style = slackapi.Style(style)
	}
	return b
}
