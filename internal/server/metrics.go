package server

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// metrics are the process's counters, exposed at /metrics in the
// Prometheus text format (written by hand: a few counters and one
// histogram do not need a client library).
type metrics struct {
	convAccepted, convUpdated, convUnchanged, convRejected atomic.Int64
	msgAccepted, msgDuplicate, msgRejected                 atomic.Int64
	inspectFailures, throttled                             atomic.Int64
	inspectBuckets                                         [len(inspectBounds) + 1]atomic.Int64
	inspectSumMicros, inspectCount                         atomic.Int64
}

// inspectBounds are the histogram's upper bounds in seconds.
var inspectBounds = [...]float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}

func newMetrics() *metrics { return &metrics{} }

func (m *metrics) observeInspection(d time.Duration) {
	sec := d.Seconds()
	i := sort.SearchFloat64s(inspectBounds[:], sec)
	m.inspectBuckets[i].Add(1)
	m.inspectSumMicros.Add(d.Microseconds())
	m.inspectCount.Add(1)
}

// getMetrics writes the metrics. Process-wide counters are for admin and
// qa users only; a vendor user sees the store's figures for its vendor
// (conversations and findings by code), as everything else is filtered.
func (s *Server) getMetrics(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	ctx := r.Context()
	var b strings.Builder
	metric := func(name, typ, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	if u.Scope() == "" {
		m := s.metrics
		metric("fullqa_conversations_ingested_total", "counter", "Conversations posted whole, by outcome.")
		for _, o := range []struct {
			l string
			v *atomic.Int64
		}{{"accepted", &m.convAccepted}, {"updated", &m.convUpdated}, {"unchanged", &m.convUnchanged}, {"rejected", &m.convRejected}} {
			fmt.Fprintf(&b, "fullqa_conversations_ingested_total{outcome=%q} %d\n", o.l, o.v.Load())
		}
		metric("fullqa_messages_ingested_total", "counter", "Streamed messages, by outcome.")
		for _, o := range []struct {
			l string
			v *atomic.Int64
		}{{"accepted", &m.msgAccepted}, {"duplicate", &m.msgDuplicate}, {"rejected", &m.msgRejected}} {
			fmt.Fprintf(&b, "fullqa_messages_ingested_total{outcome=%q} %d\n", o.l, o.v.Load())
		}
		metric("fullqa_inspection_failures_total", "counter", "Inspections that panicked (the conversation was rejected).")
		fmt.Fprintf(&b, "fullqa_inspection_failures_total %d\n", m.inspectFailures.Load())
		metric("fullqa_throttled_total", "counter", "Requests answered 429 because the inspection queue was full.")
		fmt.Fprintf(&b, "fullqa_throttled_total %d\n", m.throttled.Load())
		metric("fullqa_queue_depth", "gauge", "Conversations waiting for or in inspection.")
		fmt.Fprintf(&b, "fullqa_queue_depth %d\n", s.queue.depth.Load())
		if n, err := s.st.PendingInspections(ctx); err == nil {
			metric("fullqa_pending_inspections", "gauge", "Closed conversations whose latest content is not inspected yet.")
			fmt.Fprintf(&b, "fullqa_pending_inspections %d\n", n)
		}
		if ac, err := s.st.AlertCounts(ctx); err == nil {
			metric("fullqa_alerts", "gauge", "Alert deliveries in the outbox by state; dead is the dead-letter list (fullqa alert dead).")
			for _, st := range []string{"pending", "sent", "dead"} {
				fmt.Fprintf(&b, "fullqa_alerts{state=%q} %d\n", st, ac[st])
			}
		}
		metric("fullqa_inspection_seconds", "histogram", "Time to inspect one conversation in full.")
		var cum int64
		for i, bound := range inspectBounds {
			cum += m.inspectBuckets[i].Load()
			fmt.Fprintf(&b, "fullqa_inspection_seconds_bucket{le=\"%g\"} %d\n", bound, cum)
		}
		cum += m.inspectBuckets[len(inspectBounds)].Load()
		fmt.Fprintf(&b, "fullqa_inspection_seconds_bucket{le=\"+Inf\"} %d\n", cum)
		fmt.Fprintf(&b, "fullqa_inspection_seconds_sum %g\nfullqa_inspection_seconds_count %d\n",
			float64(m.inspectSumMicros.Load())/1e6, m.inspectCount.Load())
	}
	if n, err := s.st.CountConversations(ctx, u.Scope()); err == nil {
		metric("fullqa_conversations_stored", "gauge", "Conversations in the store (of the caller's vendor).")
		fmt.Fprintf(&b, "fullqa_conversations_stored %d\n", n)
	}
	counts, err := s.st.FindingCounts(ctx, u.Scope())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	metric("fullqa_findings", "gauge", "Findings in the store by code (of the caller's vendor).")
	codes := make([]string, 0, len(counts))
	for c := range counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "fullqa_findings{code=%q} %d\n", c, counts[c])
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}
