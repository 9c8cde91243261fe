package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"
)

// Slack's documented Block Kit limits, as its reference gives them (blocks,
// block elements, composition objects, views), and the two checks every
// test of what the bot sends runs: blockKitProblems (within the limits) and
// liveProblems (no live markup but the bot's own).

// surface is where a set of blocks is shown, which sets how many it may have.
type surface string

const (
	surfaceMessage surface = "message" // chat.postMessage, response_url: 50 blocks
	surfaceModal   surface = "modal"   // views.open: 100 blocks
	surfaceHome    surface = "home"    // views.publish: 100 blocks
)

// viewSurface is where the view of a views.* method is shown.
func viewSurface(method string) surface {
	if method == "views.publish" {
		return surfaceHome
	}
	return surfaceModal
}

// withinLimits is the fake Slack's check of blocks (a message's, "" for
// none) or a view, as Slack makes it: beyond Block Kit's limits, the test
// fails and the request is answered invalid_blocks.
func (f *fakeSlack) withinLimits(w http.ResponseWriter, where surface, raw string) bool {
	if raw == "null" {
		raw = ""
	}
	problems := blockKitProblems(where, raw)
	for _, p := range problems {
		f.t.Errorf("Slack would refuse this %s: %s", where, p)
	}
	if len(problems) == 0 {
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_blocks"}`)
	return false
}

// blockKitProblems checks a message's blocks (a JSON array), or a view (a
// JSON object), against Slack's limits, and lists what breaks them.
func blockKitProblems(where surface, raw string) []string {
	c := &kitChecker{}
	switch where {
	case surfaceMessage:
		var blocks []any
		if raw == "" {
			return nil
		}
		if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
			return []string{"blocks are not a JSON array: " + err.Error()}
		}
		c.max("message blocks", len(blocks), 50)
		c.blocks(blocks)
	default:
		var view map[string]any
		if err := json.Unmarshal([]byte(raw), &view); err != nil {
			return []string{"view is not a JSON object: " + err.Error()}
		}
		if v, ok := view["view"].(map[string]any); ok { // the body of views.open / views.publish
			view = v
		}
		blocks, _ := view["blocks"].([]any)
		c.max("view blocks", len(blocks), 100)
		if where == surfaceModal {
			c.text("modal title", view["title"], 24, "plain_text")
			c.text("modal submit", view["submit"], 24, "plain_text")
			c.text("modal close", view["close"], 24, "plain_text")
		}
		c.str("private_metadata", view["private_metadata"], 3000)
		c.str("callback_id", view["callback_id"], 255)
		c.str("external_id", view["external_id"], 255)
		c.blocks(blocks)
	}
	return c.problems
}

type kitChecker struct{ problems []string }

func (c *kitChecker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *kitChecker) max(what string, n, limit int) {
	if n > limit {
		c.fail("%s: %d, more than %d", what, n, limit)
	}
}

// str checks a string field's length in characters, if it is there.
func (c *kitChecker) str(what string, v any, limit int) {
	if s, ok := v.(string); ok {
		c.max(what+" length", utf8.RuneCountInString(s), limit)
	}
}

// text checks a text object: its length, and its type when only some are
// allowed ("" for any).
func (c *kitChecker) text(what string, v any, limit int, only string) {
	if v == nil {
		return
	}
	o, ok := v.(map[string]any)
	if !ok {
		c.fail("%s: not a text object", what)
		return
	}
	typ, _ := o["type"].(string)
	if typ != "plain_text" && typ != "mrkdwn" {
		c.fail("%s: text type %q", what, typ)
	}
	if only != "" && typ != only {
		c.fail("%s: %s where Slack takes %s only", what, typ, only)
	}
	s, _ := o["text"].(string)
	if s == "" {
		c.fail("%s: empty text", what)
	}
	c.max(what+" text length", utf8.RuneCountInString(s), limit)
}

func (c *kitChecker) blocks(blocks []any) {
	for i, b := range blocks {
		block, _ := b.(map[string]any)
		typ, _ := block["type"].(string)
		what := fmt.Sprintf("block %d (%s)", i, typ)
		c.str(what+" block_id", block["block_id"], 255)
		switch typ {
		case "section":
			c.text(what, block["text"], 3000, "")
			fields, _ := block["fields"].([]any)
			c.max(what+" fields", len(fields), 10)
			for j, f := range fields {
				c.text(fmt.Sprintf("%s field %d", what, j), f, 2000, "")
			}
			if block["text"] == nil && len(fields) == 0 {
				c.fail("%s: neither text nor fields", what)
			}
			if a, ok := block["accessory"].(map[string]any); ok {
				c.element(what+" accessory", a)
			}
		case "header":
			c.text(what, block["text"], 150, "plain_text")
		case "context":
			elements, _ := block["elements"].([]any)
			c.max(what+" elements", len(elements), 10)
			for j, e := range elements {
				if el, ok := e.(map[string]any); ok && (el["type"] == "mrkdwn" || el["type"] == "plain_text") {
					c.text(fmt.Sprintf("%s element %d", what, j), el, 3000, "")
				}
			}
		case "actions":
			elements, _ := block["elements"].([]any)
			c.max(what+" elements", len(elements), 25)
			for j, e := range elements {
				el, _ := e.(map[string]any)
				c.element(fmt.Sprintf("%s element %d", what, j), el)
			}
		case "input":
			c.text(what+" label", block["label"], 2000, "plain_text")
			c.text(what+" hint", block["hint"], 2000, "plain_text")
			if el, ok := block["element"].(map[string]any); ok {
				c.element(what+" element", el)
			}
		case "divider":
		default:
			c.fail("%s: a block type the bot does not build", what)
		}
	}
}

