// Package test holds veil's end-to-end tests: whole networks of real
// CometBFT validators in one process, driven through the public API as
// wallets and rollups would drive them.
package test
