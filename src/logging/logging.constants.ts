/** DI token of the root pino logger; services derive `child({ component })` loggers from it. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Paths pino replaces with "[redacted]": secrets, and the fields that carry
 * patient data. Logs name tasks, ids, kinds and counts, never these.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'payload',
  '*.payload',
  'body',
  '*.body',
  'patientRef',
  '*.patientRef',
];
