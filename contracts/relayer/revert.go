package relayer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/veilseq/veil/contracts/bindings"
)

var (
	inboxABI    = bindings.NewBatchInbox()
	registryABI = bindings.NewCommitteeRegistry()
)

// revertName extracts the custom error of a reverted call from a JSON-RPC
// error carrying revert data.
func revertName(err error) (string, bool) {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return "", false
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return "", false
	}
	raw, derr := hexutil.Decode(s)
	if derr != nil || len(raw) < 4 {
		return "", false
	}
	for _, unpack := range []func([]byte) (any, error){inboxABI.UnpackError, registryABI.UnpackError} {
		if v, err := unpack(raw); err == nil {
			name := fmt.Sprintf("%T", v)
			name = strings.TrimPrefix(name, "*bindings.BatchInbox")
			name = strings.TrimPrefix(name, "*bindings.CommitteeRegistry")
			return name, true
		}
	}
	return fmt.Sprintf("%x", raw[:4]), true
}
