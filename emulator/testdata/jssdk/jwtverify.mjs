// Verifies a local Cognito's tokens with aws-jwt-verify's CognitoJwtVerifier,
// as production code written for AWS does (the issuer derived from the pool
// ID: https://cognito-idp.<region>.amazonaws.com/<poolId>), the keys taken
// from the local JWKS instead of AWS's: the verifier is given them with
// cacheJwks, as aws-jwt-verify documents for a JWKS it should not fetch
// itself. The local Cognito must run with --issuer aws
// (emulator.WithAWSIssuer) for the tokens to pass.
//
// It signs COGNITO_TEST_USERNAME in with COGNITO_TEST_PASSWORD
// (USER_PASSWORD_AUTH, public client) through the AWS SDK for JavaScript v3,
// then verifies the access and ID tokens. It prints "ok", or "refused:
// <error name>: <message>" and exits 1.
import { CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { env } from "./common.mjs";

const endpoint = env("COGNITO_ENDPOINT").replace(/\/+$/, "");
const userPoolId = env("COGNITO_USER_POOL_ID");
const clientId = env("COGNITO_CLIENT_ID");
const region = userPoolId.split("_")[0];

const client = new CognitoIdentityProviderClient({
  endpoint,
  region,
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});
const out = await client.send(
  new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: env("COGNITO_TEST_USERNAME"), PASSWORD: env("COGNITO_TEST_PASSWORD") },
  }),
);
const { AccessToken, IdToken } = out.AuthenticationResult;

// The one line production code does not have: the keys come from the local
// server.
const res = await fetch(`${endpoint}/${userPoolId}/.well-known/jwks.json`);
if (!res.ok) {
  console.log(`GET the JWKS: HTTP ${res.status}`);
  process.exit(1);
}
const jwks = await res.json();

try {
  for (const [tokenUse, token] of [["access", AccessToken], ["id", IdToken]]) {
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse, clientId });
    verifier.cacheJwks(jwks);
    const payload = await verifier.verify(token);
    const username = tokenUse === "access" ? payload.username : payload["cognito:username"];
    if (payload.iss !== `https://cognito-idp.${region}.amazonaws.com/${userPoolId}` || !username) {
      console.log(`unexpected ${tokenUse} token payload: iss ${payload.iss}`);
      process.exit(1);
    }
  }
} catch (err) {
  console.log(`refused: ${err.name}: ${err.message}`);
  process.exit(1);
}
console.log("ok");
