//! `Client`: what `Client.open` returns. Opens the outbox database, starts listening and
//! draining; each API is a getter generated from the schemas (`client.gcdirectory`, ...).

use super::drive::Trigger;
use super::args;
use super::errors::SdkError;
use super::inner::Inner;
use super::options;
use super::outbox::Outbox;
use crate::outbox::clock::SystemClock;
use crate::store::idb::IdbStore;
use crate::sync::AuthPause;
use crate::transport::FetchTransport;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A cheap handle the generated API classes and the `Outbox` view keep.
#[derive(Clone)]
pub struct ClientRef(pub(crate) Rc<Inner>);

/// The SDK's entry point: `await Client.open({ endpoints, token, user })`.
#[wasm_bindgen]
pub struct Client {
    inner: ClientRef,
}

#[wasm_bindgen]
impl Client {
    /// Opens a client and its outbox, and starts sending what this user has queued. Rejects
    /// with a `ConfigError` naming the bad option, or a `StorageError` if IndexedDB is unusable.
    #[wasm_bindgen(js_name = open)]
    pub async fn open(#[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue) -> Result<Client, JsValue> {
        let owner = crate::outbox::key::uuid_v4(super::globals::random_bytes().map_err(|_| SdkError::Config("no crypto.getRandomValues in this context".into()))?);
        // A bad `database` reports the error a full read gives first (a missing `user` before
        // it, as always).
        let database = match options::database(&options) {
            Ok(d) => d,
            Err(e) => return Err(options::read(&options).err().unwrap_or(e).into()),
        };
        // The first query's reads (the user's live entries and cache records) are requested the
        // moment the database is open (`store/idb/early.rs`), and the rest of the options (whose
        // first read decodes the generated tables) are read while IndexedDB answers.
        let store = IdbStore::open(database.as_deref()).await;
        if let (Ok(s), Some(user)) = (&store, options::user(&options)) {
            s.read_ahead(&user);
        }
        let options = match options::read(&options) {
            Ok(o) => o,
            Err(e) => {
                // Opened for nothing: closed, so it blocks no other context's upgrade.
                if let Ok(s) = &store {
                    s.close();
                }
                return Err(e.into());
            }
        };
        let store = store.map_err(SdkError::from)?;
        let transport = FetchTransport { timeout_ms: options.request_timeout_ms };
        let cache = crate::cache::Cache::with_limits(store.clone(), options.cache_limits);
        let inner = ClientRef(Rc::new_cyclic(|me| Inner {
            options,
            transport,
            store,
            clock: SystemClock,
            pause: AuthPause::default(),
            tokens: RefCell::new(vec![]),
            subscribers: RefCell::new(vec![]),
            next_subscriber: Cell::new(0),
            waiters: RefCell::new(vec![]),
            waiter_timer: Cell::new(None),
            passing: Cell::new(false),
            channel: RefCell::new(None),
            pending_depends: RefCell::new(None),
            queued_pass: RefCell::new(None),
            timer: Cell::new(None),
            pass_flags: Cell::new((false, false)),
            waiting_until: Cell::new(0.0),
            online_listener: RefCell::new(None),
            token_inflight: RefCell::new(vec![]),
            token_set: RefCell::new(vec![]),
            token_late: Cell::new(false),
            token_calling: Cell::new(0),
            token_apis: RefCell::new(vec![]),
            closed: Cell::new(false),
            owner,
            busy: Cell::new(false),
            sync_asked: Cell::new(false),
            cache,
            cache_writing: RefCell::new(vec![]),
            cache_waiters: RefCell::new(vec![]),
            watchers: RefCell::new(vec![]),
            next_watcher: Cell::new(0),
            notify_scheduled: Cell::new(false),
            notify_again: Cell::new(false),
            me: me.clone(),
            refusals: RefCell::new(Default::default()),
            left_for_others: Cell::new(false),
            awaiting: RefCell::default(),
            direct_busy: Cell::new(false),
            direct_gate: RefCell::new(None),
        }));
        // First: it takes the records requested above and decodes them when IndexedDB
        // answers, while the rest of the open and the app's first query call run.
        inner.preload_cache();
        inner.listen();
        inner.kick(Trigger::Open);
        inner.evict_soon();
        Ok(Client { inner })
    }

