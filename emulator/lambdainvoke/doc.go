// Package lambdainvoke invokes the local Cognito's Lambda triggers over the
// AWS Lambda Invoke API: it is an emulator.LambdaInvoker that sends each
// trigger's event to a Lambda-compatible endpoint —
// `sam local start-lambda` (http://127.0.0.1:3001 by default), another
// local Lambda runner, or AWS Lambda itself — and hands back the
// function's answer.
//
// Each call is one synchronous invocation (InvocationType RequestResponse)
// through the AWS SDK for Go's Lambda client, SigV4-signed:
// POST <endpoint>/2015-03-31/functions/<name>/invocations with the event as
// the body. The function is named as `sam local` knows it: a trigger's ARN,
// arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>], becomes
// the function name <name>, with the qualifier (a version or alias) as the
// Qualifier, and the request is signed for the ARN's region. A value that is
// not an ARN is sent as the function name. `sam local` has no versions or
// aliases (and the versions of it read while writing this refuse a query
// string, where the Qualifier goes): name its functions by unqualified ARNs.
//
// Requests are signed with the credentials of the standard AWS chain (the
// environment, the shared config and credentials files, SSO, a credential
// process, container credentials — not the EC2 instance metadata service,
// whose probe would slow the start of a server that does not run on EC2)
// when it has some, and otherwise with the static dummy credentials
// "local"/"local": `sam local` and most Lambda-compatible runners do not
// check them. WithCredentials chooses them instead.
//
// A function that ran and failed (the X-Amz-Function-Error header) comes
// back as an *emulator.FunctionError with its errorMessage and errorType;
// anything that kept the function from answering — the endpoint down, a
// 4xx or 5xx from it, the trigger's deadline passed — as a plain error. No
// error holds the event: it can contain a password.
//
//	inv, err := lambdainvoke.New(ctx, "http://127.0.0.1:3001")
//	...
//	srv, err := emulator.New(ctx, st, emulator.WithLambdaInvoker(inv))
package lambdainvoke
