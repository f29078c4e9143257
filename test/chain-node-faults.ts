import { chainNodeSetup } from "./chain-node-setup";

export default chainNodeSetup("faults");
