package server

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	activities *prometheus.CounterVec
	latency    *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		activities: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mfabot_activities_total", Help: "Activities received on /api/messages, by type and HTTP status.",
		}, []string{"type", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mfabot_activity_seconds", Help: "Time to answer an activity.",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 15},
		}, []string{"type"}),
	}
	reg.MustRegister(m.activities, m.latency)
	return m
}

// knownTypes bounds the label's cardinality: anything else is "other".
var knownTypes = map[string]bool{"message": true, "invoke": true, "conversationUpdate": true, "installationUpdate": true, "invalid": true, "unauthenticated": true, "busy": true}

func (m *metrics) observe(kind string, status int, d time.Duration) {
	if !knownTypes[kind] {
		kind = "other"
	}
	m.activities.WithLabelValues(kind, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(kind).Observe(d.Seconds())
}
