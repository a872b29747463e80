//! How other contexts (tabs, workers, the service worker) hear what a drainer did: every
//! event is posted on a BroadcastChannel named after the database, and received events are
//! handed to the local subscribers. A `queued` event from elsewhere also prompts a drain.

use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

/// An open channel and its listener.
pub struct Channel {
    ch: BroadcastChannel,
    _on: Closure<dyn FnMut(MessageEvent)>,
}

impl Channel {
    /// Joins channel `name`; `on` gets each message another context posts (as JSON).
    pub fn open(name: &str, on: impl Fn(Value) + 'static) -> Option<Channel> {
        let ch = BroadcastChannel::new(name).ok()?;
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            if let Some(text) = m.data().as_string() {
                if let Ok(v) = serde_json::from_str(&text) {
                    on(v);
                }
            }
        });
        ch.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(Channel { ch, _on: closure })
    }

    /// Posts a message to every other context on the channel.
    pub fn post(&self, v: &Value) {
        let _ = self.ch.post_message(&JsValue::from_str(&v.to_string()));
    }

    /// Leaves the channel.
    pub fn close(&self) {
        self.ch.set_onmessage(None);
        self.ch.close();
    }
}
