package bot

// UsageProse is every prose part a usage may hold (the keys of its
// messages).
var UsageProse = usageProse

// UsageGrammar splits a usage into its prose parts, in order, and the
// grammar left around them (each prose part written as "·").
func UsageGrammar(usage string) (prose []string, grammar string) {
	grammar = renderUsage(usage, func(key string, _ ...any) string {
		prose = append(prose, key)
		return "·"
	})
	return prose, grammar
}
