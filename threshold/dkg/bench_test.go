package dkg

import (
	"fmt"
	"testing"
)

// BenchmarkDKG measures a whole run without faults in memory: the CPU time
// of all n members together (deal generation, decryption and verification
// of every deal, responses, and each member's eon key and share), from
// NewParticipant to Result. Long-term key generation is excluded. Besides
// ns/op (wall time) it reports cpu-ns/op, the process's CPU time per run,
// which stays meaningful when other processes share the cores.
//
// n = 64 takes tens of seconds; measure it with -benchtime 1x.
func BenchmarkDKG(b *testing.B) {
	for _, n := range []int{4, 16, 64} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			keys, pubs := testKeys(b, n, 1)
			b.ReportAllocs()
			cpu0, ok := processCPU()
			runs := 0
			for i := 0; b.Loop(); i++ {
				runs++
				s := &sim{tb: b, n: n, behave: make([]behaviour, n), parts: make([]*Participant, n), keys: keys, pubs: pubs}
				for j := range n {
					p, out, err := NewParticipant(Config{Eon: 1, Members: pubs, Self: keys[j], Rand: newReader(uint64(i*n + j))})
					if err != nil {
						b.Fatal(err)
					}
					s.parts[j] = p
					s.queue = append(s.queue, out...)
				}
				s.deliverInOrder()
				for j, p := range s.parts {
					if _, err := p.Result(); err != nil {
						b.Fatalf("member %d: %v", j+1, err)
					}
				}
			}
			if cpu1, _ := processCPU(); ok && runs > 0 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(runs), "cpu-ns/op")
			}
		})
	}
}

// deliverInOrder delivers queued messages first in, first out, each member
// parsing its own copy of the bytes, until none are left.
func (s *sim) deliverInOrder() {
	for len(s.queue) > 0 {
		b, err := s.queue[0].MarshalBinary()
		if err != nil {
			s.tb.Fatal(err)
		}
		sender := s.queue[0].Sender()
		s.queue = s.queue[1:]
		for j, p := range s.parts {
			if j+1 == sender {
				continue
			}
			m, err := ParseMessage(b)
			if err != nil {
				s.tb.Fatal(err)
			}
			out, err := p.Handle(m)
			if err != nil {
				s.tb.Fatalf("member %d: %v", j+1, err)
			}
			s.queue = append(s.queue, out...)
		}
	}
}
