package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/vdf"
)

func init() { subcommands = append(subcommands, newVDFCmd) }

func newVDFCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vdf",
		Short: "Time-lock escape hatch parameters (Wesolowski VDF over RSA-2048)",
	}
	cmd.AddCommand(newVDFParamsCmd(), newVDFVerifyParamsCmd())
	return cmd
}

type vdfParamsFlags struct {
	network      string
	expiryBlocks uint64
	blockTime    time.Duration
	speedup      float64
	slack        float64
	measure      bool
	measureFor   time.Duration
	rate         float64
	delay        uint64
	output       string
}

func newVDFParamsCmd() *cobra.Command {
	var f vdfParamsFlags
	cmd := &cobra.Command{
		Use:   "params",
		Short: "Choose the delay T for a network and compute its time-lock parameters",
		Long: `Chooses T so that an attacker --attacker-speedup times faster than this
machine still needs --slack times the envelope expiry window
(--expiry-blocks x --block-time) to open a puzzle, then computes
h = g^(2^T) and its proof. That takes as long as solving one puzzle:
speedup x slack expiry windows. The squaring rate is measured here with
--measure, or given with --squarings-per-second; --delay sets T directly
(devnets, tests).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runVDFParams(ctx, cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.network, "network", "veil-devnet", "network name; the generator g is derived from it")
	fl.Uint64Var(&f.expiryBlocks, "expiry-blocks", 0, "longest envelope lifetime in blocks")
	fl.DurationVar(&f.blockTime, "block-time", 0, "nominal block interval")
	fl.Float64Var(&f.speedup, "attacker-speedup", 50, "how many times faster than this machine an attacker squares")
	fl.Float64Var(&f.slack, "slack", vdf.DefaultSlack, "allowance for blocks slower than --block-time")
	fl.BoolVar(&f.measure, "measure", false, "measure this machine's squarings per second")
	fl.DurationVar(&f.measureFor, "measure-time", 3*time.Second, "how long --measure squares")
	fl.Float64Var(&f.rate, "squarings-per-second", 0, "the reference squaring rate, instead of --measure")
	fl.Uint64Var(&f.delay, "delay", 0, "use this T instead of choosing one")
	fl.StringVarP(&f.output, "output", "o", "", "parameters file to write (JSON)")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

func runVDFParams(ctx context.Context, cmd *cobra.Command, f vdfParamsFlags) error {
	out := cmd.OutOrStdout()
	rate := f.rate
	if f.measure {
		if rate != 0 {
			return errors.New("give --measure or --squarings-per-second, not both")
		}
		var err error
		if rate, err = measureSquarings(f.measureFor); err != nil {
			return err
		}
		fmt.Fprintf(out, "measured %.0f squarings/s on one core\n", rate)
	}
	t := f.delay
	if t == 0 {
		if rate == 0 {
			return errors.New("need --measure, --squarings-per-second or --delay")
		}
		plan, err := vdf.ChooseDelay(vdf.DelayInputs{
			SquaringsPerSecond: rate,
			ExpiryBlocks:       f.expiryBlocks,
			BlockTime:          f.blockTime,
			AttackerSpeedup:    f.speedup,
			Slack:              f.slack,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "expiry window %v; a %gx attacker needs %v; an honest solve takes %v (%.0f windows)\n",
			plan.ExpiryWindow, f.speedup, plan.AttackerSolve.Round(time.Second), plan.HonestSolve.Round(time.Second), plan.Multiple)
		t = plan.T
	}
	fmt.Fprintf(out, "T = %d: computing h = g^(2^T) and its proof for network %q\n", t, f.network)
	p, err := vdf.GenerateParams(ctx, f.network, t)
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(f.output, append(js, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\n", f.output)
	return nil
}

// measureSquarings returns the sequential squaring rate of vdf.Delay on
// this core, squaring for at least d after a short warm-up.
func measureSquarings(d time.Duration) (float64, error) {
	const chunk = 1 << 14
	x := vdf.HashToElement([]byte("veil vdf params --measure"))
	if _, err := vdf.Delay(x, chunk); err != nil {
		return 0, err
	}
	var n uint64
	start := time.Now()
	for time.Since(start) < d {
		var err error
		if x, err = vdf.Delay(x, chunk); err != nil {
			return 0, err
		}
		n += chunk
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func newVDFVerifyParamsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify-params FILE",
		Short: "Verify a time-lock parameters file: modulus, generator and the proof of h",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			p, err := vdf.ParseParamsJSON(b)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ok: network %q, T = %d, h = g^(2^T) verified\n", p.Network(), p.Delay())
			return nil
		},
	}
}
