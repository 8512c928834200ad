package devnet

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/veilseq/veil/decrypt"
)

// decryptMetrics are validator i's decryption metrics, in the registry its
// node's metrics use (node.Config.Metrics' default), under its moniker.
func (d *Devnet) decryptMetrics(i int) *decrypt.Metrics {
	return decrypt.NewMetrics(prometheus.DefaultRegisterer, d.Network.Nodes[i].Moniker())
}
