package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"focalbot/bot"
	"focalbot/i18n"
	"focalbot/model"
)

// Callback IDs of the modals, and the block IDs of their fields (which are
// also the keys of field errors).
const (
	modalRegister = "register"
	modalProfile  = "profile"
	modalAdd      = "add"
	modalMeeting  = "meeting"

	fieldCountry  = "country"
	fieldName     = "name"
	fieldEmail    = "email"
	fieldTitle    = "title"
	fieldMinistry = "ministry"
	fieldPhone    = "phone"
	fieldZone     = "tz"
	fieldRole     = "role"

	fieldMeetingTitle = "meeting_title"
	fieldDate         = "date"
	fieldStart        = "start"
	fieldEnd          = "end"
	fieldVenue        = "venue"
	fieldAddress      = "address"
	fieldHosts        = "hosts"
	fieldAgenda       = "agenda"
)

// submitTimeout bounds the engine's work on a modal submission, which Slack
// needs answered within three seconds.
const submitTimeout = 2 * time.Second

// language is a Slack user's language: their profile's, else their Slack
// locale, else the network's (i18n.Reader).
func (t *Transport) language(ctx context.Context, userID string) language.Tag {
	caller := t.users.caller(ctx, userID)
	lang := caller.Locale
	if hs, ok := t.handler.(homeSource); ok {
		if home, err := hs.Home(ctx, caller); err == nil && home.Person != nil && home.Person.Language != "" {
			lang = home.Person.Language
		}
	}
	return i18n.Reader(lang)
}

// modal builds the modal a button opens, filled in from what is known of
// the caller.
func (t *Transport) modal(ctx context.Context, action, userID string) (slackapi.ModalViewRequest, bool) {
	caller := t.users.caller(ctx, userID)
	var me *model.Person
	if hs, ok := t.handler.(homeSource); ok {
		if home, err := hs.Home(ctx, caller); err == nil {
			me = home.Person
		}
	}
	lang := caller.Locale
	if me != nil && me.Language != "" {
		lang = me.Language
	}
	tag := i18n.Reader(lang)
	pr := i18n.Printer(tag)
	switch action {
	case actionRegister:
		return modalView(pr, modalRegister, msgModalRegister,
			countryInput(pr, tag, ""),
			textInput(pr, fieldName, msgFieldName, caller.Name, "", false),
			textInput(pr, fieldTitle, msgFieldTitle, "", "", true),
			textInput(pr, fieldMinistry, msgFieldMinistry, "", "", true),
			roleInput(pr, false),
		), true
	case actionProfile:
		if me == nil {
			return slackapi.ModalViewRequest{}, false
		}
		return modalView(pr, modalProfile, msgModalProfile,
			textInput(pr, fieldName, msgFieldName, me.Name, "", false),
			textInput(pr, fieldTitle, msgFieldTitle, me.Title, "", true),
			textInput(pr, fieldMinistry, msgFieldMinistry, me.Organisation, "", true),
			textInput(pr, fieldPhone, msgFieldPhone, me.Phone, msgHintPhone, true),
			textInput(pr, fieldZone, msgFieldZone, firstOf(me.TimeZone, caller.TimeZone), msgHintZone, true),
		), true
	case actionNewMeeting:
		return modalView(pr, modalMeeting, msgModalMeeting,
			textInput(pr, fieldMeetingTitle, msgFieldMeetingTitle, "", "", false),
			dateInput(pr, fieldDate, msgFieldDate),
			timeInput(pr, fieldStart, msgFieldStart, "10:00", false),
			timeInput(pr, fieldEnd, msgFieldEnd, "", true),
			textInput(pr, fieldZone, msgFieldMeetingZone, caller.TimeZone, msgHintZone, false),
			textInput(pr, fieldVenue, msgFieldVenue, "", "", false),
			textInput(pr, fieldAddress, msgFieldAddress, "", "", true),
			textInput(pr, fieldHosts, msgFieldHosts, "", msgHintHosts, true),
			multilineInput(pr, fieldAgenda, msgFieldAgenda),
		), true
	case actionAdd:
		return modalView(pr, modalAdd, msgModalAdd,
			textInput(pr, fieldEmail, msgFieldEmail, "", "", false),
			textInput(pr, fieldName, msgFieldName, "", "", false),
			countryInput(pr, tag, ""),
			roleInput(pr, true),
			textInput(pr, fieldTitle, msgFieldTitle, "", "", true),
			textInput(pr, fieldMinistry, msgFieldMinistry, "", "", true),
		), true
	}
	return slackapi.ModalViewRequest{}, false
}

