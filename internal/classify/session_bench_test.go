package classify

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchConversations returns the conversations of the JDDC dev sample as
// turns, or the hand-written benchContexts as one conversation when the
// shared data is absent, so the benchmark runs everywhere.
func benchConversations(b *testing.B) [][]Turn {
	b.Helper()
	f, err := os.Open(filepath.Join(dataDir, "jddc", "jddc_dev.tsv"))
	if err != nil {
		var turns []Turn
		for _, c := range benchContexts() {
			turns = append(turns, Turn{Agent: true, Text: c.PrevAgent}, Turn{Text: c.Text})
		}
		return [][]Turn{turns}
	}
	defer f.Close()
	var convs [][]Turn
	var cur []Turn
	last := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		// session id, user, role (1 = agent), …, text
		p := strings.SplitN(sc.Text(), "\t", 7)
		if len(p) < 7 {
			continue
		}
		if p[0] != last && cur != nil {
			convs = append(convs, cur)
			cur = nil
		}
		last = p[0]
		cur = append(cur, Turn{Agent: p[2] == "1", Text: p[6]})
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return append(convs, cur)
}

// BenchmarkSession scores every customer message of real conversations in
// order through one Session, the way the detector engine does, and reports
// the CPU time per customer message. In "hot" the model's tables stay in
// the cache from one conversation to the next, which a scan never sees:
// there every detector runs between two conversations. "cold" reads a
// buffer the size of a core's cache share before each conversation, so the
// tables come from memory as they do in a scan; the figure includes that
// read, which "evict" measures alone.
func BenchmarkSession(b *testing.B) {
	m := loadModel(b)
	convs := benchConversations(b)
	ctxs := make([][]Context, len(convs))
	msgs, n := 0, 0
	for i, turns := range convs {
		for j, c := range ContextsOf(turns) {
			if !turns[j].Agent {
				ctxs[i] = append(ctxs[i], c)
				msgs++
				n += len(c.Text)
			}
		}
	}
	evict := make([]uint64, 1<<20/8)
	for _, mode := range []string{"hot", "cold", "evict"} {
		cold, model := mode != "hot", mode != "evict"
		b.Run(mode, func(b *testing.B) {
			score := m.Session()
			var sink uint64
			b.SetBytes(int64(n))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				for _, cs := range ctxs {
					if cold {
						for k := 0; k < len(evict); k += 8 {
							sink += evict[k]
						}
					}
					if !model {
						continue
					}
					for _, c := range cs {
						_, p, _ := score(c.Text, c.PrevAgent, c.PrevCustomer)
						sink += uint64(p * 1000)
					}
				}
			}
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(msgs), "cpu-ns/msg")
			}
			if sink == 1 {
				b.Log(sink) // keeps the scores computed
			}
		})
	}
}
