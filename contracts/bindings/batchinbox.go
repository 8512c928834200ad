// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// BatchInboxLegProof is an auto generated low-level Go binding around an user-defined struct.
type BatchInboxLegProof struct {
	LegIndex   uint32
	LegCount   uint32
	LegPath    [][32]byte
	EntryIndex uint64
	EntryCount uint64
	EntryPath  [][32]byte
}

// BatchInboxMetaData contains all meta data concerning the BatchInbox contract.
var BatchInboxMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractCommitteeRegistry\",\"name\":\"registry_\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"chainId_\",\"type\":\"bytes\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"BadChainId\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"BadSignatureLength\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"heights\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"BatchTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyBatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"heights\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"roots\",\"type\":\"uint256\"}],\"name\":\"LengthMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"precompile\",\"type\":\"address\"}],\"name\":\"PrecompileFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"lastHeight\",\"type\":\"uint64\"}],\"name\":\"StaleHeight\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"batchRoot\",\"type\":\"bytes32\"}],\"name\":\"BatchPosted\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_BATCH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_CHAIN_ID\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PROOF_DEPTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"SIGNATURE_DST\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"batchMessage\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"}],\"name\":\"batchRoot\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"chainId\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"id\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastHeight\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"postBatch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64[]\",\"name\":\"heights\",\"type\":\"uint64[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"roots\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"aggregateSignature\",\"type\":\"bytes\"}],\"name\":\"postBatches\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"contractCommitteeRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"rollupId\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"leafHash\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"uint32\",\"name\":\"legIndex\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"legCount\",\"type\":\"uint32\"},{\"internalType\":\"bytes32[]\",\"name\":\"legPath\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint64\",\"name\":\"entryIndex\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"entryCount\",\"type\":\"uint64\"},{\"internalType\":\"bytes32[]\",\"name\":\"entryPath\",\"type\":\"bytes32[]\"}],\"internalType\":\"structBatchInbox.LegProof\",\"name\":\"proof\",\"type\":\"tuple\"}],\"name\":\"verifyLeg\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "BatchInbox",
	Bin: "0x610100604052348015610010575f5ffd5b50604051611af2380380611af283398101604081905261002f9161010e565b6001600160a01b0382166100565760405163d92e233d60e01b815260040160405180910390fd5b80511580610065575060328151115b1561009157805160405163202fe5c160e11b815260040161008891815260200190565b60405180910390fd5b6001600160a01b03821660805280516040515f916100b7918490849081906020016101dd565b60408051601f1981840301815291815260208201519082015160a082905260c0819052845192935090916100ec90600e610226565b60e0525061024b9350505050565b634e487b7160e01b5f52604160045260245ffd5b5f5f6040838503121561011f575f5ffd5b82516001600160a01b0381168114610135575f5ffd5b60208401519092506001600160401b03811115610150575f5ffd5b8301601f81018513610160575f5ffd5b80516001600160401b03811115610179576101796100fa565b604051601f8201601f19908116603f011681016001600160401b03811182821017156101a7576101a76100fa565b6040528181528282016020018710156101be575f5ffd5b8160208401602083015e5f602083830101528093505050509250929050565b6c7665696c2f62617463682f763160981b815260ff60f81b8560f81b16600d8201525f84518060208701600e85015e909101600e81019390935250602e820152604e0192915050565b8082018082111561024557634e487b7160e01b5f52601160045260245ffd5b92915050565b60805160a05160c05160e0516118276102cb5f395f81816105370152818161093e01528181610b9b0152610cc401525f818161050b015281816109d101528181610b700152610c9901525f81816104e8015281816109ad01528181610b4d0152610c7601525f8181610165015281816103950152610ab501526118275ff3fe608060405234801561000f575f5ffd5b50600436106100cf575f3560e01c8063950bff9f1161007d578063aadcb99511610058578063aadcb995146101ed578063ac58e53014610200578063f66519a014610213575f5ffd5b8063950bff9f146101ac5780639576fa6b146101b55780639a8a0592146101d8575f5ffd5b80635bc105c0116100ad5780635bc105c01461012f578063623263e9146101375780637b10399914610160575f5ffd5b8063035eefce146100d357806325159aa9146100e857806345be04f214610119575b5f5ffd5b6100e66100e1366004611313565b61021b565b005b5f546100fb9067ffffffffffffffff1681565b60405167ffffffffffffffff90911681526020015b60405180910390f35b610121604081565b604051908152602001610110565b610121603281565b6101216101453660046113c3565b67ffffffffffffffff165f9081526001602052604090205490565b6101877f000000000000000000000000000000000000000000000000000000000000000081565b60405173ffffffffffffffffffffffffffffffffffffffff9091168152602001610110565b61012161010081565b6101c86101c33660046113dc565b61077a565b6040519015158152602001610110565b6101e0610934565b6040516101109190611444565b6100e66101fb366004611497565b610a0f565b61012161020e366004611501565b610c71565b6101e0610d02565b855f819003610256576040517fc2e5347d00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b6101008111156102a2576040517fbb1cb70b0000000000000000000000000000000000000000000000000000000081526004810182905261010060248201526044015b60405180910390fd5b8481146102e5576040517fab8b67c60000000000000000000000000000000000000000000000000000000081526004810182905260248101869052604401610299565b5f805467ffffffffffffffff16905b82811015610391575f8a8a8381811061030f5761030f611529565b905060200201602081019061032491906113c3565b90508267ffffffffffffffff168167ffffffffffffffff1611610387576040517f012b478900000000000000000000000000000000000000000000000000000000815267ffffffffffffffff808316600483015284166024820152604401610299565b91506001016102f4565b505f7f000000000000000000000000000000000000000000000000000000000000000073ffffffffffffffffffffffffffffffffffffffff1663ab03b0fd878c8c5f8181106103e2576103e2611529565b90506020020160208101906103f791906113c3565b6040517fffffffff0000000000000000000000000000000000000000000000000000000060e085901b16815267ffffffffffffffff928316600482015290821660248201529085166044820152606401602060405180830381865afa158015610462573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906104869190611556565b90505f61049b60408051610540810190915290565b905061058a61056d8c8c5f8181106104b5576104b5611529565b90506020020160208101906104ca91906113c3565b8b8b5f8181106104dc576104dc611529565b905060200201356040517f000000000000000000000000000000000000000000000000000000000000000081527f0000000000000000000000000000000000000000000000000000000000000000602082015260c09290921b7f0000000000000000000000000000000000000000000000000000000000000000838101918252600890910191909152602801902090565b610579610180846115bd565b610585610380856115bd565b610d1e565b60015b84811015610620576105ec6105d48d8d848181106105ad576105ad611529565b90506020020160208101906105c291906113c3565b8c8c858181106104dc576104dc611529565b6105e0610300856115bd565b610585610380866115bd565b6106186105fb610180846115bd565b610607610300856115bd565b610613610180866115bd565b610f75565b60010161058d565b5061062d81878785610fd4565b5f5b848110156107345789898281811061064957610649611529565b9050602002013560015f8e8e8581811061066557610665611529565b905060200201602081019061067a91906113c3565b67ffffffffffffffff1667ffffffffffffffff1681526020019081526020015f20819055508767ffffffffffffffff168c8c838181106106bc576106bc611529565b90506020020160208101906106d191906113c3565b67ffffffffffffffff167f13fc6b4b4d365401b9350cd981f7f96a12fff4cb90192d6c39fb3cbfd9cbf8248c8c8581811061070e5761070e611529565b9050602002013560405161072491815260200190565b60405180910390a360010161062f565b50505f80547fffffffffffffffffffffffffffffffffffffffffffffffff00000000000000001667ffffffffffffffff9390931692909217909155505050505050505050565b67ffffffffffffffff83165f90815260016020526040812054806107a1575f91505061092c565b5f806107e26107b360208701876115d0565b63ffffffff166107c960408801602089016115d0565b63ffffffff16886107dd60408a018a6115f3565b61114b565b91509150806107f6575f935050505061092c565b5f80898461080a60408a0160208b016115d0565b6040517fff0000000000000000000000000000000000000000000000000000000000000094909416602085015260c09290921b7fffffffffffffffff000000000000000000000000000000000000000000000000166021840152602983015260e01b7fffffffff00000000000000000000000000000000000000000000000000000000166049820152604d01604080517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0818403018152919052805160209091012090505f6109146108e26080890160608a016113c3565b67ffffffffffffffff166108fc60a08a0160808b016113c3565b67ffffffffffffffff16846107dd60a08c018c6115f3565b9350905082801561092457508481145b955050505050505b949350505050565b60605f610962600e7f0000000000000000000000000000000000000000000000000000000000000000611657565b90508067ffffffffffffffff81111561097d5761097d61166a565b6040519080825280601f01601f1916602001820160405280156109a7576020820181803683370190505b5091505f7f000000000000000000000000000000000000000000000000000000000000000090505f7f0000000000000000000000000000000000000000000000000000000000000000905060405182815281602082015283600e8201602087015e5050505090565b5f5467ffffffffffffffff9081169086168110610a6c576040517f012b478900000000000000000000000000000000000000000000000000000000815267ffffffffffffffff808816600483015282166024820152604401610299565b6040517fab03b0fd00000000000000000000000000000000000000000000000000000000815267ffffffffffffffff808616600483015287166024820181905260448201525f907f000000000000000000000000000000000000000000000000000000000000000073ffffffffffffffffffffffffffffffffffffffff169063ab03b0fd90606401602060405180830381865afa158015610b0f573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610b339190611556565b90505f610b4860408051610540810190915290565b6040517f000000000000000000000000000000000000000000000000000000000000000081527f0000000000000000000000000000000000000000000000000000000000000000602082015260c08a901b7f000000000000000000000000000000000000000000000000000000000000000080830191825260089091018a90526028019020909150610bd99061056d565b610be581868685610fd4565b67ffffffffffffffff8089165f818152600160205260408082208b905581547fffffffffffffffffffffffffffffffffffffffffffffffff000000000000000016831790915551918816917f13fc6b4b4d365401b9350cd981f7f96a12fff4cb90192d6c39fb3cbfd9cbf82490610c5f908b815260200190565b60405180910390a35050505050505050565b6040517f000000000000000000000000000000000000000000000000000000000000000081527f0000000000000000000000000000000000000000000000000000000000000000602082015260c083901b7f0000000000000000000000000000000000000000000000000000000000000000808301918252600890910183905260280190205f905b90505b92915050565b6040518060600160405280602c81526020016117fb602c913981565b5f600190505f82525f6020830152836040830152608060f01b60608301527f5645494c2d5630312d5349472d424c53313233383147315f584d443a5348412d60638301527f3235365f535357555f524f5f2c0000000000000000000000000000000000000060838301526020610140830160908460025afa6101408301517f5645494c2d5630312d5349472d424c53313233383147315f584d443a5348412d60218501527f3235365f535357555f524f5f2c0000000000000000000000000000000000000060418501529116905f60015b6005811015610e2957818318855280602086015360206001820302610140018501602081604e8860025afa90519416939150600101610def565b5050505f60e08301525f5b6002811015610f1e57604081026101400183018051602082015191506040855260016020860152603060408601528060608601525080608085015250600160a08401537f1a0111ea397fe69a4b1ba7b6434bacd70000000000000000000000000000000060a18401527f64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab60b1840152603060f0840160d18560055afa90911660303d141690808015610efa5760806101208501604060e0870160105afa83169250610f0c565b608085604060e0870160105afa831692505b503d6080149190911690600101610e34565b5080610f59576040517feb8d043a00000000000000000000000000000000000000000000000000000000815260106004820152602401610299565b610f6f83610f69846101206115bd565b85610f75565b50505050565b5f604051608085825e608084608083015e60808361010083600b5afa3d608014169150819050610f6f576040517feb8d043a000000000000000000000000000000000000000000000000000000008152600b6004820152602401610299565b60808214611011576040517f7d1250fe00000000000000000000000000000000000000000000000000000000815260048101839052602401610299565b61101f608060608486611697565b611028916116be565b611036606060408587611697565b61103f916116be565b61104d604060208688611697565b611056916116be565b61106360205f8789611697565b61106c916116be565b1717175f036110a7576040517f8baa579f00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b5f60405180610120016040528061010081526020016116fb610100913990505f80608086883761010060208401608089015e61010060016102008901863c60205f61030089600f5afa5f513d6020149091169250905081158061110b575080600114155b15611142576040517f8baa579f00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b50505050505050565b5f5f858710158061115c5750604083115b1561116b57505f90508061124a565b865f611178600189611657565b90508693505f5b8581101561122e57815f0361119d57505f935083925061124a915050565b5f8787838181106111b0576111b0611529565b90506020020135905083600116600114806111ca57508284145b15611210576111d98187611254565b9550836001165f0361120b575b600184161580156111f657508315155b1561120b57600193841c939290921c916111e6565b61121d565b61121a8682611254565b95505b50600192831c9291821c910161117f565b50801561124357505f925082915061124a9050565b5060019150505b9550959350505050565b5f6040516001815360018101939093525060218201526041902090565b5f5f83601f840112611281575f5ffd5b50813567ffffffffffffffff811115611298575f5ffd5b6020830191508360208260051b85010111156112b2575f5ffd5b9250929050565b803567ffffffffffffffff811681146112d0575f5ffd5b919050565b5f5f83601f8401126112e5575f5ffd5b50813567ffffffffffffffff8111156112fc575f5ffd5b6020830191508360208285010111156112b2575f5ffd5b5f5f5f5f5f5f5f6080888a031215611329575f5ffd5b873567ffffffffffffffff81111561133f575f5ffd5b61134b8a828b01611271565b909850965050602088013567ffffffffffffffff81111561136a575f5ffd5b6113768a828b01611271565b90965094506113899050604089016112b9565b9250606088013567ffffffffffffffff8111156113a4575f5ffd5b6113b08a828b016112d5565b989b979a50959850939692959293505050565b5f602082840312156113d3575f5ffd5b610cf9826112b9565b5f5f5f5f608085870312156113ef575f5ffd5b6113f8856112b9565b9350611406602086016112b9565b925060408501359150606085013567ffffffffffffffff811115611428575f5ffd5b850160c08188031215611439575f5ffd5b939692955090935050565b602081525f82518060208401528060208501604085015e5f6040828501015260407fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f83011684010191505092915050565b5f5f5f5f5f608086880312156114ab575f5ffd5b6114b4866112b9565b9450602086013593506114c9604087016112b9565b9250606086013567ffffffffffffffff8111156114e4575f5ffd5b6114f0888289016112d5565b969995985093965092949392505050565b5f5f60408385031215611512575f5ffd5b61151b836112b9565b946020939093013593505050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b5f60208284031215611566575f5ffd5b815173ffffffffffffffffffffffffffffffffffffffff81168114611589575f5ffd5b9392505050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b80820180821115610cfc57610cfc611590565b5f602082840312156115e0575f5ffd5b813563ffffffff81168114611589575f5ffd5b5f5f83357fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1843603018112611626575f5ffd5b83018035915067ffffffffffffffff821115611640575f5ffd5b6020019150600581901b36038213156112b2575f5ffd5b81810381811115610cfc57610cfc611590565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b5f5f858511156116a5575f5ffd5b838611156116b1575f5ffd5b5050820193919092039150565b80356020831015610cfc577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff602084900360031b1b169291505056fe00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb80000000000000000000000000000000013e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e000000000000000000000000000000000d1b3cc2c7027888be51d9ef691d77bcb679afda66c73f17f9ee3837a55024f78c71363275a75d75d86bab79f74782aa0000000000000000000000000000000013fa4d4a0ad8b1ce186ed5061789213d993923066dddaf1040bc3ff59f825c78df74f2d75467e25e0f55f8a00fa030ed5645494c2d5630312d5349472d424c53313233383147315f584d443a5348412d3235365f535357555f524f5f",
}

