import { z } from 'zod';
import {
  DEAD_LETTER_PAGE_DEFAULT,
  DEAD_LETTER_PAGE_MAX,
  REDRIVE_MAX_IDS,
} from './dead-letter.constants.js';

const streamId = z.string().regex(/^\d+-\d+$/, 'a stream entry id such as 1700000000000-0');

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(DEAD_LETTER_PAGE_MAX).default(DEAD_LETTER_PAGE_DEFAULT),
  cursor: streamId.optional(),
});

export const redriveBodySchema = z
  .object({ ids: z.array(streamId).min(1).max(REDRIVE_MAX_IDS).optional() })
  .strict();

export type ListQuery = z.infer<typeof listQuerySchema>;
export type RedriveBody = z.infer<typeof redriveBodySchema>;
