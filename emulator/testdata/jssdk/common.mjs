// What the scripts that sign in with amazon-cognito-identity-js or
// Amplify share: their settings from the environment and an
// authenticator app's codes.
import { createHmac } from "node:crypto";

// env is the environment variable name, which the Go test sets; a script
// without it stops, saying which is missing.
export const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.log(`missing ${name}`);
    process.exit(1);
  }
  return v;
};

// totp is RFC 6238 as authenticator apps compute it: HMAC-SHA1 over the
// 30-second step of at (milliseconds), six digits; the secret is base32,
// as Cognito's SecretCode.
export const totp = (secret, at) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
};
