package keystore

// Tests use a low scrypt work factor: the cost is age's, not what they test.
func init() { scryptLogN = 10 }
