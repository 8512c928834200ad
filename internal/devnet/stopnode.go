package devnet

// StopValidator stops validator i, its share and signature pools and its
// keyholder, as a host going down would; Restart(ctx, i) starts them
// again from its home. Stopping validator 0 stops the wallet API too.
func (d *Devnet) StopValidator(i int) error {
	if i == 0 {
		if err := d.stopAPI(); err != nil {
			return err
		}
	}
	d.stopNodeDecryption(i)
	return d.Network.Nodes[i].Stop()
}
