package metrics

import "github.com/prometheus/client_golang/prometheus"

// WatchIMAP adds focalbot_imap_connected: 1 while ready reports nil (the
// mailbox is connected and watched), else 0, asked at each scrape.
func (m *Metrics) WatchIMAP(ready func() error) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "focalbot_imap_connected",
		Help: "1 while the IMAP mailbox of FOCALBOT_IMAP_URL is connected and watched, else 0.",
	}, func() float64 {
		if ready() != nil {
			return 0
		}
		return 1
	}))
}