func (c *kitChecker) element(what string, el map[string]any) {
	typ, _ := el["type"].(string)
	what += " " + typ
	c.str(what+" action_id", el["action_id"], 255)
	c.text(what+" placeholder", el["placeholder"], 150, "plain_text")
	if conf, ok := el["confirm"].(map[string]any); ok {
		c.text(what+" confirm title", conf["title"], 100, "plain_text")
		c.text(what+" confirm text", conf["text"], 300, "")
		c.text(what+" confirm button", conf["confirm"], 30, "plain_text")
		c.text(what+" deny button", conf["deny"], 30, "plain_text")
	}
	switch typ {
	case "button":
		c.text(what, el["text"], 75, "plain_text")
		c.str(what+" value", el["value"], 2000)
		c.str(what+" url", el["url"], 3000)
	case "checkboxes", "radio_buttons":
		options, _ := el["options"].([]any)
		c.max(what+" options", len(options), 10)
		if len(options) == 0 {
			c.fail("%s: no options", what)
		}
		c.options(what, options, "")
	case "static_select", "multi_static_select":
		options, _ := el["options"].([]any)
		groups, _ := el["option_groups"].([]any)
		c.max(what+" options", len(options), 100)
		c.max(what+" option groups", len(groups), 100)
		c.options(what, options, "plain_text")
		for j, g := range groups {
			group, _ := g.(map[string]any)
			c.text(fmt.Sprintf("%s group %d label", what, j), group["label"], 75, "plain_text")
			opts, _ := group["options"].([]any)
			c.max(fmt.Sprintf("%s group %d options", what, j), len(opts), 100)
			c.options(fmt.Sprintf("%s group %d", what, j), opts, "plain_text")
		}
		if o, ok := el["initial_option"].(map[string]any); ok {
			c.options(what+" initial", []any{o}, "plain_text")
		}
	case "plain_text_input":
		c.str(what+" initial_value", el["initial_value"], 3000)
	case "datepicker": // initial_date is YYYY-MM-DD
		if v, ok := el["initial_date"].(string); ok {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				c.fail("%s initial_date %q is not YYYY-MM-DD", what, v)
			}
		}
	case "timepicker": // initial_time is HH:mm, 24-hour; timezone an IANA name
		if v, ok := el["initial_time"].(string); ok {
			if _, err := time.Parse("15:04", v); err != nil || len(v) != 5 {
				c.fail("%s initial_time %q is not HH:mm", what, v)
			}
		}
		if v, ok := el["timezone"].(string); ok {
			if _, err := time.LoadLocation(v); err != nil || v == "" {
				c.fail("%s timezone %q is not an IANA zone", what, v)
			}
		}
	default:
		c.fail("%s: an element type the bot does not build", what)
	}
}

func (c *kitChecker) options(what string, options []any, only string) {
	for j, o := range options {
		opt, _ := o.(map[string]any)
		c.text(fmt.Sprintf("%s option %d", what, j), opt["text"], 75, only)
		c.text(fmt.Sprintf("%s option %d description", what, j), opt["description"], 75, "plain_text")
		c.str(fmt.Sprintf("%s option %d value", what, j), opt["value"], 150)
	}
}

// liveToken is Slack markup that Slack acts on in mrkdwn: mentions, channel
// and special mentions, dates, links.
var liveToken = regexp.MustCompile(`<[^<>]*>`)

// liveProblems lists the live markup in a message's text and in every
// mrkdwn text of its blocks or view (raw JSON, or "") that the bot did not
// build itself: anything but a date token of a meeting time, a poll
// deadline or slot, and the mentions in allowed.
func liveProblems(text, raw string, allowed ...string) []string {
	texts := []string{text}
	if raw != "" {
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return []string{"not JSON: " + err.Error()}
		}
		texts = append(texts, mrkdwnTexts(v)...)
	}
	var problems []string
	for _, s := range texts {
		for _, tok := range liveToken.FindAllString(s, -1) {
			if !ownDate.MatchString(tok) && !contains(allowed, tok) {
				problems = append(problems, fmt.Sprintf("live %q in %.80q", tok, s))
			}
		}
	}
	return problems
}

// ownDate is a date token as the bot writes them: a time after 2000, a
// format without a link (Slack's tokens, and the reader's words between
// them: "at", "à"), a fallback without markup.
var ownDate = regexp.MustCompile(`^<!date\^[1-9][0-9]{9}\^\{[a-z_]+\}([^<>|^{}]*\{[a-z_]+\})?\|[^<>|^]*>$`)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mrkdwnTexts finds every mrkdwn text object's text in decoded JSON; a
// plain_text object's text Slack shows as it is.
func mrkdwnTexts(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "mrkdwn" {
			if s, ok := x["text"].(string); ok {
				out = append(out, s)
			}
		}
		for _, child := range x {
			out = append(out, mrkdwnTexts(child)...)
		}
	case []any:
		for _, child := range x {
			out = append(out, mrkdwnTexts(child)...)
		}
	}
	return out
}
