// A real OpenID Connect provider for tests/sso: panva's oidc-provider (certified), with
// its development sign-in pages (any password; the login names an account below).
// Usage: node provider.mjs PORT ACCOUNTS_JSON
// Clients are registered at run time (the server under test picks its port after this
// starts): POST /__test/clients {client_id, client_secret, redirect_uris}. The process
// ends when its standard input closes, so it never outlives the test run.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const accounts = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

// One store for every model, so registered clients and grants live side by side.
const store = new Map();
class MapAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : 0 });
    if (this.model === 'Session') store.set(`uid:${payload.uid}`, { payload: id, expiresAt: 0 });
  }
  async find(id) {
    const found = store.get(this.key(id));
    if (!found || (found.expiresAt && found.expiresAt < Date.now())) return undefined;
    return found.payload;
  }
  async findByUid(uid) {
    const id = store.get(`uid:${uid}`);
    return id ? this.find(id.payload) : undefined;
  }
  async findByUserCode() { return undefined; }
  async consume(id) {
    const found = store.get(this.key(id));
    if (found) found.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const [key, value] of store) {
      if (value.payload && value.payload.grantId === grantId) store.delete(key);
    }
  }
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'nickname'],
  },
  // Every client must use PKCE (S256), as Roost always does.
  pkce: { required: () => true },
  cookies: { keys: ['roost-tests-only'] },
  // The claims go into the ID token too (Roost reads them there, and from user info).
  conformIdTokenClaims: false,
  ttl: { AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Session: 600, Interaction: 600, Grant: 600 },
});
provider.proxy = false;

// Test-only: register a client once the server under test knows its address.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/__test/clients') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const client = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    await new MapAdapter('Client').upsert(client.client_id, {
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    ctx.status = 204;
    return;
  }
  await next();
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
process.stdin.on('end', () => { server.close(); process.exit(0); });
process.stdin.resume();
