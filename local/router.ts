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
    this.compiled = routes
      .map(compile)
      .sort((a, b) => a.names.length - b.names.length);
  }

  /** The matching route, 'method-not-allowed' when the path exists for other methods, or undefined. */
  match(method: string, path: string): Match | 'method-not-allowed' | undefined {
    let pathKnown = false;
    for (const { route, pattern, names } of this.compiled) {
      const m = pattern.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodePathSegment(m[i + 1])]));
      return { route, params };
    }
    return pathKnown ? 'method-not-allowed' : undefined;
  }
}
