package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/threshold/dkg"
)

func init() { subcommands = append(subcommands, newDKGCmd) }

func newDKGCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dkg",
		Short: "Run the DKG ceremony that gives the committee its next eon key",
		Long: `A ceremony runs on chain (docs/protocol.md, "DKG ceremony"). Each new member
prints its join with "veil dkg join-key"; the current committee approves an
opening listing every join with "veil dkg open"; then every member runs
"veil dkg join", which deals, follows the other members' messages through
any node, stores its new share encrypted beside its keyholder secrets, and
consents. The chain registers the eon once t members consented.`,
	}
	cmd.AddCommand(newDKGJoinKeyCmd(), newDKGOpenCmd(), newDKGJoinCmd(), newDKGStatusCmd())
	return cmd
}

// memberSecrets loads a keyholder home's member secrets.
func memberSecrets(home string, keys *keyFlags) (*keystore.Secrets, keystore.Key, error) {
	if home == "" {
		return nil, nil, errors.New("--home is required: the member's keyholder home (holding keyholder.age)")
	}
	key, err := keys.key()
	if err != nil {
		return nil, nil, err
	}
	s, err := keystore.Load(keystore.SecretsPath(home), key)
	if err != nil {
		return nil, nil, err
	}
	return s, key, nil
}

func newDKGJoinKeyCmd() *cobra.Command {
	var (
		home string
		eon  uint64
		keys keyFlags
	)
	cmd := &cobra.Command{
		Use:   "join-key --home DIR --eon N",
		Short: "Print this member's join for eon N's ceremony (DKG public key and signature, hex)",
		Long: `Prints, as one hex string, the member's DKG public key for eon N (129 bytes,
derived from the member key in DIR/keyholder.age, the chain id and the eon)
followed by its join signature (64 bytes). Send it to whoever assembles the
opening ("veil dkg open --join"); it holds no secret.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, _, err := memberSecrets(home, &keys)
			if err != nil {
				return err
			}
			if eon == 0 {
				return errors.New("--eon is required: the eon the ceremony produces (the current eon + 1)")
			}
			pub, join, err := decrypt.CeremonyJoin(s.MemberKey, s.ChainID, eon)
			if err != nil {
				return err
			}
			raw, _ := pub.MarshalBinary()
			fmt.Fprintf(cmd.OutOrStdout(), "%x%x\n", raw, join)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", "", "the member's keyholder home (keyholder.age)")
	f.Uint64Var(&eon, "eon", 0, "the eon the ceremony produces")
	keys.register(f)
	return cmd
}

func newDKGOpenCmd() *cobra.Command {
	var (
		node, in, out        string
		eon, session         uint64
		t, phase             int
		joins, approverFiles []string
	)
	cmd := &cobra.Command{
		Use:   "open --node URL --eon N --join HEX… --approve I=FILE…",
		Short: "Open eon N's ceremony: list the members' joins, approve as current members, submit",
		Long: `Builds the ceremony opening (system transaction 0xF4): the new members' joins
in member order (--join, as "veil dkg join-key" prints them), the threshold
and the phase length, approved by members of the current eon (--approve
I=FILE: member index I signs with the Ed25519 seed, 64 hex digits, in FILE).
The chain needs approvals from t of the current eon. With --out the opening
is written (hex) instead of submitted, so approvers on other hosts can add
theirs with --in FILE --approve I=FILE; the last one submits it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := client.Dial(node)
			if err != nil {
				return err
			}
			params, err := c.Params(ctx)
			if err != nil {
				return fmt.Errorf("read the chain id from %s: %w", node, err)
			}
			chainID := params.ChainID
			var o *ordering.DKGOpening
			if in != "" {
				b, err := readHexFile(in)
				if err != nil {
					return err
				}
				if o, err = ordering.ParseDKGOpening(b); err != nil {
					return fmt.Errorf("%s: %w", in, err)
				}
			} else {
				if eon == 0 {
					eon = params.Eon.ID + 1
				}
				if session == 0 {
					session = params.LatestHeight
				}
				o = &ordering.DKGOpening{Eon: eon, Session: session, Threshold: t, PhaseBlocks: phase}
				for i, j := range joins {
					b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(j), "0x"))
					if err != nil || len(b) != dkg.PublicKeySize+ed25519.SignatureSize {
						return fmt.Errorf("--join %d is not %d bytes of hex (veil dkg join-key prints it)", i+1, dkg.PublicKeySize+ed25519.SignatureSize)
					}
					pub, err := dkg.ParsePublicKey(b[:dkg.PublicKeySize])
					if err != nil {
						return fmt.Errorf("--join %d: %w", i+1, err)
					}
					o.Members = append(o.Members, pub)
					o.Joins = append(o.Joins, b[dkg.PublicKeySize:])
				}
				if len(o.Members) == 0 {
					return errors.New("--join is required, once per new member, in member order")
				}
				if o.Threshold == 0 {
					o.Threshold = threshold.DefaultThreshold(len(o.Members))
				}
			}
			for _, a := range approverFiles {
				idx, file, ok := strings.Cut(a, "=")
				i, err := strconv.Atoi(idx)
				if !ok || err != nil || i < 1 {
					return fmt.Errorf("--approve %q: want INDEX=FILE, INDEX the 1-based member index in the current eon", a)
				}
				k, err := readMemberKey(file)
				if err != nil {
					return err
				}
				o.Approve(chainID, i, k)
			}
			tx, err := o.Marshal()
			if err != nil {
				return err
			}
			if out != "" {
				if err := os.WriteFile(out, []byte(hex.EncodeToString(tx)+"\n"), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "eon %d opening (%d members, t = %d, %d approvals) written to %s\n", o.Eon, len(o.Members), o.Threshold, len(o.Approvals), out)
				return nil
			}
			nodes, err := decrypt.NewCeremonyNodes(nil, node)
			if err != nil {
				return err
			}
			if err := nodes.SubmitDKGMessage(ctx, tx); err != nil {
				return fmt.Errorf("node refused the opening: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "eon %d ceremony opening (session %d, %d members, t = %d, phases of %d blocks) accepted into the mempool; members can run veil dkg join\n",
				o.Eon, o.Session, len(o.Members), o.Threshold, o.PhaseBlocks)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&node, "node", "http://127.0.0.1:26670", "API base URL of a node")
	f.Uint64Var(&eon, "eon", 0, "the eon the ceremony produces (default: the current eon + 1)")
	f.Uint64Var(&session, "session", 0, "ceremony session, distinct from the eon's earlier ceremonies (default: the node's latest height)")
	f.IntVar(&t, "threshold", 0, "threshold t of the new committee (default ⌊2n/3⌋+1)")
	f.IntVar(&phase, "phase-blocks", 20, "blocks each phase (deal, response, justification, consent) stays open")
	f.StringArrayVar(&joins, "join", nil, "a new member's join (hex), repeated in member order")
	f.StringArrayVar(&approverFiles, "approve", nil, "INDEX=FILE: approve as member INDEX of the current eon with the Ed25519 seed in FILE (repeatable)")
	f.StringVar(&in, "in", "", "start from this opening (hex file) instead of --join")
	f.StringVar(&out, "out", "", "write the opening (hex) here instead of submitting it")
	return cmd
}

