package model

// PeopleFilter selects people from the roster; an empty field means "any".
type PeopleFilter struct {
	Countries []string // alpha-2 codes
	Roles     []Role
	Statuses  []Status
}

// AuditFilter selects audit entries; Limit 0 means the store's default.
type AuditFilter struct {
	Subject string // e.g. "person:12"
	Country string // alpha-2 code
	Limit   int
}
