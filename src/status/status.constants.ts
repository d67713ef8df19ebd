/** The page reloads itself this often (meta refresh). */
export const STATUS_REFRESH_SECONDS = 5;
