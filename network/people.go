package network

// PeopleStore is what the people services need from storage.
type PeopleStore interface{}
