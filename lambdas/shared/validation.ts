import type * as z from 'zod';
import type { FieldIssue } from './errors';

/**
 * zod's issues as the API reports them: dotted field paths under `where` (`body.details.orderId`), and
 * one field per unknown key (a strict object names them all in a single issue).
 */
export const fieldIssues = (where: string, error: z.ZodError): FieldIssue[] =>
  error.issues.flatMap((issue) => {
    const at = [where, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'Unknown field; it is not accepted here.' }));
    }
    return [{ field: at.join('.'), message: issue.message }];
  });
