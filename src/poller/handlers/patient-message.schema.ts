import { z } from 'zod';

/** Payload of a `patient.message` entry. */
export const patientMessageSchema = z.object({
  // Becomes the inbox item id `patient-message:<messageId>`, which clinical-ops
  // accepts up to 200 characters of this alphabet.
  messageId: z
    .string()
    .min(1)
    .max(184)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
  /** Opaque; never logged. */
  patientRef: z.string().min(1).max(200),
  channel: z.enum(['sms', 'email', 'portal', 'phone']),
  /** Never logged. */
  body: z.string(),
  sentAt: z.iso.datetime({ offset: true }),
  needsClinicalReview: z.boolean(),
  priority: z.enum(['stat', 'urgent', 'routine']).default('routine'),
});

export type PatientMessage = z.infer<typeof patientMessageSchema>;

/** "path: message; path: message" from a zod error, without the values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
