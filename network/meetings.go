package network

// MeetingStore is what the meetings services need from storage.
type MeetingStore interface{}
