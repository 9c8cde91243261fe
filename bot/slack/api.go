package slack

import (
	"bytes"
	"context"
	"net/http"

	slackapi "github.com/slack-go/slack"
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
	}
	// commandScope lets the app have a slash command.
	commandScope = "commands"
)
