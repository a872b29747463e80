//! One mutation call: validate, store the entry (before anything else), then drain if the
//! browser may be online, and answer from what the entry became: sent (with data), queued
//! (offline, retrying, or waiting behind earlier entries), or a coded rejection that names the
//! entry (`GraphQLError` when it went dead, `AuthError` when it holds the auth pause).

use super::errors::SdkError;
use super::js;
use super::open::ClientRef;
use crate::api::model::Api;
use crate::api::validate;
use crate::outbox::clock::Clock;
use super::direct::Direct;
use crate::outbox::entry::{Entry, State};
use crate::outbox::key::uuid_v4;
use crate::store::OutboxStore;
use crate::sync::placeholders::{self, LinkError};
use crate::sync::{ops, Event};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen]
extern "C" {
    /// The optional last argument of every mutation function: `{ dependsOn?: string[] }`.
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptions;
}

/// `options.dependsOn` as entry ids; anything but an array of strings is a bad call. Read as
/// JSON (see `js.rs`): a Proxy or a throwing getter must not unwind through this function.
fn declared_dependencies(options: Option<CallOptions>) -> Result<Vec<String>, validate::Invalid> {
    let invalid = |path: &str, reason: String| validate::Invalid { path: path.into(), reason };
    let Some(options) = options else { return Ok(vec![]) };
    let deps = match js::to_json(&options).map_err(|r| invalid("options", r))? {
        // Another key is a misspelling (`dependOn` dropped the order it asked for).
        Value::Object(m) if m.keys().any(|k| k != "dependsOn") => {
            let key = m.keys().find(|k| *k != "dependsOn").cloned().unwrap_or_default();
            return Err(invalid(&format!("options.{key}"), "is not an option (known: dependsOn)".into()));
        }
        Value::Object(mut m) => m.remove("dependsOn").unwrap_or(Value::Null),
        Value::Null => Value::Null,
        other => return Err(invalid("options", format!("expected an object {{ dependsOn }}, got {}", crate::api::formats::kind_of(&other)))),
    };
    match deps {
        Value::Null => Ok(vec![]),
        deps => serde_json::from_value(deps).map_err(|_| invalid("options.dependsOn", "expected an array of entry ids (strings)".into())),
    }
}

impl ClientRef {
    /// Stores new `entry` and, online, has it sent: the direct way (`direct.rs`) or a pass.
    /// `Ok(true)` when a send was tried (its events tell how it went), `Ok(false)` when the
    /// call answers `queued` (offline, waiting, or a failure after the entry was stored);
    /// `Err` only when nothing was stored.
    /// `holds`: this call holds the gate (`direct.rs`), opened once its entry is stored.
    async fn store_and_send(&self, mut entry: Entry, holds: bool) -> Result<bool, SdkError> {
        let inner = &*self.0;
        let late = match self.direct(&entry).await? {
            Direct::Sent => return Ok(true),
            Direct::Unrecorded(e) => {
                web_sys::console::warn_2(&"graphql-outbox: an outcome could not be stored; the entry stays queued".into(), &JsValue::from(SdkError::from(e)));
                return Ok(false);
            }
            Direct::Queued => false,
            Direct::NotTried(late) => {
                // The pass that sends it reads its API's token before the lock: not a first pass
                // that only finds out it needs one (`NeedToken`), and a second that lists again.
                inner.read_token_before_lock(&entry.api);
                let stored = inner.store.insert(&mut entry).await;
                if holds {
                    self.open_direct_gate();
                }
                stored?;
                inner.emit(Event::of("queued", &entry));
                late
            }
        };
        if inner.closed.get() || !super::drive::online_hint() || self.head_waiting() {
            // No pass now: the `online` event, the timer or a `sync` event runs one.
            self.wait_online();
            return Ok(false);
        }
        // From here on the entry is stored: whatever fails now, the call must not reject with
        // StorageError (which says nothing was stored, so a correct app would call again and
        // the mutation would be applied twice under two keys). It answers `queued`; the entry
        // goes out with a later pass.
        // A token call the direct way started is not one this call is nested in (it checked
        // there was none): wait for the pass, which waits for that call, bounded.
        if let Err(e) = self.drain_with(super::drive::Trigger::Call, !late).await {
            web_sys::console::warn_2(&"graphql-outbox: the drain after a call failed; the entry stays queued".into(), &JsValue::from(e));
            return Ok(false);
        }
        Ok(true)
    }

    /// Runs mutation `index` of `api` with the JS arguments; the promise settles with
    /// `{ status, id, data? }` or rejects with a coded error.
    pub fn call(&self, api: &'static Api, index: usize, args: JsValue) -> js_sys::Promise {
        self.call_with(api, index, args, None)
    }

