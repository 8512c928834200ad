//go:build amd64 && !purego

package mont

//go:generate go run gen_amd64.go

// hasADX reports whether the processor has the BMI2 (MULX) and ADX (ADCX,
// ADOX) instructions: CPUID leaf 7, EBX bits 8 and 19.
var hasADX = func() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, b, _, _ := cpuid(7, 0)
	return b&(1<<8) != 0 && b&(1<<19) != 0
}()

//go:noescape
func sqrNADX(z, x, n *Nat, n0inv, k uint64, t *[2 * Limbs]uint64)

func cpuid(leaf, sub uint32) (a, b, c, d uint32)

func sqrN(z, x *Nat, k uint64, m *Modulus) {
	if !hasADX {
		sqrNGeneric(z, x, k, m)
		return
	}
	var t [2 * Limbs]uint64
	sqrNADX(z, x, &m.n, m.n0inv, k, &t)
}

//go:noescape
func mulADX(z, x, y, n *Nat, n0inv uint64, t *[2 * Limbs]uint64)

func mul(z, x, y *Nat, m *Modulus) {
	if !hasADX {
		mulGeneric(z, x, y, m)
		return
	}
	var t [2 * Limbs]uint64
	mulADX(z, x, y, &m.n, m.n0inv, &t)
}
