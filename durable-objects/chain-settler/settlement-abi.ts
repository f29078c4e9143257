import { Interface } from "ethers";
import { rewardTokenAbi } from "../../contracts/reward-token-abi";

/** The reward token as the settler encodes its calls and decodes its logs and errors. */
export const tokenInterface = new Interface(rewardTokenAbi);
