//! The pending layer of the last reads, kept for the next ones. An app's `updates` function
//! runs once per live entry on a read (`updates.rs`), and each run reads and rewrites the whole
//! query result it updates: with 100 timesheets created offline, every read of any query of
//! the API took ~130 ms, and 200 took ~410 ms (`bench/updates.mjs`, before this memo).
//!
//! A view is kept per user and API, with what it was made from: the records' generation (any
//! change to a user's records in memory makes a new one) and the layers, each named by its
//! entry and variables. A read with the same layers reuses it, no updater run; a read whose
//! layers extend the kept ones (an entry queued since) runs only the new ones over it. Any
//! other change (a record written, an entry sent, dead or discarded) builds the view again.
//! So an app function runs once per entry per state of the cache, as Graphcache runs its
//! `updates` once per result, and not once per read.

use super::pending::{Layer, Layered, Over, Overlay};
use super::record::Record;
use serde_json::Value;
use std::collections::BTreeMap;

/// How many views are kept: one per (user, API), a client has one user (two around a switch).
const KEPT: usize = 4;

/// What one layer was made from.
#[derive(Clone, PartialEq)]
enum Made {
    Overlay(Overlay),
    Update(String, Value),
}

impl Made {
    fn of(layer: &Layer<'_>) -> Made {
        match layer {
            Layer::Overlay(o) => Made::Overlay(o.clone()),
            Layer::Update { entry_id, vars, .. } => Made::Update(entry_id.clone(), vars.clone()),
        }
    }
}

/// A kept view.
pub(super) struct Memo {
    user: String,
    api: &'static str,
    generation: u64,
    made: Vec<Made>,
    over: Over,
    created: Vec<String>,
}

/// The kept views, newest last.
#[derive(Default)]
pub(super) struct Memos(std::cell::RefCell<Vec<Memo>>);

impl Memos {
    /// The view of `records` (`user`'s, at `generation`) with `layers`, from a kept view where
    /// one applies; the result is kept. Reads without an app function (patch overlays only,
    /// cheap to apply) are not kept.
    pub(super) fn layered<'r>(&self, user: &str, generation: u64, records: &'r BTreeMap<String, Record>, layers: &mut [Layer<'_>]) -> Layered<'r> {
        let Some(api) = layers.iter().find_map(|l| if let Layer::Update { api, .. } = l { Some(api.name) } else { None }) else {
            return Layered::with_layers(records, layers);
        };
        let made: Vec<Made> = layers.iter().map(Made::of).collect();
        // Taken out, not borrowed: the app's functions run below.
        let kept = {
            let mut all = self.0.borrow_mut();
            let i = all.iter().position(|m| m.user == user && m.api == api);
            i.map(|i| all.remove(i))
        };
        let (mut view, from) = match kept {
            Some(m) if m.generation == generation && made.starts_with(&m.made) => (Layered::from_parts(records, m.over, m.created), m.made.len()),
            _ => (Layered::from_parts(records, Vec::new(), Vec::new()), 0),
        };
        view.apply_layers(&mut layers[from..]);
        let (over, created) = view.parts();
        let mut all = self.0.borrow_mut();
        if all.len() >= KEPT {
            all.remove(0);
        }
        all.push(Memo { user: user.into(), api, generation, made, over: over.clone(), created: created.to_vec() });
        view
    }
}
