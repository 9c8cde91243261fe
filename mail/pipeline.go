package mail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// A pipelined transaction (RFC 2920 PIPELINING with RFC 3030 CHUNKING) is
// sent when the server offers both: MAIL FROM, RCPT TO and BDAT <size> LAST
// with the message in one write, then the replies read in order, where
// go-smtp's client (v0.25.1, the newest; its issue #81 keeps client
// CHUNKING open) waits for each command's reply and dot-stuffs the message
// after DATA. go-smtp still opens the session (greeting, EHLO, AUTH) and
// ends it (QUIT); only the transaction is written here, with net/textproto
// reading the replies, so that a message costs one write and one round trip
// instead of four, and neither side scans it for dots.
//
// Every reply is read and told as go-smtp tells it: the first one refused,
// in order (MAIL FROM, then each RCPT TO, then BDAT), is the error, an
// *smtp.SMTPError with its enhanced code. With one recipient the message
// goes with the envelope: when the envelope is refused the server discards
// the chunk and refuses BDAT too (RFC 3030 §2, "the chunk is consumed"),
// and nobody receives it. With several, the message waits for every RCPT
// TO to be accepted, as on the DATA path, so that one refused recipient
// still stops the message for all.

// pipeline is the part of a session that sends pipelined transactions.
type pipeline struct {
	conn     net.Conn // what go-smtp writes to: the TCP or implicit TLS connection
	r        *textproto.Reader
	limit    *limitReader
	eightBit bool // BODY=8BITMIME, which go-smtp's Mail adds whenever it is offered
	utf8     bool // SMTPUTF8 offered
	buf      []byte

	commandTimeout, submissionTimeout time.Duration
}

// maxReplies bounds what the replies of one transaction may take, as
// go-smtp bounds a reply line: a server cannot make the client read
// without end.
const maxReplies = 64 << 10

// newPipeline returns the pipelined sender of a greeted session on conn,
// or nil when the server does not offer both PIPELINING and CHUNKING.
func newPipeline(c *smtp.Client, conn net.Conn) *pipeline {
	if ok, _ := c.Extension("PIPELINING"); !ok {
		return nil
	}
	if ok, _ := c.Extension("CHUNKING"); !ok {
		return nil
	}
	p := &pipeline{conn: conn, limit: &limitReader{r: conn},
		commandTimeout: c.CommandTimeout, submissionTimeout: c.SubmissionTimeout}
	p.r = textproto.NewReader(bufio.NewReaderSize(p.limit, 1024))
	p.eightBit, _ = c.Extension("8BITMIME")
	p.utf8, _ = c.Extension("SMTPUTF8")
	return p
}

// limitReader reads from r and fails once n bytes have been read since
// the last reset.
type limitReader struct {
	r    io.Reader
	n    int
	read int
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.read >= l.n {
		return 0, errors.New("smtp: the server's replies are too long")
	}
	if len(b) > l.n-l.read {
		b = b[:l.n-l.read]
	}
	n, err := l.r.Read(b)
	l.read += n
	return n, err
}

// pipeResult is how a pipelined transaction ended.
type pipeResult struct {
	started bool // the server may have taken the message: never retry it elsewhere
	broken  bool // the connection is out of step or gone: close it (err may still be nil)
	err     error
}

// transact sends one message. The error names the command whose reply
// refused it, as the DATA path does ("mail from:", "rcpt to <addr>:",
// "data:").
func (p *pipeline) transact(from string, to []string, msg []byte) pipeResult {
	utf8 := !isASCII(from) || !isASCII(strings.Join(to, ""))
	if utf8 && !p.utf8 {
		// What go-smtp's Mail answers, before writing anything.
		return pipeResult{broken: true, err: errors.New("mail from: smtp: server does not support SMTPUTF8")}
	}
	msg = crlf(msg)
	b := append(p.buf[:0], "MAIL FROM:<"...)
	b = append(b, from...)
	b = append(b, '>')
	if p.eightBit {
		b = append(b, " BODY=8BITMIME"...)
	}
	if utf8 {
		b = append(b, " SMTPUTF8"...)
	}
	b = append(b, "\r\n"...)
	for _, rcpt := range to {
		b = append(b, "RCPT TO:<"...)
		b = append(b, rcpt...)
		b = append(b, ">\r\n"...)
	}
	single := len(to) == 1
	if single {
		b = appendChunk(b, msg)
	}
	defer func() {
		if cap(b) <= 1<<20 {
			p.buf = b[:0]
		}
		_ = p.conn.SetDeadline(time.Time{})
	}()

	p.limit.n, p.limit.read = maxReplies, 0
	_ = p.conn.SetDeadline(time.Now().Add(p.commandTimeout))
	if _, err := p.conn.Write(b); err != nil {
		// Short of the whole chunk the server cannot have taken the message.
		return pipeResult{broken: true, err: fmt.Errorf("mail from: %w", err)}
	}

	var first error // the first reply refused, in order
	if err := p.reply(250); err != nil {
		if se := (*smtp.SMTPError)(nil); !errors.As(err, &se) {
			// The session ended before its first reply. With nothing read
			// and a clean end (the server closed a connection it had kept
			// idle), the server has taken nothing: no reply to MAIL FROM,
			// no transaction. Else (a reset may have lost replies) the
			// message may have been taken.
			clean := p.limit.read == 0 && errors.Is(err, io.EOF)
			return pipeResult{started: !clean, broken: true, err: fmt.Errorf("mail from: %w", err)}
		} else if se.Code == 421 {
			return pipeResult{broken: true, err: fmt.Errorf("mail from: %w", err)}
		}
		first = fmt.Errorf("mail from: %w", err)
	}
	for _, rcpt := range to {
		if err := p.reply(250); err != nil {
			if !isSMTP(err) {
				return pipeResult{started: true, broken: true, err: orFirst(first, fmt.Errorf("rcpt to %s: %w", rcpt, err))}
			}
			if first == nil {
				first = fmt.Errorf("rcpt to %s: %w", rcpt, err)
			}
		}
	}
	if !single {
		if first != nil {
			return pipeResult{started: true, err: first}
		}
		b = appendChunk(b[:0], msg)
		if _, err := p.conn.Write(b); err != nil {
			return pipeResult{started: true, broken: true, err: fmt.Errorf("data: %w", err)}
		}
	}
	_ = p.conn.SetReadDeadline(time.Now().Add(p.submissionTimeout))
	if err := p.reply(250); err != nil {
		if !isSMTP(err) {
			return pipeResult{started: true, broken: true, err: orFirst(first, fmt.Errorf("data: %w", err))}
		}
		if first == nil {
			first = fmt.Errorf("data: %w", err)
		}
	}
	// More than the replies asked for: the session is out of step, and is
	// closed, but what the replies said holds (a message accepted was sent).
	return pipeResult{started: true, broken: p.r.R.Buffered() > 0, err: first}
}

