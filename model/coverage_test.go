package model

import "testing"

// Coverage counts countries, not people, and only active focal points; an
// observer state is counted apart from the member states.
func TestCoverageOf(t *testing.T) {
	cv := CoverageOf([]Person{
		{Country: "GH", Role: RoleFocalPoint, Status: StatusActive},
		{Country: "GH", Role: RoleFocalPoint, Status: StatusActive},
		{Country: "DK", Role: RoleAlternate, Status: StatusActive},
		{Country: "FR", Role: RoleFocalPoint, Status: StatusPending},
		{Country: "VA", Role: RoleFocalPoint, Status: StatusActive},
		{Role: RoleSecretariat, Status: StatusActive},
	})
	if len(cv.Members) != 1 || cv.Members[0] != "GH" {
		t.Fatalf("members covered: %v", cv.Members)
	}
	if len(cv.Observers) != 1 || cv.Observers[0].Alpha2 != "VA" {
		t.Fatalf("observers covered: %v", cv.Observers)
	}
	total := 0
	for _, g := range cv.Groups {
		total += g.Total
		if g.Group == GroupAfrican && len(g.Covered) != 1 {
			t.Fatalf("African group: %+v", g)
		}
	}
	if total != len(MemberStates()) {
		t.Fatalf("groups hold %d member states, want %d", total, len(MemberStates()))
	}
}
