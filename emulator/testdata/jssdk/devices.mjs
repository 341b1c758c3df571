// Remembers a device with amazon-cognito-identity-js (the library behind
// Amplify's sign-in) and signs in with it, against the local Cognito: the
// first sign-in (USER_SRP_AUTH) gets NewDeviceMetadata and the library
// confirms the device (ConfirmDevice with its own verifier); the second
// sends DEVICE_KEY and proves the device (DEVICE_SRP_AUTH,
// DEVICE_PASSWORD_VERIFIER). Reads COGNITO_ENDPOINT, COGNITO_USER_POOL_ID,
// COGNITO_CLIENT_ID, COGNITO_TEST_USERNAME and COGNITO_TEST_PASSWORD;
// prints "ok" or the failure, and exits accordingly.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { env } from "./common.mjs";

const fail = (msg) => {
  console.log(msg);
  process.exit(1);
};

const pool = new CognitoUserPool({
  UserPoolId: env("COGNITO_USER_POOL_ID"),
  ClientId: env("COGNITO_CLIENT_ID"),
  endpoint: env("COGNITO_ENDPOINT"),
});
const username = env("COGNITO_TEST_USERNAME");
const details = new AuthenticationDetails({ Username: username, Password: env("COGNITO_TEST_PASSWORD") });

// signIn signs the user in and says whether the library ran device
// authentication (getDeviceResponse) on the way.
const signIn = () =>
  new Promise((resolve, reject) => {
    const user = new CognitoUser({ Username: username, Pool: pool });
    let deviceAuth = false;
    const getDeviceResponse = user.getDeviceResponse.bind(user);
    user.getDeviceResponse = (...args) => {
      deviceAuth = true;
      return getDeviceResponse(...args);
    };
    user.authenticateUser(details, {
      onSuccess: (session) => resolve({ user, session, deviceAuth }),
      onFailure: reject,
    });
  });

try {
  const first = await signIn();
  if (first.deviceAuth || !first.user.deviceKey) {
    fail(`first sign-in: device auth ${first.deviceAuth}, device key ${first.user.deviceKey}`);
  }
  const second = await signIn();
  if (!second.deviceAuth || second.user.deviceKey !== first.user.deviceKey) {
    fail(`second sign-in: device auth ${second.deviceAuth}, device key ${second.user.deviceKey}`);
  }
  const devices = await new Promise((resolve, reject) =>
    second.user.listDevices(10, null, { onSuccess: resolve, onFailure: reject }),
  );
  if (devices.Devices.length !== 1 || devices.Devices[0].DeviceKey !== first.user.deviceKey) {
    fail(`devices: ${JSON.stringify(devices)}`);
  }
  console.log("ok");
} catch (err) {
  fail(`sign-in failed: ${err.code || err.name}: ${err.message}`);
}
