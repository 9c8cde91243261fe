package calendar_test

import (
	"fmt"
	"strings"

	"focalbot/calendar"
)

func ExampleParseReply() {
	// An answer as Outlook sends it: no ORGANIZER, MAILTO in capitals.
	ics := strings.ReplaceAll(`BEGIN:VCALENDAR
METHOD:REPLY
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VEVENT
ATTENDEE;PARTSTAT=ACCEPTED;CN=Mette Sørensen:MAILTO:Mette.Sorensen@UM.example.dk
UID:meeting-2-2012@focalbot.example.org
SEQUENCE:1
DTSTAMP:20120802T141516Z
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	r, err := calendar.ParseReply(strings.NewReader(ics), "mette.sorensen@um.example.dk")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.UID, r.Sequence, r.Attendee.Email, r.Attendee.PartStat)
	// Output: meeting-2-2012@focalbot.example.org 1 mette.sorensen@um.example.dk ACCEPTED
}