// reset sends RSET, after a transaction the server refused half-way.
func (p *pipeline) reset() error {
	defer func() { _ = p.conn.SetDeadline(time.Time{}) }()
	p.limit.n, p.limit.read = maxReplies, 0
	_ = p.conn.SetDeadline(time.Now().Add(p.commandTimeout))
	if _, err := io.WriteString(p.conn, "RSET\r\n"); err != nil {
		return err
	}
	return p.reply(250)
}

// reply reads one reply and returns nil for the code expected, an
// *smtp.SMTPError for another, or the error that stopped the reading.
func (p *pipeline) reply(expect int) error {
	_, _, err := p.r.ReadResponse(expect)
	var pe *textproto.Error
	if errors.As(err, &pe) {
		return smtpError(pe)
	}
	return err
}

// smtpError turns a reply into an *smtp.SMTPError as go-smtp's client
// does, with the enhanced status code (RFC 2034) taken from its text.
func smtpError(pe *textproto.Error) *smtp.SMTPError {
	se := &smtp.SMTPError{Code: pe.Code, Message: pe.Msg}
	code, msg, ok := strings.Cut(pe.Msg, " ")
	if !ok {
		return se
	}
	parts := strings.Split(code, ".")
	if len(parts) != 3 {
		return se
	}
	var ec smtp.EnhancedCode
	for i, part := range parts {
		n, err := strconv.Atoi(part)
		if err != nil {
			return se
		}
		ec[i] = n
	}
	se.EnhancedCode = ec
	se.Message = strings.ReplaceAll(msg, "\n"+code+" ", "\n")
	return se
}

func isSMTP(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se)
}

func orFirst(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// appendChunk appends the command that sends msg as the one and last
// chunk, and msg.
func appendChunk(b, msg []byte) []byte {
	b = append(b, "BDAT "...)
	b = strconv.AppendInt(b, int64(len(msg)), 10)
	b = append(b, " LAST\r\n"...)
	return append(b, msg...)
}

// crlf returns msg as the DATA path delivers it: net/textproto's dot
// writer without the dots (which the server takes off again), so a bare
// LF becomes CRLF and a CRLF is added at the end when missing. A message
// made by Compose is returned as it is.
func crlf(msg []byte) []byte {
	if wellFormed(msg) {
		return msg
	}
	const (
		data = iota // the message's start counts as data: an empty one gets a CRLF
		beginLine
		cr
	)
	out := make([]byte, 0, len(msg)+len(msg)/32+2)
	state := data
	for _, c := range msg {
		switch {
		case state == cr:
			state = data
			if c == '\n' {
				state = beginLine
			}
		case c == '\r':
			state = cr
		case c == '\n':
			out = append(out, '\r')
			state = beginLine
		default:
			state = data
		}
		out = append(out, c)
	}
	switch state {
	case data:
		out = append(out, "\r\n"...)
	case cr:
		out = append(out, '\n')
	}
	return out
}

// wellFormed reports whether msg ends in CRLF and has CR and LF only
// together, as CRLF: every LF follows a CR, and there are as many of each.
func wellFormed(msg []byte) bool {
	if !bytes.HasSuffix(msg, []byte("\r\n")) {
		return false
	}
	lf := 0
	for i := 0; ; lf++ {
		j := bytes.IndexByte(msg[i:], '\n')
		if j < 0 {
			break
		}
		i += j
		if i == 0 || msg[i-1] != '\r' {
			return false
		}
		i++
	}
	return bytes.Count(msg, []byte("\r")) == lf
}