    /// The `user` this client was opened for.
    #[wasm_bindgen(getter)]
    pub fn user(&self) -> String {
        self.inner.0.options.user.clone()
    }

    /// The outbox of this client's user: events, entries, retry/discard, stats.
    #[wasm_bindgen(getter)]
    pub fn outbox(&self) -> Outbox {
        Outbox { client: self.inner.clone() }
    }

    /// The offline cache of this client's user (`client.cache.clear()`).
    #[wasm_bindgen(getter)]
    pub fn cache(&self) -> super::cached::Cache {
        super::cached::Cache { client: self.inner.clone() }
    }

    /// Drains now (ignoring `navigator.onLine`); resolves when the pass ends and its sent
    /// answers are in the offline cache.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn sync(&self) -> js_sys::Promise {
        let this = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            this.drain(Trigger::Sync).await?;
            this.caches_written().await;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Uses `token` (a string, or null for none) instead of the `token` callback, for `api` or
    /// for every API; kept in memory only. Ends an auth pause and drains. Throws
    /// `ValidationError` for a token that is not a string or null, one that cannot be sent in
    /// an HTTP header (a CR, LF, NUL or a character above U+00FF), or an unknown `api`.
    /// (TypeScript in `typescript.rs`: `api` is optional.)
    #[wasm_bindgen(js_name = setToken, skip_typescript)]
    pub fn set_token_js(&self, token: JsValue, api: JsValue) -> Result<(), JsValue> {
        let token = match token {
            t if t.is_null() || t.is_undefined() => None,
            // Not `args::string`: its message quotes the value, and a token is a secret even
            // when passed as a number (found by review in round s27).
            t => Some(t.as_string().ok_or_else(|| args::bad("setToken", "token", format!("expected a string or null, got a {}", t.js_typeof().as_string().unwrap_or_default()))).and_then(|t| match crate::transport::header_value_problem(&t) {
                Some(problem) => Err(args::bad("setToken", "token", format!("a token goes in the Authorization header, and {problem}"))),
                None => Ok(t),
            })?),
        };
        let api = match api {
            a if a.is_null() || a.is_undefined() => None,
            a => Some(args::string("setToken", "api", &a).and_then(|name| match crate::api::ALL.iter().any(|x| x.name == name) {
                true => Ok(name),
                // Not quoted: with the arguments swapped it is the token.
                false => Err(args::bad("setToken", "api", format!("not an API of this SDK (known: {})", crate::api::ALL.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")))),
            })?),
        };
        self.set_token(token, api);
        Ok(())
    }

    /// Stops this client's timers and listeners and closes its database connection.
    pub fn close(&self) {
        self.inner.shutdown();
        self.inner.0.store.close();
    }
}

impl Client {
    /// `setToken` for Rust callers (the browser tests).
    pub fn set_token(&self, token: Option<String>, api: Option<String>) {
        {
            let mut t = self.inner.0.tokens.borrow_mut();
            // `setToken(token)` is for every API: it replaces earlier per-API tokens too (a
            // per-API one left behind would silently keep winning for its API).
            t.retain(|(a, _)| api.is_some() && *a != api);
            t.push((api.clone(), token));
        }
        self.inner.drop_token_calls(api.as_deref());
        self.inner.token_was_set();
        *self.inner.0.pause.0.borrow_mut() = None;
        // A pass requested before has read the old token (before the lock) and would send with
        // it, then stop on the 401 with nothing to start another: this kick needs a pass of its
        // own (found by review in round s27).
        *self.inner.0.queued_pass.borrow_mut() = None;
        self.inner.kick(Trigger::Nudge);
    }

    pub(crate) fn handle(&self) -> ClientRef {
        self.inner.clone()
    }
}

impl From<SdkError> for Result<Client, JsValue> {
    fn from(e: SdkError) -> Self {
        Err(e.into())
    }
}
