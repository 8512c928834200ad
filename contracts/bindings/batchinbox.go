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
	ABI: "[{\"inputs\":[{\"internalType\":\"contractCommitteeRegistry\",\"name\":\"registry_\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"chainId_\",\"type\":\"bytes\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"BadChainId\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"BadSignatureLength\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"heights\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"BatchTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyBatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"heights\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"roots\",\"type\":\"uint256\"}],\"name\":\"LengthMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotPoster\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"poster\",\"type\":\"address\"}],\"name\":\"PosterExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"precompile\",\"type\":\"address\"}],\"name\":\"PrecompileFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"lastHeight\",\"type\":\"uint64\"}],\"name\":\"StaleHeight\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"poster\",\"type\":\"address\"}],\"name\":\"UnknownPoster\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"batchRoot\",\"type\":\"bytes32\"}],\"name\":\"BatchPosted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"poster\",\"type\":\"address\"}],\"name\":\"PosterAdded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"poster\",\"type\":\"address\"}],\"name\":\"PosterRemoved\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_BATCH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_CHAIN_ID\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PROOF_DEPTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"SIGNATURE_DST\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"poster\",\"type\":\"address\"}],\"name\":\"addPoster\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"batchMessage\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"}],\"name\":\"batchRoot\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"chainId\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"id\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isPoster\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastHeight\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"postBatch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64[]\",\"name\":\"heights\",\"type\":\"uint64[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"roots\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"aggregateSignature\",\"type\":\"bytes\"}],\"name\":\"postBatches\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"posterCount\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"contractCommitteeRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"poster\",\"type\":\"address\"}],\"name\":\"removePoster\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"rollupId\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"leafHash\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"uint32\",\"name\":\"legIndex\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"legCount\",\"type\":\"uint32\"},{\"internalType\":\"bytes32[]\",\"name\":\"legPath\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint64\",\"name\":\"entryIndex\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"entryCount\",\"type\":\"uint64\"},{\"internalType\":\"bytes32[]\",\"name\":\"entryPath\",\"type\":\"bytes32[]\"}],\"internalType\":\"structBatchInbox.LegProof\",\"name\":\"proof\",\"type\":\"tuple\"}],\"name\":\"verifyLeg\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "BatchInbox",
	Bin: "0x610100604052348015610010575f5ffd5b5060405161218f38038061218f83398101604081905261002f9161010e565b6001600160a01b0382166100565760405163d92e233d60e01b815260040160405180910390fd5b80511580610065575060328151115b1561009157805160405163202fe5c160e11b815260040161008891815260200190565b60405180910390fd5b6001600160a01b03821660805280516040515f916100b7918490849081906020016101dd565b60408051601f1981840301815291815260208201519082015160a082905260c0819052845192935090916100ec90600e610226565b60e0525061024b9350505050565b634e487b7160e01b5f52604160045260245ffd5b5f5f6040838503121561011f575f5ffd5b82516001600160a01b0381168114610135575f5ffd5b60208401519092506001600160401b03811115610150575f5ffd5b8301601f81018513610160575f5ffd5b80516001600160401b03811115610179576101796100fa565b604051601f8201601f19908116603f011681016001600160401b03811182821017156101a7576101a76100fa565b6040528181528282016020018710156101be575f5ffd5b8160208401602083015e5f602083830101528093505050509250929050565b6c7665696c2f62617463682f763160981b815260ff60f81b8560f81b16600d8201525f84518060208701600e85015e909101600e81019390935250602e820152604e0192915050565b8082018082111561024557634e487b7160e01b5f52601160045260245ffd5b92915050565b60805160a05160c05160e051611eb66102d95f395f81816105d101528181610c6e01528181610ee3015261100c01525f81816105a501528181610d0101528181610eb80152610fe101525f818161058201528181610cdd01528181610e950152610fbe01525f81816101f50152818161042f0152818161081601528181610dfd015261104c0152611eb65ff3fe608060405234801561000f575f5ffd5b50600436106100fb575f3560e01c80637b10399911610093578063aadcb99511610063578063aadcb9951461026d578063ac58e53014610280578063bd20189e14610293578063f66519a0146102a6575f5ffd5b80637b103999146101f0578063950bff9f1461023c5780639576fa6b146102455780639a8a059214610258575f5ffd5b806340409ced116100ce57806340409ced1461018a57806345be04f2146101a95780635bc105c0146101bf578063623263e9146101c7575f5ffd5b8063035eefce146100ff5780631b25ba611461011457806325159aa91461014b5780632adce88f14610177575b5f5ffd5b61011261010d36600461190e565b6102ae565b005b6101366101223660046119e2565b60016020525f908152604090205460ff1681565b60405190151581526020015b60405180910390f35b5f5461015e9067ffffffffffffffff1681565b60405167ffffffffffffffff9091168152602001610142565b6101126101853660046119e2565b610814565b5f5461015e9068010000000000000000900467ffffffffffffffff1681565b6101b1604081565b604051908152602001610142565b6101b1603281565b6101b16101d5366004611a04565b67ffffffffffffffff165f9081526002602052604090205490565b6102177f000000000000000000000000000000000000000000000000000000000000000081565b60405173ffffffffffffffffffffffffffffffffffffffff9091168152602001610142565b6101b161010081565b610136610253366004611a1d565b610aaa565b610260610c64565b6040516101429190611a85565b61011261027b366004611ad8565b610d3f565b6101b161028e366004611b42565b610fb9565b6101126102a13660046119e2565b61104a565b61026061128d565b855f8190036102e9576040517fc2e5347d00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b610100811115610335576040517fbb1cb70b0000000000000000000000000000000000000000000000000000000081526004810182905261010060248201526044015b60405180910390fd5b848114610378576040517fab8b67c6000000000000000000000000000000000000000000000000000000008152600481018290526024810186905260440161032c565b5f5467ffffffffffffffff1661038c6112a9565b5f5b8281101561042b575f8a8a838181106103a9576103a9611b6a565b90506020020160208101906103be9190611a04565b90508267ffffffffffffffff168167ffffffffffffffff1611610421576040517f012b478900000000000000000000000000000000000000000000000000000000815267ffffffffffffffff80831660048301528416602482015260440161032c565b915060010161038e565b505f7f000000000000000000000000000000000000000000000000000000000000000073ffffffffffffffffffffffffffffffffffffffff1663ab03b0fd878c8c5f81811061047c5761047c611b6a565b90506020020160208101906104919190611a04565b6040517fffffffff0000000000000000000000000000000000000000000000000000000060e085901b16815267ffffffffffffffff928316600482015290821660248201529085166044820152606401602060405180830381865afa1580156104fc573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906105209190611b97565b90505f61053560408051610540810190915290565b90506106246106078c8c5f81811061054f5761054f611b6a565b90506020020160208101906105649190611a04565b8b8b5f81811061057657610576611b6a565b905060200201356040517f000000000000000000000000000000000000000000000000000000000000000081527f0000000000000000000000000000000000000000000000000000000000000000602082015260c09290921b7f0000000000000000000000000000000000000000000000000000000000000000838101918252600890910191909152602801902090565b61061361018084611bdf565b61061f61038085611bdf565b611319565b60015b848110156106ba5761068661066e8d8d8481811061064757610647611b6a565b905060200201602081019061065c9190611a04565b8c8c8581811061057657610576611b6a565b61067a61030085611bdf565b61061f61038086611bdf565b6106b261069561018084611bdf565b6106a161030085611bdf565b6106ad61018086611bdf565b611570565b600101610627565b506106c7818787856115cf565b5f5b848110156107ce578989828181106106e3576106e3611b6a565b9050602002013560025f8e8e858181106106ff576106ff611b6a565b90506020020160208101906107149190611a04565b67ffffffffffffffff1667ffffffffffffffff1681526020019081526020015f20819055508767ffffffffffffffff168c8c8381811061075657610756611b6a565b905060200201602081019061076b9190611a04565b67ffffffffffffffff167f13fc6b4b4d365401b9350cd981f7f96a12fff4cb90192d6c39fb3cbfd9cbf8248c8c858181106107a8576107a8611b6a565b905060200201356040516107be91815260200190565b60405180910390a36001016106c9565b50505f80547fffffffffffffffffffffffffffffffffffffffffffffffff00000000000000001667ffffffffffffffff9390931692909217909155505050505050505050565b7f000000000000000000000000000000000000000000000000000000000000000073ffffffffffffffffffffffffffffffffffffffff16638da5cb5b6040518163ffffffff1660e01b8152600401602060405180830381865afa15801561087d573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906108a19190611b97565b73ffffffffffffffffffffffffffffffffffffffff163373ffffffffffffffffffffffffffffffffffffffff1614610907576040517f245aecd300000000000000000000000000000000000000000000000000000000815233600482015260240161032c565b73ffffffffffffffffffffffffffffffffffffffff8116610954576040517fd92e233d00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b73ffffffffffffffffffffffffffffffffffffffff81165f9081526001602052604090205460ff16156109cb576040517f5e808a8c00000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff8216600482015260240161032c565b73ffffffffffffffffffffffffffffffffffffffff81165f908152600160208190526040822080547fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff001690911790558054600890610a3e9068010000000000000000900467ffffffffffffffff16611bf2565b91906101000a81548167ffffffffffffffff021916908367ffffffffffffffff1602179055508073ffffffffffffffffffffffffffffffffffffffff167faed470f4bebdbebe36217d1aaf626aa8322b5d299aa4e78e73e1d8cd170d541f60405160405180910390a250565b67ffffffffffffffff83165f9081526002602052604081205480610ad1575f915050610c5c565b5f80610b12610ae36020870187611c1e565b63ffffffff16610af96040880160208901611c1e565b63ffffffff1688610b0d60408a018a611c41565b611746565b9150915080610b26575f9350505050610c5c565b5f808984610b3a60408a0160208b01611c1e565b6040517fff0000000000000000000000000000000000000000000000000000000000000094909416602085015260c09290921b7fffffffffffffffff000000000000000000000000000000000000000000000000166021840152602983015260e01b7fffffffff00000000000000000000000000000000000000000000000000000000166049820152604d01604080517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0818403018152919052805160209091012090505f610c44610c126080890160608a01611a04565b67ffffffffffffffff16610c2c60a08a0160808b01611a04565b67ffffffffffffffff1684610b0d60a08c018c611c41565b93509050828015610c5457508481145b955050505050505b949350505050565b60605f610c92600e7f0000000000000000000000000000000000000000000000000000000000000000611ca5565b90508067ffffffffffffffff811115610cad57610cad611cb8565b6040519080825280601f01601f191660200182016040528015610cd7576020820181803683370190505b5091505f7f000000000000000000000000000000000000000000000000000000000000000090505f7f0000000000000000000000000000000000000000000000000000000000000000905060405182815281602082015283600e8201602087015e5050505090565b5f5467ffffffffffffffff16610d536112a9565b8067ffffffffffffffff168667ffffffffffffffff1611610db4576040517f012b478900000000000000000000000000000000000000000000000000000000815267ffffffffffffffff80881660048301528216602482015260440161032c565b6040517fab03b0fd00000000000000000000000000000000000000000000000000000000815267ffffffffffffffff808616600483015287166024820181905260448201525f907f000000000000000000000000000000000000000000000000000000000000000073ffffffffffffffffffffffffffffffffffffffff169063ab03b0fd90606401602060405180830381865afa158015610e57573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610e7b9190611b97565b90505f610e9060408051610540810190915290565b6040517f000000000000000000000000000000000000000000000000000000000000000081527f0000000000000000000000000000000000000000000000000000000000000000602082015260c08a901b7f000000000000000000000000000000000000000000000000000000000000000080830191825260089091018a90526028019020909150610f2190610607565b610f2d818686856115cf565b67ffffffffffffffff8089165f818152600260205260408082208b905581547fffffffffffffffffffffffffffffffffffffffffffffffff000000000000000016831790915551918816917f13fc6b4b4d365401b9350cd981f7f96a12fff4cb90192d6c39fb3cbfd9cbf82490610fa7908b815260200190565b60405180910390a35050505050505050565b6040517f000000000000000000000000000000000000000000000000000000000000000081527f0000000000000000000000000000000000000000000000000000000000000000602082015260c083901b7f0000000000000000000000000000000000000000000000000000000000000000808301918252600890910183905260280190205f905b90505b92915050565b7f000000000000000000000000000000000000000000000000000000000000000073ffffffffffffffffffffffffffffffffffffffff16638da5cb5b6040518163ffffffff1660e01b8152600401602060405180830381865afa1580156110b3573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906110d79190611b97565b73ffffffffffffffffffffffffffffffffffffffff163373ffffffffffffffffffffffffffffffffffffffff161461113d576040517f245aecd300000000000000000000000000000000000000000000000000000000815233600482015260240161032c565b73ffffffffffffffffffffffffffffffffffffffff81165f9081526001602052604090205460ff166111b3576040517fe092504b00000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff8216600482015260240161032c565b73ffffffffffffffffffffffffffffffffffffffff81165f90815260016020526040812080547fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0016905580546008906112219068010000000000000000900467ffffffffffffffff16611ce5565b91906101000a81548167ffffffffffffffff021916908367ffffffffffffffff1602179055508073ffffffffffffffffffffffffffffffffffffffff167f1b2e95b5e2a9df0b7e7d84a41153d22ee364feaa795ed6555b8378cdb867e24460405160405180910390a250565b6040518060600160405280602c8152602001611e8a602c913981565b5f5468010000000000000000900467ffffffffffffffff16158015906112de5750335f9081526001602052604090205460ff16155b15611317576040517f6951ee5200000000000000000000000000000000000000000000000000000000815233600482015260240161032c565b565b5f600190505f82525f6020830152836040830152608060f01b60608301527f5645494c2d5630312d5349472d424c53313233383147315f584d443a5348412d60638301527f3235365f535357555f524f5f2c0000000000000000000000000000000000000060838301526020610140830160908460025afa6101408301517f5645494c2d5630312d5349472d424c53313233383147315f584d443a5348412d60218501527f3235365f535357555f524f5f2c0000000000000000000000000000000000000060418501529116905f60015b600581101561142457818318855280602086015360206001820302610140018501602081604e8860025afa905194169391506001016113ea565b5050505f60e08301525f5b600281101561151957604081026101400183018051602082015191506040855260016020860152603060408601528060608601525080608085015250600160a08401537f1a0111ea397fe69a4b1ba7b6434bacd70000000000000000000000000000000060a18401527f64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab60b1840152603060f0840160d18560055afa90911660303d1416908080156114f55760806101208501604060e0870160105afa83169250611507565b608085604060e0870160105afa831692505b503d608014919091169060010161142f565b5080611554576040517feb8d043a0000000000000000000000000000000000000000000000000000000081526010600482015260240161032c565b61156a8361156484610120611bdf565b85611570565b50505050565b5f604051608085825e608084608083015e60808361010083600b5afa3d60801416915081905061156a576040517feb8d043a000000000000000000000000000000000000000000000000000000008152600b600482015260240161032c565b6080821461160c576040517f7d1250fe0000000000000000000000000000000000000000000000000000000081526004810183905260240161032c565b61161a608060608486611d26565b61162391611d4d565b611631606060408587611d26565b61163a91611d4d565b611648604060208688611d26565b61165191611d4d565b61165e60205f8789611d26565b61166791611d4d565b1717175f036116a2576040517f8baa579f00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b5f6040518061012001604052806101008152602001611d8a610100913990505f80608086883761010060208401608089015e61010060016102008901863c60205f61030089600f5afa5f513d60201490911692509050811580611706575080600114155b1561173d576040517f8baa579f00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b50505050505050565b5f5f85871015806117575750604083115b1561176657505f905080611845565b865f611773600189611ca5565b90508693505f5b8581101561182957815f0361179857505f9350839250611845915050565b5f8787838181106117ab576117ab611b6a565b90506020020135905083600116600114806117c557508284145b1561180b576117d4818761184f565b9550836001165f03611806575b600184161580156117f157508315155b1561180657600193841c939290921c916117e1565b611818565b611815868261184f565b95505b50600192831c9291821c910161177a565b50801561183e57505f92508291506118459050565b5060019150505b9550959350505050565b5f6040516001815360018101939093525060218201526041902090565b5f5f83601f84011261187c575f5ffd5b50813567ffffffffffffffff811115611893575f5ffd5b6020830191508360208260051b85010111156118ad575f5ffd5b9250929050565b803567ffffffffffffffff811681146118cb575f5ffd5b919050565b5f5f83601f8401126118e0575f5ffd5b50813567ffffffffffffffff8111156118f7575f5ffd5b6020830191508360208285010111156118ad575f5ffd5b5f5f5f5f5f5f5f6080888a031215611924575f5ffd5b873567ffffffffffffffff81111561193a575f5ffd5b6119468a828b0161186c565b909850965050602088013567ffffffffffffffff811115611965575f5ffd5b6119718a828b0161186c565b90965094506119849050604089016118b4565b9250606088013567ffffffffffffffff81111561199f575f5ffd5b6119ab8a828b016118d0565b989b979a50959850939692959293505050565b73ffffffffffffffffffffffffffffffffffffffff811681146119df575f5ffd5b50565b5f602082840312156119f2575f5ffd5b81356119fd816119be565b9392505050565b5f60208284031215611a14575f5ffd5b611041826118b4565b5f5f5f5f60808587031215611a30575f5ffd5b611a39856118b4565b9350611a47602086016118b4565b925060408501359150606085013567ffffffffffffffff811115611a69575f5ffd5b850160c08188031215611a7a575f5ffd5b939692955090935050565b602081525f82518060208401528060208501604085015e5f6040828501015260407fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f83011684010191505092915050565b5f5f5f5f5f60808688031215611aec575f5ffd5b611af5866118b4565b945060208601359350611b0a604087016118b4565b9250606086013567ffffffffffffffff811115611b25575f5ffd5b611b31888289016118d0565b969995985093965092949392505050565b5f5f60408385031215611b53575f5ffd5b611b5c836118b4565b946020939093013593505050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b5f60208284031215611ba7575f5ffd5b81516119fd816119be565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b8082018082111561104457611044611bb2565b5f67ffffffffffffffff821667ffffffffffffffff8103611c1557611c15611bb2565b60010192915050565b5f60208284031215611c2e575f5ffd5b813563ffffffff811681146119fd575f5ffd5b5f5f83357fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1843603018112611c74575f5ffd5b83018035915067ffffffffffffffff821115611c8e575f5ffd5b6020019150600581901b36038213156118ad575f5ffd5b8181038181111561104457611044611bb2565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b5f67ffffffffffffffff821680611cfe57611cfe611bb2565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0192915050565b5f5f85851115611d34575f5ffd5b83861115611d40575f5ffd5b5050820193919092039150565b80356020831015611044577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff602084900360031b1b169291505056fe00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb80000000000000000000000000000000013e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e000000000000000000000000000000000d1b3cc2c7027888be51d9ef691d77bcb679afda66c73f17f9ee3837a55024f78c71363275a75d75d86bab79f74782aa0000000000000000000000000000000013fa4d4a0ad8b1ce186ed5061789213d993923066dddaf1040bc3ff59f825c78df74f2d75467e25e0f55f8a00fa030ed5645494c2d5630312d5349472d424c53313233383147315f584d443a5348412d3235365f535357555f524f5f",
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

