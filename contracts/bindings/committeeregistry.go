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

// CommitteeRegistryMetaData contains all meta data concerning the CommitteeRegistry contract.
var CommitteeRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"initialOwner\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"activationHeight\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"previous\",\"type\":\"uint64\"}],\"name\":\"ActivationNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"members\",\"type\":\"uint256\"}],\"name\":\"BadMemberCount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"BadPublicKey\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"threshold\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"members\",\"type\":\"uint256\"}],\"name\":\"BadThreshold\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"DataDeployFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"}],\"name\":\"EonIsRevoked\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"latest\",\"type\":\"uint64\"}],\"name\":\"EonNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"height\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"activationHeight\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"end\",\"type\":\"uint64\"}],\"name\":\"HeightOutsideEon\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotPendingOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"}],\"name\":\"UnknownEon\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"ZeroMember\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"end\",\"type\":\"uint64\"}],\"name\":\"EonClosed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"activationHeight\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint16\",\"name\":\"threshold\",\"type\":\"uint16\"},{\"indexed\":false,\"internalType\":\"address[]\",\"name\":\"members\",\"type\":\"address[]\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"publicKey\",\"type\":\"bytes\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"data\",\"type\":\"address\"}],\"name\":\"EonRegistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"}],\"name\":\"EonRevoked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousOwner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferStarted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousOwner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferred\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_MEMBERS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"acceptOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eonCount\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"}],\"name\":\"getEon\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"activationHeight\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"end\",\"type\":\"uint64\"},{\"internalType\":\"uint16\",\"name\":\"threshold\",\"type\":\"uint16\"},{\"internalType\":\"bool\",\"name\":\"revoked\",\"type\":\"bool\"},{\"internalType\":\"address[]\",\"name\":\"members\",\"type\":\"address[]\"},{\"internalType\":\"bytes\",\"name\":\"publicKey\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"fromHeight\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"toHeight\",\"type\":\"uint64\"}],\"name\":\"keyFor\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"data\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"latestEon\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pendingOwner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"activationHeight\",\"type\":\"uint64\"},{\"internalType\":\"uint16\",\"name\":\"threshold\",\"type\":\"uint16\"},{\"internalType\":\"address[]\",\"name\":\"members\",\"type\":\"address[]\"},{\"internalType\":\"bytes\",\"name\":\"publicKey\",\"type\":\"bytes\"}],\"name\":\"registerEon\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"eon\",\"type\":\"uint64\"}],\"name\":\"revokeEon\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"transferOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "CommitteeRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b50604051611b28380380611b28833981016040819052602b91609d565b6001600160a01b03811660515760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0319166001600160a01b03831690811782556040519091907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0908290a35060c8565b5f6020828403121560ac575f5ffd5b81516001600160a01b038116811460c1575f5ffd5b9392505050565b611a53806100d55f395ff3fe608060405234801561000f575f5ffd5b50600436106100c4575f3560e01c8063a44a1b721161007d578063e30c397811610058578063e30c3978146101cc578063ea0e35b1146101ec578063f2fde38b14610203575f5ffd5b8063a44a1b7214610168578063ab03b0fd1461018d578063b53fab29146101a0575f5ffd5b806353346f88116100ad57806353346f881461010957806379ba50971461011c5780638da5cb5b14610124575f5ffd5b80631de64217146100c8578063446da8e3146100dd575b5f5ffd5b6100db6100d63660046111e9565b610216565b005b60025467ffffffffffffffff165b60405167ffffffffffffffff90911681526020015b60405180910390f35b6100db61011736600461124e565b6103c8565b6100db610949565b5f546101439073ffffffffffffffffffffffffffffffffffffffff1681565b60405173ffffffffffffffffffffffffffffffffffffffff9091168152602001610100565b61017b6101763660046111e9565b610a22565b60405161010096959493929190611374565b61014361019b366004611419565b610c0e565b6001546100eb9074010000000000000000000000000000000000000000900467ffffffffffffffff1681565b6001546101439073ffffffffffffffffffffffffffffffffffffffff1681565b6101f561040081565b604051908152602001610100565b6100db61021136600461147c565b610e0f565b5f5473ffffffffffffffffffffffffffffffffffffffff16331461026d576040517f245aecd30000000000000000000000000000000000000000000000000000000081523360048201526024015b60405180910390fd5b67ffffffffffffffff81165f908152600360205260409020805473ffffffffffffffffffffffffffffffffffffffff166102df576040517fe789662800000000000000000000000000000000000000000000000000000000815267ffffffffffffffff83166004820152602401610264565b80547e01000000000000000000000000000000000000000000000000000000000000900460ff1615610349576040517f22e7fb2500000000000000000000000000000000000000000000000000000000815267ffffffffffffffff83166004820152602401610264565b80547fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff167e0100000000000000000000000000000000000000000000000000000000000017815560405167ffffffffffffffff8316907fa722ea58b6514b7b5a4bf41b5d2818482ed4c5a8d905f98d518aa7e2e976a923905f90a25050565b5f5473ffffffffffffffffffffffffffffffffffffffff16331461041a576040517f245aecd3000000000000000000000000000000000000000000000000000000008152336004820152602401610264565b60025460015467ffffffffffffffff9182169174010000000000000000000000000000000000000000909104168115610533578067ffffffffffffffff168967ffffffffffffffff16116104ae576040517f3850377900000000000000000000000000000000000000000000000000000000815267ffffffffffffffff808b16600483015282166024820152604401610264565b67ffffffffffffffff8082165f9081526003602052604090205474010000000000000000000000000000000000000000900481169089168110610531576040517f5a0d7ec000000000000000000000000000000000000000000000000000000000815267ffffffffffffffff808b16600483015282166024820152604401610264565b505b84801580610542575061040081115b1561057c576040517f4d50f59600000000000000000000000000000000000000000000000000000000815260048101829052602401610264565b61ffff881615806105905750808861ffff16115b156105d4576040517fb8f1f4df00000000000000000000000000000000000000000000000000000000815261ffff8916600482015260248101829052604401610264565b5f5b8181101561065e575f8888838181106105f1576105f1611495565b9050602002016020810190610606919061147c565b73ffffffffffffffffffffffffffffffffffffffff1603610656576040517f78b5727200000000000000000000000000000000000000000000000000000000815260048101829052602401610264565b6001016105d6565b506106698585610ed6565b5f61067686868a8a6110c3565b90506040518060a001604052808273ffffffffffffffffffffffffffffffffffffffff1681526020018b67ffffffffffffffff1681526020018a61ffff1681526020015f151581526020015f67ffffffffffffffff1681525060035f8d67ffffffffffffffff1667ffffffffffffffff1681526020019081526020015f205f820151815f015f6101000a81548173ffffffffffffffffffffffffffffffffffffffff021916908373ffffffffffffffffffffffffffffffffffffffff1602179055506020820151815f0160146101000a81548167ffffffffffffffff021916908367ffffffffffffffff1602179055506040820151815f01601c6101000a81548161ffff021916908361ffff1602179055506060820151815f01601e6101000a81548160ff0219169083151502179055506080820151816001015f6101000a81548167ffffffffffffffff021916908367ffffffffffffffff1602179055509050505f8467ffffffffffffffff1611156108695767ffffffffffffffff8381165f8181526003602090815260409182902060010180547fffffffffffffffffffffffffffffffffffffffffffffffff000000000000000016948f169485179055905192835290917f97bbd3947af8a4061d01a7e33e0f7e48c68e09321c3f0f1a8d7f19384d3b0c6c910160405180910390a25b600180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff167401000000000000000000000000000000000000000067ffffffffffffffff8e16021781556108bf9085906114ef565b600280547fffffffffffffffffffffffffffffffffffffffffffffffff00000000000000001667ffffffffffffffff928316179055604051908c16907fc94683f1854c9a517b9bf86e9f74af6832ee368e3e1b416114ab3c49375c479390610934908d908d908d908d908d908d908a90611515565b60405180910390a25050505050505050505050565b60015473ffffffffffffffffffffffffffffffffffffffff163314158061096e575033155b156109a7576040517fa09b9a43000000000000000000000000000000000000000000000000000000008152336004820152602401610264565b5f8054337fffffffffffffffffffffffff00000000000000000000000000000000000000008083168217845560018054909116905560405173ffffffffffffffffffffffffffffffffffffffff90921692909183917f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e091a350565b67ffffffffffffffff81165f908152600360205260408120805482918291829160609182919073ffffffffffffffffffffffffffffffffffffffff1680610aa1576040517fe789662800000000000000000000000000000000000000000000000000000000815267ffffffffffffffff8a166004820152602401610264565b604080516101008082526101208201909252906020820181803683370190505092505f6014610100610aeb600173ffffffffffffffffffffffffffffffffffffffff86163b611628565b610af59190611628565b610aff919061163b565b90508067ffffffffffffffff811115610b1a57610b1a6115fb565b604051908082528060200260200182016040528015610b43578160200160208202803683370190505b509450610100600160208601843c6040516014820261010182853c5f5b82811015610b83576014810282015160601c602080830289010152600101610b60565b5050825460019093015467ffffffffffffffff74010000000000000000000000000000000000000000850481169a501697505061ffff7c010000000000000000000000000000000000000000000000000000000083041695505060ff7e0100000000000000000000000000000000000000000000000000000000000090910416925091939550919395565b67ffffffffffffffff83165f908152600360205260409020805473ffffffffffffffffffffffffffffffffffffffff169081610c82576040517fe789662800000000000000000000000000000000000000000000000000000000815267ffffffffffffffff86166004820152602401610264565b80547e01000000000000000000000000000000000000000000000000000000000000900460ff1615610cec576040517f22e7fb2500000000000000000000000000000000000000000000000000000000815267ffffffffffffffff86166004820152602401610264565b805467ffffffffffffffff740100000000000000000000000000000000000000009091048116908516811115610d785760018201546040517f8acb362900000000000000000000000000000000000000000000000000000000815267ffffffffffffffff8089166004830152808816602483015280841660448301529091166064820152608401610264565b600182015467ffffffffffffffff168015801590610daa57508067ffffffffffffffff168567ffffffffffffffff1610155b15610e05576040517f8acb362900000000000000000000000000000000000000000000000000000000815267ffffffffffffffff80891660048301528087166024830152808416604483015282166064820152608401610264565b5050509392505050565b5f5473ffffffffffffffffffffffffffffffffffffffff163314610e61576040517f245aecd3000000000000000000000000000000000000000000000000000000008152336004820152602401610264565b600180547fffffffffffffffffffffffff00000000000000000000000000000000000000001673ffffffffffffffffffffffffffffffffffffffff8381169182179092555f8054604051929316917f38d16b8cac22d99fc7c124b9cd0de2d3fa1faef420bfe791d8c362d765e227009190a350565b6101008114610f11576040517fdb477c0000000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b5f5f5b610100811015610f6257838184610f2c826020611673565b92610f3993929190611686565b610f42916116ad565b15610f505760019150610f62565b610f5b602082611673565b9050610f14565b5080610f9a576040517fdb477c0000000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b5f6040518060a00160405280608081526020016119536080913984846040518060a00160405280608081526020016119d3608091398787604051602001610fe696959493929190611700565b60405160208183030381529060405290505f5f600f73ffffffffffffffffffffffffffffffffffffffff168360405161101f9190611738565b5f60405180830381855afa9150503d805f8114611057576040519150601f19603f3d011682016040523d82523d5f602084013e61105c565b606091505b509150915081158061107057508051602014155b80611084575061107f81611743565b600114155b156110bb576040517fdb477c0000000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b505050505050565b5f5f5f60f81b868686866040516020016110e1959493929190611788565b604080517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe081840301815291905290508261012182015f5b8281101561113a576020810282015160601b60148202830152600101611119565b505061010160148202018083526040515f9161115a91859060200161180a565b60405160208183030381529060405290508051602082015ff0935073ffffffffffffffffffffffffffffffffffffffff84166111c2576040517f439ccc4900000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b505050949350505050565b803567ffffffffffffffff811681146111e4575f5ffd5b919050565b5f602082840312156111f9575f5ffd5b611202826111cd565b9392505050565b5f5f83601f840112611219575f5ffd5b50813567ffffffffffffffff811115611230575f5ffd5b602083019150836020828501011115611247575f5ffd5b9250929050565b5f5f5f5f5f5f5f60a0888a031215611264575f5ffd5b61126d886111cd565b965061127b602089016111cd565b9550604088013561ffff81168114611291575f5ffd5b9450606088013567ffffffffffffffff8111156112ac575f5ffd5b8801601f81018a136112bc575f5ffd5b803567ffffffffffffffff8111156112d2575f5ffd5b8a60208260051b84010111156112e6575f5ffd5b60209190910194509250608088013567ffffffffffffffff811115611309575f5ffd5b6113158a828b01611209565b989b979a50959850939692959293505050565b5f81518084528060208401602086015e5f6020828601015260207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f83011685010191505092915050565b5f60c0820167ffffffffffffffff8916835267ffffffffffffffff8816602084015261ffff87166040840152851515606084015260c0608084015280855180835260e0850191506020870192505f5b818110156113f757835173ffffffffffffffffffffffffffffffffffffffff168352602093840193909201916001016113c3565b505083810360a085015261140b8186611328565b9a9950505050505050505050565b5f5f5f6060848603121561142b575f5ffd5b611434846111cd565b9250611442602085016111cd565b9150611450604085016111cd565b90509250925092565b803573ffffffffffffffffffffffffffffffffffffffff811681146111e4575f5ffd5b5f6020828403121561148c575f5ffd5b61120282611459565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b67ffffffffffffffff818116838216019081111561150f5761150f6114c2565b92915050565b67ffffffffffffffff8816815261ffff8716602082015260a06040820181905281018590525f8660c08301825b8881101561157d5773ffffffffffffffffffffffffffffffffffffffff61156884611459565b16825260209283019290910190600101611542565b5083810360608501525f9150858152858760208301375f6020878301015260207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f880116820101915050809150506115ef608083018473ffffffffffffffffffffffffffffffffffffffff169052565b98975050505050505050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b8181038181111561150f5761150f6114c2565b5f8261166e577f4e487b71000000000000000000000000000000000000000000000000000000005f52601260045260245ffd5b500490565b8082018082111561150f5761150f6114c2565b5f5f85851115611694575f5ffd5b838611156116a0575f5ffd5b5050820193919092039150565b8035602083101561150f577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff602084900360031b1b1692915050565b5f81518060208401855e5f93019283525090919050565b5f61170b82896116e9565b868882375f90870190815261172081876116e9565b9050838582375f930192835250909695505050505050565b5f61120282846116e9565b80516020808301519190811015611782577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8160200360031b1b821691505b50919050565b7fff0000000000000000000000000000000000000000000000000000000000000086168152838560018301375f8185016001018181528490825b858110156117fd5773ffffffffffffffffffffffffffffffffffffffff6117e884611459565b168252602092830192909101906001016117c2565b5098975050505050505050565b7f610000000000000000000000000000000000000000000000000000000000000081527fffff0000000000000000000000000000000000000000000000000000000000008360f01b1660018201527f800000000000000000000000000000000000000000000000000000000000000060038201527f600a00000000000000000000000000000000000000000000000000000000000060048201527f5f0000000000000000000000000000000000000000000000000000000000000060068201527f390000000000000000000000000000000000000000000000000000000000000060078201527f5f0000000000000000000000000000000000000000000000000000000000000060088201527ff30000000000000000000000000000000000000000000000000000000000000060098201525f61194a600a8301846116e9565b94935050505056fe0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e10000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb00000000000000000000000000000000114d1d6855d545a8aa7d76c8cf2e21f267816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca",
}

