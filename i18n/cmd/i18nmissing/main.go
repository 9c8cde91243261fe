// Command i18nmissing prints, as a JSON skeleton in the translation files'
// format, the messages that a language's file lacks, for a translator to
// fill in; with -w it instead adds them (empty) to the file, drops the ones
// the source no longer has, and rewrites it in the files' layout.
//
//	go run ./i18n/cmd/i18nmissing fr
//	go run ./i18n/cmd/i18nmissing -w fr
//
// Run it from anywhere inside the module.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"focalbot/i18n"
	"focalbot/i18n/internal/extract"

	"golang.org/x/text/language"
)

func main() {
	write := flag.Bool("w", false, "add the missing messages to i18n/locales/<tag>.json and drop the stale ones")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: i18nmissing [-w] <language: ar, zh-Hans, fr, ru or es>\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *write); err != nil {
		fmt.Fprintln(os.Stderr, "i18nmissing:", err)
		os.Exit(1)
	}
}

func run(lang string, write bool) error {
	tag, err := language.Parse(lang)
	if err != nil || !i18n.Supported(lang) || i18n.Match(lang) == i18n.English {
		return fmt.Errorf("%q is not one of ar, zh-Hans, fr, ru, es", lang)
	}
	tag = i18n.Match(tag.String())
	root, err := extract.Module(".")
	if err != nil {
		return err
	}
	src, err := extract.Messages(root)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "i18n")
	files, err := i18n.Files(os.DirFS(dir))
	if err != nil {
		return err
	}
	var have *i18n.File
	for i := range files {
		if files[i].Language == tag.String() {
			have = &files[i]
		}
	}
	missing := extract.Skeleton(src, tag, have)
	if !write {
		b, err := missing.Encode()
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(b)
		return err
	}
	merged := i18n.File{Language: tag.String(), Messages: map[string]i18n.Value{}}
	if have != nil {
		for k, v := range have.Messages {
			if _, ok := src[k]; ok {
				merged.Messages[k] = v
			}
		}
	}
	for k, v := range missing.Messages {
		merged.Messages[k] = v
	}
	b, err := merged.Encode()
	if err != nil {
		return err
	}
	name := filepath.Join(dir, "locales", tag.String()+".json")
	if err := os.WriteFile(name, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d messages, %d to translate\n", name, len(merged.Messages), len(missing.Messages))
	return nil
}
