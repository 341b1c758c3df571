// A front end on another origin, bundled by esbuild for the browser test
// (emulator/browser_sdk_test.go): amazon-cognito-identity-js, as a web app
// uses it, against the local Cognito named in the page's query string.
import { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } from "amazon-cognito-identity-js";

const q = new URLSearchParams(location.search);
const pool = new CognitoUserPool({ UserPoolId: q.get("pool"), ClientId: q.get("client"), endpoint: q.get("endpoint") + "/" });
const promise = (f) => new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));

// signUp signs the user up; the test reads the code from the outbox.
window.signUp = async (username, password, email) => {
  const out = await promise((cb) => pool.signUp(username, password, [new CognitoUserAttribute({ Name: "email", Value: email })], null, cb));
  return { confirmed: out.userConfirmed, sub: out.userSub, destination: out.codeDeliveryDetails.Destination };
};

// finish confirms the sign-up with code, signs in with SRP, reads the
// user's attributes and refreshes the session.
window.finish = async (username, password, code) => {
  const user = new CognitoUser({ Username: username, Pool: pool });
  await promise((cb) => user.confirmRegistration(code, true, cb));
  const session = await new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), { onSuccess: resolve, onFailure: reject }),
  );
  const attrs = await promise((cb) => user.getUserAttributes(cb));
  const refreshed = await promise((cb) => user.refreshSession(session.getRefreshToken(), cb));
  return {
    email: attrs.find((a) => a.getName() === "email").getValue(),
    idTokenUser: session.getIdToken().payload["cognito:username"],
    refreshedDiffers: refreshed.getAccessToken().getJwtToken() !== session.getAccessToken().getJwtToken(),
    refreshedValid: refreshed.isValid(),
  };
};
