// Package metrics defines every Prometheus metric focalbot exports, in one
// place, over a registry that main builds and passes down: there are no
// package-level metrics. The other packages know nothing of Prometheus:
// each declares the small hook it calls (a Dispatcher's Observer, the
// scheduler's Observe, the Slack transport's Acks and HTTP client), and
// main connects them to a *Metrics.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"focalbot/model"
)

// Outbox is what the outbox collector reads at every scrape.
type Outbox interface {
	OutboxDepth(ctx context.Context) ([]model.OutboxDepth, error)
	OldestDue(ctx context.Context, now time.Time) (map[model.Channel]time.Time, error)
}

// Metrics holds focalbot's metrics and the registry they are on.
type Metrics struct {
	Registry *prometheus.Registry

	sends        *prometheus.CounterVec
	failures     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	tickDuration prometheus.Histogram
	tickLag      prometheus.Gauge
	lastTick     prometheus.Gauge
	slackCalls   *prometheus.CounterVec
	acks         *prometheus.CounterVec
	ackLatency   *prometheus.HistogramVec
	mailIn       *prometheus.CounterVec

	mu        sync.Mutex
	prevStart time.Time // the last tick's start, for the lag
}

// TickInterval is how often the scheduler is meant to tick; a tick that
// starts later than this after the one before is late by the difference.
const TickInterval = time.Minute

// New makes the metrics on a new registry, with the Go runtime's and the
// process's own metrics. outbox, when not nil, is counted at every scrape.
func New(outbox Outbox, now func() time.Time) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focalbot_delivery_sends_total", Help: "Outbox messages sent, by channel.",
		}, []string{"channel"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focalbot_delivery_failures_total",
			Help: "Failed attempts to send outbox messages, by channel and reason: temporary (tried again), permanent (refused), expired (given up: no longer matters).",
		}, []string{"channel", "reason"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "focalbot_delivery_latency_seconds", Help: "From when a message was due to when it was sent, by channel.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600},
		}, []string{"channel"}),
		tickDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "focalbot_scheduler_tick_duration_seconds", Help: "How long a scheduler tick takes.",
			Buckets: prometheus.ExponentialBuckets(0.005, 4, 8),
		}),
		tickLag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "focalbot_scheduler_tick_lag_seconds", Help: "How much later than its minute the last scheduler tick started.",
		}),
		lastTick: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "focalbot_scheduler_last_tick_timestamp_seconds", Help: "When the last scheduler tick ended (Unix time).",
		}),
		slackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focalbot_slack_api_calls_total", Help: "Calls to Slack's Web API, by method and HTTP status (429: rate-limited; error: no answer).",
		}, []string{"method", "status"}),
		acks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focalbot_slack_events_acked_total", Help: "Requests from Slack acknowledged, by mode (socket or http).",
		}, []string{"mode"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "focalbot_slack_ack_seconds", Help: "From receiving a request from Slack to acknowledging it, by mode.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3},
		}, []string{"mode"}),
		mailIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "focalbot_mail_incoming_total", Help: "Incoming mail, by outcome: handled, ignored, held, refused, repeat (received before), or error (could not be stored; read again).",
		}, []string{"outcome"}),
	}
	for _, ch := range []model.Channel{model.ChannelEmail, model.ChannelSlack} {
		m.sends.WithLabelValues(string(ch)) // exported from the start at 0, so that rates and alerts see them
		for _, reason := range []string{"temporary", "permanent", "expired"} {
			m.failures.WithLabelValues(string(ch), reason)
		}
	}
	reg.MustRegister(m.sends, m.failures, m.latency, m.tickDuration, m.tickLag, m.lastTick,
		m.slackCalls, m.acks, m.ackLatency, m.mailIn,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if outbox != nil {
		if now == nil {
			now = time.Now
		}
		reg.MustRegister(&outboxCollector{outbox: outbox, now: now})
	}
	return m
}

// Handler serves the registry's metrics at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Sent counts a message sent on ch, due for as long as waited.
func (m *Metrics) Sent(ch model.Channel, waited time.Duration) {
	m.sends.WithLabelValues(string(ch)).Inc()
	m.latency.WithLabelValues(string(ch)).Observe(max(waited, 0).Seconds())
}

// Failed counts a failed attempt on ch: reason is temporary, permanent or
// expired.
func (m *Metrics) Failed(ch model.Channel, reason string) {
	m.failures.WithLabelValues(string(ch), reason).Inc()
}

// Tick records a scheduler tick that started at start (wall time) and
// took took.
func (m *Metrics) Tick(start time.Time, took time.Duration) {
	m.tickDuration.Observe(took.Seconds())
	m.lastTick.Set(float64(start.Add(took).UnixNano()) / 1e9)
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.prevStart.IsZero() {
		m.tickLag.Set(max(start.Sub(m.prevStart)-TickInterval, 0).Seconds())
	}
	m.prevStart = start
}

// Acked counts a request from Slack acknowledged took after it came in;
// mode is socket or http.
func (m *Metrics) Acked(mode string, took time.Duration) {
	m.acks.WithLabelValues(mode).Inc()
	m.ackLatency.WithLabelValues(mode).Observe(took.Seconds())
}

// MailIn counts a piece of incoming mail by outcome (inmail.Ingester's
// Counted): handled, ignored, held, refused, or repeat.
func (m *Metrics) MailIn(outcome string) { m.mailIn.WithLabelValues(outcome).Inc() }

// SlackTransport wraps the transport of the HTTP client that calls Slack,
// counting each call by method (the last part of its path, such as
// chat.postMessage) and HTTP status.
func (m *Metrics) SlackTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		res, err := next.RoundTrip(r)
		status := "error"
		if err == nil {
			status = strconv.Itoa(res.StatusCode)
		}
		m.slackCalls.WithLabelValues(method, status).Inc()
		return res, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// outboxCollector counts the outbox at scrape time, in the database: by
// channel and status, and the age of the oldest message due and unsent.
type outboxCollector struct {
	outbox Outbox
	now    func() time.Time
}

var (
	descDepth = prometheus.NewDesc("focalbot_outbox_messages", "Outbox messages by channel and status, counted at scrape time.", []string{"channel", "status"}, nil)
	descAge   = prometheus.NewDesc("focalbot_outbox_oldest_due_seconds", "Age of the oldest outbox message due and not yet sent, by channel (0 when none).", []string{"channel"}, nil)
	descUp    = prometheus.NewDesc("focalbot_outbox_scrape_ok", "1 when the outbox could be counted at this scrape, else 0.", nil, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descDepth
	ch <- descAge
	ch <- descUp
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := c.now()
	depth, err := c.outbox.OutboxDepth(ctx)
	var oldest map[model.Channel]time.Time
	if err == nil {
		oldest, err = c.outbox.OldestDue(ctx, now)
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	for _, d := range depth {
		ch <- prometheus.MustNewConstMetric(descDepth, prometheus.GaugeValue, float64(d.N), string(d.Channel), string(d.Status))
	}
	for _, channel := range []model.Channel{model.ChannelEmail, model.ChannelSlack} {
		age := 0.0
		if t, ok := oldest[channel]; ok {
			age = max(now.Sub(t), 0).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(descAge, prometheus.GaugeValue, age, string(channel))
	}
}
