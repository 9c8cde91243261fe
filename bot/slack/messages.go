package slack

// Every sentence the Slack transport itself shows a person. The engine's
// replies come from its own catalog in package bot.
const (
	msgAnsweredInDM = "I have sent you the answer in a direct message."
	msgBusy         = "I am very busy right now and could not take that in. Please try again in a minute."
)
