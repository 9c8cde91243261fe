package bot_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEngineLinksNoStorage keeps the engine free of the database and the
// cron library: it talks to storage through its Store interface, and to
// recurrence math through focalbot/recur.
func TestEngineLinksNoStorage(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list the engine's dependencies")
	}
	out, err := exec.Command(goTool, "list", "-deps", "focalbot/bot").Output()
	if err != nil {
		t.Fatalf("go list -deps focalbot/bot: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"gorm.io/", "github.com/robfig/cron", "github.com/jackc/pgx", "focalbot/storage", "focalbot/scheduler"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("focalbot/bot links %s; the engine must not depend on storage or the scheduler", dep)
			}
		}
	}
}
