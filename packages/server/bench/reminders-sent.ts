/**
 * A store filled by an earlier run holds the reminders that fell due since its fill, and the server
 * would spend the measured reads sending them (each one a write). The fill's premise — a running
 * system has already sent the reminders of past-due work — is applied again before measuring.
 * `placeholder`: `?` (SQLite) or `$1` (PostgreSQL), bound to the current time (ISO).
 */
export const remindersSentSql = (placeholder: string) =>
  `UPDATE tasks SET next_at = NULL, next_step = NULL WHERE status = 'open' AND next_at <= ${placeholder}`;
