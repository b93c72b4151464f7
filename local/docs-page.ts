import { buildOpenApiDocument } from '../lambdas/api/openapi';
import { escapeHtml as escape } from './html';

/**
 * A self-contained, human-readable API reference rendered from the OpenAPI document (no CDN, so it
 * works offline). The machine-readable document is at /v1/openapi.json.
 */
const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters: Array<{ name: string; in: string; required: boolean; description?: string; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

const renderOperation = (method: string, path: string, op: Operation) => {
  const auth = op.security && op.security.length === 0 ? 'public' : 'bearer token';
  const params = op.parameters.length
    ? `<table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escape(
              JSON.stringify(p.schema),
            )}</code></td><td>${escape(p.description ?? '')}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const body = op.requestBody ? `<h4>Request body</h4>${json(op.requestBody.content['application/json']?.schema)}` : '';
  const responses = Object.entries(op.responses)
    .map(
      ([status, r]) =>
        `<details><summary><b>${status}</b> ${escape(r.description)}</summary>${
          r.content ? json(r.content['application/json']?.schema) : '<p>No body.</p>'
        }</details>`,
    )
    .join('');
  return `<section id="${escape(op.operationId)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(
    path,
  )}</code> <small>${auth}</small></h3><p>${escape(op.summary)}</p>${op.description ? `<p>${escape(op.description)}</p>` : ''}${params}${body}<h4>Responses</h4>${responses}</section>`;
};

export const docsPage = (): string => {
  const doc = buildOpenApiDocument();
  const server = doc.servers[0].url;
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path: `${server}${path}`, op: op as Operation })),
  );
  const toc = ops.map((o) => `<li><a href="#${escape(o.op.operationId)}">${o.method.toUpperCase()} ${escape(o.path)}</a></li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d2330}
pre{background:#f4f6fa;padding:.75rem;overflow:auto;font-size:13px}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #dde2ea;padding:.3rem .5rem;text-align:left;font-size:14px}section{border-top:1px solid #dde2ea;padding-top:1rem}
.m{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:4px;padding:0 .3em;font-size:13px}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#ef6c00}.patch{background:#6a1b9a}.delete{background:#c62828}
small{color:#667;font-weight:normal}</style></head><body>
<h1>${escape(doc.info.title)} <small>v${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description)}</p>
<p>Machine-readable: <a href="${server}/openapi.json">${server}/openapi.json</a> (OpenAPI 3.1). Errors use
the <code>Error</code> schema:</p>${json(doc.components.schemas.Error)}<h2>Operations</h2><ul>${toc}</ul>
${ops.map((o) => renderOperation(o.method, o.path, o.op)).join('\n')}</body></html>`;
};
