//! Serialising locks (see `migrations/*/0002_locks.sql`).

use super::{AnyConnection, Result};

/// Serialises deliveries from monitoring: alert intake decides "attach to the open incident or
/// open one", which must not be decided twice at once.
pub const ALERT_INTAKE: &str = "alert_intake";

/// Serialises sign-ups and confirmations: the mail caps are counted before a mail is queued, and
/// "is this address subscribed?" is asked before a row is activated.
pub const SUBSCRIPTIONS: &str = "subscriptions";

/// Takes the lock `name` until the caller's transaction ends. Call it first in the transaction.
pub async fn take(conn: &mut AnyConnection, name: &str) -> Result<()> {
    sqlx::query("UPDATE locks SET name = name WHERE name = $1")
        .bind(name)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
