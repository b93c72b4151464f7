// Structured request logs are for CloudWatch, not for test output; LOG_LEVEL=INFO npm test shows them.
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.LOG_LEVEL ?? 'SILENT';
import '../../bin/support/quiet-sdk-warnings';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
