// Package extract finds every user-visible message in focalbot's source, so
// that the catalog test and the translators' command compare the
// translation files with what the code says, without a hand-kept list.
//
// A message is, in any non-test Go file of the module:
//   - the value of a string constant whose name begins with "msg" and a
//     capital letter (msgHelpIntro), the way every package declares its
//     sentences;
//   - a string literal given as the format of model.Errorf or
//     model.FieldErrorf (or of Errorf and FieldErrorf inside package model),
//     or of a Printf, Sprintf or Fprintf method of a printer (not of fmt or
//     log);
//   - the Description of a Command literal (a command's line in help);
//   - in a template's text (any string literal), the quoted format of a
//     {{.T "…"}} call: the templates' words, which their view's T looks up;
//   - the Key of an i18n.Plural literal, which makes it a counted message
//     whose count is argument Arg and whose English singular is One.
//
// A format with no word outside its placeholders ("  %d. %s") is not a
// message: there is nothing in it to translate; unless it holds a mark
// that languages punctuate differently (":", ";", "?", "!": French puts a
// space before them, "%s : %s"; Chinese writes "%s：%s"; and parentheses,
// which Chinese writes full-width, "%s（%s）"), which makes it one.
package extract

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Message is one message key found in the source.
type Message struct {
	Key     string
	Counted bool   // it has plural forms
	Arg     int    // for a counted message, the argument (from 1) that counts
	One     string // for a counted message, the English singular
	Where   []string
}

// Module returns the directory of the go.mod above dir (or dir itself).
func Module(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("extract: no go.mod above %s", dir)
		}
	}
}

// Messages walks the module at root and returns its messages by key. A
// counted message declared with two different counts or singulars, or a
// Plural whose key cannot be resolved to a string, is an error.
func Messages(root string) (map[string]*Message, error) {
	dirs := map[string][]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			if p != root {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			dirs[filepath.Dir(p)] = append(dirs[filepath.Dir(p)], p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]*Message{}
	var problems []string
	for _, files := range dirs {
		sort.Strings(files)
		pkg := &pkgFiles{fset: token.NewFileSet(), consts: map[string]ast.Expr{}, root: root}
		for _, f := range files {
			af, err := parser.ParseFile(pkg.fset, f, nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			pkg.files = append(pkg.files, af)
		}
		pkg.collectConsts()
		for _, m := range pkg.messages() {
			prev, ok := out[m.Key]
			if !ok {
				out[m.Key] = m
				continue
			}
			prev.Where = append(prev.Where, m.Where...)
			if m.Counted {
				if prev.Counted && (prev.Arg != m.Arg || prev.One != m.One) {
					problems = append(problems, fmt.Sprintf("%q is counted differently at %s and %s", m.Key, prev.Where[0], m.Where[0]))
				}
				prev.Counted, prev.Arg, prev.One = true, m.Arg, m.One
			}
		}
		problems = append(problems, pkg.problems...)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return out, fmt.Errorf("extract: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

type pkgFiles struct {
	root     string
	fset     *token.FileSet
	files    []*ast.File
	consts   map[string]ast.Expr
	problems []string
}

var msgName = regexp.MustCompile(`^msg[A-Z0-9]`)

// templateT finds the format of a {{.T "…"}} call in a template.
var templateT = regexp.MustCompile(`\{\{-?\s*\.T\s+("(?:[^"\\]|\\.)*")`)

func (p *pkgFiles) collectConsts() {
	for _, f := range p.files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						p.consts[n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
}

// str evaluates a constant string expression of the package: literals,
// their sums, and the package's own constants.
func (p *pkgFiles) str(e ast.Expr, depth int) (string, bool) {
	if depth > 20 {
		return "", false
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return p.str(e.X, depth+1)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok := p.str(e.X, depth+1)
		if !ok {
			return "", false
		}
		b, ok := p.str(e.Y, depth+1)
		return a + b, ok
	case *ast.Ident:
		v, ok := p.consts[e.Name]
		if !ok {
			return "", false
		}
		return p.str(v, depth+1)
	}
	return "", false
}

func (p *pkgFiles) where(pos token.Pos) string {
	at := p.fset.Position(pos)
	if rel, err := filepath.Rel(p.root, at.Filename); err == nil {
		at.Filename = rel
	}
	return fmt.Sprintf("%s:%d", at.Filename, at.Line)
}

func (p *pkgFiles) messages() []*Message {
	var out []*Message
	add := func(e ast.Expr, at token.Pos) {
		if s, ok := p.str(e, 0); ok && isMessage(s) {
			out = append(out, &Message{Key: s, Where: []string{p.where(at)}})
		}
	}
	for _, f := range p.files {
		pkgName := f.Name.Name
		// Constants named msg….
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if msgName.MatchString(n.Name) && i < len(vs.Values) {
						add(vs.Values[i], n.Pos())
					}
				}
			}
		}
		implied := map[*ast.CompositeLit]string{} // the type of elided element literals
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING && strings.Contains(n.Value, ".T") {
					text, err := strconv.Unquote(n.Value)
					if err != nil {
						break
					}
					for _, m := range templateT.FindAllStringSubmatch(text, -1) {
						if key, err := strconv.Unquote(m[1]); err == nil && isMessage(key) {
							out = append(out, &Message{Key: key, Where: []string{p.where(n.Pos())}})
						}
					}
				}
			case *ast.CallExpr:
				if i := formatArg(pkgName, n); i >= 0 && i < len(n.Args) {
					if lit, ok := n.Args[i].(*ast.BasicLit); ok {
						add(lit, lit.Pos())
					}
				}
			case *ast.CompositeLit:
				typ := typeName(n.Type)
				if typ == "" {
					typ = implied[n]
				}
				var elt ast.Expr
				switch t := n.Type.(type) {
				case *ast.ArrayType:
					elt = t.Elt
				case *ast.MapType:
					elt = t.Value
				}
				if elt != nil {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							el = kv.Value
						}
						if cl, ok := el.(*ast.CompositeLit); ok && cl.Type == nil {
							implied[cl] = typeName(elt)
						}
					}
				}
				switch typ {
				case "Command":
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Description" {
								add(kv.Value, kv.Value.Pos())
							}
						}
					}
				case "i18n.Plural":
					p.plural(n, &out)
				}
			}
			return true
		})
	}
	return out
}