// CommitteeRegistry is an auto generated Go binding around an Ethereum contract.
type CommitteeRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *CommitteeRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewCommitteeRegistry creates a new instance of CommitteeRegistry.
func NewCommitteeRegistry() *CommitteeRegistry {
	parsed, err := CommitteeRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &CommitteeRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *CommitteeRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address initialOwner) returns()
func (committeeRegistry *CommitteeRegistry) PackConstructor(initialOwner common.Address) []byte {
	enc, err := committeeRegistry.abi.Pack("", initialOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackMAXMEMBERS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xea0e35b1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_MEMBERS() view returns(uint256)
func (committeeRegistry *CommitteeRegistry) PackMAXMEMBERS() []byte {
	enc, err := committeeRegistry.abi.Pack("MAX_MEMBERS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXMEMBERS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xea0e35b1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_MEMBERS() view returns(uint256)
func (committeeRegistry *CommitteeRegistry) TryPackMAXMEMBERS() ([]byte, error) {
	return committeeRegistry.abi.Pack("MAX_MEMBERS")
}

// UnpackMAXMEMBERS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xea0e35b1.
//
// Solidity: function MAX_MEMBERS() view returns(uint256)
func (committeeRegistry *CommitteeRegistry) UnpackMAXMEMBERS(data []byte) (*big.Int, error) {
	out, err := committeeRegistry.abi.Unpack("MAX_MEMBERS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAcceptOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x79ba5097.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function acceptOwnership() returns()
func (committeeRegistry *CommitteeRegistry) PackAcceptOwnership() []byte {
	enc, err := committeeRegistry.abi.Pack("acceptOwnership")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAcceptOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x79ba5097.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function acceptOwnership() returns()
func (committeeRegistry *CommitteeRegistry) TryPackAcceptOwnership() ([]byte, error) {
	return committeeRegistry.abi.Pack("acceptOwnership")
}

// PackEonCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x446da8e3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eonCount() view returns(uint64)
func (committeeRegistry *CommitteeRegistry) PackEonCount() []byte {
	enc, err := committeeRegistry.abi.Pack("eonCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEonCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x446da8e3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eonCount() view returns(uint64)
func (committeeRegistry *CommitteeRegistry) TryPackEonCount() ([]byte, error) {
	return committeeRegistry.abi.Pack("eonCount")
}

// UnpackEonCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x446da8e3.
//
// Solidity: function eonCount() view returns(uint64)
func (committeeRegistry *CommitteeRegistry) UnpackEonCount(data []byte) (uint64, error) {
	out, err := committeeRegistry.abi.Unpack("eonCount", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackGetEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa44a1b72.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getEon(uint64 eon) view returns(uint64 activationHeight, uint64 end, uint16 threshold, bool revoked, address[] members, bytes publicKey)
func (committeeRegistry *CommitteeRegistry) PackGetEon(eon uint64) []byte {
	enc, err := committeeRegistry.abi.Pack("getEon", eon)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa44a1b72.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getEon(uint64 eon) view returns(uint64 activationHeight, uint64 end, uint16 threshold, bool revoked, address[] members, bytes publicKey)
func (committeeRegistry *CommitteeRegistry) TryPackGetEon(eon uint64) ([]byte, error) {
	return committeeRegistry.abi.Pack("getEon", eon)
}

// GetEonOutput serves as a container for the return parameters of contract
// method GetEon.
type GetEonOutput struct {
	ActivationHeight uint64
	End              uint64
	Threshold        uint16
	Revoked          bool
	Members          []common.Address
	PublicKey        []byte
}

// UnpackGetEon is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa44a1b72.
//
// Solidity: function getEon(uint64 eon) view returns(uint64 activationHeight, uint64 end, uint16 threshold, bool revoked, address[] members, bytes publicKey)
func (committeeRegistry *CommitteeRegistry) UnpackGetEon(data []byte) (GetEonOutput, error) {
	out, err := committeeRegistry.abi.Unpack("getEon", data)
	outstruct := new(GetEonOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.ActivationHeight = *abi.ConvertType(out[0], new(uint64)).(*uint64)
	outstruct.End = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	outstruct.Threshold = *abi.ConvertType(out[2], new(uint16)).(*uint16)
	outstruct.Revoked = *abi.ConvertType(out[3], new(bool)).(*bool)
	outstruct.Members = *abi.ConvertType(out[4], new([]common.Address)).(*[]common.Address)
	outstruct.PublicKey = *abi.ConvertType(out[5], new([]byte)).(*[]byte)
	return *outstruct, nil
}

// PackKeyFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab03b0fd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function keyFor(uint64 eon, uint64 fromHeight, uint64 toHeight) view returns(address data)
func (committeeRegistry *CommitteeRegistry) PackKeyFor(eon uint64, fromHeight uint64, toHeight uint64) []byte {
	enc, err := committeeRegistry.abi.Pack("keyFor", eon, fromHeight, toHeight)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackKeyFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab03b0fd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function keyFor(uint64 eon, uint64 fromHeight, uint64 toHeight) view returns(address data)
func (committeeRegistry *CommitteeRegistry) TryPackKeyFor(eon uint64, fromHeight uint64, toHeight uint64) ([]byte, error) {
	return committeeRegistry.abi.Pack("keyFor", eon, fromHeight, toHeight)
}

// UnpackKeyFor is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xab03b0fd.
//
// Solidity: function keyFor(uint64 eon, uint64 fromHeight, uint64 toHeight) view returns(address data)
func (committeeRegistry *CommitteeRegistry) UnpackKeyFor(data []byte) (common.Address, error) {
	out, err := committeeRegistry.abi.Unpack("keyFor", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackLatestEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb53fab29.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function latestEon() view returns(uint64)
func (committeeRegistry *CommitteeRegistry) PackLatestEon() []byte {
	enc, err := committeeRegistry.abi.Pack("latestEon")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLatestEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb53fab29.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function latestEon() view returns(uint64)
func (committeeRegistry *CommitteeRegistry) TryPackLatestEon() ([]byte, error) {
	return committeeRegistry.abi.Pack("latestEon")
}

// UnpackLatestEon is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb53fab29.
//
// Solidity: function latestEon() view returns(uint64)
func (committeeRegistry *CommitteeRegistry) UnpackLatestEon(data []byte) (uint64, error) {
	out, err := committeeRegistry.abi.Unpack("latestEon", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (committeeRegistry *CommitteeRegistry) PackOwner() []byte {
	enc, err := committeeRegistry.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (committeeRegistry *CommitteeRegistry) TryPackOwner() ([]byte, error) {
	return committeeRegistry.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (committeeRegistry *CommitteeRegistry) UnpackOwner(data []byte) (common.Address, error) {
	out, err := committeeRegistry.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPendingOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe30c3978.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pendingOwner() view returns(address)
func (committeeRegistry *CommitteeRegistry) PackPendingOwner() []byte {
	enc, err := committeeRegistry.abi.Pack("pendingOwner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPendingOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe30c3978.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pendingOwner() view returns(address)
func (committeeRegistry *CommitteeRegistry) TryPackPendingOwner() ([]byte, error) {
	return committeeRegistry.abi.Pack("pendingOwner")
}

// UnpackPendingOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe30c3978.
//
// Solidity: function pendingOwner() view returns(address)
func (committeeRegistry *CommitteeRegistry) UnpackPendingOwner(data []byte) (common.Address, error) {
	out, err := committeeRegistry.abi.Unpack("pendingOwner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRegisterEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x53346f88.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registerEon(uint64 eon, uint64 activationHeight, uint16 threshold, address[] members, bytes publicKey) returns()
func (committeeRegistry *CommitteeRegistry) PackRegisterEon(eon uint64, activationHeight uint64, threshold uint16, members []common.Address, publicKey []byte) []byte {
	enc, err := committeeRegistry.abi.Pack("registerEon", eon, activationHeight, threshold, members, publicKey)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegisterEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x53346f88.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function registerEon(uint64 eon, uint64 activationHeight, uint16 threshold, address[] members, bytes publicKey) returns()
func (committeeRegistry *CommitteeRegistry) TryPackRegisterEon(eon uint64, activationHeight uint64, threshold uint16, members []common.Address, publicKey []byte) ([]byte, error) {
	return committeeRegistry.abi.Pack("registerEon", eon, activationHeight, threshold, members, publicKey)
}

// PackRevokeEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1de64217.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeEon(uint64 eon) returns()
func (committeeRegistry *CommitteeRegistry) PackRevokeEon(eon uint64) []byte {
	enc, err := committeeRegistry.abi.Pack("revokeEon", eon)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeEon is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1de64217.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeEon(uint64 eon) returns()
func (committeeRegistry *CommitteeRegistry) TryPackRevokeEon(eon uint64) ([]byte, error) {
	return committeeRegistry.abi.Pack("revokeEon", eon)
}

// PackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (committeeRegistry *CommitteeRegistry) PackTransferOwnership(newOwner common.Address) []byte {
	enc, err := committeeRegistry.abi.Pack("transferOwnership", newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (committeeRegistry *CommitteeRegistry) TryPackTransferOwnership(newOwner common.Address) ([]byte, error) {
	return committeeRegistry.abi.Pack("transferOwnership", newOwner)
}

// CommitteeRegistryEonClosed represents a EonClosed event raised by the CommitteeRegistry contract.
type CommitteeRegistryEonClosed struct {
	Eon uint64
	End uint64
	Raw *types.Log // Blockchain specific contextual infos
}

const CommitteeRegistryEonClosedEventName = "EonClosed"

// ContractEventName returns the user-defined event name.
func (CommitteeRegistryEonClosed) ContractEventName() string {
	return CommitteeRegistryEonClosedEventName
}

// UnpackEonClosedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EonClosed(uint64 indexed eon, uint64 end)
func (committeeRegistry *CommitteeRegistry) UnpackEonClosedEvent(log *types.Log) (*CommitteeRegistryEonClosed, error) {
	event := "EonClosed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != committeeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CommitteeRegistryEonClosed)
	if len(log.Data) > 0 {
		if err := committeeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range committeeRegistry.abi.Events[event].Inputs {
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

// CommitteeRegistryEonRegistered represents a EonRegistered event raised by the CommitteeRegistry contract.
type CommitteeRegistryEonRegistered struct {
	Eon              uint64
	ActivationHeight uint64
	Threshold        uint16
	Members          []common.Address
	PublicKey        []byte
	Data             common.Address
	Raw              *types.Log // Blockchain specific contextual infos
}

const CommitteeRegistryEonRegisteredEventName = "EonRegistered"

// ContractEventName returns the user-defined event name.
func (CommitteeRegistryEonRegistered) ContractEventName() string {
	return CommitteeRegistryEonRegisteredEventName
}

// UnpackEonRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EonRegistered(uint64 indexed eon, uint64 activationHeight, uint16 threshold, address[] members, bytes publicKey, address data)
func (committeeRegistry *CommitteeRegistry) UnpackEonRegisteredEvent(log *types.Log) (*CommitteeRegistryEonRegistered, error) {
	event := "EonRegistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != committeeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CommitteeRegistryEonRegistered)
	if len(log.Data) > 0 {
		if err := committeeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range committeeRegistry.abi.Events[event].Inputs {
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

// CommitteeRegistryEonRevoked represents a EonRevoked event raised by the CommitteeRegistry contract.
type CommitteeRegistryEonRevoked struct {
	Eon uint64
	Raw *types.Log // Blockchain specific contextual infos
}

const CommitteeRegistryEonRevokedEventName = "EonRevoked"

// ContractEventName returns the user-defined event name.
func (CommitteeRegistryEonRevoked) ContractEventName() string {
	return CommitteeRegistryEonRevokedEventName
}

// UnpackEonRevokedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EonRevoked(uint64 indexed eon)
func (committeeRegistry *CommitteeRegistry) UnpackEonRevokedEvent(log *types.Log) (*CommitteeRegistryEonRevoked, error) {
	event := "EonRevoked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != committeeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CommitteeRegistryEonRevoked)
	if len(log.Data) > 0 {
		if err := committeeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range committeeRegistry.abi.Events[event].Inputs {
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

// CommitteeRegistryOwnershipTransferStarted represents a OwnershipTransferStarted event raised by the CommitteeRegistry contract.
type CommitteeRegistryOwnershipTransferStarted struct {
	PreviousOwner common.Address
	NewOwner      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const CommitteeRegistryOwnershipTransferStartedEventName = "OwnershipTransferStarted"

// ContractEventName returns the user-defined event name.
func (CommitteeRegistryOwnershipTransferStarted) ContractEventName() string {
	return CommitteeRegistryOwnershipTransferStartedEventName
}

// UnpackOwnershipTransferStartedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner)
func (committeeRegistry *CommitteeRegistry) UnpackOwnershipTransferStartedEvent(log *types.Log) (*CommitteeRegistryOwnershipTransferStarted, error) {
	event := "OwnershipTransferStarted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != committeeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CommitteeRegistryOwnershipTransferStarted)
	if len(log.Data) > 0 {
		if err := committeeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range committeeRegistry.abi.Events[event].Inputs {
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

// CommitteeRegistryOwnershipTransferred represents a OwnershipTransferred event raised by the CommitteeRegistry contract.
type CommitteeRegistryOwnershipTransferred struct {
	PreviousOwner common.Address
	NewOwner      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const CommitteeRegistryOwnershipTransferredEventName = "OwnershipTransferred"

// ContractEventName returns the user-defined event name.
func (CommitteeRegistryOwnershipTransferred) ContractEventName() string {
	return CommitteeRegistryOwnershipTransferredEventName
}

// UnpackOwnershipTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)
func (committeeRegistry *CommitteeRegistry) UnpackOwnershipTransferredEvent(log *types.Log) (*CommitteeRegistryOwnershipTransferred, error) {
	event := "OwnershipTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != committeeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CommitteeRegistryOwnershipTransferred)
	if len(log.Data) > 0 {
		if err := committeeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range committeeRegistry.abi.Events[event].Inputs {
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
func (committeeRegistry *CommitteeRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["ActivationNotIncreasing"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackActivationNotIncreasingError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["BadMemberCount"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackBadMemberCountError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["BadPublicKey"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackBadPublicKeyError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["BadThreshold"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackBadThresholdError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["DataDeployFailed"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackDataDeployFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["EonIsRevoked"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackEonIsRevokedError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["EonNotIncreasing"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackEonNotIncreasingError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["HeightOutsideEon"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackHeightOutsideEonError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["NotPendingOwner"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackNotPendingOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["UnknownEon"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackUnknownEonError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], committeeRegistry.abi.Errors["ZeroMember"].ID.Bytes()[:4]) {
		return committeeRegistry.UnpackZeroMemberError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// CommitteeRegistryActivationNotIncreasing represents a ActivationNotIncreasing error raised by the CommitteeRegistry contract.
type CommitteeRegistryActivationNotIncreasing struct {
	ActivationHeight uint64
	Previous         uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ActivationNotIncreasing(uint64 activationHeight, uint64 previous)
func CommitteeRegistryActivationNotIncreasingErrorID() common.Hash {
	return common.HexToHash("0x5a0d7ec0a7ccf530295af0915d86fff7d0bab3707c9a51051c6255df795418ea")
}

// UnpackActivationNotIncreasingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ActivationNotIncreasing(uint64 activationHeight, uint64 previous)
func (committeeRegistry *CommitteeRegistry) UnpackActivationNotIncreasingError(raw []byte) (*CommitteeRegistryActivationNotIncreasing, error) {
	out := new(CommitteeRegistryActivationNotIncreasing)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "ActivationNotIncreasing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryBadMemberCount represents a BadMemberCount error raised by the CommitteeRegistry contract.
type CommitteeRegistryBadMemberCount struct {
	Members *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadMemberCount(uint256 members)
func CommitteeRegistryBadMemberCountErrorID() common.Hash {
	return common.HexToHash("0x4d50f5964ac61b3b4e1b5398a8c6808a812d4cf0cacf5eb00f72b45291d89a62")
}

// UnpackBadMemberCountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadMemberCount(uint256 members)
func (committeeRegistry *CommitteeRegistry) UnpackBadMemberCountError(raw []byte) (*CommitteeRegistryBadMemberCount, error) {
	out := new(CommitteeRegistryBadMemberCount)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "BadMemberCount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryBadPublicKey represents a BadPublicKey error raised by the CommitteeRegistry contract.
type CommitteeRegistryBadPublicKey struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadPublicKey()
func CommitteeRegistryBadPublicKeyErrorID() common.Hash {
	return common.HexToHash("0xdb477c00ef351c07ad229e1b51d9b812a827c5ca146549626b0a395532a67643")
}

// UnpackBadPublicKeyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadPublicKey()
func (committeeRegistry *CommitteeRegistry) UnpackBadPublicKeyError(raw []byte) (*CommitteeRegistryBadPublicKey, error) {
	out := new(CommitteeRegistryBadPublicKey)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "BadPublicKey", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryBadThreshold represents a BadThreshold error raised by the CommitteeRegistry contract.
type CommitteeRegistryBadThreshold struct {
	Threshold *big.Int
	Members   *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadThreshold(uint256 threshold, uint256 members)
func CommitteeRegistryBadThresholdErrorID() common.Hash {
	return common.HexToHash("0xb8f1f4dfbff2a4f608cc635a071f50b3cc3109a9eba0d5550608469ccde08e87")
}

// UnpackBadThresholdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadThreshold(uint256 threshold, uint256 members)
func (committeeRegistry *CommitteeRegistry) UnpackBadThresholdError(raw []byte) (*CommitteeRegistryBadThreshold, error) {
	out := new(CommitteeRegistryBadThreshold)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "BadThreshold", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryDataDeployFailed represents a DataDeployFailed error raised by the CommitteeRegistry contract.
type CommitteeRegistryDataDeployFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DataDeployFailed()
func CommitteeRegistryDataDeployFailedErrorID() common.Hash {
	return common.HexToHash("0x439ccc493711e3f4ffa97dc3e20ca6c72553a734e47192e8b9e81657449276ed")
}

// UnpackDataDeployFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DataDeployFailed()
func (committeeRegistry *CommitteeRegistry) UnpackDataDeployFailedError(raw []byte) (*CommitteeRegistryDataDeployFailed, error) {
	out := new(CommitteeRegistryDataDeployFailed)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "DataDeployFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryEonIsRevoked represents a EonIsRevoked error raised by the CommitteeRegistry contract.
type CommitteeRegistryEonIsRevoked struct {
	Eon uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EonIsRevoked(uint64 eon)
func CommitteeRegistryEonIsRevokedErrorID() common.Hash {
	return common.HexToHash("0x22e7fb253baadf79ce6ca45801a9afb25310216f3519065dc0a53deb0d15f0ac")
}

// UnpackEonIsRevokedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EonIsRevoked(uint64 eon)
func (committeeRegistry *CommitteeRegistry) UnpackEonIsRevokedError(raw []byte) (*CommitteeRegistryEonIsRevoked, error) {
	out := new(CommitteeRegistryEonIsRevoked)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "EonIsRevoked", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryEonNotIncreasing represents a EonNotIncreasing error raised by the CommitteeRegistry contract.
type CommitteeRegistryEonNotIncreasing struct {
	Eon    uint64
	Latest uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EonNotIncreasing(uint64 eon, uint64 latest)
func CommitteeRegistryEonNotIncreasingErrorID() common.Hash {
	return common.HexToHash("0x385037799cfc6ceda574114f0046a4ca615b33b531e65a1f2cd1667c47a793ef")
}

// UnpackEonNotIncreasingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EonNotIncreasing(uint64 eon, uint64 latest)
func (committeeRegistry *CommitteeRegistry) UnpackEonNotIncreasingError(raw []byte) (*CommitteeRegistryEonNotIncreasing, error) {
	out := new(CommitteeRegistryEonNotIncreasing)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "EonNotIncreasing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryHeightOutsideEon represents a HeightOutsideEon error raised by the CommitteeRegistry contract.
type CommitteeRegistryHeightOutsideEon struct {
	Eon              uint64
	Height           uint64
	ActivationHeight uint64
	End              uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error HeightOutsideEon(uint64 eon, uint64 height, uint64 activationHeight, uint64 end)
func CommitteeRegistryHeightOutsideEonErrorID() common.Hash {
	return common.HexToHash("0x8acb3629ee0b993279cf6a05ac910a74c5700a2654d945b8fca72e8e9f17fc45")
}

// UnpackHeightOutsideEonError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error HeightOutsideEon(uint64 eon, uint64 height, uint64 activationHeight, uint64 end)
func (committeeRegistry *CommitteeRegistry) UnpackHeightOutsideEonError(raw []byte) (*CommitteeRegistryHeightOutsideEon, error) {
	out := new(CommitteeRegistryHeightOutsideEon)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "HeightOutsideEon", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryNotOwner represents a NotOwner error raised by the CommitteeRegistry contract.
type CommitteeRegistryNotOwner struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner(address caller)
func CommitteeRegistryNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x245aecd3fabbd17d6c3c92dc7f0ab916ea8cbf6fc1862c8b56893090ac3fff4c")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner(address caller)
func (committeeRegistry *CommitteeRegistry) UnpackNotOwnerError(raw []byte) (*CommitteeRegistryNotOwner, error) {
	out := new(CommitteeRegistryNotOwner)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryNotPendingOwner represents a NotPendingOwner error raised by the CommitteeRegistry contract.
type CommitteeRegistryNotPendingOwner struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPendingOwner(address caller)
func CommitteeRegistryNotPendingOwnerErrorID() common.Hash {
	return common.HexToHash("0xa09b9a43f5079ab76282436418880308d29eac5d371578b36d8ee3ff8e88597d")
}

// UnpackNotPendingOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPendingOwner(address caller)
func (committeeRegistry *CommitteeRegistry) UnpackNotPendingOwnerError(raw []byte) (*CommitteeRegistryNotPendingOwner, error) {
	out := new(CommitteeRegistryNotPendingOwner)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "NotPendingOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryUnknownEon represents a UnknownEon error raised by the CommitteeRegistry contract.
type CommitteeRegistryUnknownEon struct {
	Eon uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownEon(uint64 eon)
func CommitteeRegistryUnknownEonErrorID() common.Hash {
	return common.HexToHash("0xe7896628afc46c7156d4fde68d85fb464fa1b0eb9a68846da7be43f76254eadf")
}

// UnpackUnknownEonError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownEon(uint64 eon)
func (committeeRegistry *CommitteeRegistry) UnpackUnknownEonError(raw []byte) (*CommitteeRegistryUnknownEon, error) {
	out := new(CommitteeRegistryUnknownEon)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "UnknownEon", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryZeroAddress represents a ZeroAddress error raised by the CommitteeRegistry contract.
type CommitteeRegistryZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func CommitteeRegistryZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (committeeRegistry *CommitteeRegistry) UnpackZeroAddressError(raw []byte) (*CommitteeRegistryZeroAddress, error) {
	out := new(CommitteeRegistryZeroAddress)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CommitteeRegistryZeroMember represents a ZeroMember error raised by the CommitteeRegistry contract.
type CommitteeRegistryZeroMember struct {
	Index *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroMember(uint256 index)
func CommitteeRegistryZeroMemberErrorID() common.Hash {
	return common.HexToHash("0x78b5727260b75590d1457c90abfce4b59bf84e537d29f14e299df294344fcbe4")
}

// UnpackZeroMemberError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroMember(uint256 index)
func (committeeRegistry *CommitteeRegistry) UnpackZeroMemberError(raw []byte) (*CommitteeRegistryZeroMember, error) {
	out := new(CommitteeRegistryZeroMember)
	if err := committeeRegistry.abi.UnpackIntoInterface(out, "ZeroMember", raw); err != nil {
		return nil, err
	}
	return out, nil
}
