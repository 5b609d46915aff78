// Package botframework is mfabot's edge to the Bot Framework protocol: it
// authenticates the activities the Bot Connector service posts to the bot,
// decodes them, and sends replies, card updates and proactive messages back
// through the connector's REST API. It knows nothing of gin, Microsoft Graph
// or the MFA domain.
//
// # What comes from msbotbuilder-go and what does not
//
// mfabot depends on github.com/infracloudio/msbotbuilder-go v0.2.5 for its
// schema package only, and only for the types that are sound on the wire:
// schema.ChannelAccount, schema.ConversationAccount, schema.Attachment,
// schema.Mention (to read mention entities), schema.ResourceResponse,
// schema.ConversationResourceResponse and the schema.ActivityTypes
// constants. ConversationReference and ConversationParameters are our own:
// the schema versions carry no tenant, marshal empty objects and (for
// ConversationParameters) embed a whole schema.Activity and drop
// isGroup:false.
//
// The rest is replaced, for these reasons:
//
//   - schema.Activity is not used for inbound or outbound activities. Its
//     Entity keeps only "type", so the mentioned account and text of mention
//     entities are dropped; its Value is a map, so a string or array value
//     (legal in the protocol) makes the whole activity fail to decode; and it
//     marshals zero timestamps ("0001-01-01T00:00:00Z") and empty objects.
//     Activity here keeps entities whole, value as raw JSON, channelData as
//     raw JSON plus the parsed Teams tenant, team and channel, and omits zero
//     fields on output.
//   - The auth package is replaced by Validator. The library fetches the
//     OpenID metadata on every request without closing the body or checking
//     the status, never refetches the keys on an unknown key id, has no clock
//     skew and does not require exp, accepts any signing algorithm the token
//     names, never checks endorsements, panics on a missing or non-string
//     claim, and writes its key cache without a lock. Validator caches the
//     metadata and keys (refreshed daily, refetched at most once per interval
//     on an unknown key id, safe for concurrent use), accepts RS256/RS384/RS512
//     only, allows five minutes of skew, requires exp, checks issuer,
//     audience, the serviceurl claim, endorsements and the tenant, and never
//     has a switch to turn itself off except the explicit Disabled validator
//     used by the loopback-only demo.
//   - The connector client and adapter are replaced by Connector. The library
//     asks the deprecated botframework.com tenant for tokens (no single-tenant
//     bots, no certificates, no managed identity), panics on a transport error
//     while fetching a token, races on its token cache, ignores ctx, has no
//     timeout, discards the ResourceResponse (so a sent card cannot be
//     updated), posts replies to the wrong path with the conversation id
//     unescaped, cannot answer an invoke in the HTTP response, and has neither
//     CreateConversation nor retries. Connector takes its tokens from
//     azidentity (single-tenant, multi-tenant, managed identity, secret or
//     certificate; tokens cached by azidentity), retries 429/412/502/504 with
//     backoff and Retry-After, returns activity ids and typed errors, and
//     escapes conversation ids. Invoke responses are plain values
//     (InvokeResponse) that the HTTP edge writes as the response body.
//
// # JSON on the message path
//
// Inbound activities, their mention entities, the Teams channelData and the
// connector's answers are read by jsonParser, without reflection; it gives
// what encoding/json gives and leaves to encoding/json everything it is not
// sure of, every malformed body included (FuzzDecodeAgrees). Replies are
// written by appendActivity, byte for byte what json.Marshal writes, with
// pre-encoded cards (EncodedJSON) copied as they are
// (FuzzAppendActivityMatchesMarshal).
//
// Package channeltest is a test double of the Bot Connector service for the
// whole project's tests.
package botframework
