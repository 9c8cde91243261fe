package slack

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"time"

	slackapi "github.com/slack-go/slack"

	"focalbot/model"
)

// api is all the transport asks of Slack's Web API. It hides slack-go, so
// that the rest of the package deals in plain values, and the throttle can
// wrap every call.
type api interface {
	// authTest returns the bot's own user ID.
	authTest(ctx context.Context) (botUserID string, err error)
	// userInfo returns a user's profile: e-mail, name, time zone.
	userInfo(ctx context.Context, userID string) (*slackapi.User, error)
	// openDM returns the ID of the direct-message channel with a user.
	openDM(ctx context.Context, userID string) (channelID string, err error)
	// postMessage posts text to a channel, in a thread when threadTS is set.
	postMessage(ctx context.Context, channelID, threadTS, text string) error
	// postBlocks posts a Block Kit message, with text as its notification
	// and fallback.
	postBlocks(ctx context.Context, channelID, text string, blocks []slackapi.Block) error
	// postTagged posts a Block Kit message whose metadata carries tag (see
	// metadataType), so that it can be found again.
	postTagged(ctx context.Context, channelID, text string, blocks []slackapi.Block, tag string) error
	// findTagged reports whether one of a channel's latest messages posted
	// since since carries tag (conversations.history).
	findTagged(ctx context.Context, channelID, tag string, since time.Time) (bool, error)
	// uploadFile shares a file in a channel (files.getUploadURLExternal,
	// the upload, files.completeUploadExternal).
	uploadFile(ctx context.Context, channelID, name, title string, content []byte) error
	// respond answers a slash command or an interaction through its response_url.
	respond(ctx context.Context, responseURL string, msg *slackapi.WebhookMessage) error
	// publishHome shows a user their App Home tab.
	publishHome(ctx context.Context, userID string, view slackapi.HomeTabViewRequest) error
	// openModal opens a modal in answer to an interaction's trigger_id.
	openModal(ctx context.Context, triggerID string, view slackapi.ModalViewRequest) error
}

// webAPI is api over slack-go's client.
type webAPI struct {
	client *slackapi.Client
	http   *http.Client
}

func newWebAPI(botToken, apiURL string, hc *http.Client) *webAPI {
	opts := []slackapi.Option{slackapi.OptionHTTPClient(hc)}
	if apiURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(apiURL))
	}
	return &webAPI{client: slackapi.New(botToken, opts...), http: hc}
}

func (a *webAPI) authTest(ctx context.Context) (string, error) {
	r, err := a.client.AuthTestContext(ctx)
	if err != nil {
		return "", err
	}
	return r.UserID, nil
}

func (a *webAPI) userInfo(ctx context.Context, userID string) (*slackapi.User, error) {
	return a.client.GetUserInfoContext(ctx, userID)
}

func (a *webAPI) openDM(ctx context.Context, userID string) (string, error) {
	ch, _, _, err := a.client.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{userID}})
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

func (a *webAPI) postMessage(ctx context.Context, channelID, threadTS, text string) error {
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(text, false)}
	if threadTS != "" {
		opts = append(opts, slackapi.MsgOptionTS(threadTS))
	}
	_, _, err := a.client.PostMessageContext(ctx, channelID, opts...)
	return err
}

func (a *webAPI) postBlocks(ctx context.Context, channelID, text string, blocks []slackapi.Block) error {
	_, _, err := a.client.PostMessageContext(ctx, channelID, slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...))
	return err
}

// metadataType is the event_type of the metadata of the messages the bot
// tags with an outbox key; metadataKey holds the key in its payload.
const (
	metadataType = "focalbot_outbox_item"
	metadataKey  = "key"
)

// historyWindow is how many of a channel's latest messages findTagged reads.
const historyWindow = 100

