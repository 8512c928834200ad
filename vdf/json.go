package vdf

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// paramsJSON is the file form of Params: fixed-length big-endian hex for
// group elements, the modulus spelled out so a reader can check it.
type paramsJSON struct {
	Version int    `json:"version"`
	Modulus string `json:"modulus"`
	Network string `json:"network"`
	T       uint64 `json:"t"`
	G       string `json:"g"`
	H       string `json:"h"`
	Proof   string `json:"proof"`
}

// MarshalJSON encodes p as a JSON object with a version field, the
// modulus N, g, h and π as fixed-length hex and T as a number.
func (p *Params) MarshalJSON() ([]byte, error) {
	return json.Marshal(paramsJSON{
		Version: paramsVersion,
		Modulus: hex.EncodeToString(nBig.FillBytes(make([]byte, ElementSize))),
		Network: p.network,
		T:       p.t,
		G:       hex.EncodeToString(p.g.Bytes()),
		H:       hex.EncodeToString(p.h.Bytes()),
		Proof:   hex.EncodeToString(p.proof.pi.Bytes()),
	})
}

// ParseParamsJSON decodes and verifies parameters written by MarshalJSON.
// Unknown fields, another modulus and a g that is not the network's are
// rejected.
func ParseParamsJSON(b []byte) (*Params, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var j paramsJSON
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEncoding, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after params", ErrEncoding)
	}
	if j.Version != paramsVersion {
		return nil, fmt.Errorf("%w: params version %d", ErrVersion, j.Version)
	}
	n, err := hex.DecodeString(j.Modulus)
	if err != nil || !bytes.Equal(n, nBig.FillBytes(make([]byte, ElementSize))) {
		return nil, fmt.Errorf("%w: modulus is not RSA-2048", ErrParams)
	}
	elem := func(name, s string) (*Element, error) {
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrEncoding, name, err)
		}
		e, err := ParseElement(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrParams, name, err)
		}
		return e, nil
	}
	g, err := elem("g", j.G)
	if err != nil {
		return nil, err
	}
	if want, err := Generator(j.Network); err != nil {
		return nil, err
	} else if !want.Equal(g) {
		return nil, fmt.Errorf("%w: g is not the network's generator", ErrParams)
	}
	h, err := elem("h", j.H)
	if err != nil {
		return nil, err
	}
	pi, err := elem("proof", j.Proof)
	if err != nil {
		return nil, err
	}
	return NewParams(j.Network, j.T, h, &Proof{pi: *pi})
}