// storeShare writes the member's share of a ceremony's eon beside its
// keyholder secrets. After a restart the file may be there already: the
// same share is fine, another one is an error.
func storeShare(path string, key keystore.Key, s *keystore.Secrets, r *dkg.Result) error {
	if _, err := os.Stat(path); err == nil {
		have, err := keystore.Load(path, key)
		if err != nil {
			return err
		}
		a, _ := have.Share.MarshalBinary()
		b, _ := r.SecretShare().MarshalBinary()
		if string(a) != string(b) {
			return fmt.Errorf("%s holds another share of eon %d: move it away to store this ceremony's", path, r.SecretShare().Eon())
		}
		return nil
	}
	return keystore.Create(path, &keystore.Secrets{ChainID: s.ChainID, Share: r.SecretShare(), MemberKey: s.MemberKey}, key)
}

func readHexFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
	if err != nil {
		return nil, fmt.Errorf("%s is not hex: %w", path, err)
	}
	return raw, nil
}

func newDKGJoinCmd() *cobra.Command {
	var (
		home    string
		nodes   []string
		eon     uint64
		timeout time.Duration
		keys    keyFlags
	)
	cmd := &cobra.Command{
		Use:   "join --home DIR --node URL [--node URL…] --eon N",
		Short: "Take part in eon N's ceremony as a member until the eon is registered",
		Long: `Runs this member's side of eon N's ceremony: waits for the opening, posts
the member's deal, reads every member's messages in chain order from the
first reachable --node (moving to the next when one fails), closes each
phase at its deadline height, and when the run ends stores the member's
new share encrypted as DIR/keyholder-eon-N.age (with the key that opens
DIR/keyholder.age; a running "veil keyholder --home DIR" picks it up),
posts its consent, and waits until the chain registers the eon. It prints
a line per step. It fails, saying why, if this member is not in the
opening, its messages miss a deadline, the run ends with fewer than t
qualified dealers, or the eon is not registered by the consent deadline.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			s, key, err := memberSecrets(home, &keys)
			if err != nil {
				return err
			}
			if eon == 0 {
				return errors.New("--eon is required: the eon the ceremony produces")
			}
			path := keystore.EonSecretsPath(home, eon)
			c, err := decrypt.NewCeremonyNodes(nil, nodes...)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			res, err := decrypt.RunCeremony(ctx, decrypt.CeremonyConfig{
				ChainID: s.ChainID, Eon: eon, MemberKey: s.MemberKey, Client: c,
				Progress: func(line string) { fmt.Fprintf(out, "%s  %s\n", time.Now().UTC().Format("15:04:05"), line) },
				Store:    func(r *dkg.Result) error { return storeShare(path, key, s, r) },
			})
			if errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("eon %d's ceremony did not finish within --timeout %v", eon, timeout)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "member %d of eon %d: share stored in %s; eon %d activates at height %d\n",
				res.Member, eon, path, eon, res.Registration.ActivationHeight)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", "", "the member's keyholder home (keyholder.age)")
	f.StringArrayVar(&nodes, "node", []string{"http://127.0.0.1:26670"}, "API base URL of a node (repeatable, in order of preference)")
	f.Uint64Var(&eon, "eon", 0, "the eon the ceremony produces")
	f.DurationVar(&timeout, "timeout", 0, "give up after this long (0: never)")
	keys.register(f)
	return cmd
}

func newDKGStatusCmd() *cobra.Command {
	var (
		node string
		eon  uint64
	)
	cmd := &cobra.Command{
		Use:   "status --node URL --eon N",
		Short: "Show eon N's latest ceremony: members, deadlines, and what each member has posted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			nodes, err := decrypt.NewCeremonyNodes(nil, node)
			if err != nil {
				return err
			}
			first, err := nodes.ListDKGMessages(cmd.Context(), eon, 0)
			if err != nil {
				return err
			}
			o, err := ordering.ParseDKGOpening(first.Opening)
			if err != nil {
				return err
			}
			// posted[member] lists the kinds on chain, in order.
			posted := make([][]string, len(o.Members)+1)
			v := first
			for from := uint32(0); ; {
				for _, e := range v.Entries {
					from = e.Index + 1
					if len(e.Tx) == 0 {
						continue
					}
					switch e.Tx[0] {
					case ordering.SysTxDKGMessage:
						if m, err := dkg.ParseMessage(e.Tx[1:]); err == nil && m.Sender() <= len(o.Members) {
							posted[m.Sender()] = append(posted[m.Sender()], fmt.Sprintf("%v@%d", m.Type(), e.Height))
						}
					case ordering.SysTxDKGConsent:
						if c, err := ordering.ParseDKGConsent(e.Tx); err == nil && c.Member <= len(o.Members) {
							posted[c.Member] = append(posted[c.Member], fmt.Sprintf("consent@%d", e.Height))
						}
					}
				}
				if from >= v.Count || len(v.Entries) == 0 {
					break
				}
				if v, err = nodes.ListDKGMessages(cmd.Context(), eon, from); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			state := "running"
			switch {
			case first.Registered:
				state = "eon registered"
			case first.CommittedHeight > o.Deadline(first.OpenedHeight, 4):
				state = "ended without a registration"
			}
			fmt.Fprintf(out, "eon %d ceremony, session %d: %d members, t = %d, opened at height %d; committed height %d: %s\n",
				o.Eon, o.Session, len(o.Members), o.Threshold, first.OpenedHeight, first.CommittedHeight, state)
			for k, name := range []string{"deals", "responses", "justifications", "consents"} {
				fmt.Fprintf(out, "  %s until height %d\n", name, o.Deadline(first.OpenedHeight, k+1))
			}
			fmt.Fprintf(out, "  activation height %d\n", first.ActivationHeight)
			for i := 1; i <= len(o.Members); i++ {
				fmt.Fprintf(out, "  member %d (%x…): %s\n", i, o.Members[i-1].SigningKey()[:6], strings.Join(posted[i], " "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&node, "node", "http://127.0.0.1:26670", "API base URL of a node")
	f.Uint64Var(&eon, "eon", 0, "the eon")
	return cmd
}
