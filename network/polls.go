package network

// PollStore is what the polls services need from storage.
type PollStore interface{}
