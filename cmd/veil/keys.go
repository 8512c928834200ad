package main

import (
	"crypto/ecdsa"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/client"
)

func init() { subcommands = append(subcommands, newKeysCmd) }

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create and inspect wallet key files, and committee members' encrypted secrets",
		Long: `A key file holds one secp256k1 private key as 64 hex digits, the format of
go-ethereum's crypto.SaveECDSA, unencrypted and readable by its owner only.
Its address is the sender of the envelopes it signs.

veil keys keyholder manages a committee member's secrets (its eon key share
and Ed25519 member key), which veil keyholder runs with, encrypted with age.`,
	}
	cmd.AddCommand(newKeysNewCmd(), newKeysShowCmd(), newKeysKeyholderCmd())
	return cmd
}

func newKeysNewCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "new --out FILE",
		Short: "Generate a key file (mode 0600; never overwrites) and print its address",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := crypto.GenerateKey()
			if err != nil {
				return err
			}
			if err := client.SaveKey(out, key); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), client.Address(key).Hex())
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "key file to create")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func newKeysShowCmd() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "show [--key] FILE",
		Short: "Print a key file's address",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := loadKeyArg(path, args)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), client.Address(key).Hex())
			return nil
		},
	}
	cmd.Flags().StringVarP(&path, "key", "k", "", "key file")
	return cmd
}

// loadKeyArg loads the key named by --key or by the one positional
// argument.
func loadKeyArg(flag string, args []string) (*ecdsa.PrivateKey, error) {
	switch {
	case flag != "" && len(args) > 0:
		return nil, errors.New("name the key file once: --key FILE or FILE")
	case flag != "":
		return client.LoadKey(flag)
	case len(args) == 1:
		return client.LoadKey(args[0])
	}
	return nil, errors.New("no key file: pass --key FILE")
}
