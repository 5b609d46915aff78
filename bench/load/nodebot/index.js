// Echo bot on the official Bot Framework SDK for JavaScript (npm botbuilder
// 4.23, CloudAdapter), the baseline of the load benchmark (bench/load).
//
// Inbound: the SDK's own channel-token validation against the benchmark's
// OpenID metadata (ToBotFromChannelOpenIdMetadataUrl), with a real app id,
// so authentication is on. Outbound: MSAL refuses a local http authority
// offline, so a ServiceClientCredentialsFactory fetches the connector token
// from the benchmark's token endpoint (BENCH_TOKEN_URL) once and caches it,
// as the SDK's MSAL credentials cache theirs.
//
// Run with NODE_PATH=tools/node/node_modules. Env: PORT, MicrosoftAppId,
// MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType,
// ToBotFromChannelOpenIdMetadataUrl, BENCH_TOKEN_URL.
'use strict';

const http = require('node:http');
const {
    ActivityHandler,
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
} = require('botbuilder');
const { ServiceClientCredentialsFactory, TokenCredentials } = require('botframework-connector');

const env = process.env;
const appId = env.MicrosoftAppId;
if (!appId) {
    // An empty app id switches the SDK's authentication off: not a fair run.
    console.error('nodebot: MicrosoftAppId is required');
    process.exit(2);
}

/** Credentials whose token comes from the benchmark's token endpoint. */
class LocalCredentialsFactory extends ServiceClientCredentialsFactory {
    constructor(tokenUrl, clientId, secret) {
        super();
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.secret = secret;
        this.cached = null; // { token, expires }
        this.pending = null;
    }

    async isValidAppId(id) {
        return id === this.clientId;
    }

    async isAuthenticationDisabled() {
        return false;
    }

    async createCredentials() {
        return { signRequest: async (resource) => new TokenCredentials(await this.token()).signRequest(resource) };
    }

    async token() {
        if (this.cached && this.cached.expires > Date.now() + 5 * 60 * 1000) {
            return this.cached.token;
        }
        if (!this.pending) {
            this.pending = this.fetchToken().finally(() => {
                this.pending = null;
            });
        }
        return this.pending;
    }

    async fetchToken() {
        const res = await fetch(this.tokenUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
                grant_type: 'client_credentials',
                client_id: this.clientId,
                client_secret: this.secret,
                scope: 'https://api.botframework.com/.default',
            }),
        });
        if (!res.ok) {
            throw new Error(`token endpoint answered ${res.status}`);
        }
        const body = await res.json();
        this.cached = { token: body.access_token, expires: Date.now() + body.expires_in * 1000 };
        return this.cached.token;
    }
}

// The benchmark's throwaway secret, read from the environment.
const secret = env.MicrosoftAppPassword;

// Every "parameterized" key is set: once one is, the SDK takes all of them
// literally.
const auth = new ConfigurationBotFrameworkAuthentication(
    {
        MicrosoftAppId: appId,
        MicrosoftAppPassword: secret,
        MicrosoftAppType: env.MicrosoftAppType || 'SingleTenant',
        MicrosoftAppTenantId: env.MicrosoftAppTenantId,
        ValidateAuthority: true,
        ToChannelFromBotLoginUrl: env.BENCH_TOKEN_URL,
        ToChannelFromBotOAuthScope: 'https://api.botframework.com',
        ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
        OAuthUrl: 'https://api.botframework.com',
        ToBotFromChannelOpenIdMetadataUrl: env.ToBotFromChannelOpenIdMetadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: env.ToBotFromChannelOpenIdMetadataUrl,
        CallerId: 'urn:botframework:azure',
    },
    new LocalCredentialsFactory(env.BENCH_TOKEN_URL, appId, env.MicrosoftAppPassword || ''),
);
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (context, error) => {
    console.error('nodebot: turn failed:', error && error.message);
    throw error;
};

class EchoBot extends ActivityHandler {
    constructor() {
        super();
        this.onMessage(async (context, next) => {
            await context.sendActivity(`You said: ${context.activity.text}`);
            await next();
        });
    }
}
const bot = new EchoBot();

// The minimal req/res shape CloudAdapter.process needs (what express or
// restify would provide), on node:http.
function adapt(res) {
    return {
        status(code) {
            res.statusCode = code;
            return this;
        },
        header(name, value) {
            res.setHeader(name, value);
            return this;
        },
        send(body) {
            if (typeof body === 'object' && !Buffer.isBuffer(body)) {
                res.setHeader('content-type', 'application/json');
                res.write(JSON.stringify(body));
            } else if (body !== undefined) {
                res.write(String(body));
            }
            return this;
        },
        end() {
            res.end();
            return this;
        },
    };
}

const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
        res.end('ok');
        return;
    }
    if (req.method !== 'POST' || req.url !== '/api/messages') {
        res.statusCode = 404;
        res.end();
        return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
        let body;
        try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
            res.statusCode = 400;
            res.end();
            return;
        }
        const r = { body, headers: req.headers, method: req.method };
        adapter.process(r, adapt(res), (context) => bot.run(context)).catch((err) => {
            console.error('nodebot: process failed:', err && err.message);
            if (!res.writableEnded) {
                res.statusCode = 500;
                res.end();
            }
        });
    });
});
server.keepAliveTimeout = 120 * 1000;
server.listen(Number(env.PORT), '127.0.0.1', () => {
    console.error(`nodebot: listening on 127.0.0.1:${env.PORT}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
