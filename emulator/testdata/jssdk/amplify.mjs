// Runs one flow of AWS Amplify JS v6 Auth (aws-amplify from npm,
// unmodified) against the local Cognito; see emulator/amplify_test.go.
//
//	node amplify.mjs totp         set up a TOTP software token during sign-in, then sign in with it
//	node amplify.mjs refresh      fetchAuthSession({forceRefresh: true}) twice (GetTokensFromRefreshToken)
//	node amplify.mjs refresh rotate   the same, on a client that rotates refresh tokens
//	node amplify.mjs device       rememberDevice, device sign-in and refresh, fetchDevices, forgetDevice
//	node amplify.mjs email-otp    passwordless sign-in: USER_AUTH with EMAIL_OTP, the code from the outbox
//
// Reads COGNITO_ENDPOINT, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID,
// COGNITO_TEST_USERNAME and COGNITO_TEST_PASSWORD; prints "ok" or what
// failed, and exits accordingly.
//
// Node 20 has most of what Amplify takes from a browser (globalThis.crypto,
// fetch, atob/btoa) but not navigator (Node 21 added it): Amplify names a
// device it confirms after navigator.userAgent, and without navigator it
// silently skips ConfirmDevice, so the sign-in remembers no device. The one
// shim is a navigator with a userAgent, set only where Node has none.
// Two more things stand in for the browser: the tokens live in a Map
// (setKeyValueStorage, after Amplify.configure; without window.localStorage
// Amplify would fall back to an in-memory store of its own), which lets
// the script see the refresh token and device keys Amplify keeps; and
// fetch is wrapped, only to record which actions (and challenges) Amplify
// called, never what they carried.
import { Amplify } from "aws-amplify";
import {
  confirmSignIn,
  fetchAuthSession,
  fetchDevices,
  fetchUserAttributes,
  forgetDevice,
  rememberDevice,
  signIn,
  signOut,
} from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { env, totp } from "./common.mjs";

// The shim (see above): Amplify's getDeviceName reads navigator.userAgent.
if (typeof globalThis.navigator === "undefined") {
  globalThis.navigator = { userAgent: `Node.js/${process.versions.node}` };
}

// Failure is an expected outcome: fail prints it and ends the run.
class Failure extends Error {}
const fail = (msg) => {
  throw new Failure(msg);
};
const check = (cond, msg) => cond || fail(msg);

const endpoint = env("COGNITO_ENDPOINT");
const userPoolId = env("COGNITO_USER_POOL_ID");
const userPoolClientId = env("COGNITO_CLIENT_ID");
const username = env("COGNITO_TEST_USERNAME");

// calls records the Cognito actions Amplify makes, as
// "RespondToAuthChallenge:DEVICE_SRP_AUTH" for challenge answers.
const calls = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const target = new Headers(init.headers).get("x-amz-target");
  if (target) {
    const action = target.replace(/^AWSCognitoIdentityProviderService\./, "");
    let name = action;
    try {
      const body = JSON.parse(init.body);
      if (body.ChallengeName) name += `:${body.ChallengeName}`;
      if (body.AuthFlow) name += `:${body.AuthFlow}`;
    } catch {
      // not JSON: keep the action's name
    }
    calls.push(name);
  }
  return realFetch(input, init);
};

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId,
      userPoolClientId,
      userPoolEndpoint: endpoint,
      loginWith: { username: true, email: true },
    },
  },
});

// store is Amplify's token storage: a KeyValueStorageInterface over a Map.
// It is set after Amplify.configure, which sets the default storage.
const store = new Map();
const stored = (suffix) => {
  for (const [k, v] of store) if (k.endsWith(`.${suffix}`)) return v;
  return undefined;
};
cognitoUserPoolsTokenProvider.setKeyValueStorage({
  async setItem(k, v) {
    store.set(k, v);
  },
  async getItem(k) {
    return store.has(k) ? store.get(k) : null;
  },
  async removeItem(k) {
    store.delete(k);
  },
  async clear() {
    store.clear();
  },
});

