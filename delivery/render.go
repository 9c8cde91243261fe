package delivery

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	"text/template"
	"time"

	"focalbot/model"
)

// rendered is an e-mail's subject, text and HTML rendered for a meeting
// snapshot, a kind, a reminder offset and the reader's zone and language,
// with the places of the reader's name cut out: every reader of the same
// message differs only there. direct says that the templates show more of
// the reader than the name (their address, say), so that nothing is reused.
type rendered struct {
	subject    string
	text, html spliced // with the marks in place of what differs by reader
	direct     bool
}

// spliced is a rendered text cut at its marks of the reader's name and
// links: lits[0], marks[0], lits[1], … lits[len(marks)].
type spliced struct {
	lits  []string
	marks []string
}

// splice cuts s at every mark of the name, the page and the unsubscribe
// link: what strings.NewReplacer(markName, …).Replace(s) would replace.
func splice(s string) spliced {
	var sp spliced
	for {
		i, mark := -1, ""
		for _, m := range []string{markName, markPage, markUnsub} {
			if j := strings.Index(s, m); j >= 0 && (i < 0 || j < i) {
				i, mark = j, m
			}
		}
		if i < 0 {
			sp.lits = append(sp.lits, s)
			return sp
		}
		sp.lits = append(sp.lits, s[:i])
		sp.marks = append(sp.marks, mark)
		s = s[i+len(mark):]
	}
}

// fill puts the reader's name and links in place of the marks.
func (sp spliced) fill(name string, link Link) string {
	value := func(mark string) string {
		switch mark {
		case markName:
			return name
		case markPage:
			return link.Page
		}
		return link.Unsubscribe
	}
	n := 0
	for _, l := range sp.lits {
		n += len(l)
	}
	for _, m := range sp.marks {
		n += len(value(m))
	}
	var b strings.Builder
	b.Grow(n)
	for i, l := range sp.lits {
		b.WriteString(l)
		if i < len(sp.marks) {
			b.WriteString(value(sp.marks[i]))
		}
	}
	return b.String()
}

// renderKey is what a rendered message depends on besides the reader's name.
type renderKey struct {
	snapshot       string
	kind           model.OutboxKind
	offset         time.Duration
	zone, language string
	organiser      Organiser
	text           *template.Template
	links          Link // the marks of the reader's links, where the message has them
	// What an update says besides the meeting (view.explain,
	// delegation.go): whether it asks again, the reader's answer, an
	// alternate's country, and the meeting before it.
	askAgain bool
	answer   model.Response
	country  string
	previous string
}

// previousKey is the meeting before an update, all of it, for the key:
// what an update says it changed is drawn from it.
func previousKey(m *model.Meeting) string {
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%v", *m)
}

// renderCache keeps rendered messages; Email renders each message once per
// renderKey and fills in the name for each reader.
type renderCache struct {
	mu sync.Mutex
	m  map[renderKey]*rendered
}

// maxRendered is how many rendered messages a cache keeps; when full it
// starts again.
const maxRendered = 256

// Marks put in place of the reader's name, address and Slack ID when a
// message is rendered to be reused. Letters only, so that every escaping
// leaves them as they are.
const (
	markPrefix = "QXZfocalbot" // what every mark begins with
	markName   = "QXZfocalbotNameQXZ"
	markEmail  = "QXZfocalbotEmailQXZ"
	markSlack  = "QXZfocalbotSlackQXZ"
	markPage   = "QXZfocalbotPageQXZ"  // the reader's signed link
	markUnsub  = "QXZfocalbotUnsubQXZ" // and its List-Unsubscribe address
)

// linkSafe reports whether a link is written the same in text, in HTML
// text and in an HTML attribute, so that it can be put in place of its
// mark: the signed links are (an http(s) base and a base64url token).
func linkSafe(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~:/%", r)) {
			return false
		}
	}
	return true
}

// nameHTML escapes a name as the HTML templates do in text.
var nameHTML = htmltemplate.Must(htmltemplate.New("name").Parse(`{{.}}`))

// render renders p with the text and HTML templates given: from the cache,
// with the reader's name filled in, when p came from a decoder (so that its
// meeting snapshot is known), else directly.
func (c *renderCache) render(p Payload, link Link, text *template.Template, html *htmltemplate.Template) (subject, txt, htm string, err error) {
	// A delegation's mail names the other party: it is one reader's alone.
	delegation := p.Invitee.DelegatedTo != nil || p.Invitee.DelegatedFrom != nil
	if p.snapshot == "" || strings.Contains(p.snapshot, markPrefix) || !linkSafe(link.Page) || !linkSafe(link.Unsubscribe) || delegation {
		return renderDirect(p, link, text, html)
	}
	var marks Link
	if link.Page != "" {
		marks.Page = markPage
	}
	if link.Unsubscribe != "" {
		marks.Unsubscribe = markUnsub
	}
	key := renderKey{snapshot: p.snapshot, kind: p.Kind, offset: p.Offset, zone: p.Invitee.TimeZone,
		language: p.Invitee.Language, organiser: p.Organiser, text: text, links: marks,
		askAgain: p.AskAgain, answer: p.Invitee.Answer, country: p.Country, previous: previousKey(p.Previous)}
	c.mu.Lock()
	r := c.m[key]
	c.mu.Unlock()
	if r == nil {
		q := p
		q.Invitee.Name, q.Invitee.Email, q.Invitee.SlackID = markName, markEmail, markSlack
		s, t, h, err := renderDirect(q, marks, text, html)
		if err != nil {
			return "", "", "", err
		}
		r = &rendered{subject: s, text: splice(t), html: splice(h)}
		if strings.Contains(s+t+h, markEmail) || strings.Contains(s+t+h, markSlack) || strings.Contains(s, markName) {
			r = &rendered{direct: true}
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxRendered {
			c.m = map[renderKey]*rendered{}
		}
		c.m[key] = r
		c.mu.Unlock()
	}
	if r.direct {
		return renderDirect(p, link, text, html)
	}
	escaped, err := escapeName(p.Invitee.Name)
	if err != nil {
		return "", "", "", err
	}
	return r.subject, r.text.fill(p.Invitee.Name, link), r.html.fill(escaped, link), nil
}

// escapeName escapes a name as the HTML templates do in text: a name
// without any of the characters they escape is written as it is.
func escapeName(name string) (string, error) {
	if !strings.ContainsAny(name, htmlSpecial) {
		return name, nil
	}
	var escaped bytes.Buffer
	if err := nameHTML.Execute(&escaped, name); err != nil {
		return "", fmt.Errorf("render html: %w", err)
	}
	return escaped.String(), nil
}

// htmlSpecial are the characters html/template escapes in text (its
// htmlReplacementTable); it leaves every other character as it is.
const htmlSpecial = "\x00\"&'+<>"

// renderDirect renders p's subject, text and HTML.
func renderDirect(p Payload, link Link, text *template.Template, html *htmltemplate.Template) (subject, txt, htm string, err error) {
	v := newView(p)
	v.Link = link
	var t, h bytes.Buffer
	if err := text.Execute(&t, v); err != nil {
		return "", "", "", fmt.Errorf("render text: %w", err)
	}
	if err := html.Execute(&h, v); err != nil {
		return "", "", "", fmt.Errorf("render html: %w", err)
	}
	return v.Subject, t.String(), h.String(), nil
}
