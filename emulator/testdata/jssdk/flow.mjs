// flow.mjs runs a whole user flow against a local Cognito with the official
// AWS SDK for JavaScript v3, to check that the emulator speaks the protocol
// as that SDK expects. emulator/jssdk_test.go runs it; by hand:
//
//   npm ci --prefix emulator/testdata/jssdk
//   COGNITO_ENDPOINT=http://127.0.0.1:9229 COGNITO_USER_POOL_ID=eu-west-1_xxx \
//     COGNITO_CLIENT_ID=xxx [COGNITO_CLIENT_SECRET=xxx] node flow.mjs
//
// or: node flow.mjs <endpoint> <userPoolId> <clientId> [clientSecret]
//
// The client must allow USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, and the
// pool must auto-verify email. It prints "ok" and exits 0, or prints what
// failed and exits 1.

import { createHmac, randomBytes } from "node:crypto";
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  DescribeUserPoolCommand,
  GetUserAttributeVerificationCodeCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SetRiskConfigurationCommand,
  SignUpCommand,
  UnsupportedOperationException,
  UpdateGroupCommand,
} from "@aws-sdk/client-cognito-identity-provider";

const [argEndpoint, argPool, argClient, argSecret] = process.argv.slice(2);
const endpoint = (argEndpoint ?? process.env.COGNITO_ENDPOINT ?? "").replace(/\/+$/, "");
const userPoolId = argPool ?? process.env.COGNITO_USER_POOL_ID ?? "";
const clientId = argClient ?? process.env.COGNITO_CLIENT_ID ?? "";
const clientSecret = argSecret ?? process.env.COGNITO_CLIENT_SECRET ?? "";

class CheckError extends Error {}

function check(cond, message) {
  if (!cond) throw new CheckError(message);
}

// secretHash is Cognito's SECRET_HASH, or undefined for a public client.
function secretHash(username) {
  if (!clientSecret) return undefined;
  return createHmac("sha256", clientSecret).update(username + clientId).digest("base64");
}