// modalView is a modal with its title and buttons in pr's language.
func modalView(pr *message.Printer, callbackID, title string, blocks ...slackapi.Block) slackapi.ModalViewRequest {
	return slackapi.ModalViewRequest{
		Type: slackapi.VTModal, CallbackID: callbackID, Title: plain(pr.Sprintf(title)),
		Submit: plain(pr.Sprintf(msgModalSubmit)), Close: plain(pr.Sprintf(msgModalCancel)),
		Blocks: slackapi.Blocks{BlockSet: blocks},
	}
}

// textInput is a text field, its label and hint (messages of the catalog)
// in pr's language.
func textInput(pr *message.Printer, id, label, initial, hint string, optional bool) *slackapi.InputBlock {
	el := slackapi.NewPlainTextInputBlockElement(nil, id)
	el.InitialValue = initial
	var h *slackapi.TextBlockObject
	if hint != "" {
		h = plain(pr.Sprintf(hint))
	}
	b := slackapi.NewInputBlock(id, plain(pr.Sprintf(label)), h, el)
	b.Optional = optional
	return b
}

// dateInput is a date picker: Slack returns the day chosen as YYYY-MM-DD.
func dateInput(pr *message.Printer, id, label string) *slackapi.InputBlock {
	return slackapi.NewInputBlock(id, plain(pr.Sprintf(label)), nil, slackapi.NewDatePickerBlockElement(id))
}

// timeInput is a time picker: Slack returns the time chosen as HH:mm.
func timeInput(pr *message.Printer, id, label, initial string, optional bool) *slackapi.InputBlock {
	el := slackapi.NewTimePickerBlockElement(id)
	el.InitialTime = initial
	b := slackapi.NewInputBlock(id, plain(pr.Sprintf(label)), nil, el)
	b.Optional = optional
	return b
}

func multilineInput(pr *message.Printer, id, label string) *slackapi.InputBlock {
	el := slackapi.NewPlainTextInputBlockElement(nil, id)
	el.Multiline = true
	b := slackapi.NewInputBlock(id, plain(pr.Sprintf(label)), nil, el)
	b.Optional = true
	return b
}

// countryInput is a select of every country, grouped by regional group
// (a group of at most 100 options, as Slack allows).
func countryInput(pr *message.Printer, lang language.Tag, initial string) *slackapi.InputBlock {
	groups := map[model.Group][]*slackapi.OptionBlockObject{}
	var groupOrder []model.Group
	for _, c := range model.Countries() {
		if _, ok := groups[c.Group]; !ok {
			groupOrder = append(groupOrder, c.Group)
		}
		groups[c.Group] = append(groups[c.Group], slackapi.NewOptionBlockObject(c.Alpha2, plain(i18n.CountryName(lang, c.Alpha2)), nil))
	}
	// Each group in the order of its names in the reader's language, as
	// they are shown ("Allemagne" among the A in French).
	order := collate.New(lang)
	var og []*slackapi.OptionGroupBlockObject
	for _, g := range groupOrder {
		opts := groups[g]
		slices.SortStableFunc(opts, func(a, b *slackapi.OptionBlockObject) int { return order.CompareString(a.Text.Text, b.Text.Text) })
		og = append(og, slackapi.NewOptionGroupBlockElement(plain(groupLabel(pr, g)), opts...))
	}
	el := slackapi.NewOptionsGroupSelectBlockElement(slackapi.OptTypeStatic, plain(pr.Sprintf(msgChooseCountry)), fieldCountry, og...)
	return slackapi.NewInputBlock(fieldCountry, plain(pr.Sprintf(msgFieldCountry)), nil, el)
}

// groupLabel is a regional group's name in pr's language, "—" for the
// countries of none (observers).
func groupLabel(pr *message.Printer, g model.Group) string {
	if g == "" {
		return "—"
	}
	return bot.GroupName(pr, g)
}

func roleInput(pr *message.Printer, all bool) *slackapi.InputBlock {
	opts := []*slackapi.OptionBlockObject{
		slackapi.NewOptionBlockObject(string(model.RoleFocalPoint), plain(pr.Sprintf(msgRoleFocalPoint)), nil),
		slackapi.NewOptionBlockObject(string(model.RoleAlternate), plain(pr.Sprintf(msgRoleAlternate)), nil),
	}
	if all {
		opts = append(opts,
			slackapi.NewOptionBlockObject(string(model.RoleSecretariat), plain(pr.Sprintf(msgRoleSecretariat)), nil),
			slackapi.NewOptionBlockObject(string(model.RoleObserver), plain(pr.Sprintf(msgRoleObserver)), nil))
	}
	el := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, nil, fieldRole, opts...)
	el.InitialOption = opts[0]
	return slackapi.NewInputBlock(fieldRole, plain(pr.Sprintf(msgFieldRole)), nil, el)
}

