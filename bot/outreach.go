package bot

// OutreachStore is what the outreach commands need from storage.
type OutreachStore interface{}

// outreachCommands declares the outreach commands.
func (e *Engine) outreachCommands() []*Command { return nil }
