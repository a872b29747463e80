//! How other contexts (tabs, workers, the service worker) hear what a drainer did: every
//! event is posted on a BroadcastChannel named after the database, and received events are
//! handed to the local subscribers. A `queued` event from elsewhere also prompts a drain.
//!
//! The messages of one turn go out as one, `{ "messages": [..] }`: a batch of 20 entries makes
//! 40 events and 20 cache notices, and one `postMessage` each cost ~0.1-0.2 ms of main thread
//! (issue 9's profile). A lone message keeps its own form (`{ "event": .. }`, `{ "cache": .. }`)
//! and both forms are accepted, so contexts running an older build still hear it. Messages
//! keep their order: a message posted at once (`post`) first posts those queued before it.
//!
//! A burst of messages is gathered across turns (`gather.rs`).

use super::gather::{arrange, Flush};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

/// An open channel, its listener and the messages of this turn not yet posted.
pub struct Channel {
    ch: BroadcastChannel,
    _on: Closure<dyn FnMut(MessageEvent)>,
    /// As JSON text: an event is serialized once, for this channel and the local subscribers.
    queued: RefCell<Vec<String>>,
    /// When the last message was posted (ms, `Date.now()`).
    last_post: Cell<f64>,
    /// A flush at the end of this turn is arranged.
    turn_flush: Cell<bool>,
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
        Some(Channel { ch, _on: closure, queued: RefCell::default(), last_post: Cell::new(f64::NEG_INFINITY), turn_flush: Cell::new(false) })
    }

    /// Queues a message for the next `flush`; says what the caller must arrange (see
    /// `gather.rs`). `may_wait`: it may wait for the messages after it.
    pub fn queue(&self, msg: String, may_wait: bool) -> Flush {
        let mut q = self.queued.borrow_mut();
        q.push(msg);
        // The clock only for a message that may wait: every event of a drain comes here.
        let since_last_post = if may_wait { js_sys::Date::now() - self.last_post.get() } else { f64::INFINITY };
        let flush = arrange(q.len() == 1, self.turn_flush.get(), may_wait, since_last_post);
        if flush == Flush::EndOfTurn {
            self.turn_flush.set(true);
        }
        flush
    }

    /// Posts the queued messages: one message.
    pub fn flush(&self) {
        self.turn_flush.set(false);
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
        self.last_post.set(js_sys::Date::now());
        let _ = self.ch.post_message(&JsValue::from_str(text));
    }

    /// Posts what is queued and leaves the channel.
    pub fn close(&self) {
        self.flush();
        self.ch.set_onmessage(None);
        self.ch.close();
    }
}

/// Gathered messages still waiting when the client is dropped (collected by the GC) go out.
impl Drop for Channel {
    fn drop(&mut self) {
        self.flush();
    }
}
