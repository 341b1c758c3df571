// Sets up and uses a TOTP software token with amazon-cognito-identity-js
// (the library behind Amplify's sign-in), against the local Cognito, in a
// user pool that requires MFA: the first sign-in answers MFA_SETUP
// (AssociateSoftwareToken and VerifySoftwareToken with the sign-in's
// Session, then RespondToAuthChallenge MFA_SETUP), the second
// SOFTWARE_TOKEN_MFA. Reads COGNITO_ENDPOINT, COGNITO_USER_POOL_ID,
// COGNITO_CLIENT_ID, COGNITO_TEST_USERNAME and COGNITO_TEST_PASSWORD;
// prints "ok" or the failure, and exits accordingly.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { env, totp } from "./common.mjs";

const fail = (what) => (err) => {
  console.log(`${what} failed: ${err.code || err.name}: ${err.message}`);
  process.exit(1);
};

const pool = new CognitoUserPool({
  UserPoolId: env("COGNITO_USER_POOL_ID"),
  ClientId: env("COGNITO_CLIENT_ID"),
  endpoint: env("COGNITO_ENDPOINT"),
});
const username = env("COGNITO_TEST_USERNAME");
const details = () => new AuthenticationDetails({ Username: username, Password: env("COGNITO_TEST_PASSWORD") });

const signInWithToken = (secret) => {
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.authenticateUser(details(), {
    onSuccess() {
      console.log("the second sign-in asked no MFA");
      process.exit(1);
    },
    onFailure: fail("second sign-in"),
    totpRequired() {
      // The code of the setup's time step is used up: the next step's
      // (within the window of one step) is a new one.
      user.sendMFACode(totp(secret, Date.now() + 30000), {
        onSuccess(session) {
          if (session.getAccessToken().decodePayload().token_use !== "access") {
            console.log("unexpected session");
            process.exit(1);
          }
          console.log("ok");
        },
        onFailure: fail("SOFTWARE_TOKEN_MFA"),
      }, "SOFTWARE_TOKEN_MFA");
    },
  });
};

const user = new CognitoUser({ Username: username, Pool: pool });
user.authenticateUser(details(), {
  onSuccess() {
    console.log("the first sign-in asked no MFA setup");
    process.exit(1);
  },
  onFailure: fail("first sign-in"),
  mfaSetup(challengeName, params) {
    if (!String(params.MFAS_CAN_SETUP).includes("SOFTWARE_TOKEN_MFA")) {
      console.log(`MFAS_CAN_SETUP = ${params.MFAS_CAN_SETUP}`);
      process.exit(1);
    }
    user.associateSoftwareToken({
      associateSecretCode(secret) {
        user.verifySoftwareToken(totp(secret, Date.now()), "node", {
          onSuccess() {
            signInWithToken(secret);
          },
          onFailure: fail("VerifySoftwareToken and MFA_SETUP"),
        });
      },
      onFailure: fail("AssociateSoftwareToken"),
    });
  },
});
