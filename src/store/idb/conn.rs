//! The connection to the outbox database, kept usable. Another context's upgrade or
//! `deleteDatabase` must not be blocked by us, so a `versionchange` closes our connection; the
//! next operation then reopens it (recreating a deleted database, or failing `Unavailable` if a
//! newer SDK upgraded it). After `close()` by the app every operation fails `Unavailable`.
//!
//! Each opened connection is kept as a `&'static Database` (one small handle leaked per open or
//! reopen, which are rare): `indexed_db_futures` ties a `Transaction` to the `Database` it
//! borrows, and an issued write (`update_issued`) moves its transaction into a task that
//! outlives the call. The JS connection itself is still closed (versionchange, `close()`).

use super::schema;
use crate::store::StoreError;
use std::cell::{Cell, RefCell};
use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// An open connection (see the module comment for why it is `'static`).
pub type Db = &'static Database;

/// One database connection that reopens itself after a `versionchange` closed it.
pub struct Conn {
    name: String,
    db: RefCell<Option<Db>>,
    /// Set by the `versionchange` handler: the connection was closed for another context.
    stale: Rc<Cell<bool>>,
    /// Set by `close()`: the app is done with this client.
    closed: Cell<bool>,
    /// Raised each time the connection is lost under us (`OutboxStore::epoch`).
    epoch: Rc<Cell<u64>>,
}

impl Conn {
    /// Opens (creating or upgrading) database `name`.
    pub async fn open(name: &str) -> Result<Conn, StoreError> {
        let c = Conn { name: name.into(), db: RefCell::new(None), stale: Rc::new(Cell::new(false)), closed: Cell::new(false), epoch: Rc::default() };
        c.reopen().await?;
        Ok(c)
    }

    async fn reopen(&self) -> Result<Db, StoreError> {
        let db: Db = Box::leak(Box::new(schema::open(&self.name).await?));
        // The raw connection's `onversionchange`, not the crate's `version_changes()`: that
        // needs its `version-change` feature (tokio's macros and an event stream) for what one
        // handler does here. tests/browser/store.rs (`a_versionchange_closes_...`) shows it.
        let raw: web_sys::IdbDatabase = (**db.as_sys()).clone();
        let (stale, d2, epoch) = (self.stale.clone(), raw.clone(), self.epoch.clone());
        let on_change = Closure::<dyn FnMut()>::new(move || {
            d2.close();
            if !stale.replace(true) {
                epoch.set(epoch.get() + 1);
            }
        });
        raw.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
        // The browser closing it (site data cleared: `Clear-Site-Data`, DevTools, a storage
        // error) fires `close`, not `versionchange`: without this every later operation failed
        // "the connection is closing" until a reload (found by review in round s27).
        raw.set_onclose(Some(on_change.as_ref().unchecked_ref()));
        // Lives as long as the connection may get the event; one per (rare) reopen.
        on_change.forget();
        if self.closed.get() {
            raw.close();
            return Err(closed());
        }
        self.stale.set(false);
        *self.db.borrow_mut() = Some(db);
        Ok(db)
    }

    /// The connection, if it can be used right now without reopening.
    pub fn current(&self) -> Result<Option<Db>, StoreError> {
        if self.closed.get() {
            return Err(closed());
        }
        Ok(if self.stale.get() { None } else { *self.db.borrow() })
    }

    /// The connection, reopened first if another context closed it.
    pub async fn ready(&self) -> Result<Db, StoreError> {
        match self.current()? {
            Some(db) => Ok(db),
            None => self.reopen().await,
        }
    }

    /// How many times the connection was lost under us (deleted, upgraded, cleared).
    pub fn epoch(&self) -> u64 {
        self.epoch.get()
    }

    /// Closes the connection for good (the app's `client.close()`).
    pub fn close(&self) {
        self.closed.set(true);
        if let Some(db) = *self.db.borrow() {
            db.as_sys().close();
        }
    }
}

fn closed() -> StoreError {
    StoreError::Unavailable("the client was closed (client.close()); open a new one".into())
}
