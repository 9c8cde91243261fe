package web

import (
	"testing"
	"time"

	"focalbot/i18n"
	"focalbot/model"
)

// TestMessageInReaderLanguage: a page writes a domain error in its
// reader's language, with a mistake it quotes and the moment that mistake
// names in that language too, and an identifier as plain digits.
func TestMessageInReaderLanguage(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	inner := model.Errorf(model.ECONFLICT, "Meeting %d ended on %s: nobody can be invited to it any more.",
		int64(1422), model.Moment{Time: time.Date(2012, 9, 29, 17, 0, 0, 0, ny)})
	err := model.Errorf(model.EINVALID, "Line %d: %s", 2, inner)
	for _, c := range []struct {
		rd   reader
		want string
	}{
		{readerIn(i18n.English), "Line 2: Meeting 1422 ended on Sat 29 Sep 2012 17:00 EDT: nobody can be invited to it any more."},
		{readerIn(i18n.French), "Ligne 2 : La réunion 1422 s'est terminée le samedi 29 septembre 2012, 17:00 EDT : personne ne peut plus y être invité."},
	} {
		if got := c.rd.message(err); got != c.want {
			t.Errorf("%s: %q, want %q", c.rd.tag, got, c.want)
		}
	}
}
