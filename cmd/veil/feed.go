package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

func init() { subcommands = append(subcommands, newFeedCmd) }

func newFeedCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Follow a rollup's decrypted batches",
	}
	cmd.AddCommand(newFeedSubscribeCmd())
	return cmd
}

// feedBatch is a batch as --json prints it, one object a line.
type feedBatch struct {
	Rollup uint64 `json:"rollup"`
	Height int64  `json:"height"`
	Level  string `json:"level"`
	Root   string `json:"batch_root"`
	// Eon is the eon whose committee signed the root (firm batches).
	Eon  uint64    `json:"eon,omitempty"`
	Legs []feedLeg `json:"legs"`
}

type feedLeg struct {
	TxIndex  uint32   `json:"tx_index"`
	BundleID string   `json:"bundle_id"`
	Rollups  []uint64 `json:"bundle_rollups"`
	Data     string   `json:"data"` // 0x-hex
}

func newFeedSubscribeCmd() *cobra.Command {
	var (
		nf      nodeFlags
		rollup  uint64
		from    int64
		level   string
		asJSON  bool
		genesis string
	)
	cmd := &cobra.Command{
		Use:   "subscribe --rollup ID [--from H] [--level soft|firm] [--json]",
		Short: "Stream a rollup's batches from a height, verifying each",
		Long: `subscribe prints one line per height from --from on, empty heights
included, after checking each batch against its batch root. It reconnects
by itself after a disconnect and resumes at the next height, so the output
has no gap and no duplicate. A --from beyond the node's tip waits for it.

With --genesis FILE (the chain's genesis.json) and --level firm, each batch
is also checked without trusting the node: its batch root must be in the
app hash of a block header signed by more than 2/3 of the genesis
validators, and, when it is signed under the genesis eon, the committee's
threshold signature must verify under the genesis eon key. (Roots of
later eons are checked against the header only; heights resolved by the
escape hatch carry no committee signature.)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var lvl api.DecryptionLevel
			switch strings.ToLower(level) {
			case "firm":
				lvl = api.LevelFirm
			case "soft":
				lvl = api.LevelSoft
			default:
				return fmt.Errorf("--level %q: want soft or firm", level)
			}
			if from < 1 {
				return fmt.Errorf("--from %d: heights start at 1", from)
			}
			opts := []client.SubscribeOption{client.WithOnResume(func(h int64, err error) {
				fmt.Fprintf(cmd.ErrOrStderr(), "veil feed: reconnecting from height %d: %v\n", h, err)
			})}
			var trust *genesisTrust
			if genesis != "" {
				if lvl != api.LevelFirm {
					return errors.New("--genesis checks firm batches: use it with --level firm")
				}
				t, err := loadGenesisTrust(genesis)
				if err != nil {
					return err
				}
				trust = t
				opts = append(opts, client.WithTrust(trust.vals, trust.chainID))
			}
			c, ctx, cancel, err := nf.dial(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			out := cmd.OutOrStdout()
			enc := json.NewEncoder(out)
			for b, err := range c.Subscribe(ctx, rollup, from, lvl, opts...) {
				if err != nil {
					return err
				}
				if trust != nil && b.Signature != nil && b.Eon == trust.eon.Eon() {
					if err := client.VerifySignedBatch(b, trust.eon, trust.chainID); err != nil {
						return fmt.Errorf("height %d: %w", b.Height, err)
					}
				}
				if asJSON {
					fb := feedBatch{Rollup: b.Rollup, Height: b.Height, Level: b.Level.String(), Root: b.Root.Hex(), Eon: b.Eon, Legs: []feedLeg{}}
					for _, l := range b.Legs {
						fb.Legs = append(fb.Legs, feedLeg{TxIndex: l.TxIndex, BundleID: l.Manifest.BundleID.Hex(), Rollups: l.Manifest.Rollups(), Data: "0x" + fmt.Sprintf("%x", l.Data)})
					}
					if err := enc.Encode(fb); err != nil {
						return err
					}
					continue
				}
				fmt.Fprintf(out, "height %d  rollup %d  %s  %d legs  root %s\n", b.Height, b.Rollup, b.Level, len(b.Legs), b.Root.Hex())
				for _, l := range b.Legs {
					kind := "tx"
					if len(l.Manifest.Legs) > 1 {
						kind = "bundle " + strconv.Itoa(len(l.Manifest.Legs)) + " rollups"
					}
					fmt.Fprintf(out, "  [%d] %s %s  %q\n", l.TxIndex, l.Manifest.BundleID.Hex(), kind, l.Data)
				}
			}
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil // interrupted
			}
			return ctx.Err()
		},
	}
	nf.register(cmd)
	cmd.Flags().Lookup("timeout").DefValue = "0"
	_ = cmd.Flags().Set("timeout", "0")
	f := cmd.Flags()
	f.Uint64Var(&rollup, "rollup", 0, "rollup id (required)")
	f.Int64Var(&from, "from", 1, "first height")
	f.StringVar(&level, "level", "firm", "soft or firm")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per height")
	f.StringVar(&genesis, "genesis", "", "the chain's genesis.json: check firm batches against its validators and eon key")
	_ = cmd.MarkFlagRequired("rollup")
	return cmd
}

// genesisTrust is what a genesis file lets a subscriber check without
// trusting the node: the validators' commits and the first eon's key.
type genesisTrust struct {
	chainID string
	vals    *cmttypes.ValidatorSet
	eon     *threshold.EonPublicKey
}

func loadGenesisTrust(path string) (*genesisTrust, error) {
	doc, err := cmttypes.GenesisDocFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("--genesis: %w", err)
	}
	vals, err := client.GenesisValidators(doc)
	if err != nil {
		return nil, fmt.Errorf("--genesis %s: %w", path, err)
	}
	g, err := ordering.ParseGenesis(doc.AppState)
	if err != nil {
		return nil, fmt.Errorf("--genesis %s: %w", path, err)
	}
	pk, err := threshold.ParseEonPublicKey(g.Eon.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("--genesis %s: eon key: %w", path, err)
	}
	return &genesisTrust{chainID: doc.ChainID, vals: vals, eon: pk}, nil
}