// PackAddPoster is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2adce88f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addPoster(address poster) returns()
func (batchInbox *BatchInbox) PackAddPoster(poster common.Address) []byte {
	enc, err := batchInbox.abi.Pack("addPoster", poster)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddPoster is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2adce88f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addPoster(address poster) returns()
func (batchInbox *BatchInbox) TryPackAddPoster(poster common.Address) ([]byte, error) {
	return batchInbox.abi.Pack("addPoster", poster)
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

// PackIsPoster is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1b25ba61.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isPoster(address ) view returns(bool)
func (batchInbox *BatchInbox) PackIsPoster(arg0 common.Address) []byte {
	enc, err := batchInbox.abi.Pack("isPoster", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsPoster is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1b25ba61.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isPoster(address ) view returns(bool)
func (batchInbox *BatchInbox) TryPackIsPoster(arg0 common.Address) ([]byte, error) {
	return batchInbox.abi.Pack("isPoster", arg0)
}

// UnpackIsPoster is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1b25ba61.
//
// Solidity: function isPoster(address ) view returns(bool)
func (batchInbox *BatchInbox) UnpackIsPoster(data []byte) (bool, error) {
	out, err := batchInbox.abi.Unpack("isPoster", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
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

// PackPosterCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40409ced.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function posterCount() view returns(uint64)
func (batchInbox *BatchInbox) PackPosterCount() []byte {
	enc, err := batchInbox.abi.Pack("posterCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPosterCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40409ced.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function posterCount() view returns(uint64)
func (batchInbox *BatchInbox) TryPackPosterCount() ([]byte, error) {
	return batchInbox.abi.Pack("posterCount")
}

// UnpackPosterCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x40409ced.
//
// Solidity: function posterCount() view returns(uint64)
func (batchInbox *BatchInbox) UnpackPosterCount(data []byte) (uint64, error) {
	out, err := batchInbox.abi.Unpack("posterCount", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
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

// PackRemovePoster is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd20189e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function removePoster(address poster) returns()
func (batchInbox *BatchInbox) PackRemovePoster(poster common.Address) []byte {
	enc, err := batchInbox.abi.Pack("removePoster", poster)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRemovePoster is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd20189e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function removePoster(address poster) returns()
func (batchInbox *BatchInbox) TryPackRemovePoster(poster common.Address) ([]byte, error) {
	return batchInbox.abi.Pack("removePoster", poster)
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

// BatchInboxPosterAdded represents a PosterAdded event raised by the BatchInbox contract.
type BatchInboxPosterAdded struct {
	Poster common.Address
	Raw    *types.Log // Blockchain specific contextual infos
}

const BatchInboxPosterAddedEventName = "PosterAdded"

// ContractEventName returns the user-defined event name.
func (BatchInboxPosterAdded) ContractEventName() string {
	return BatchInboxPosterAddedEventName
}

// UnpackPosterAddedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PosterAdded(address indexed poster)
func (batchInbox *BatchInbox) UnpackPosterAddedEvent(log *types.Log) (*BatchInboxPosterAdded, error) {
	event := "PosterAdded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != batchInbox.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(BatchInboxPosterAdded)
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

// BatchInboxPosterRemoved represents a PosterRemoved event raised by the BatchInbox contract.
type BatchInboxPosterRemoved struct {
	Poster common.Address
	Raw    *types.Log // Blockchain specific contextual infos
}

const BatchInboxPosterRemovedEventName = "PosterRemoved"

// ContractEventName returns the user-defined event name.
func (BatchInboxPosterRemoved) ContractEventName() string {
	return BatchInboxPosterRemovedEventName
}

// UnpackPosterRemovedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PosterRemoved(address indexed poster)
func (batchInbox *BatchInbox) UnpackPosterRemovedEvent(log *types.Log) (*BatchInboxPosterRemoved, error) {
	event := "PosterRemoved"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != batchInbox.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(BatchInboxPosterRemoved)
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
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return batchInbox.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["NotPoster"].ID.Bytes()[:4]) {
		return batchInbox.UnpackNotPosterError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["PosterExists"].ID.Bytes()[:4]) {
		return batchInbox.UnpackPosterExistsError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["PrecompileFailed"].ID.Bytes()[:4]) {
		return batchInbox.UnpackPrecompileFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["StaleHeight"].ID.Bytes()[:4]) {
		return batchInbox.UnpackStaleHeightError(raw[4:])
	}
	if bytes.Equal(raw[:4], batchInbox.abi.Errors["UnknownPoster"].ID.Bytes()[:4]) {
		return batchInbox.UnpackUnknownPosterError(raw[4:])
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

// BatchInboxNotOwner represents a NotOwner error raised by the BatchInbox contract.
type BatchInboxNotOwner struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner(address caller)
func BatchInboxNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x245aecd3fabbd17d6c3c92dc7f0ab916ea8cbf6fc1862c8b56893090ac3fff4c")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner(address caller)
func (batchInbox *BatchInbox) UnpackNotOwnerError(raw []byte) (*BatchInboxNotOwner, error) {
	out := new(BatchInboxNotOwner)
	if err := batchInbox.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxNotPoster represents a NotPoster error raised by the BatchInbox contract.
type BatchInboxNotPoster struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPoster(address caller)
func BatchInboxNotPosterErrorID() common.Hash {
	return common.HexToHash("0x6951ee52da6a0da6c56d349a0c3dd0d20b0fd20079112c9b347ea29455477275")
}

// UnpackNotPosterError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPoster(address caller)
func (batchInbox *BatchInbox) UnpackNotPosterError(raw []byte) (*BatchInboxNotPoster, error) {
	out := new(BatchInboxNotPoster)
	if err := batchInbox.abi.UnpackIntoInterface(out, "NotPoster", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchInboxPosterExists represents a PosterExists error raised by the BatchInbox contract.
type BatchInboxPosterExists struct {
	Poster common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PosterExists(address poster)
func BatchInboxPosterExistsErrorID() common.Hash {
	return common.HexToHash("0x5e808a8c81003eafed5877ee48052051284a2a57b2a4e57fbb404bce4a2b0b80")
}

// UnpackPosterExistsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PosterExists(address poster)
func (batchInbox *BatchInbox) UnpackPosterExistsError(raw []byte) (*BatchInboxPosterExists, error) {
	out := new(BatchInboxPosterExists)
	if err := batchInbox.abi.UnpackIntoInterface(out, "PosterExists", raw); err != nil {
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

// BatchInboxUnknownPoster represents a UnknownPoster error raised by the BatchInbox contract.
type BatchInboxUnknownPoster struct {
	Poster common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownPoster(address poster)
func BatchInboxUnknownPosterErrorID() common.Hash {
	return common.HexToHash("0xe092504b7d811455df798b59c765fc7e0aa3ed3c7653d059ad4cb1699636222d")
}

// UnpackUnknownPosterError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownPoster(address poster)
func (batchInbox *BatchInbox) UnpackUnknownPosterError(raw []byte) (*BatchInboxUnknownPoster, error) {
	out := new(BatchInboxUnknownPoster)
	if err := batchInbox.abi.UnpackIntoInterface(out, "UnknownPoster", raw); err != nil {
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
