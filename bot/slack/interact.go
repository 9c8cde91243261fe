package slack

import (
	slackapi "github.com/slack-go/slack"
)

// interact handles a button click or modal submission: anything slow is
// queued, and the returned value, if any, is the body of the ack.
func (t *Transport) interact(cb slackapi.InteractionCallback) any {
	return nil
}