// form is a modal's submitted values by block ID.
type form map[string]string

func formOf(v slackapi.View) form {
	f := form{}
	for block, actions := range v.State.Values {
		for _, a := range actions {
			switch {
			case a.SelectedOption.Value != "":
				f[block] = a.SelectedOption.Value
			case a.SelectedDate != "":
				f[block] = a.SelectedDate
			case a.SelectedTime != "":
				f[block] = a.SelectedTime
			default:
				f[block] = strings.TrimSpace(a.Value)
			}
		}
	}
	return f
}

// check returns what is wrong with the fields of a modal, by block ID.
func (f form) check(required ...string) map[string]string {
	errs := map[string]string{}
	for _, id := range required {
		if f[id] == "" {
			errs[id] = msgErrorRequired
		}
	}
	if v := f[fieldEmail]; v != "" && model.ValidateEmail(model.NormalizeEmail(v)) != nil {
		errs[fieldEmail] = msgErrorBadEmail
	}
	if v := f[fieldPhone]; v != "" && model.ValidatePhone(v) != nil {
		errs[fieldPhone] = msgErrorBadPhone
	}
	if v := f[fieldZone]; v != "" {
		if _, err := model.LoadZone(v); err != nil {
			errs[fieldZone] = msgErrorBadZone
		}
	}
	return errs
}

// required lists the fields a modal cannot do without.
var required = map[string][]string{
	modalRegister: {fieldCountry, fieldName},
	modalAdd:      {fieldEmail, fieldName, fieldCountry},
	modalProfile:  {fieldName},
	modalMeeting:  {fieldMeetingTitle, fieldDate, fieldStart, fieldZone, fieldVenue},
	modalDelegate: {fieldEmail, fieldName},
}

// submitModal answers a modal submission in the ack itself, as Slack
// requires: field errors keep the modal open; otherwise the engine's answer
// goes to the caller's direct messages and their App Home is refreshed.
func (t *Transport) submitModal(ctx context.Context, cb slackapi.InteractionCallback) *slackapi.ViewSubmissionResponse {
	f := formOf(cb.View)
	id := cb.View.CallbackID
	if errs := f.check(required[id]...); len(errs) > 0 {
		pr := i18n.Printer(t.language(ctx, cb.User.ID))
		for k, v := range errs {
			errs[k] = pr.Sprintf(v)
		}
		return slackapi.NewErrorsViewSubmissionResponse(errs)
	}
	ctx, cancel := context.WithTimeout(ctx, submitTimeout)
	defer cancel()
	if resp, ok := t.submitPerson(ctx, cb, f); ok {
		return resp
	}
	if id == modalDelegate {
		answer, errs := t.submitDelegate(ctx, cb, f)
		if errs != nil {
			return slackapi.NewErrorsViewSubmissionResponse(errs)
		}
		t.submit(job{what: "modal answer", run: func(ctx context.Context) { t.dm(ctx, cb.User.ID, answer) }})
		return nil
	}
	if id == modalMeeting {
		answer, errs := t.submitMeeting(ctx, cb.User.ID, f)
		if errs != nil {
			return slackapi.NewErrorsViewSubmissionResponse(errs)
		}
		t.submit(job{what: "modal answer", run: func(ctx context.Context) {
			t.dm(ctx, cb.User.ID, answer)
			t.publishHome(ctx, cb.User.ID)
		}})
	}
	return nil
}

// dm posts text to a user's direct messages with the bot, logging a failure.
func (t *Transport) dm(ctx context.Context, userID, text string) {
	if err := t.DirectMessage(ctx, userID, text); err != nil {
		t.log.Error("cannot send a direct message", "user", userID, "err", err)
	}
}

// DirectMessage posts text to a user's direct messages with the bot, paced
// within Slack's rate limits and retried as they allow; for senders such as
// the outbox's. The text is escaped for Slack, except markup marked live
// (the bot's own dates and mentions). It returns Slack's error when retries ran out or Slack
// refused (an unknown user, say).
func (t *Transport) DirectMessage(ctx context.Context, userID, text string) error {
	ch, err := t.api.openDM(ctx, userID)
	if err != nil {
		return fmt.Errorf("open a direct message with %s: %w", userID, err)
	}
	for _, part := range split(escape(text), maxMessage) {
		if err := t.api.postMessage(ctx, ch, "", part); err != nil {
			return fmt.Errorf("post a direct message to %s: %w", userID, err)
		}
	}
	return nil
}
