// Imported first by the local runtime: the SDKs' notices about Node.js 20 (the Lambda functions run on
// Node.js 22) and about AWS SDK v2 (used inside cognito-local only) are noise for a local developer.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