    /// `call` with the function's optional `{ dependsOn }`: the entry waits for those entries.
    pub fn call_with(&self, api: &'static Api, index: usize, args: JsValue, options: Option<CallOptions>) -> js_sys::Promise {
        let this = self.clone();
        // Read now, synchronously: `outbox.after(ids, fn)` sets it only while `fn` runs.
        let mut depends_on = self.0.pending_depends.borrow().clone().unwrap_or_default();
        let declared = declared_dependencies(options);
        // Read now as well: an app may change or reuse the object once the call returns (a
        // loop filling one `row` object per day). Read in the task, a microtask later, every
        // call got the last values: one mutation lost, another applied twice under two keys
        // (found by review in round s27).
        let called_with = js::to_json(&args);
        future_to_promise(async move {
            match declared {
                Ok(ids) => depends_on.extend(ids),
                Err(invalid) => {
                    let operation = api.operations.get(index).map_or("", |o| o.name).to_string();
                    return Err(SdkError::Validation { operation, invalid }.into());
                }
            }
            this.run(api, index, called_with, depends_on).await
        })
    }

    /// `called_with`: the call's arguments as JSON, or why they cannot be.
    async fn run(&self, api: &'static Api, index: usize, called_with: Result<Value, String>, mut depends_on: Vec<String>) -> Result<JsValue, JsValue> {
        let Some(op) = api.operations.get(index) else {
            return Err(SdkError::Config(format!("the {} API has no mutation #{index}", api.name)).into());
        };
        let invalid = |path: &str, reason: String| SdkError::Validation {
            operation: op.name.to_string(),
            invalid: validate::Invalid { path: path.into(), reason },
        };
        let called_with = called_with.map_err(|r| invalid("(arguments)", r))?;
        let variables = validate::variables(api, op, called_with)
            .map_err(|invalid| SdkError::Validation { operation: op.name.to_string(), invalid })?;
        if self.0.endpoint(api.name).is_none() {
            return Err(SdkError::Config(format!("no endpoint for the {} API: pass endpoints.{} to Client.open", api.name, api.name)).into());
        }
        let id = uuid_v4(super::globals::random_bytes().map_err(|_| SdkError::Config("no crypto.getRandomValues in this context".into()))?);
        let inner = &*self.0;
        let variables = Value::Object(variables);
        // Stored in call order: behind a call made earlier that has not stored its entry.
        self.wait_turn().await;
        // Placeholders of creates still queued: the entry depends on those creates. Reading them
        // takes a store read, so the calls made meanwhile wait until this one is stored.
        let holds = !crate::outbox::placeholders::candidates(&variables).is_empty();
        if holds {
            self.hold_gate();
        }
        let linked = placeholders::link(&inner.store, api, op, &variables, &inner.options.user).await;
        if holds && linked.is_err() {
            self.open_direct_gate();
        }
        match linked {
            Ok(creates) => depends_on.extend(creates.into_iter().filter(|c| !depends_on.contains(c)).collect::<Vec<_>>()),
            Err(LinkError::Invalid(invalid)) => return Err(SdkError::Validation { operation: op.name.to_string(), invalid }.into()),
            Err(LinkError::Store(e)) => return Err(SdkError::from(e).into()),
        }
        let entry = ops::new_entry(api, op, variables, &inner.options.user, id.clone(), depends_on, inner.clock.now_ms());
        // A create's queued result carries a placeholder for the id the server will give it.
        let mut queued_result = json!({ "status": "queued", "id": id });
        if let Some(p) = crate::outbox::placeholders::for_result(op, &id) {
            queued_result["placeholders"] = p;
        }
        let queued = || Ok(js::to_js(&queued_result));
        // Answers come from the last event about the entry (its state, error and data): no
        // read of the entry back.
        inner.awaiting.borrow_mut().insert(id.clone(), None);
        let answer = self.store_and_send(entry, holds).await;
        let last = inner.awaiting.borrow_mut().remove(&id).flatten();
        match answer {
            Err(e) => return Err(e.into()),
            Ok(false) => return queued(),
            Ok(true) => {}
        }
        // Without an event (another context sent it), read the entry.
        let (state, err, data) = match last {
            Some(ev) => (ev["state"].as_str().and_then(State::parse), ev.get("error").cloned().unwrap_or(Value::Null), ev.get("data").cloned()),
            None => match inner.store.get(&id).await {
                Ok(Some(e)) => (Some(e.state), e.last_error.clone().unwrap_or(Value::Null), e.data.clone()),
                _ => return queued(),
            },
        };
        let status = err.get("status").and_then(Value::as_u64).map(|s| s as u16);
        let message = err.get("message").and_then(Value::as_str).unwrap_or("").to_string();
        let with_id = json!({ "id": id });
        let Some(state) = state else { return queued() };
        match state {
            State::Sent => {
                self.cache_written(&id).await;
                Ok(js::to_js(&json!({ "status": "sent", "id": id, "data": data })))
            }
            State::Dead => Err(match err.get("kind").and_then(Value::as_str) {
                Some("config") => SdkError::Config(message),
                Some("http") => SdkError::Network { status, message, retry_after_ms: err.get("retryAfterMs").and_then(Value::as_u64) },
                _ => SdkError::GraphQl { status: status.unwrap_or(200), message, errors: err.get("errors").cloned().unwrap_or(json!([])) },
            }
            .to_js_with(with_id)),
            State::Auth => Err(SdkError::Auth { status, message }.to_js_with(with_id)),
            // Sent, no answer, and the server would not recognise a resend: the app decides.
            State::Unknown => Err(SdkError::Network { status: None, message, retry_after_ms: None }.to_js_with(json!({ "id": id, "state": "unknown" }))),
            _ => queued(),
        }
    }
}
