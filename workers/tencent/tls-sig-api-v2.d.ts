/** The parts of Tencent's `tls-sig-api-v2` (1.0.2, CommonJS, no types of its own) this project calls. */
declare module "tls-sig-api-v2" {
  export class Api {
    constructor(sdkAppId: number, secretKey: string);
    genUserSig(userId: string, expireSeconds: number): string;
    genPrivateMapKeyWithStringRoomID(userId: string, expireSeconds: number, roomId: string, privilegeMap: number): string;
  }
}
