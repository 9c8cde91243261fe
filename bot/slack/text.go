package slack

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"focalbot/i18n"

	"golang.org/x/text/language"
)

// slackToken matches Slack's markup in message text: <@U123>, <@U123|name>,
// <#C123|general>, <!here>, <mailto:a@b.org|a@b.org>, <https://…|label>.
var slackToken = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

// quotes maps the typographic quotes that Slack clients put in place of
// straight ones to the straight quotes the command parser understands.
var quotes = strings.NewReplacer("“", `"`, "”", `"`, "„", `"`, "‘", "'", "’", "'")

// normalize turns the text of a Slack message into a command line: mentions
// of the bot are dropped, other markup becomes what the user typed (a
// mention of someone else stays a mention, which the engine takes as a
// person), and Slack's HTML escapes are undone.
func normalize(text, botUserID string) string {
	text = slackToken.ReplaceAllStringFunc(text, func(tok string) string {
		m := slackToken.FindStringSubmatch(tok)
		target, label := m[1], m[2]
		switch {
		case strings.HasPrefix(target, "@"):
			if botUserID != "" && target[1:] == botUserID {
				return ""
			}
			return "<" + target + ">"
		case strings.HasPrefix(target, "#"):
			if label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			return "@" + strings.TrimPrefix(target, "!")
		case strings.HasPrefix(target, "mailto:"):
			return strings.TrimPrefix(target, "mailto:")
		case label != "":
			return label
		}
		return target
	})
	text = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)
	return strings.TrimSpace(quotes.Replace(text))
}

// Text that goes out to Slack is escaped: escape is the one way text becomes
// Slack's markup (mrkdwn), for messages, their fallback text and every
// mrkdwn text object of a block. &, < and > are escaped as Slack requires,
// so that no name, title or agenda, and nothing else that came from a user,
// can mention anyone, link anywhere or ping a channel, whatever it holds.
// Only markup the bot builds itself stays live: live marks it with a key of
// this process that no stored or typed text can carry, and escape unwraps it.
const (
	liveOpen  = '\uFDD0' // Unicode noncharacters, for a program's own use
	liveClose = '\uFDD1'
)

// liveKey opens a live piece of markup; it is random, so that no text
// written before can hold it.
var liveKey = func() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return string(liveOpen) + hex.EncodeToString(b)
}()

// live marks markup that the bot itself built — a date token, a mention of
// a user by ID — to stay live through escape. Never give it text that came
// from a user.
func live(markup string) string {
	return liveKey + strings.Map(dropMarks, markup) + string(liveClose)
}

// escape makes text safe to post: &, < and > are escaped as Slack requires,
// except in the markup marked by live, so that "<country>" in the help and
// "<!channel>" in a title show as typed and only the bot's own mentions and
// dates are live. Stray marks are dropped.
func escape(text string) string {
	return mapLive(text, escapeChars.Replace, same)
}

// unlive is text for where Slack shows plain text (a modal's field error):
// a live date shows its fallback, other live markup as it is, and no mark
// is left.
func unlive(text string) string {
	return mapLive(text, same, func(markup string) string { return dateFallback.ReplaceAllString(markup, "$1") })
}

// mapLive rewrites text piece by piece: plain rewrites what lies outside
// the marks of live (stray marks dropped first), markup what lies inside.
func mapLive(text string, plain, markup func(string) string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, liveKey)
		if i < 0 {
			break
		}
		j := strings.IndexRune(text[i:], liveClose)
		if j < 0 {
			break
		}
		b.WriteString(plain(strings.Map(dropMarks, text[:i])))
		b.WriteString(markup(text[i+len(liveKey) : i+j]))
		text = text[i+j+len(string(liveClose)):]
	}
	b.WriteString(plain(strings.Map(dropMarks, text)))
	return b.String()
}

func same(s string) string { return s }

// dateFallback matches a date token and keeps its fallback.
var dateFallback = regexp.MustCompile(`<!date\^[^<>|]*\|([^<>]*)>`)

func dropMarks(r rune) rune {
	if r == liveOpen || r == liveClose {
		return -1
	}
	return r
}

var escapeChars = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// liveSpan is span, kept live; it is how the engine shows meeting times to
// Slack callers (bot.Caller.Span), in the caller's language.
func liveSpan(lang language.Tag, start, end time.Time, venue *time.Location) string {
	return live(span(lang, start, end, venue))
}

// liveMention is a mention of a Slack user by ID, kept live; it is how the
// engine mentions people to Slack callers (bot.Caller.Mention). Anything
// that is not a user ID is shown as typed.
func liveMention(userID string) string {
	if !userIDPattern.MatchString(userID) {
		return userID
	}
	return live("<@" + userID + ">")
}

var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

// DateToken shows a time in Slack so that each reader sees it in their own
// time zone ("Saturday, September 29th, 2012 at 10:00 AM"); clients that
// cannot render it show the fallback, the time in the venue's zone with its
// abbreviation at that time and the zone's name, so that a time in the hour
// the clocks repeat says which one it is. Both are in the reader's
// language lang: the words around Slack's date (msgDateAtTime) from the
// catalog, the fallback as CLDR writes a date and time there ("samedi 29
// septembre 2012, 10:00 EDT"); English keeps its own long form.
func DateToken(lang language.Tag, at time.Time, venue *time.Location) string {
	local := at.In(venue)
	fallback := local.Format("Monday 2 January 2006, 15:04 MST")
	if i18n.Match(lang.String()) != i18n.English {
		fallback = i18n.DateTime(lang, local) + " " + local.Format("MST")
	}
	if name, _ := local.Zone(); name != venue.String() {
		fallback += " (" + venue.String() + ")"
	}
	return dateToken(at, i18n.Printer(lang).Sprintf(msgDateAtTime), fallback)
}

// shortDate is a start as a short Slack date token ("Mon, Sep 23 10:00 AM"
// in the reader's zone), to fit in an option; the fallback gives the
// venue's time, in the reader's language ("29 sept. 2012, 10:00").
func shortDate(lang language.Tag, at time.Time, venue *time.Location) string {
	local := at.In(venue)
	fallback := local.Format("Mon 2 Jan 15:04")
	if i18n.Match(lang.String()) != i18n.English {
		fallback = i18n.DateTimeMedium(lang, local)
	}
	return dateToken(at, "{date_short_pretty} {time}", fallback)
}

// dateToken is a Slack date token with a fallback made safe for the markup.
func dateToken(at time.Time, format, fallback string) string {
	safe := strings.NewReplacer("|", "/", "<", "", ">", "", "^", "")
	return fmt.Sprintf("<!date^%d^%s|%s>", at.Unix(), safe.Replace(format), safe.Replace(fallback))
}

// maxMessage is where a long reply is split: Slack advises messages under
// 4,000 characters and cuts them at 40,000.
const maxMessage = 3500

// split cuts text into messages of at most max characters, between lines
// where it can.
func split(text string, max int) []string {
	var parts []string
	var cur strings.Builder
	n := 0 // characters in cur
	flush := func() {
		if n > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
			n = 0
		}
	}
	for _, line := range strings.Split(text, "\n") {
		r := []rune(line)
		if n > 0 && n+1+len(r) > max {
			flush()
		}
		for len(r) > max {
			flush()
			parts = append(parts, string(r[:max]))
			r = r[max:]
		}
		if n > 0 {
			cur.WriteByte('\n')
			n++
		}
		cur.WriteString(string(r))
		n += len(r)
	}
	flush()
	if len(parts) == 0 {
		return []string{""}
	}
	return parts
}
