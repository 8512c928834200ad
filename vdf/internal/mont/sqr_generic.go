//go:build !amd64 || purego

package mont

func sqrN(z, x *Nat, k uint64, m *Modulus) { sqrNGeneric(z, x, k, m) }
func mul(z, x, y *Nat, m *Modulus)         { mulGeneric(z, x, y, m) }
