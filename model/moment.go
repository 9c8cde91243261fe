package model

import "time"

// Moment is an instant a domain error names, in the zone it is to be read
// in. Its String is the English form, for logs and Error; the engine that
// shows the error writes it in the reader's language instead.
type Moment struct{ time.Time }

// MomentLayout is a Moment's English form: "Sat 29 Sep 2012 10:00 EDT".
const MomentLayout = "Mon 2 Jan 2006 15:04 MST"

// String is the moment in English.
func (m Moment) String() string { return m.Format(MomentLayout) }

// Day is a calendar day a domain error names. Its String is the day as it
// is typed (2012-09-29); the engine that shows the error writes it in the
// reader's language instead.
type Day struct{ time.Time }

// String is the day as it is typed.
func (d Day) String() string { return d.Format(time.DateOnly) }
