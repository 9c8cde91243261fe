package bot

// PollStore is what the availability poll commands need from storage.
type PollStore interface{}

// pollCommands declares the availability poll commands.
func (e *Engine) pollCommands() []*Command { return nil }
