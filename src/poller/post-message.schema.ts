import { z } from 'zod';

/** Body of POST /messages. */
export const postMessageSchema = z.object({
  type: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
  payload: z.record(z.string(), z.unknown()),
  /** Idempotency key; defaults to the entry id. */
  id: z.string().min(1).max(200).optional(),
});

export type PostMessage = z.infer<typeof postMessageSchema>;