// BatchInbox is an auto generated Go binding around an Ethereum contract.
type BatchInbox struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *BatchInbox) GetABI() abi.ABI {
	return c.abi
}

// NewBatchInbox creates a new instance of BatchInbox.
func NewBatchInbox() *BatchInbox {
	parsed, err := BatchInboxMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &BatchInbox{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *BatchInbox) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address registry_, bytes chainId_) returns()
func (batchInbox *BatchInbox) PackConstructor(registry_ common.Address, chainId_ []byte) []byte {
	enc, err := batchInbox.abi.Pack("", registry_, chainId_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackMAXBATCH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x950bff9f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_BATCH() view returns(uint256)
func (batchInbox *BatchInbox) PackMAXBATCH() []byte {
	enc, err := batchInbox.abi.Pack("MAX_BATCH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXBATCH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x950bff9f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_BATCH() view returns(uint256)
func (batchInbox *BatchInbox) TryPackMAXBATCH() ([]byte, error) {
	return batchInbox.abi.Pack("MAX_BATCH")
}

// UnpackMAXBATCH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x950bff9f.
//
// Solidity: function MAX_BATCH() view returns(uint256)
func (batchInbox *BatchInbox) UnpackMAXBATCH(data []byte) (*big.Int, error) {
	out, err := batchInbox.abi.Unpack("MAX_BATCH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXCHAINID is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5bc105c0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_CHAIN_ID() view returns(uint256)
func (batchInbox *BatchInbox) PackMAXCHAINID() []byte {
	enc, err := batchInbox.abi.Pack("MAX_CHAIN_ID")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXCHAINID is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5bc105c0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_CHAIN_ID() view returns(uint256)
func (batchInbox *BatchInbox) TryPackMAXCHAINID() ([]byte, error) {
	return batchInbox.abi.Pack("MAX_CHAIN_ID")
}

// UnpackMAXCHAINID is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5bc105c0.
//
// Solidity: function MAX_CHAIN_ID() view returns(uint256)
func (batchInbox *BatchInbox) UnpackMAXCHAINID(data []byte) (*big.Int, error) {
	out, err := batchInbox.abi.Unpack("MAX_CHAIN_ID", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXPROOFDEPTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x45be04f2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PROOF_DEPTH() view returns(uint256)
func (batchInbox *BatchInbox) PackMAXPROOFDEPTH() []byte {
	enc, err := batchInbox.abi.Pack("MAX_PROOF_DEPTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPROOFDEPTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x45be04f2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PROOF_DEPTH() view returns(uint256)
func (batchInbox *BatchInbox) TryPackMAXPROOFDEPTH() ([]byte, error) {
	return batchInbox.abi.Pack("MAX_PROOF_DEPTH")
}

// UnpackMAXPROOFDEPTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x45be04f2.
//
// Solidity: function MAX_PROOF_DEPTH() view returns(uint256)
func (batchInbox *BatchInbox) UnpackMAXPROOFDEPTH(data []byte) (*big.Int, error) {
	out, err := batchInbox.abi.Unpack("MAX_PROOF_DEPTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSIGNATUREDST is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf66519a0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function SIGNATURE_DST() view returns(bytes)
func (batchInbox *BatchInbox) PackSIGNATUREDST() []byte {
	enc, err := batchInbox.abi.Pack("SIGNATURE_DST")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSIGNATUREDST is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf66519a0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function SIGNATURE_DST() view returns(bytes)
func (batchInbox *BatchInbox) TryPackSIGNATUREDST() ([]byte, error) {
	return batchInbox.abi.Pack("SIGNATURE_DST")
}

// UnpackSIGNATUREDST is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf66519a0.
//
// Solidity: function SIGNATURE_DST() view returns(bytes)
func (batchInbox *BatchInbox) UnpackSIGNATUREDST(data []byte) ([]byte, error) {
	out, err := batchInbox.abi.Unpack("SIGNATURE_DST", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackBatchMessage is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xac58e530.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function batchMessage(uint64 height, bytes32 root) view returns(bytes32)
func (batchInbox *BatchInbox) PackBatchMessage(height uint64, root [32]byte) []byte {
	enc, err := batchInbox.abi.Pack("batchMessage", height, root)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBatchMessage is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xac58e530.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function batchMessage(uint64 height, bytes32 root) view returns(bytes32)
func (batchInbox *BatchInbox) TryPackBatchMessage(height uint64, root [32]byte) ([]byte, error) {
	return batchInbox.abi.Pack("batchMessage", height, root)
}

// UnpackBatchMessage is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xac58e530.
//
// Solidity: function batchMessage(uint64 height, bytes32 root) view returns(bytes32)
func (batchInbox *BatchInbox) UnpackBatchMessage(data []byte) ([32]byte, error) {
	out, err := batchInbox.abi.Unpack("batchMessage", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackBatchRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x623263e9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function batchRoot(uint64 height) view returns(bytes32)
func (batchInbox *BatchInbox) PackBatchRoot(height uint64) []byte {
	enc, err := batchInbox.abi.Pack("batchRoot", height)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBatchRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x623263e9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function batchRoot(uint64 height) view returns(bytes32)
func (batchInbox *BatchInbox) TryPackBatchRoot(height uint64) ([]byte, error) {
	return batchInbox.abi.Pack("batchRoot", height)
}

// UnpackBatchRoot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x623263e9.
//
// Solidity: function batchRoot(uint64 height) view returns(bytes32)
func (batchInbox *BatchInbox) UnpackBatchRoot(data []byte) ([32]byte, error) {
	out, err := batchInbox.abi.Unpack("batchRoot", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackChainId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a8a0592.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function chainId() view returns(bytes id)
func (batchInbox *BatchInbox) PackChainId() []byte {
	enc, err := batchInbox.abi.Pack("chainId")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChainId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a8a0592.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function chainId() view returns(bytes id)
func (batchInbox *BatchInbox) TryPackChainId() ([]byte, error) {
	return batchInbox.abi.Pack("chainId")
}

// UnpackChainId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9a8a0592.
//
// Solidity: function chainId() view returns(bytes id)
func (batchInbox *BatchInbox) UnpackChainId(data []byte) ([]byte, error) {
	out, err := batchInbox.abi.Unpack("chainId", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackLastHeight is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x25159aa9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function lastHeight() view returns(uint64)
func (batchInbox *BatchInbox) PackLastHeight() []byte {
	enc, err := batchInbox.abi.Pack("lastHeight")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLastHeight is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x25159aa9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function lastHeight() view returns(uint64)
func (batchInbox *BatchInbox) TryPackLastHeight() ([]byte, error) {
	return batchInbox.abi.Pack("lastHeight")
}

// UnpackLastHeight is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x25159aa9.
//
// Solidity: function lastHeight() view returns(uint64)
func (batchInbox *BatchInbox) UnpackLastHeight(data []byte) (uint64, error) {
	out, err := batchInbox.abi.Unpack("lastHeight", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackPostBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaadcb995.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function postBatch(uint64 height, bytes32 root, uint64 eon, bytes signature) returns()
func (batchInbox *BatchInbox) PackPostBatch(height uint64, root [32]byte, eon uint64, signature []byte) []byte {
	enc, err := batchInbox.abi.Pack("postBatch", height, root, eon, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPostBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaadcb995.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function postBatch(uint64 height, bytes32 root, uint64 eon, bytes signature) returns()
func (batchInbox *BatchInbox) TryPackPostBatch(height uint64, root [32]byte, eon uint64, signature []byte) ([]byte, error) {
	return batchInbox.abi.Pack("postBatch", height, root, eon, signature)
}

// PackPostBatches is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x035eefce.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function postBatches(uint64[] heights, bytes32[] roots, uint64 eon, bytes aggregateSignature) returns()
func (batchInbox *BatchInbox) PackPostBatches(heights []uint64, roots [][32]byte, eon uint64, aggregateSignature []byte) []byte {
	enc, err := batchInbox.abi.Pack("postBatches", heights, roots, eon, aggregateSignature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPostBatches is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x035eefce.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function postBatches(uint64[] heights, bytes32[] roots, uint64 eon, bytes aggregateSignature) returns()
func (batchInbox *BatchInbox) TryPackPostBatches(heights []uint64, roots [][32]byte, eon uint64, aggregateSignature []byte) ([]byte, error) {
	return batchInbox.abi.Pack("postBatches", heights, roots, eon, aggregateSignature)
}

// PackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b103999.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registry() view returns(address)
func (batchInbox *BatchInbox) PackRegistry() []byte {
	enc, err := batchInbox.abi.Pack("registry")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b103999.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function registry() view returns(address)
func (batchInbox *BatchInbox) TryPackRegistry() ([]byte, error) {
	return batchInbox.abi.Pack("registry")
}

// UnpackRegistry is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7b103999.
//
// Solidity: function registry() view returns(address)
func (batchInbox *BatchInbox) UnpackRegistry(data []byte) (common.Address, error) {
	out, err := batchInbox.abi.Unpack("registry", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackVerifyLeg is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9576fa6b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function verifyLeg(uint64 rollupId, uint64 height, bytes32 leafHash, (uint32,uint32,bytes32[],uint64,uint64,bytes32[]) proof) view returns(bool)
func (batchInbox *BatchInbox) PackVerifyLeg(rollupId uint64, height uint64, leafHash [32]byte, proof BatchInboxLegProof) []byte {
	enc, err := batchInbox.abi.Pack("verifyLeg", rollupId, height, leafHash, proof)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVerifyLeg is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9576fa6b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function verifyLeg(uint64 rollupId, uint64 height, bytes32 leafHash, (uint32,uint32,bytes32[],uint64,uint64,bytes32[]) proof) view returns(bool)
func (batchInbox *BatchInbox) TryPackVerifyLeg(rollupId uint64, height uint64, leafHash [32]byte, proof BatchInboxLegProof) ([]byte, error) {
	return batchInbox.abi.Pack("verifyLeg", rollupId, height, leafHash, proof)
}

// UnpackVerifyLeg is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9576fa6b.
//
// Solidity: function verifyLeg(uint64 rollupId, uint64 height, bytes32 leafHash, (uint32,uint32,bytes32[],uint64,uint64,bytes32[]) proof) view returns(bool)
func (batchInbox *BatchInbox) UnpackVerifyLeg(data []byte) (bool, error) {
	out, err := batchInbox.abi.Unpack("verifyLeg", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// BatchInboxBatchPosted represents a BatchPosted event raised by the BatchInbox contract.
type BatchInboxBatchPosted struct {
	Height    uint64
	Eon       uint64
	BatchRoot [32]byte
	Raw       *types.Log // Blockchain specific contextual infos
}

const BatchInboxBatchPostedEventName = "BatchPosted"

// ContractEventName returns the user-defined event name.
func (BatchInboxBatchPosted) ContractEventName() string {
	return BatchInboxBatchPostedEventName
}

// UnpackBatchPostedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event BatchPosted(uint64 indexed height, uint64 indexed eon, bytes32 batchRoot)
func (batchInbox *BatchInbox) UnpackBatchPostedEvent(log *types.Log) (*BatchInboxBatchPosted, error) {
	event := "BatchPosted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != batchInbox.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(BatchInboxBatchPosted)
	if len(log.Data) > 0 {
		if err := batchInbox.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range batchInbox.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (batchInbox *BatchInbox) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["BadChainId"].ID.Bytes()[:4]) {
		return batchInbox.UnpackBadChainIdError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["BadSignatureLength"].ID.Bytes()[:4]) {
		return batchInbox.UnpackBadSignatureLengthError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["BatchTooLarge"].ID.Bytes()[:4]) {
		return batchInbox.UnpackBatchTooLargeError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["EmptyBatch"].ID.Bytes()[:4]) {
		return batchInbox.UnpackEmptyBatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["InvalidSignature"].ID.Bytes()[:4]) {
		return batchInbox.UnpackInvalidSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["LengthMismatch"].ID.Bytes()[:4]) {
		return batchInbox.UnpackLengthMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["PrecompileFailed"].ID.Bytes()[:4]) {
		return batchInbox.UnpackPrecompileFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["StaleHeight"].ID.Bytes()[:4]) {
		return batchInbox.UnpackStaleHeightError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return batchInbox.UnpackZeroAddressError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// BatchInboxBadChainId represents a BadChainId error raised by the BatchInbox contract.
type BatchInboxBadChainId struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadChainId(uint256 length)
func BatchInboxBadChainIdErrorID() common.Hash {
	return common.HexToHash("0x405fcb82875414f9280da4ad2f353ad7c84d240800ffb3cfcd01e95ccb65e3b3")
}

// UnpackBadChainIdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadChainId(uint256 length)
func (batchInbox *BatchInbox) UnpackBadChainIdError(raw []byte) (*BatchInboxBadChainId, error) {
	out := new(BatchInboxBadChainId)
	if err := batchInbox.abi.UnpackIntoInterface(out, "BadChainId", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxBadSignatureLength represents a BadSignatureLength error raised by the BatchInbox contract.
type BatchInboxBadSignatureLength struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadSignatureLength(uint256 length)
func BatchInboxBadSignatureLengthErrorID() common.Hash {
	return common.HexToHash("0x7d1250fe7d9f7573d54786d97945cacc9d5addab68df166fcbdfcb55aeb2af96")
}

// UnpackBadSignatureLengthError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadSignatureLength(uint256 length)
func (batchInbox *BatchInbox) UnpackBadSignatureLengthError(raw []byte) (*BatchInboxBadSignatureLength, error) {
	out := new(BatchInboxBadSignatureLength)
	if err := batchInbox.abi.UnpackIntoInterface(out, "BadSignatureLength", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxBatchTooLarge represents a BatchTooLarge error raised by the BatchInbox contract.
type BatchInboxBatchTooLarge struct {
	Heights *big.Int
	Max     *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BatchTooLarge(uint256 heights, uint256 max)
func BatchInboxBatchTooLargeErrorID() common.Hash {
	return common.HexToHash("0xbb1cb70bcc2ddbaabd8d251943ebb6b48ae10b9f78ce35a6f00b43eac7ae64f1")
}

// UnpackBatchTooLargeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BatchTooLarge(uint256 heights, uint256 max)
func (batchInbox *BatchInbox) UnpackBatchTooLargeError(raw []byte) (*BatchInboxBatchTooLarge, error) {
	out := new(BatchInboxBatchTooLarge)
	if err := batchInbox.abi.UnpackIntoInterface(out, "BatchTooLarge", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxEmptyBatch represents a EmptyBatch error raised by the BatchInbox contract.
type BatchInboxEmptyBatch struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyBatch()
func BatchInboxEmptyBatchErrorID() common.Hash {
	return common.HexToHash("0xc2e5347df6cf8d1bf68f8a9651642312bd381b900d857d97cd665976180d6ae0")
}

// UnpackEmptyBatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyBatch()
func (batchInbox *BatchInbox) UnpackEmptyBatchError(raw []byte) (*BatchInboxEmptyBatch, error) {
	out := new(BatchInboxEmptyBatch)
	if err := batchInbox.abi.UnpackIntoInterface(out, "EmptyBatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxInvalidSignature represents a InvalidSignature error raised by the BatchInbox contract.
type BatchInboxInvalidSignature struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidSignature()
func BatchInboxInvalidSignatureErrorID() common.Hash {
	return common.HexToHash("0x8baa579fce362245063d36f11747a89dd489c54795634fc673cc0e0db51fedc5")
}

// UnpackInvalidSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidSignature()
func (batchInbox *BatchInbox) UnpackInvalidSignatureError(raw []byte) (*BatchInboxInvalidSignature, error) {
	out := new(BatchInboxInvalidSignature)
	if err := batchInbox.abi.UnpackIntoInterface(out, "InvalidSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxLengthMismatch represents a LengthMismatch error raised by the BatchInbox contract.
type BatchInboxLengthMismatch struct {
	Heights *big.Int
	Roots   *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LengthMismatch(uint256 heights, uint256 roots)
func BatchInboxLengthMismatchErrorID() common.Hash {
	return common.HexToHash("0xab8b67c6893c59617ef3ba4b4b942e9791f2572db2fdb32028356532f3b7396a")
}

// UnpackLengthMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LengthMismatch(uint256 heights, uint256 roots)
func (batchInbox *BatchInbox) UnpackLengthMismatchError(raw []byte) (*BatchInboxLengthMismatch, error) {
	out := new(BatchInboxLengthMismatch)
	if err := batchInbox.abi.UnpackIntoInterface(out, "LengthMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxPrecompileFailed represents a PrecompileFailed error raised by the BatchInbox contract.
type BatchInboxPrecompileFailed struct {
	Precompile common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PrecompileFailed(address precompile)
func BatchInboxPrecompileFailedErrorID() common.Hash {
	return common.HexToHash("0xeb8d043ad9930b483be478f76fc57acdc905a2680c78dd9d6c7c2b2029709f6b")
}

// UnpackPrecompileFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PrecompileFailed(address precompile)
func (batchInbox *BatchInbox) UnpackPrecompileFailedError(raw []byte) (*BatchInboxPrecompileFailed, error) {
	out := new(BatchInboxPrecompileFailed)
	if err := batchInbox.abi.UnpackIntoInterface(out, "PrecompileFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxStaleHeight represents a StaleHeight error raised by the BatchInbox contract.
type BatchInboxStaleHeight struct {
	Height     uint64
	LastHeight uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StaleHeight(uint64 height, uint64 lastHeight)
func BatchInboxStaleHeightErrorID() common.Hash {
	return common.HexToHash("0x012b478910d0cd7f2ffd97cdd970b3a94b8c1582b2cab398f9820d8a0f0b033f")
}

// UnpackStaleHeightError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StaleHeight(uint64 height, uint64 lastHeight)
func (batchInbox *BatchInbox) UnpackStaleHeightError(raw []byte) (*BatchInboxStaleHeight, error) {
	out := new(BatchInboxStaleHeight)
	if err := batchInbox.abi.UnpackIntoInterface(out, "StaleHeight", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxZeroAddress represents a ZeroAddress error raised by the BatchInbox contract.
type BatchInboxZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func BatchInboxZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (batchInbox *BatchInbox) UnpackZeroAddressError(raw []byte) (*BatchInboxZeroAddress, error) {
	out := new(BatchInboxZeroAddress)
	if err := batchInbox.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}
