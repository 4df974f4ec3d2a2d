// A real OpenID Connect provider for the browser tests: panva's oidc-provider (npm), on
// 127.0.0.1, with its development sign-in pages (any password; the login name is the
// account). Configured by the test through one JSON argument:
//   {"port": 0, "client_id": "...", "client_secret": "...", "redirect_uri": "...",
//    "accounts": {"login": {"email": "...", "groups": ["..."]}}}
// Prints one line, "ready <issuer>", when it listens. PKCE is required of every client and
// ID tokens are signed with RS256 by a key made at start.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-key' };

const server = (await import('node:http')).createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: [config.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [jwk] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: id, groups: account.groups || [] };
      },
    };
  },
});
server.on('request', provider.callback());
process.stdout.write(`ready ${issuer}\n`);
