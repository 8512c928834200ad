package vdf_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/veilseq/veil/vdf"
)

func ExampleEval() {
	x := vdf.HashToElement([]byte("block 42 randomness beacon"))
	y, proof, err := vdf.Eval(x, 1000)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(y.Bytes()), len(proof.Bytes()))
	// Output: 256 257
}

func ExampleVerify() {
	x := vdf.HashToElement([]byte("input"))
	y, proof, _ := vdf.Eval(x, 1000)

	fmt.Println(vdf.Verify(x, y, 1000, proof))
	fmt.Println(vdf.Verify(x, y, 1001, proof))
	// Output:
	// <nil>
	// vdf: invalid proof
}

func ExampleLock() {
	// Once per network: T squarings (tiny here) and a proof, published.
	params, err := vdf.GenerateParams(context.Background(), "example-net", 2000)
	if err != nil {
		panic(err)
	}

	// A wallet time-locks its content key: two exponentiations.
	key := bytes.Repeat([]byte{0x42}, vdf.KeySize)
	puzzle, err := vdf.Lock(params, key, rand.Reader)
	if err != nil {
		panic(err)
	}

	// If the committee withholds the key, anyone solves the puzzle ...
	solved, y, proof, err := vdf.Solve(params, puzzle)
	if err != nil {
		panic(err)
	}
	// ... and every node opens it from the published solution, checking the
	// proof instead of repeating the squarings.
	opened, err := vdf.Open(params, puzzle, y, proof)
	if err != nil {
		panic(err)
	}
	fmt.Println(bytes.Equal(solved, key), bytes.Equal(opened, key))
	// Output: true true
}

func ExampleParseParams() {
	params, _ := vdf.GenerateParams(context.Background(), "example-net", 2000)
	encoded := params.Bytes()

	// Anyone who receives the parameters checks the proof of h as they
	// decode them.
	decoded, err := vdf.ParseParams(encoded)
	fmt.Println(decoded.Network(), decoded.Delay(), err)

	encoded[len(encoded)-1] ^= 1 // corrupt the proof
	_, err = vdf.ParseParams(encoded)
	fmt.Println(err != nil)
	// Output:
	// example-net 2000 <nil>
	// true
}

func ExampleChooseDelay() {
	plan, err := vdf.ChooseDelay(vdf.DelayInputs{
		SquaringsPerSecond: 750_000, // measured by veil vdf params --measure
		ExpiryBlocks:       120,
		BlockTime:          time.Second,
		AttackerSpeedup:    50,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("T =", plan.T)
	fmt.Println("expiry window:", plan.ExpiryWindow)
	fmt.Println("50x attacker needs:", plan.AttackerSolve)
	fmt.Println("honest solver needs:", plan.HonestSolve)
	// Output:
	// T = 9000000000
	// expiry window: 2m0s
	// 50x attacker needs: 4m0s
	// honest solver needs: 3h20m0s
}

func ExampleHashToElement() {
	a := vdf.HashToElement([]byte("seed"))
	b := vdf.HashToElement([]byte("seed"))
	c := vdf.HashToElement([]byte("other seed"))
	fmt.Println(a.Equal(b), a.Equal(c))
	// Output: true false
}

func ExampleParseProof() {
	// The identity is never a valid proof, in any of its encodings.
	one := make([]byte, vdf.ProofSize)
	one[0], one[vdf.ProofSize-1] = 1, 1
	_, err := vdf.ParseProof(one)
	fmt.Println(err)
	// Output: proof: vdf: invalid group element: ±1 is the identity
}

func ExampleOpen() {
	params, _ := vdf.GenerateParams(context.Background(), "example-net", 2000)
	puzzle, _ := vdf.Lock(params, make([]byte, vdf.KeySize), rand.Reader)

	// A solver publishes y and its proof; a node checks before unwrapping.
	_, y, proof, _ := vdf.Solve(params, puzzle)
	_, err := vdf.Open(params, puzzle, y, proof)
	fmt.Println(err)

	// A wrong claimed solution is refused by the proof check.
	_, err = vdf.Open(params, puzzle, params.H(), proof)
	fmt.Println(err)
	// Output:
	// <nil>
	// vdf: invalid proof
}

func ExampleParsePuzzle() {
	params, _ := vdf.GenerateParams(context.Background(), "example-net", 2000)
	puzzle, _ := vdf.Lock(params, make([]byte, vdf.KeySize), rand.Reader)

	wire := puzzle.Bytes()
	decoded, err := vdf.ParsePuzzle(wire)
	fmt.Println(len(wire), decoded.X().Equal(puzzle.X()), err)

	wire[0] = 2 // an unknown version
	_, err = vdf.ParsePuzzle(wire)
	fmt.Println(err)
	// Output:
	// 305 true <nil>
	// vdf: unsupported encoding version: puzzle version 2
}

func ExampleDelay() {
	x := vdf.HashToElement([]byte("input"))
	y, _ := vdf.Delay(x, 1000)
	z, _, _ := vdf.Eval(x, 1000)
	fmt.Println(y.Equal(z))
	// Output: true
}
