package slack

import (
	"context"
	"sync"

	slackapi "github.com/slack-go/slack"
)

// dms wraps an api and keeps the direct-message channel opened with each
// user. A DM channel does not change, and conversations.open is the call
// Slack allows least often (tier 3, about 50 a minute, where chat.postMessage
// allows about one a second in each channel): opened once per user, it paces
// only the first message to each, not every reminder, notice and poll
// question after it. A channel that Slack no longer knows (the DM was closed
// for good, the user left) is forgotten, to be opened anew. The cache lives
// as long as the process.
type dms struct {
	api
	mu       sync.Mutex
	channels map[string]string // user ID → DM channel ID
	users    map[string]string // DM channel ID → user ID
}

// maxDMs bounds the cache; past it the cache starts afresh.
const maxDMs = 100_000

func newDMs(next api) *dms {
	return &dms{api: next, channels: map[string]string{}, users: map[string]string{}}
}

func (d *dms) openDM(ctx context.Context, userID string) (string, error) {
	d.mu.Lock()
	ch, ok := d.channels[userID]
	d.mu.Unlock()
	if ok {
		return ch, nil
	}
	ch, err := d.api.openDM(ctx, userID)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.channels) >= maxDMs {
		d.channels, d.users = map[string]string{}, map[string]string{}
	}
	d.channels[userID], d.users[ch] = ch, userID
	return ch, nil
}

func (d *dms) postMessage(ctx context.Context, channelID, threadTS, text string) error {
	return d.forgetIfGone(channelID, d.api.postMessage(ctx, channelID, threadTS, text))
}

func (d *dms) postBlocks(ctx context.Context, channelID, text string, blocks []slackapi.Block) error {
	return d.forgetIfGone(channelID, d.api.postBlocks(ctx, channelID, text, blocks))
}

func (d *dms) postTagged(ctx context.Context, channelID, text string, blocks []slackapi.Block, tag string) error {
	return d.forgetIfGone(channelID, d.api.postTagged(ctx, channelID, text, blocks, tag))
}

func (d *dms) uploadFile(ctx context.Context, channelID, name, title string, content []byte) error {
	return d.forgetIfGone(channelID, d.api.uploadFile(ctx, channelID, name, title, content))
}

// forgetIfGone forgets a DM channel that err says is gone, and returns err.
func (d *dms) forgetIfGone(channelID string, err error) error {
	if err == nil || !isSlackError(err, "channel_not_found", "is_archived") {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if user, ok := d.users[channelID]; ok {
		delete(d.channels, user)
		delete(d.users, channelID)
	}
	return err
}
