import type { RouteDefinition } from '../lambdas/api/route';

export interface Match {
  route: RouteDefinition;
  params: Record<string, string>;
}

interface Compiled {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

const compile = (route: RouteDefinition): Compiled => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names };
};

/** Thrown for a path parameter that is not valid percent-encoding (`%ff`, `%c0%af`): a 400, not a crash. */
export class BadPathEncoding extends Error {}

const decodePathSegment = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadPathEncoding(`The path segment "${raw}" is not valid percent-encoded UTF-8.`);
  }
};

/** Resolves a method and path (below the stage) to a route, as API Gateway's resource tree does. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: readonly RouteDefinition[]) {
    // Literal segments win over parameters (/cars/search before /cars/{carId}), like API Gateway.
    this.compiled = routes.map(compile).sort((a, b) => a.names.length - b.names.length);
  }

  /**
   * The matching route, or undefined: for an unknown path and for a known path with another method alike,
   * since API Gateway answers both the same way (MISSING_AUTHENTICATION_TOKEN).
   */
  match(method: string, path: string): Match | undefined {
    // The resource first (a literal one wins), then the method on it: no falling back to a sibling
    // `{param}` resource that has the method, as API Gateway's resource tree does not.
    const resource = this.compiled.find(({ pattern }) => pattern.test(path));
    const found = resource && this.compiled.find((c) => c.route.path === resource.route.path && c.route.method === method);
    if (!found) return undefined;
    const m = found.pattern.exec(path)!;
    return { route: found.route, params: Object.fromEntries(found.names.map((n, i) => [n, decodePathSegment(m[i + 1])])) };
  }
}
