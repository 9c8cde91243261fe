package slack

import (
	"context"
	"fmt"
	"strconv"

	slackapi "github.com/slack-go/slack"

	"focalbot/bot"
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
	actionSchedule   = "meeting_schedule" // value: a draft meeting's number; runs the engine's meeting schedule
	actionSkip       = "meeting_cancel"   // value: a draft meeting's number; runs the engine's meeting cancel
)

// Block Kit limits that slack-go does not check.
const (
	maxSectionText  = 3000
	maxPendingShown = 20 // two blocks each, well within 100 blocks a view
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
	answer := func(command string) string {
		return t.handler.Handle(ctx, caller, command).Text()
	}
	blocks := []slackapi.Block{
		slackapi.NewHeaderBlock(plain(msgHomeTitle)),
		section(msgHomeIntro),
	}
	if home.Person == nil {
		blocks = append(blocks, section(msgHomeNotOnRoster),
			slackapi.NewActionBlock("home_register", button(actionRegister, "", msgButtonRegister, "primary")))
	} else {
		blocks = append(blocks, slackapi.NewDividerBlock(),
			slackapi.NewHeaderBlock(plain(msgHomeProfile)), section(answer("me")),
			slackapi.NewActionBlock("home_profile", button(actionProfile, "", msgButtonEdit, "")))
		if home.Person.Country != "" {
			blocks = append(blocks, slackapi.NewHeaderBlock(plain(msgHomeCountry)),
				section(answer("country "+home.Person.Country)))
		}
		blocks = append(blocks, slackapi.NewHeaderBlock(plain(msgHomeNext)), section(answer("next")))
	}
	if home.Secretariat {
		blocks = append(blocks, slackapi.NewDividerBlock(),
			slackapi.NewHeaderBlock(plain(msgHomeCoverage)), section(answer("coverage")),
			slackapi.NewHeaderBlock(plain(msgHomePending)))
		blocks = append(blocks, pendingBlocks(home.Pending)...)
		blocks = append(blocks, slackapi.NewHeaderBlock(plain(msgHomeDrafts)))
		blocks = append(blocks, draftBlocks(home.Drafts)...)
		blocks = append(blocks, slackapi.NewActionBlock("home_meeting", button(actionNewMeeting, "", msgButtonNewMeeting, "")))
		blocks = append(blocks, slackapi.NewActionBlock("home_add", button(actionAdd, "", msgButtonAdd, "")))
	}
	view := slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: blocks}}
	if err := t.api.publishHome(ctx, userID, view); err != nil {
		t.log.Error("cannot publish the app home", "user", userID, "err", err)
	}
}

// pendingBlocks lists registrations with Approve and Reject buttons.
func pendingBlocks(pending []model.Person) []slackapi.Block {
	if len(pending) == 0 {
		return []slackapi.Block{section(msgHomeNoPending)}
	}
	var blocks []slackapi.Block
	for i, p := range pending {
		if i == maxPendingShown {
			blocks = append(blocks, section(fmt.Sprintf(msgHomePendingMore, len(pending)-i)))
			break
		}
		c, _ := model.CountryByCode(p.Country)
		id := strconv.FormatInt(p.ID, 10)
		value := "#" + id
		reject := button(actionReject, value, msgButtonReject, "danger")
		reject.Confirm = slackapi.NewConfirmationBlockObject(plain(msgConfirmTitle),
			plain(fmt.Sprintf(msgConfirmReject, p.Name)), plain(msgConfirmYes), plain(msgConfirmNo))
		blocks = append(blocks,
			section(fmt.Sprintf(msgHomePendingItem, p.Name, c.Name, p.Role)),
			slackapi.NewActionBlock("pending_"+id, button(actionApprove, value, msgButtonApprove, "primary"), reject))
	}
	return blocks
}

// draftBlocks lists planned meetings with Confirm and Skip buttons.
func draftBlocks(drafts []model.Meeting) []slackapi.Block {
	if len(drafts) == 0 {
		return []slackapi.Block{section(msgHomeNoDrafts)}
	}
	var blocks []slackapi.Block
	for i, m := range drafts {
		if i == maxPendingShown {
			break
		}
		id := strconv.FormatInt(m.ID, 10)
		skip := button(actionSkip, id, msgButtonSkip, "danger")
		skip.Confirm = slackapi.NewConfirmationBlockObject(plain(msgConfirmTitle),
			plain(fmt.Sprintf(msgConfirmSkip, m.Title)), plain(msgConfirmYes), plain(msgConfirmNo))
		blocks = append(blocks,
			section(fmt.Sprintf(msgHomeDraftItem, m.ID, m.Title, when(m), m.ID)),
			slackapi.NewActionBlock("draft_"+id, button(actionSchedule, id, msgButtonSchedule, "primary"), skip))
	}
	return blocks
}

func plain(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, false, false)
}

// section is a block of text, escaped for Slack and cut to Slack's limit.
func section(text string) *slackapi.SectionBlock {
	text = escape(text)
	if r := []rune(text); len(r) > maxSectionText {
		text = string(r[:maxSectionText-1]) + "…"
	}
	return slackapi.NewSectionBlock(slackapi.NewTextBlockObject(slackapi.MarkdownType, text, false, true), nil, nil)
}

func button(actionID, value, label, style string) *slackapi.ButtonBlockElement {
	b := slackapi.NewButtonBlockElement(actionID, value, plain(label))
	if style != "" {
		b.Style = slackapi.Style(style)
	}
	return b
}
