// Package bench is veil's end-to-end load harness: it drives funded
// wallets at an offered rate (or steps the rate up to the saturation
// point) against a network — a fresh in-process devnet, or any node's
// wallet API — and measures what a user and an operator see: committed
// envelopes per second, submit→commit and submit→soft/firm-decrypted
// latency, process CPU per committed envelope, the vote-extension bytes
// the blocks carry, and, on a devnet, the same network with plaintext
// envelopes and keyholders off for the encrypted/plaintext ratio.
//
// The bound a run is held against is computed in the same process:
//
//	bound = cores ÷ (CPU per tx of consensus and admission, plaintext run
//	                 + per-tx crypto the whole devnet does, calibrated here)
//
// The crypto costs come from short calibrated loops of the threshold and
// admission operations at the devnet's shape (n members, threshold t, the
// block size the encrypted run observed), timed in process CPU, so rate
// and bound share one machine and one moment.
//
// A network "keeps up" at a rate when, at the end of the submission
// window, validator 0's soft-decrypted tip (the highest height whose soft
// batch is done, empty heights counting as done) is within KeepUpHeights
// of its commit tip.
package bench