function isDate(v) {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

// lastCode reads the newest code sent to username from the local outbox.
async function lastCode(username) {
  const res = await fetch(`${endpoint}/_local/messages?username=${encodeURIComponent(username)}`);
  check(res.ok, `GET /_local/messages: HTTP ${res.status}`);
  const { messages } = await res.json();
  check(Array.isArray(messages) && messages.length > 0, `no message in the outbox for ${username}`);
  return messages[messages.length - 1].code;
}

async function main() {
  check(endpoint && userPoolId && clientId, "set COGNITO_ENDPOINT, COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID (or pass them as arguments)");

  const client = new CognitoIdentityProviderClient({
    region: "eu-west-1",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1, // a failure must show, not be retried away
  });

  const username = `js-${randomBytes(6).toString("hex")}`;
  const email = `${username}@example.com`;
  const password = "Js-Sdk-v3-passw0rd";

  const signUp = await client.send(new SignUpCommand({
    ClientId: clientId,
    SecretHash: secretHash(username),
    Username: username,
    Password: password,
    UserAttributes: [{ Name: "email", Value: email }],
  }));
  check(signUp.UserConfirmed === false, `SignUp: UserConfirmed = ${signUp.UserConfirmed}`);
  check(typeof signUp.UserSub === "string" && signUp.UserSub.length > 0, "SignUp: no UserSub");
  check(signUp.CodeDeliveryDetails?.DeliveryMedium === "EMAIL", `SignUp: CodeDeliveryDetails ${JSON.stringify(signUp.CodeDeliveryDetails)}`);

  await client.send(new ConfirmSignUpCommand({
    ClientId: clientId,
    SecretHash: secretHash(username),
    Username: username,
    ConfirmationCode: await lastCode(username),
  }));

  const auth = await client.send(new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: username, PASSWORD: password, ...(clientSecret && { SECRET_HASH: secretHash(username) }) },
  }));
  const tokens = auth.AuthenticationResult;
  check(tokens, `InitiateAuth: no AuthenticationResult (challenge ${auth.ChallengeName})`);
  check(typeof tokens.ExpiresIn === "number" && tokens.ExpiresIn > 0, `InitiateAuth: ExpiresIn = ${JSON.stringify(tokens.ExpiresIn)}, want a positive number`);
  check(tokens.TokenType === "Bearer", `InitiateAuth: TokenType = ${tokens.TokenType}`);
  for (const name of ["AccessToken", "IdToken", "RefreshToken"]) {
    check(typeof tokens[name] === "string" && tokens[name].length > 0, `InitiateAuth: no ${name}`);
  }

  const me = await client.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
  check(me.Username === username, `GetUser: Username = ${me.Username}`);
  const emailAttr = me.UserAttributes?.find((a) => a.Name === "email");
  check(emailAttr?.Value === email, `GetUser: email = ${emailAttr?.Value}`);

  const refreshed = await client.send(new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: "REFRESH_TOKEN_AUTH",
    AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken, ...(clientSecret && { SECRET_HASH: secretHash(me.Username) }) },
  }));
  const fresh = refreshed.AuthenticationResult;
  check(fresh?.AccessToken, "REFRESH_TOKEN_AUTH: no AccessToken");
  check(typeof fresh.ExpiresIn === "number", `REFRESH_TOKEN_AUTH: ExpiresIn = ${JSON.stringify(fresh.ExpiresIn)}`);
  // The refresh Amplify v6 uses.
  const renewed = await client.send(new GetTokensFromRefreshTokenCommand({
    ClientId: clientId,
    ClientSecret: clientSecret || undefined,
    RefreshToken: tokens.RefreshToken,
  }));
  check(renewed.AuthenticationResult?.AccessToken, "GetTokensFromRefreshToken: no AccessToken");
  check(typeof renewed.AuthenticationResult.ExpiresIn === "number", `GetTokensFromRefreshToken: ExpiresIn = ${JSON.stringify(renewed.AuthenticationResult.ExpiresIn)}`);

  const again = await client.send(new GetUserCommand({ AccessToken: fresh.AccessToken }));
  check(again.Username === username, `GetUser with the refreshed token: Username = ${again.Username}`);

  const list = await client.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `username = "${username}"` }));
  check(list.Users?.length === 1, `ListUsers: ${list.Users?.length} users, want 1`);
  const listed = list.Users[0];
  check(listed.Username === username, `ListUsers: Username = ${listed.Username}`);
  check(isDate(listed.UserCreateDate), `ListUsers: UserCreateDate = ${listed.UserCreateDate} (${typeof listed.UserCreateDate}), want a Date`);
  check(isDate(listed.UserLastModifiedDate), `ListUsers: UserLastModifiedDate = ${listed.UserLastModifiedDate}, want a Date`);
  check(Math.abs(Date.now() - listed.UserCreateDate.getTime()) < 10 * 60 * 1000, `ListUsers: UserCreateDate ${listed.UserCreateDate.toISOString()} is not about now`);
  check(listed.Enabled === true, `ListUsers: Enabled = ${listed.Enabled}`);
  check(listed.UserStatus === "CONFIRMED", `ListUsers: UserStatus = ${listed.UserStatus}`);

  const admin = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  check(admin.Username === username, `AdminGetUser: Username = ${admin.Username}`);
  check(admin.UserStatus === "CONFIRMED", `AdminGetUser: UserStatus = ${admin.UserStatus}`);
  check(isDate(admin.UserCreateDate), `AdminGetUser: UserCreateDate = ${admin.UserCreateDate}, want a Date`);
  check(admin.UserCreateDate.getTime() === listed.UserCreateDate.getTime(), "AdminGetUser and ListUsers disagree on UserCreateDate");
  check(admin.UserAttributes?.some((a) => a.Name === "email_verified" && a.Value === "true"), "AdminGetUser: email not verified");

  // Actions added with the typed action table.
  const resent = await client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: fresh.AccessToken, AttributeName: "email" }));
  check(resent.CodeDeliveryDetails?.AttributeName === "email", `GetUserAttributeVerificationCode: ${JSON.stringify(resent.CodeDeliveryDetails)}`);

  const groupName = `g-${username}`;
  await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: groupName, Precedence: 5 }));
  const updated = await client.send(new UpdateGroupCommand({ UserPoolId: userPoolId, GroupName: groupName, Description: "from JS", Precedence: 2 }));
  check(updated.Group?.Precedence === 2 && updated.Group?.Description === "from JS", `UpdateGroup: ${JSON.stringify(updated.Group)}`);
  check(isDate(updated.Group.LastModifiedDate), `UpdateGroup: LastModifiedDate = ${updated.Group.LastModifiedDate}, want a Date`);
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: me.UserAttributes.find((a) => a.Name === "sub").Value, GroupName: groupName }));
  const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, Limit: 1 }));
  check(groups.Groups?.length === 1 && groups.Groups[0].GroupName === groupName, `AdminListGroupsForUser: ${JSON.stringify(groups.Groups)}`);

  const pool = await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  check(pool.UserPool?.UserPoolTier === "ESSENTIALS", `DescribeUserPool: UserPoolTier = ${pool.UserPool?.UserPoolTier}`);
  check(isDate(pool.UserPool.CreationDate), `DescribeUserPool: CreationDate = ${pool.UserPool.CreationDate}, want a Date`);
  check(pool.UserPool.VerificationMessageTemplate?.DefaultEmailOption === "CONFIRM_WITH_CODE", `DescribeUserPool: ${JSON.stringify(pool.UserPool.VerificationMessageTemplate)}`);

  // An operation the local Cognito does not support yet is a typed error.
  try {
    await client.send(new SetRiskConfigurationCommand({ UserPoolId: userPoolId }));
    check(false, "SetRiskConfiguration: succeeded, want UnsupportedOperationException");
  } catch (err) {
    check(err instanceof UnsupportedOperationException && err.message.includes("SetRiskConfiguration"), `SetRiskConfiguration: ${err?.name}: ${err?.message}`);
  }
}

main().then(
  () => {
    console.log("ok");
    process.exit(0);
  },
  (err) => {
    if (err instanceof CheckError) {
      console.error(`FAIL: ${err.message}`);
    } else {
      // An SDK error: its name is Cognito's exception type.
      console.error(`FAIL: ${err?.name ?? "Error"}: ${err?.message ?? err}`);
      if (err?.$metadata) console.error(`  HTTP ${err.$metadata.httpStatusCode}`);
      if (err?.stack) console.error(err.stack);
    }
    process.exit(1);
  },
);
