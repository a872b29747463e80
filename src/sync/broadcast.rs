//! How other contexts (tabs, workers, the service worker) hear what a drainer did: every
//! event is posted on a BroadcastChannel named after the database, and received events are
//! handed to the local subscribers. A `queued` event from elsewhere also prompts a drain.
//!
//! Events of one turn go out as one message, `{ "events": [..] }`: a batch of 20 entries makes
//! 40 events, and one `postMessage` each cost ~0.2 ms of main thread per event (issue 9's
//! profile). A lone event keeps the older `{ "event": .. }` form, and both forms are accepted,
//! so contexts running an older build still hear it. Any other message (the cache's) first
//! posts the events queued before it, so every context sees them in the order they happened.

use serde_json::{json, Value};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

/// An open channel, its listener and the events of this turn not yet posted.
pub struct Channel {
    ch: BroadcastChannel,
    _on: Closure<dyn FnMut(MessageEvent)>,
    queued: RefCell<Vec<Value>>,
}

impl Channel {
    /// Joins channel `name`; `on` gets each message another context posts (as JSON), a
    /// message of several events as one `{ "event": .. }` per event, in order.
    pub fn open(name: &str, on: impl Fn(Value) + 'static) -> Option<Channel> {
        let ch = BroadcastChannel::new(name).ok()?;
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let Some(text) = m.data().as_string() else { return };
            match serde_json::from_str(&text) {
                Ok(Value::Object(mut msg)) => match msg.remove("events") {
                    Some(Value::Array(events)) => events.into_iter().for_each(|ev| on(json!({ "event": ev }))),
                    _ => on(Value::Object(msg)),
                },
                Ok(other) => on(other),
                Err(_) => {}
            }
        });
        ch.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(Channel { ch, _on: closure, queued: RefCell::default() })
    }

    /// Queues an event for the next `flush`; true if it is the first since the last one (the
    /// caller then schedules a flush at the end of this turn).
    pub fn queue(&self, event: Value) -> bool {
        let mut q = self.queued.borrow_mut();
        q.push(event);
        q.len() == 1
    }

    /// Posts the queued events: one message.
    pub fn flush(&self) {
        let mut events = std::mem::take(&mut *self.queued.borrow_mut());
        let msg = match events.len() {
            0 => return,
            1 => json!({ "event": events.pop() }),
            _ => json!({ "events": events }),
        };
        self.send(&msg);
    }

    /// Posts a message to every other context on the channel, after the queued events.
    pub fn post(&self, v: &Value) {
        self.flush();
        self.send(v);
    }

    fn send(&self, v: &Value) {
        let _ = self.ch.post_message(&JsValue::from_str(&v.to_string()));
    }

    /// Posts what is queued and leaves the channel.
    pub fn close(&self) {
        self.flush();
        self.ch.set_onmessage(None);
        self.ch.close();
    }
}
