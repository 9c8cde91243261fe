package model

import "time"

// InboxItem is a request from a chat service that was accepted and
// acknowledged but may not be handled yet: an event, a slash command, a
// button click. It is written before the acknowledgement, in the same
// statement that records its Key for deduplication (such as
// "event:Ev0123"), so that what was acknowledged is handled even if the
// process dies first. Kind says how Payload (the request as received)
// reads.
type InboxItem struct {
	Key        string
	Kind       string
	Payload    string
	ReceivedAt time.Time
	Attempts   int // times it was claimed for handling, this one included
}