const password = () => env("COGNITO_TEST_PASSWORD");

// signedIn checks that a sign-in is done and that its access token works
// (GetUser).
const signedIn = async (what, out) => {
  check(out.isSignedIn && out.nextStep.signInStep === "DONE", `${what}: next step ${out.nextStep.signInStep}`);
  const { tokens } = await fetchAuthSession();
  check(tokens?.accessToken?.payload?.token_use === "access", `${what}: no access token in the session`);
  const attrs = await fetchUserAttributes();
  check(attrs.email, `${what}: fetchUserAttributes has no email: ${JSON.stringify(attrs)}`);
  return tokens;
};

const flows = {
  // signIn → CONTINUE_SIGN_IN_WITH_TOTP_SETUP → confirmSignIn(code);
  // signOut; signIn → CONFIRM_SIGN_IN_WITH_TOTP_CODE → confirmSignIn(code).
  async totp() {
    let out = await signIn({ username, password: password() });
    check(out.nextStep.signInStep === "CONTINUE_SIGN_IN_WITH_TOTP_SETUP", `first sign-in: next step ${out.nextStep.signInStep}`);
    const secret = out.nextStep.totpSetupDetails.sharedSecret;
    const uri = out.nextStep.totpSetupDetails.getSetupUri("cognitokit").toString();
    check(uri.startsWith("otpauth://totp/"), `setup URI ${uri.slice(0, 15)}...`);
    out = await confirmSignIn({ challengeResponse: totp(secret, Date.now()) });
    await signedIn("TOTP setup", out);
    await signOut();
    check(!stored("accessToken"), "signOut left the tokens");

    out = await signIn({ username, password: password() });
    check(out.nextStep.signInStep === "CONFIRM_SIGN_IN_WITH_TOTP_CODE", `second sign-in: next step ${out.nextStep.signInStep}`);
    // The setup's code is used up: the next time step's (within the window
    // of one step) is a new one.
    out = await confirmSignIn({ challengeResponse: totp(secret, Date.now() + 30000) });
    await signedIn("TOTP sign-in", out);
    await signOut();
  },

  // Sign in, then force two refreshes: each is GetTokensFromRefreshToken,
  // gives new tokens that work, and (with rotation) keeps the new refresh
  // token, which the second refresh must then use.
  async refresh(mode) {
    const rotate = mode === "rotate";
    const out = await signIn({ username, password: password() });
    let before = await signedIn("sign-in", out);
    for (const round of [1, 2]) {
      const refreshToken = stored("refreshToken");
      check(refreshToken, "no refresh token stored");
      const n = calls.length;
      const { tokens } = await fetchAuthSession({ forceRefresh: true });
      const made = calls.slice(n);
      check(made.includes("GetTokensFromRefreshToken"), `refresh ${round}: Amplify called ${made.join(", ")}`);
      check(tokens?.accessToken, `refresh ${round}: no access token`);
      check(tokens.accessToken.payload.jti !== before.accessToken.payload.jti, `refresh ${round}: the same access token`);
      check(tokens.idToken?.payload?.token_use === "id", `refresh ${round}: no ID token`);
      check(tokens.accessToken.payload.origin_jti === before.accessToken.payload.origin_jti, `refresh ${round}: another origin_jti`);
      const rotated = stored("refreshToken") !== refreshToken;
      check(rotated === rotate, `refresh ${round}: refresh token rotated: ${rotated}, want ${rotate}`);
      const attrs = await fetchUserAttributes();
      check(attrs.email, `refresh ${round}: the new access token does not work`);
      before = tokens;
    }
    await signOut();
  },

  // The pool tracks devices: the first sign-in confirms one (Amplify calls
  // ConfirmDevice by itself), rememberDevice remembers it; the next
  // sign-in authenticates the device too (DEVICE_SRP_AUTH) and refreshes
  // as it; fetchDevices lists it; forgetDevice forgets it.
  async device() {
    let out = await signIn({ username, password: password() });
    await signedIn("first sign-in", out);
    check(calls.includes("ConfirmDevice"), `first sign-in: no ConfirmDevice in ${calls.join(", ")}`);
    const deviceKey = stored("deviceKey");
    check(deviceKey, "no device key stored");
    await rememberDevice();
    check(calls.includes("UpdateDeviceStatus"), `rememberDevice: called ${calls.join(", ")}`);
    await signOut();

    const n = calls.length;
    out = await signIn({ username, password: password() });
    await signedIn("second sign-in", out);
    const made = calls.slice(n);
    for (const want of ["RespondToAuthChallenge:DEVICE_SRP_AUTH", "RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER"]) {
      check(made.includes(want), `second sign-in: no ${want} in ${made.join(", ")}`);
    }
    check(!made.includes("ConfirmDevice"), "second sign-in confirmed a new device");
    check(stored("deviceKey") === deviceKey, "second sign-in: another device key");
    // A refresh from the remembered device names it (DeviceKey).
    const before = calls.length;
    await fetchAuthSession({ forceRefresh: true });
    check(calls.slice(before).includes("GetTokensFromRefreshToken"), `refresh: Amplify called ${calls.slice(before).join(", ")}`);
    check((await fetchUserAttributes()).email, "the refreshed access token does not work");

    let devices = await fetchDevices();
    check(devices.length === 1 && devices[0].id === deviceKey, `fetchDevices: ${JSON.stringify(devices)}`);
    const attrs = devices[0].attributes ?? {};
    check(attrs.device_status === "valid" && attrs["dev:device_remembered_status"] === "remembered", `device attributes: ${JSON.stringify(attrs)}`);
    check(devices[0].name, `device has no name: ${JSON.stringify(devices[0])}`);
    await forgetDevice();
    check(!stored("deviceKey"), "forgetDevice left the device key");
    devices = await fetchDevices();
    check(devices.length === 0, `fetchDevices after forgetDevice: ${JSON.stringify(devices)}`);
    await signOut();
  },

  // Passwordless: USER_AUTH preferring EMAIL_OTP; the code is read from the
  // local outbox.
  async "email-otp"() {
    const outbox = async () => {
      const res = await realFetch(`${endpoint}/_local/messages?username=${encodeURIComponent(username)}`);
      return (await res.json()).messages;
    };
    const sent = (await outbox()).length;
    let out = await signIn({ username, options: { authFlowType: "USER_AUTH", preferredChallenge: "EMAIL_OTP" } });
    check(out.nextStep.signInStep === "CONFIRM_SIGN_IN_WITH_EMAIL_CODE", `sign-in: next step ${out.nextStep.signInStep}`);
    const dest = out.nextStep.codeDeliveryDetails?.destination ?? "";
    check(dest.includes("***"), `code delivery destination is not masked: ${dest}`);
    const fresh = (await outbox()).slice(sent);
    check(fresh.length === 1 && fresh[0].medium === "EMAIL" && fresh[0].code, `the sign-in sent ${fresh.length} messages, want one email with a code`);
    const code = fresh[0].code;
    out = await confirmSignIn({ challengeResponse: code });
    await signedIn("EMAIL_OTP", out);
    await signOut();
  },
};

const [flow, ...args] = process.argv.slice(2);
if (!flows[flow]) {
  console.log(`unknown flow ${JSON.stringify(flow)}; one of ${Object.keys(flows).join(", ")}`);
  process.exit(2);
}
try {
  await flows[flow](...args);
  console.log("ok");
} catch (err) {
  if (err instanceof Failure) {
    console.log(`${flow}: ${err.message}`);
  } else {
    const cause = err.underlyingError ? ` (${err.underlyingError.name}: ${err.underlyingError.message})` : "";
    console.log(`${flow} failed: ${err.name}: ${err.message}${cause}; calls: ${calls.join(", ")}`);
  }
  process.exit(1);
}
