// Signs a user in with USER_SRP_AUTH using amazon-cognito-identity-js (the
// library behind Amplify's sign-in), against the local Cognito. Reads
// COGNITO_ENDPOINT, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, and the user's
// COGNITO_TEST_USERNAME and COGNITO_TEST_PASSWORD; prints "ok" or the
// failure, and exits accordingly.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { env } from "./common.mjs";

const pool = new CognitoUserPool({
  UserPoolId: env("COGNITO_USER_POOL_ID"),
  ClientId: env("COGNITO_CLIENT_ID"),
  endpoint: env("COGNITO_ENDPOINT"),
});
const username = env("COGNITO_TEST_USERNAME");
const user = new CognitoUser({ Username: username, Pool: pool });
const details = new AuthenticationDetails({ Username: username, Password: env("COGNITO_TEST_PASSWORD") });

user.authenticateUser(details, {
  onSuccess(session) {
    const payload = session.getAccessToken().decodePayload();
    if (payload.token_use !== "access" || !session.getRefreshToken().getToken()) {
      console.log("unexpected session", JSON.stringify(payload));
      process.exit(1);
    }
    console.log("ok");
  },
  onFailure(err) {
    console.log(`sign-in failed: ${err.code || err.name}: ${err.message}`);
    process.exit(1);
  },
});