func (a *webAPI) postTagged(ctx context.Context, channelID, text string, blocks []slackapi.Block, tag string) error {
	_, _, err := a.client.PostMessageContext(ctx, channelID, slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...),
		slackapi.MsgOptionMetadata(slackapi.SlackMetadata{EventType: metadataType, EventPayload: map[string]any{metadataKey: tag}}))
	return err
}

func (a *webAPI) findTagged(ctx context.Context, channelID, tag string, since time.Time) (bool, error) {
	r, err := a.client.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: channelID,
		Oldest: strconv.FormatInt(since.Unix(), 10), Limit: historyWindow, IncludeAllMetadata: true})
	if err != nil {
		return false, err
	}
	for _, m := range r.Messages {
		if m.Metadata.EventType == metadataType && m.Metadata.EventPayload[metadataKey] == tag {
			return true, nil
		}
	}
	return false, nil
}

func (a *webAPI) uploadFile(ctx context.Context, channelID, name, title string, content []byte) error {
	_, err := a.client.UploadFileContext(ctx, slackapi.UploadFileParameters{Channel: channelID, Filename: name, Title: title,
		FileSize: len(content), Reader: bytes.NewReader(content)})
	return err
}

func (a *webAPI) respond(ctx context.Context, responseURL string, msg *slackapi.WebhookMessage) error {
	return slackapi.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, msg)
}

func (a *webAPI) publishHome(ctx context.Context, userID string, view slackapi.HomeTabViewRequest) error {
	_, err := a.client.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: userID, View: view})
	return err
}

func (a *webAPI) openModal(ctx context.Context, triggerID string, view slackapi.ModalViewRequest) error {
	_, err := a.client.OpenViewContext(ctx, triggerID, view)
	return err
}

// SlashCommand is the app's slash command, as declared in slack/manifest.yaml.
const SlashCommand = "/focal"

// The bot token scopes the transport needs, and why; slack/manifest.yaml
// must ask for exactly these (its test checks).
var (
	// methodScopes: what each Web API method called needs.
	methodScopes = map[string][]string{
		"auth.test":          nil,
		"users.info":         {"users:read", "users:read.email"},
		"conversations.open": {"im:write"},
		"chat.postMessage":   {"chat:write"},
		// conversations.history: is a message the bot may have posted in a
		// direct message there already (before posting it again)?
		"conversations.history": {"im:history"},
		// files.getUploadURLExternal and files.completeUploadExternal: the
		// .ics file of an invitation.
		"files.getUploadURLExternal":   {"files:write"},
		"files.completeUploadExternal": {"files:write"},
		"views.publish":                nil,
		"views.open":                   nil,
	}
	// eventScopes: the events handled, and what receiving each needs.
	eventScopes = map[string][]string{
		"message.im":      {"im:history"},
		"app_mention":     {"app_mentions:read"},
		"app_home_opened": nil,
		// Slack's word that the bot's token no longer works: the app was
		// uninstalled, or its tokens revoked.
		"tokens_revoked":  nil,
		"app_uninstalled": nil,
	}
	// commandScope lets the app have a slash command.
	commandScope = "commands"
)

// postOnce posts an outbox item's message tagged with the item's key. An
// item tried before may have been posted although the try failed (the
// connection broke after Slack had it): it is looked for in the channel
// first, and not posted again if it is there. Within one try, the throttle
// does the same before each retry.
func (t *Transport) postOnce(ctx context.Context, channelID string, it model.OutboxItem, text string, blocks []slackapi.Block) error {
	if it.Attempts > 0 {
		found, err := t.api.findTagged(ctx, channelID, it.Key, it.CreatedAt.Add(-time.Minute))
		switch {
		case err == nil && found:
			t.log.Info("an earlier try had posted the message; not posting it again", "key", it.Key)
			return nil
		case err != nil && transient(err):
			return err // try again later, rather than risk a second copy
		case err != nil:
			t.log.Warn("cannot look for an earlier copy of a message; posting it", "key", it.Key, "err", err)
		}
	}
	return t.api.postTagged(ctx, channelID, text, blocks, it.Key)
}
