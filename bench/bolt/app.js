// A minimal Bolt-JS app, the peer of focalbot's Slack benchmarks: the HTTP
// Events API on PORT (default 3000) at /slack/events, answering every direct
// message (message.im) with a reply through chat.postMessage, as a bot
// written the usual way with Bolt would. SLACK_API_URL points its Web API
// calls at the load generator's stand-in for Slack.
const { App, LogLevel } = require('@slack/bolt');

const app = new App({
  token: process.env.SLACK_BOT_TOKEN || 'xoxb-bench',
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: LogLevel.ERROR,
});

app.message(async ({ message, say }) => {
  if (message.channel_type !== 'im') return;
  await say(`You said: ${message.text}`);
});

(async () => {
  const port = Number(process.env.PORT || 3000);
  await app.start(port);
  console.log(`bolt peer listening on ${port}`);
})();