// plural reads an i18n.Plural literal, {Key, Arg, One} or keyed.
func (p *pkgFiles) plural(cl *ast.CompositeLit, out *[]*Message) {
	var key, one ast.Expr
	var arg ast.Expr
	for i, el := range cl.Elts {
		name := [...]string{"Key", "Arg", "One", ""}[min(i, 3)]
		v := el
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok {
				name = k.Name
			}
			v = kv.Value
		}
		switch name {
		case "Key":
			key = v
		case "Arg":
			arg = v
		case "One":
			one = v
		}
	}
	ks, ok1 := p.str(key, 0)
	ones, ok2 := p.str(one, 0)
	n := -1
	if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.INT {
		n, _ = strconv.Atoi(lit.Value)
	}
	if !ok1 || !ok2 || n < 1 {
		p.problems = append(p.problems, fmt.Sprintf("%s: an i18n.Plural needs a constant string Key and One and a literal Arg from 1", p.where(cl.Pos())))
		return
	}
	if a, b := Placeholders(ks), Placeholders(ones); strings.Join(a, " ") != strings.Join(b, " ") {
		p.problems = append(p.problems, fmt.Sprintf("%s: the singular %q has placeholders %v, its message %q has %v", p.where(cl.Pos()), ones, b, ks, a))
	}
	if !hasArg(ks, n) {
		p.problems = append(p.problems, fmt.Sprintf("%s: %q has no argument %d to count", p.where(cl.Pos()), ks, n))
	}
	*out = append(*out, &Message{Key: ks, Counted: true, Arg: n, One: ones, Where: []string{p.where(cl.Pos())}})
}

func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if e.Sel.Name == "Command" && x.Name != "i18n" {
				return "Command"
			}
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}

// formatArg returns the index of the format argument of a call that
// renders a message, or -1.
func formatArg(pkgName string, c *ast.CallExpr) int {
	var recv, name string
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		name = fn.Name
		if pkgName != "model" {
			return -1
		}
	case *ast.SelectorExpr:
		name = fn.Sel.Name
		if x, ok := fn.X.(*ast.Ident); ok {
			recv = x.Name
		}
	default:
		return -1
	}
	switch name {
	case "Errorf":
		if recv == "model" || (recv == "" && pkgName == "model") {
			return 1
		}
	case "FieldErrorf":
		if recv == "model" || (recv == "" && pkgName == "model") {
			return 2
		}
	case "Printf", "Sprintf":
		if recv != "" && recv != "fmt" && recv != "log" && recv != "slog" {
			return 0
		}
	case "Fprintf":
		if recv != "" && recv != "fmt" && recv != "log" {
			return 1
		}
	}
	return -1
}

var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[(\d+)\])?([a-zA-Z%])`)

// Placeholders returns the placeholders of a format string as "argument:verb"
// pairs, sorted ("1:s", "2:d"), with each argument's number resolved as fmt
// resolves it, so that "%s … %d" and "%[2]d … %[1]s" have the same.
func Placeholders(format string) []string {
	var out []string
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[3] == "%" {
			continue
		}
		idx := m[1]
		if idx == "" {
			idx = m[2]
		}
		n := next
		if idx != "" {
			n, _ = strconv.Atoi(idx)
		}
		out = append(out, fmt.Sprintf("%d:%s", n, m[3]))
		next = n + 1
	}
	sort.Strings(out)
	return out
}

// hasArg reports whether format prints argument n with %d.
func hasArg(format string, n int) bool {
	for _, ph := range Placeholders(format) {
		if ph == fmt.Sprintf("%d:d", n) {
			return true
		}
	}
	return false
}

// isMessage reports whether a format is a message: it has a word, or a
// mark each language punctuates its own way, outside its placeholders.
func isMessage(format string) bool {
	return hasWords(format) || strings.ContainsAny(verb.ReplaceAllString(format, ""), punctuated)
}

// punctuated are the marks that make a format of placeholders a message.
const punctuated = ":;?!()"

// hasWords reports whether a format has a letter outside its placeholders.
func hasWords(format string) bool {
	for _, r := range verb.ReplaceAllString(format, "") {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
