package delivery

import (
	"time"

	"focalbot/calendar"
	"focalbot/i18n"
	"focalbot/model"

	"golang.org/x/text/language"
)

// Summary is one meeting as a reader is shown it, built once and rendered
// by each channel: chat text (package bot), Slack blocks (bot/slack) and
// e-mail (this package's templates). Its texts are in the reader's
// language: the meeting's own title and agenda where the secretariat gave
// them in it, dates as CLDR writes them, hosts by their names there.
type Summary struct {
	ID     int64
	Lang   language.Tag
	Title  string
	Agenda string
	Status model.MeetingStatus
	// VenueSpan is the span in the venue's zone, VenueZone that zone;
	// ReaderSpan and ReaderZone the same in the reader's zone, empty when
	// the reader's clocks show the same times (or their zone is unknown).
	VenueSpan, VenueZone   string
	ReaderSpan, ReaderZone string
	Where                  string // venue and address, or the online link when it has neither
	Venue                  string // venue and address only
	Online                 string
	Hosts                  string // the host countries' names, listed as the language lists
	Organiser              string
}

// Summarize is meeting m for a reader whose language is lang and whose zone
// is reader (nil when unknown).
func Summarize(m model.Meeting, lang language.Tag, reader *time.Location) Summary {
	lang = i18n.Match(lang.String())
	venue := m.Location()
	s := Summary{ID: m.ID, Lang: lang, Title: m.TitleIn(lang.String()), Agenda: m.AgendaIn(lang.String()), Status: m.Status,
		VenueSpan: SpanIn(lang, m.Start.In(venue), m.End.In(venue)), VenueZone: venue.String(),
		Where: calendar.Location(m), Online: m.OnlineURL, Hosts: i18n.CountryNames(lang, m.Hosts), Organiser: m.Organiser}
	if m.Venue != "" || m.Address != "" {
		s.Venue = s.Where
	}
	if reader != nil && reader.String() != venue.String() && !SameClocks(m.Start, m.End, venue, reader) {
		s.ReaderSpan, s.ReaderZone = SpanIn(lang, m.Start.In(reader), m.End.In(reader)), reader.String()
	}
	return s
}
