/**
 * @usebruno/converters ships JavaScript only. These are the parts of its OpenAPI import that the Bruno
 * generator reads (src/openapi/openapi-to-bruno.js in the package); the rest of an item passes through
 * untouched to @usebruno/filestore, which writes it.
 */
declare module '@usebruno/converters' {
  export interface BrunoExample {
    name: string;
    response: { status: number | null };
  }

  export interface BrunoRequest {
    type: 'http-request' | 'graphql-request';
    name: string;
    seq: number;
    request: {
      method: string;
      url: string;
      params: { name: string; value: string; enabled: boolean; type: 'query' | 'path' }[];
      [field: string]: unknown;
    };
    examples?: BrunoExample[];
    [field: string]: unknown;
  }

  export interface BrunoFolder {
    type: 'folder';
    name: string;
    root: { meta: { name: string; seq?: number }; [field: string]: unknown };
    items: BrunoItem[];
  }

  export type BrunoItem = BrunoRequest | BrunoFolder;

  export interface BrunoCollection {
    name: string;
    items: BrunoItem[];
    environments: unknown[];
    root: { meta: { name: string }; [field: string]: unknown };
  }

  /** OpenAPI 3 (or Swagger 2) to a Bruno collection; requests are grouped in one folder per tag by default. */
  export function openApiToBruno(specification: object, options?: { groupBy?: 'tags' | 'path' }): BrunoCollection;
}
