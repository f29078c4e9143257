// The local EVM for `npm start` and the contract tests: `hardhat node` needs only this file.
// Contracts are compiled with solc from npm (contracts/compile.ts), not by hardhat.
export default {};
