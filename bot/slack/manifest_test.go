package slack

import (
	"maps"
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// manifest is the part of Slack's app manifest the tests check.
type manifest struct {
	Features struct {
		AppHome struct {
			HomeTab     bool `yaml:"home_tab_enabled"`
			MessagesTab bool `yaml:"messages_tab_enabled"`
			ReadOnly    bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName string `yaml:"display_name"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			Bot []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled bool `yaml:"is_enabled"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

// TestManifest proves that slack/manifest.yaml parses and declares what the
// code uses — every scope its methods, events and slash command need, every
// event it handles — and nothing more.
func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../../slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("slack/manifest.yaml: %v", err)
	}

	want := map[string]bool{}
	for _, ss := range methodScopes {
		for _, s := range ss {
			want[s] = true
		}
	}
	for _, ss := range eventScopes {
		for _, s := range ss {
			want[s] = true
		}
	}
	want[commandScope] = true
	if got, want := sorted(m.OAuth.Scopes.Bot), slices.Sorted(maps.Keys(want)); !slices.Equal(got, want) {
		t.Errorf("bot scopes %v; the code needs %v", got, want)
	}
	if got, want := sorted(m.Settings.Events.Bot), slices.Sorted(maps.Keys(eventScopes)); !slices.Equal(got, want) {
		t.Errorf("bot events %v; the code handles %v", got, want)
	}
	for method := range methodBudgets {
		if _, ok := methodScopes[method]; !ok && method != "response_url" {
			t.Errorf("the throttle paces %s but methodScopes does not say what scope it needs", method)
		}
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != SlashCommand || !m.Features.SlashCommands[0].ShouldEscape {
		t.Errorf("slash commands %+v; want %s, escaped so that mentions arrive as user IDs", m.Features.SlashCommands, SlashCommand)
	}
	if !m.Features.AppHome.HomeTab || !m.Features.AppHome.MessagesTab || m.Features.AppHome.ReadOnly {
		t.Errorf("app home %+v; want the home tab and a messages tab people can write in", m.Features.AppHome)
	}
	if m.Features.BotUser.DisplayName == "" || !m.Settings.Interactivity.Enabled || !m.Settings.SocketMode {
		t.Errorf("want a bot user, interactivity and Socket Mode: %+v", m)
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
