package match

import "testing"

// TestLanguageByName: the six languages are found by their names in each
// of them, loosely typed; a code or another language is not a name.
func TestLanguageByName(t *testing.T) {
	for name, want := range map[string]string{
		"French": "fr", "francais": "fr", "Français": "fr", "francés": "fr", "французский": "fr",
		"English": "en", "anglais": "en", "Spanish": "es", "español": "es", "Russian": "ru", "русский": "ru",
		"Arabic": "ar", "العربية": "ar", "Chinese": "zh-hans", "中文": "zh-hans", "简体中文": "zh-hans", "chinois": "zh-hans",
	} {
		if got, ok := Language(name); !ok || got != want {
			t.Errorf("Language(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"fr", "pt-BR", "Portuguese", "Klingon", ""} {
		if got, ok := Language(name); ok {
			t.Errorf("Language(%q) = %q, want none", name, got)
		}
	}
}
