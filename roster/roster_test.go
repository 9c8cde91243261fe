package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"focalbot/model"
)

func TestRoundTrip(t *testing.T) {
	in := "name,email,country,role,status,title,ministry,phone,tz,language,slack,appointed\n" +
		"Mette Sørensen,mette@dk.example.org,Denmark,focal-point,active,\"Head of Section, UN Policy\",Ministry of Foreign Affairs,+45 33 92 00 00,Europe/Copenhagen,da,U0METTE001,2010-05-12\n"
	entries, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	p := entries[0].Person
	if p.Country != "DK" || p.Title != "Head of Section, UN Policy" || p.SlackID != "U0METTE001" || p.AppointedOn.Format("2006-01-02") != "2010-05-12" {
		t.Fatalf("read %+v", p)
	}
	var out bytes.Buffer
	if err := Write(&out, []model.Person{p}); err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("Denmark", "DK", "+45", "'+45").Replace(in)
	if out.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", out.String(), want)
	}
}

// TestFormulaCellsAreNeutralised: a cell that a spreadsheet would run as a
// formula is written with a single quote before it, and reading the export
// gives back every value as it was.
func TestFormulaCellsAreNeutralised(t *testing.T) {
	people := []model.Person{
		{Name: "=cmd|'/C calc'!A0", Email: "a@example.org", Country: "GH", Role: model.RoleFocalPoint, Status: model.StatusActive,
			Title: "@SUM(1+1)", Organisation: "+1+1", Phone: "+41 22 917 90 00"},
		{Name: "-2+3", Email: "b@example.org", Country: "DK", Role: model.RoleAlternate, Status: model.StatusActive,
			Title: "'=quoted already", Organisation: "'plain quote", Phone: "0041 22 917 90 00"},
		{Name: "Tab\tinside", Email: "c@example.org", Country: "CR", Role: model.RoleFocalPoint, Status: model.StatusActive},
	}
	var out bytes.Buffer
	if err := Write(&out, people); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("the export has a cell a spreadsheet runs as a formula: %q", cell)
			}
		}
	}
	if !strings.Contains(out.String(), "'=cmd|") || !strings.Contains(out.String(), "'+41 22 917 90 00") || !strings.Contains(out.String(), "''=quoted already") {
		t.Errorf("export:\n%s", out.String())
	}
	entries, err := Read(&out)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		got, want := e.Person, people[i]
		if got.Name != want.Name || got.Title != want.Title || got.Organisation != want.Organisation || got.Phone != want.Phone {
			t.Errorf("read back %+v, want %+v", got, want)
		}
	}
}

// TestEveryMistakeOnALine: a line with three bad cells reports all three,
// and a line with one bad cell is not also told what follows from it.
func TestEveryMistakeOnALine(t *testing.T) {
	in := "name,email,country,role,tz,title\n" +
		"Ama,ama@gh.example.org,Atlantis,chief,Mars/Base,Director\n" +
		"Kofi,kofi@gh.example.org,Ghana,focal-point,Africa/Accra,\"Two\nlines\"\n" +
		",nobody@example.org,Narnia,observer,,\n"
	_, err := Read(strings.NewReader(in))
	var bad Errors
	if !errors.As(err, &bad) {
		t.Fatalf("Read = %v, want line errors", err)
	}
	var got []string
	for _, le := range bad {
		got = append(got, fmt.Sprintf("%d: %s", le.Line, model.ErrorMessage(le.Err)))
	}
	for _, want := range []string{"2: Atlantis", "2: Unknown role \"chief\"", "2: Mars/Base", "3: The title must be on one line", "5: The name cannot be empty", "5: Narnia"} {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, want[:2]) && strings.Contains(g, want[3:])
		}
		if !found {
			t.Errorf("no mistake %q among:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if len(got) != 6 {
		t.Errorf("%d mistakes, want 6 (none repeated in other words):\n%s", len(got), strings.Join(got, "\n"))
	}
}

func TestMergeSetsOnlyTheFilesColumns(t *testing.T) {
	entries, err := Read(strings.NewReader("email,name,title,phone,role\nk@gh.example.org,Kwame,Ambassador,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	dst := model.Person{Name: "Kwame", Email: "k@gh.example.org", Country: "GH", Phone: "+233 30 266 4951", SlackID: "U0KWAME001",
		Role: model.RoleAlternate, Status: model.StatusActive}
	if err := entries[0].Merge(&dst); err != nil {
		t.Fatal(err)
	}
	if dst.Title != "Ambassador" || dst.Phone != "" || dst.SlackID != "U0KWAME001" || dst.Country != "GH" || dst.Role != model.RoleAlternate {
		t.Errorf("merged %+v: want the title set, the phone cleared, and the Slack ID, country and role kept", dst)
	}
}

func TestBadFiles(t *testing.T) {
	for _, c := range []struct{ name, csv, says string }{
		{"empty", "", "header line"},
		{"unknown column", "name,email,colour\n", `Unknown column "colour"`},
		{"missing email column", "name,country\n", `no "email" column`},
		{"repeated column", "name,email,mail\n", `"email" appears twice`},
	} {
		_, err := Read(strings.NewReader(c.csv))
		var bad Errors
		if !errors.As(err, &bad) || bad[0].Line != 1 || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want line 1 saying %q", c.name, err, c.says)
		}
	}
}

func TestSetClearsOptionalFieldsOnly(t *testing.T) {
	p := model.Person{Name: "X", Title: "T"}
	if err := Set(&p, "title", "none", nil); err != nil || p.Title != "" {
		t.Errorf("title none: %v, %q", err, p.Title)
	}
	if err := Set(&p, "name", "none", nil); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("name none: %v, want EINVALID", err)
	}
	if err := Set(&p, "role", "focal-point", SelfFields); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("role among self fields: %v", err)
	}
}
