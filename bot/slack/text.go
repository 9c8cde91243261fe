package slack

import (
	"fmt"
	"regexp"
	"strings"
	"time"
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

// keepToken matches the markup the engine writes on purpose and Slack must
// render: user mentions and dates shown in the reader's zone.
var keepToken = regexp.MustCompile(`<@[UW][A-Z0-9]+>|<!date\^[0-9]+\^[^<>|]*(?:\^[^<>|]*)?\|[^<>]*>`)

// escape makes the engine's plain text safe to post: &, < and > are escaped
// as Slack requires, except in the markup of keepToken, so that "<country>"
// in the help shows as typed and "<@U123>" still mentions someone.
func escape(text string) string {
	var b strings.Builder
	last := 0
	for _, loc := range keepToken.FindAllStringIndex(text, -1) {
		b.WriteString(escapeChars.Replace(text[last:loc[0]]))
		b.WriteString(text[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(escapeChars.Replace(text[last:]))
	return b.String()
}

var escapeChars = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// DateToken shows a time in Slack so that each reader sees it in their own
// time zone ("Saturday, September 29th, 2012 at 10:00 AM"); clients that
// cannot render it show the fallback, the time in the venue's zone with its
// abbreviation at that time and the zone's name, so that a time in the hour
// the clocks repeat says which one it is.
func DateToken(at time.Time, venue *time.Location) string {
	fallback := at.In(venue).Format("Monday 2 January 2006, 15:04 MST")
	if name, _ := at.In(venue).Zone(); name != venue.String() {
		fallback += " (" + venue.String() + ")"
	}
	return dateToken(at, "{date_long_pretty} at {time}", fallback)
}

// dateToken is a Slack date token with a fallback made safe for the markup.
func dateToken(at time.Time, format, fallback string) string {
	return fmt.Sprintf("<!date^%d^%s|%s>", at.Unix(), format, strings.NewReplacer("|", "/", "<", "", ">", "").Replace(fallback))
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
