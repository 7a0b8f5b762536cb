// A real OpenID Connect provider (npm « oidc-provider ») for the ProConnect login tests, on loopback only.
// Configuration by environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS and POST_LOGOUT_URIS (comma
// separated), COMPTES (JSON: login -> claims), DECALAGE_SECONDES (a provider whose clock is late: its ID
// tokens are already expired when they arrive). It prints « pret <issuer> » once listening.
import Provider from 'oidc-provider';

const decalage = Number(process.env.DECALAGE_SECONDES || 0);
if (decalage) {
  const maintenant = Date.now;
  Date.now = () => maintenant() - decalage * 1000;
}

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const comptes = JSON.parse(process.env.COMPTES || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: process.env.REDIRECT_URIS.split(','),
    post_logout_redirect_uris: process.env.POST_LOGOUT_URIS.split(','),
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  // PKCE on every authorization request (S256 only), as ProConnect.
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'given_name', 'usual_name'],
  claims: { openid: ['sub'], email: ['email'], given_name: ['given_name'], usual_name: ['usual_name'] },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id, ...(comptes[id] || { email: `${id}@inconnu.example` }) }; } };
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: Number(process.env.TTL_ID_TOKEN || 3600), AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60 },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`pret ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
