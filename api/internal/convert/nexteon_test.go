package convert

import (
	"reflect"
	"testing"

	"github.com/veilseq/veil/api"
)

func TestParamsNextEonRoundTrip(t *testing.T) {
	p := api.Params{
		ChainID: "c", EnvelopeVersion: 1,
		Eon:     api.Eon{ID: 2, PublicKey: []byte{9}, Threshold: 3, CommitteeSize: 4, ActivationHeight: 5},
		NextEon: &api.Eon{ID: 3, PublicKey: []byte{8}, Threshold: 2, CommitteeSize: 3, ActivationHeight: 40},
	}
	got, err := ParamsFromProto(ParamsToProto(p))
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("params: %+v %v", got, err)
	}
	p.NextEon = nil
	if got, err := ParamsFromProto(ParamsToProto(p)); err != nil || got.NextEon != nil {
		t.Fatalf("params without a next eon: %+v %v", got, err)
	}
}
