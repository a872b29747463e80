//! The connection to the outbox database, kept usable. Another context's upgrade or
//! `deleteDatabase` must not be blocked by us, so a `versionchange` closes our connection; the
//! next operation then reopens it (recreating a deleted database, or failing `Unavailable` if a
//! newer SDK upgraded it). After `close()` by the app every operation fails `Unavailable`.

use super::schema;
use crate::store::StoreError;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::IdbDatabase;

/// One database connection that reopens itself after a `versionchange` closed it.
pub struct Conn {
    name: String,
    db: RefCell<Option<IdbDatabase>>,
    /// Set by the `versionchange` handler: the connection was closed for another context.
    stale: Rc<Cell<bool>>,
    /// Set by `close()`: the app is done with this client.
    closed: Cell<bool>,
}

impl Conn {
    /// Opens (creating or upgrading) database `name`.
    pub async fn open(name: &str) -> Result<Conn, StoreError> {
        let c = Conn { name: name.into(), db: RefCell::new(None), stale: Rc::new(Cell::new(false)), closed: Cell::new(false) };
        c.reopen().await?;
        Ok(c)
    }

    async fn reopen(&self) -> Result<IdbDatabase, StoreError> {
        let db = schema::open(&self.name).await?;
        let (stale, d2) = (self.stale.clone(), db.clone());
        let on_change = Closure::<dyn FnMut()>::new(move || {
            d2.close();
            stale.set(true);
        });
        db.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
        // Lives as long as the connection may get the event; one per (rare) reopen.
        on_change.forget();
        if self.closed.get() {
            db.close();
            return Err(closed());
        }
        self.stale.set(false);
        *self.db.borrow_mut() = Some(db.clone());
        Ok(db)
    }

    /// The connection, if it can be used right now without reopening.
    pub fn current(&self) -> Result<Option<IdbDatabase>, StoreError> {
        if self.closed.get() {
            return Err(closed());
        }
        Ok(if self.stale.get() { None } else { self.db.borrow().clone() })
    }

    /// The connection, reopened first if another context closed it.
    pub async fn ready(&self) -> Result<IdbDatabase, StoreError> {
        match self.current()? {
            Some(db) => Ok(db),
            None => self.reopen().await,
        }
    }

    /// Closes the connection for good (the app's `client.close()`).
    pub fn close(&self) {
        self.closed.set(true);
        if let Some(db) = self.db.borrow().as_ref() {
            db.close();
        }
    }
}

fn closed() -> StoreError {
    StoreError::Unavailable("the client was closed (client.close()); open a new one".into())
}
