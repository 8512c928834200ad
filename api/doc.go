// Package api is the boundary between a veil node and its clients.
//
// Layout:
//
//   - veil/v1/*.proto: the public protobuf API (package veil.v1), the
//     source of truth. The Go code generated from it lives in gen/veil/v1
//     (package veilv1, messages) and gen/veil/v1/veilv1connect (Connect
//     clients and handlers); it is committed and regenerated with
//     `go tool buf generate` from the repository root.
//   - this package: the Go types both sides share (Params, TxStatus,
//     Block, …) so that neither the node nor SDK users handle generated
//     messages, and the errors a Backend reports besides mempool's.
//   - server: the HTTP handler serving Connect, gRPC, gRPC-Web and JSON on
//     one port over a Backend the node implements.
//   - client: the Go SDK for wallets: fetch parameters, seal envelopes
//     locally, submit, wait.
//
// The package holds no protocol logic: admission lives in mempool,
// encryption in threshold, ordering in ordering.
package api
