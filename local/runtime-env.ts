/**
 * Imported first by the local runtime's entry points: Powertools reads these when its logger and
 * metrics are constructed, which happens as soon as handler modules are imported.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Metrics are CloudWatch EMF lines on stdout: noise outside Lambda.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
