package calendar

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// maxLine is the longest content line RFC 5545 allows, in octets, without
// the CRLF.
const maxLine = 75

// fold writes the CRLF-terminated content lines of src to w, folding each
// one longer than 75 octets with CRLF and a space (RFC 5545 section 3.1),
// never inside a UTF-8 character. go-ical does not fold.
func fold(w io.Writer, src []byte) error {
	var out bytes.Buffer
	out.Grow(len(src) + len(src)/maxLine*3)
	foldTo(&out, src)
	_, err := w.Write(out.Bytes())
	return err
}

// foldTo is fold into a buffer.
func foldTo(out *bytes.Buffer, src []byte) {
	for len(src) > 0 {
		line, rest, _ := bytes.Cut(src, []byte("\r\n"))
		width := maxLine
		for len(line) > width {
			i := width
			for i > 0 && !utf8.RuneStart(line[i]) {
				i--
			}
			if i == 0 { // not UTF-8: cut anywhere
				i = width
			}
			out.Write(line[:i])
			out.WriteString("\r\n ")
			line = line[i:]
			width = maxLine - 1 // the leading space counts
		}
		out.Write(line)
		out.WriteString("\r\n")
		src = rest
	}
}
