//! How other contexts (tabs, workers, the service worker) hear what a drainer did: every
//! event is posted on a BroadcastChannel named after the database, and received events are
//! handed to the local subscribers. A `queued` event from elsewhere also prompts a drain.
//!
//! The messages of one turn go out as one, `{ "messages": [..] }`: a batch of 20 entries makes
//! 40 events and 20 cache notices, and one `postMessage` each cost ~0.1-0.2 ms of main thread
//! (issue 9's profile). A lone message keeps its own form (`{ "event": .. }`, `{ "cache": .. }`)
//! and both forms are accepted, so contexts running an older build still hear it. Messages
//! keep their order: a message posted at once (`post`) first posts those queued before it.

use serde_json::Value;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

/// An open channel, its listener and the messages of this turn not yet posted.
pub struct Channel {
    ch: BroadcastChannel,
    _on: Closure<dyn FnMut(MessageEvent)>,
    /// As JSON text: an event is serialized once, for this channel and the local subscribers.
    queued: RefCell<Vec<String>>,
}

impl Channel {
    /// Joins channel `name`; `on` gets each message another context posts (as JSON), those
    /// of a `{ "messages": [..] }` one by one, in order.
    pub fn open(name: &str, on: impl Fn(Value) + 'static) -> Option<Channel> {
        let ch = BroadcastChannel::new(name).ok()?;
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let Some(text) = m.data().as_string() else { return };
            match outbox_json::value(&text) {
                Ok(Value::Object(mut msg)) => match msg.remove("messages") {
                    Some(Value::Array(all)) => all.into_iter().for_each(&on),
                    _ => on(Value::Object(msg)),
                },
                Ok(other) => on(other),
                Err(_) => {}
            }
        });
        ch.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(Channel { ch, _on: closure, queued: RefCell::default() })
    }

    /// Queues a message for the next `flush`; true if it is the first since the last one (the
    /// caller then schedules a flush at the end of this turn).
    pub fn queue(&self, msg: String) -> bool {
        let mut q = self.queued.borrow_mut();
        q.push(msg);
        q.len() == 1
    }

    /// Posts the queued messages: one message.
    pub fn flush(&self) {
        let mut all = std::mem::take(&mut *self.queued.borrow_mut());
        let msg = match all.len() {
            0 => return,
            1 => all.pop().unwrap_or_default(),
            _ => format!("{{\"messages\":[{}]}}", all.join(",")),
        };
        self.send(&msg);
    }

    /// Posts a message to every other context on the channel now, after the queued ones.
    pub fn post(&self, v: &Value) {
        self.flush();
        self.send(&crate::text(v));
    }

    fn send(&self, text: &str) {
        let _ = self.ch.post_message(&JsValue::from_str(text));
    }

    /// Posts what is queued and leaves the channel.
    pub fn close(&self) {
        self.flush();
        self.ch.set_onmessage(None);
        self.ch.close();
    }
}
