/**
 * zod/mini, the tree-shakable zod (about a fifth of zod classic in a function bundle), with the English
 * messages that zod classic loads by itself: mini leaves them out and every issue would read just
 * "Invalid input". Import `z` from here (`import * as z from '../shared/zod'`), not from 'zod' or 'zod/mini'.
 */
import { config } from 'zod/mini';
import { en } from 'zod/v4/locales';

config(en());

export * from 'zod/mini';
