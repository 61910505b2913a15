// WeCom callback message crypto (wecom-protocol.md §2.2): the construction DingTalk's event subscription shares,
// in platforms/shared/. WeCom's receive id is the CorpID (callback.ts passes it to decryptFor).
export { CallbackCrypto as WecomCrypto, type Decrypted } from '../shared/callback-crypto.ts';
