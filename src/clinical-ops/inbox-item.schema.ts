import { z } from 'zod';

export const ITEM_KINDS = ['lab-result', 'referral', 'refill-request', 'patient-message'] as const;
export const ITEM_PRIORITIES = ['stat', 'urgent', 'routine'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export type ItemPriority = (typeof ITEM_PRIORITIES)[number];

/** The idempotency key becomes part of a Redis key: a conservative alphabet, bounded length. */
const itemId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

const payloadObject = z.record(z.string(), z.unknown());

const common = {
  id: itemId,
  kind: z.enum(ITEM_KINDS),
  priority: z.enum(ITEM_PRIORITIES),
  patientRef: z.string().min(1).max(200),
  receivedAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1).max(100).optional(),
};

/** One inbox stream entry (all fields are strings on the wire; `payload` is a JSON object as a string). */
export const inboxEntrySchema = z.object({
  ...common,
  payload: z.string().transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text);
      const parsed = payloadObject.safeParse(value);
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
    return z.NEVER;
  }),
});

/** The body of POST /clinical-ops/inbox: the same item, payload as an object, receivedAt defaulting to now. */
export const inboxRequestSchema = z.object({
  ...common,
  receivedAt: common.receivedAt.optional(),
  payload: payloadObject,
});

export type InboxItem = z.infer<typeof inboxEntrySchema>;
export type InboxRequest = z.infer<typeof inboxRequestSchema>;

/** "kind: Invalid option...; payload: must be a JSON object": names the fields, never their values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(entry)'}: ${issue.message}`)
    .join('; ');
}

/** Field errors for an HTTP 400: path and message, never the rejected value. */
export function fieldErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
}
