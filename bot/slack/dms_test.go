package slack

import (
	"context"
	"testing"

	slackapi "github.com/slack-go/slack"
)

// countingAPI counts conversations.open calls and fails posts to the
// channels in gone as Slack does for a DM that is no more.
type countingAPI struct {
	api
	opens int
	gone  map[string]bool
}

func (c *countingAPI) openDM(_ context.Context, userID string) (string, error) {
	c.opens++
	return "D" + userID, nil
}

func (c *countingAPI) postMessage(_ context.Context, channelID, _, _ string) error {
	if c.gone[channelID] {
		return slackapi.SlackErrorResponse{Err: "channel_not_found"}
	}
	return nil
}

// TestDMChannelsAreOpenedOnce: messages to one user open their DM once;
// a DM Slack no longer knows is opened again.
func TestDMChannelsAreOpenedOnce(t *testing.T) {
	ctx := context.Background()
	next := &countingAPI{gone: map[string]bool{}}
	d := newDMs(next)
	for range 3 {
		for _, u := range []string{"U1", "U2"} {
			ch, err := d.openDM(ctx, u)
			if err != nil || ch != "D"+u {
				t.Fatalf("openDM(%s) = %q, %v", u, ch, err)
			}
			if err := d.postMessage(ctx, ch, "", "hello"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if next.opens != 2 {
		t.Errorf("conversations.open called %d times for 2 users, want 2", next.opens)
	}
	next.gone["DU1"] = true
	if err := d.postMessage(ctx, "DU1", "", "hello"); err == nil {
		t.Fatal("a post to a closed DM succeeded")
	}
	delete(next.gone, "DU1")
	if _, err := d.openDM(ctx, "U1"); err != nil || next.opens != 3 {
		t.Errorf("after channel_not_found: %d opens, %v; want the DM opened again", next.opens, err)
	}
	if _, err := d.openDM(ctx, "U2"); err != nil || next.opens != 3 {
		t.Errorf("U2's DM was forgotten too: %d opens", next.opens)
	}
}
