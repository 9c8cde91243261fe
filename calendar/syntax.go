package calendar

import (
	"errors"
	"fmt"
	"strings"
)

// errCutShort is the answer for a calendar that ends before its END line.
var errCutShort = errors.New("the calendar is empty or cut short")

// malformed is an error that says where and how calendar data is malformed.
func malformed(line int, format string, args ...any) error {
	return fmt.Errorf("the calendar data is malformed: line %d: %s", line, fmt.Sprintf(format, args...))
}

// checkSyntax reads the content lines of an iCalendar object as go-ical
// does (RFC 5545 §3.1: folded lines joined, empty lines skipped, up to the
// END of the first component) and reports the first one that go-ical would
// stumble on, in words: go-ical panics on some (a parameter that runs to the
// end of its line, a character after a quoted parameter value) and names
// no line for others. It accepts what go-ical reads, except a parameter
// whose name runs past a ';' or ':' to some later '=', which go-ical reads
// as a garbled name and RFC 5545 does not allow.
func checkSyntax(data []byte) error {
	var open []string // the names of the components begun and not ended
	for _, cl := range contentLines(string(data)) {
		name, value, err := checkLine(cl.text, cl.number)
		if err != nil {
			return err
		}
		switch name {
		case "BEGIN":
			if len(open) == 0 && !strings.EqualFold(value, "VCALENDAR") {
				return malformed(cl.number, "the calendar begins with BEGIN:%s, not BEGIN:VCALENDAR", value)
			}
			open = append(open, strings.ToUpper(value))
		case "END":
			if len(open) == 0 {
				return malformed(cl.number, "END:%s comes before any BEGIN", value)
			}
			if last := open[len(open)-1]; !strings.EqualFold(value, last) {
				return malformed(cl.number, "END:%s closes BEGIN:%s", value, last)
			}
			if open = open[:len(open)-1]; len(open) == 0 {
				return nil // what follows the calendar is not read
			}
		default:
			if len(open) == 0 {
				return malformed(cl.number, "the calendar begins with %s, not BEGIN:VCALENDAR", name)
			}
		}
	}
	return errCutShort
}

// contentLine is a line of calendar data with its folds joined, and the
// number of the physical line it begins on.
type contentLine struct {
	text   string
	number int
}

// contentLines splits data into content lines: a line that begins with a
// space or a tab continues the one before (RFC 5545 §3.1); empty lines are
// left out.
func contentLines(data string) []contentLine {
	var lines []contentLine
	var cur *strings.Builder
	number := 0
	flush := func() {
		if cur != nil && cur.Len() > 0 {
			lines = append(lines, contentLine{cur.String(), number})
		}
	}
	for i, l := range strings.Split(data, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if cur != nil && l != "" && (l[0] == ' ' || l[0] == '\t') {
			cur.WriteString(l[1:])
			continue
		}
		flush()
		cur, number = &strings.Builder{}, i+1
		cur.WriteString(l)
	}
	flush()
	return lines
}

// checkLine reads one content line, name *(";" param) ":" value, and
// returns its name in upper case and its value.
func checkLine(s string, line int) (name, value string, err error) {
	i := strings.IndexAny(s, ";:")
	switch {
	case i < 0:
		return "", "", malformed(line, "%q has no colon between the property's name and its value", clip(s))
	case i == 0:
		return "", "", malformed(line, "%q has no property name before the %q", clip(s), s[0])
	}
	name, s = strings.ToUpper(s[:i]), s[i:]
	for strings.HasPrefix(s, ";") {
		s = s[1:]
		j := strings.IndexAny(s, "=;:")
		if j < 0 || s[j] != '=' {
			return "", "", malformed(line, "a parameter of %s has no '=' and no value", name)
		} else if j == 0 {
			return "", "", malformed(line, "a parameter of %s has no name before its '='", name)
		}
		param := strings.ToUpper(s[:j])
		s = s[j+1:]
		for {
			if strings.HasPrefix(s, `"`) {
				end := strings.IndexByte(s[1:], '"')
				if end < 0 {
					return "", "", malformed(line, "the quoted value of %s's parameter %s has no closing quote", name, param)
				}
				s = s[end+2:]
			} else {
				end := strings.IndexAny(s, `";,:`)
				if end >= 0 && s[end] == '"' {
					return "", "", malformed(line, "the value of %s's parameter %s has a quote inside it; quote the whole value", name, param)
				}
				if end < 0 {
					end = len(s)
				}
				s = s[end:]
			}
			if s == "" {
				return "", "", malformed(line, "%s's parameter %s runs to the end of the line: the colon and the property's value are missing", name, param)
			}
			if s[0] != ',' {
				break
			}
			s = s[1:]
		}
		if s[0] != ';' && s[0] != ':' {
			return "", "", malformed(line, "%q follows the quoted value of %s's parameter %s, where ';', ',' or ':' belongs", s[0], name, param)
		}
	}
	return name, s[1:], nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
