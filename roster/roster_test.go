package roster

import (
	"bytes"
	"errors"
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
	want := strings.Replace(in, "Denmark", "DK", 1)
	if out.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", out.String(), want)
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
