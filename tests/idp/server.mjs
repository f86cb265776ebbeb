// A real OpenID Connect provider for the cockpit's sign-in tests: panva's certified
// oidc-provider with its development sign-in pages (any account name, any password).
//   node server.mjs PORT REDIRECT_URI ID_TOKEN_SECONDS CLIENT_ID:SECRET [CLIENT_ID:SECRET ...]
// Every client may send people back to REDIRECT_URI. Prints "ready <issuer>" once it
// listens.
import { randomBytes } from "node:crypto";
import Provider from "oidc-provider";

const [port, redirectUri, idTokenSeconds, ...clients] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: clients.map((pair) => {
    const [clientId, clientSecret] = pair.split(":");
    return {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    };
  }),
  cookies: { keys: [randomBytes(32).toString("hex")] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: `统一身份 ${id}`, preferred_username: id };
      },
    };
  },
  claims: { openid: ["sub"], profile: ["name", "preferred_username"] },
  ttl: { IdToken: Number(idTokenSeconds) },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
});
// The tests speak plain HTTP on 127.0.0.1.
provider.proxy = false;

provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
