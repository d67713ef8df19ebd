/** DI token of the shared command connection (ioredis `Redis`), or null in embedded mode (REDIS_URL unset). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
