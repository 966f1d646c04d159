//! The store shared by the tasks of one process, and the one way async code
//! uses it: on a blocking thread, locked only for the work itself, never
//! across an `.await`.

use std::sync::{Arc, Mutex};

use crate::store::{Store, StoreError};

/// The store, shared by the pipeline, the daemon, discovery and the sender.
pub type SharedStore = Arc<Mutex<Store>>;

/// Runs `f` with the store locked on a blocking thread. A panic in an
/// earlier holder does not poison the store: its transaction rolled back.
pub async fn with_store<T, F>(store: &SharedStore, f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| StoreError::Task(e.to_string()))?
}
