// Package node runs veil validators: CometBFT in-process (node.NewNode
// with a local ABCI client) driving the ordering application, from a home
// directory in CometBFT's layout.
//
// A validator's life:
//
//	homes, _ := node.GenerateHomes(dir, node.TestnetConfig{Validators: 4, Genesis: g})
//	n, _ := node.New(ctx, node.Config{Home: homes[0]})   // opens the databases, replays stored blocks
//	_ = n.Start()                                         // dials the persistent peers, joins consensus
//	sub := n.App().Subscribe(64)                          // committed blocks
//	hash, err := n.Submit(envelope)                       // CheckTx through CometBFT's mempool
//	_ = n.Stop()                                          // leaves; New on the same home resumes
//
// GenerateHomes serves both deployments: without Hosts it writes a
// loopback devnet (distinct free ports, fast timeouts) that StartNetwork
// runs in one process; with Hosts it writes one home per machine, each
// then started by its own process. Either way the genesis enables vote
// extensions from height 1, so fair ordering can use them.
//
// Logging goes through log/slog; CometBFT's own lines are bridged and
// kept to errors unless Config.CometLogLevel asks for more.
package node
