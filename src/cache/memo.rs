//! The pending layer of the last reads, kept for the next ones. An app's `updates` function
//! runs once per live entry on a read (`updates.rs`), and each run reads and rewrites the whole
//! query result it updates: with 100 timesheets created offline, every read of any query of
//! the API took ~130 ms, and 200 took ~410 ms (`bench/updates.mjs`, before this memo).
//!
//! A view is kept per user and API, with the layers it was made from, each named by its entry
//! and variables; every change to the records in memory drops the kept views (`Cache::users_mut`:
//! any write, even one that changes no field, a refresh from another context, a clear). A read
//! with the same layers reuses the view, no updater run; a read whose layers extend the kept
//! ones (an entry queued since) runs only the new ones over it. Anything else (records written,
//! an earlier entry sent, dead or discarded) builds the view again. So an app function runs
//! once per entry between two writes to the cache, as Graphcache runs its `updates` once per
//! result, and not once per read.

use super::pending::{Layer, Layered, Over, Overlay};
use super::record::Record;
use serde_json::Value;
use std::collections::BTreeMap;

/// How many views are kept: one per (user, API). A client reads its one user's records, so
/// this is one per API with app functions (two today).
const KEPT: usize = 4;

/// What one layer was made from.
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

    /// Whether `layer` is made from the same (compared in place: a read copies only the
    /// layers that are new).
    fn is(&self, layer: &Layer<'_>) -> bool {
        match (self, layer) {
            (Made::Overlay(a), Layer::Overlay(b)) => a == b,
            (Made::Update(id, v), Layer::Update { entry_id, vars, .. }) => id == entry_id && v == vars,
            _ => false,
        }
    }
}

/// A kept view.
pub(super) struct Memo {
    user: String,
    api: &'static str,
    made: Vec<Made>,
    over: Over,
    created: Vec<String>,
}

/// The kept views, newest last.
#[derive(Default)]
pub(super) struct Memos(std::cell::RefCell<Vec<Memo>>);

impl Memos {
    /// Drops every kept view (the records changed).
    pub(super) fn clear(&self) {
        self.0.borrow_mut().clear();
    }

    /// The view of `records` (`user`'s) with `layers`, from a kept view where one applies; the
    /// result is kept. Reads without an app function (patch overlays only, cheap to apply) are
    /// not kept.
    pub(super) fn layered<'r>(&self, user: &str, records: &'r BTreeMap<String, Record>, layers: &mut [Layer<'_>]) -> Layered<'r> {
        let Some(api) = layers.iter().find_map(|l| if let Layer::Update { api, .. } = l { Some(api.name) } else { None }) else {
            return Layered::with_layers(records, layers);
        };
        // Taken out, not borrowed: the app's functions run below.
        let kept = {
            let mut all = self.0.borrow_mut();
            let i = all.iter().position(|m| m.user == user && m.api == api);
            i.map(|i| all.remove(i))
        };
        let (mut view, mut made) = match kept {
            Some(m) if m.made.len() <= layers.len() && m.made.iter().zip(layers.iter()).all(|(k, l)| k.is(l)) => (Layered::from_parts(records, m.over, m.created), m.made),
            _ => (Layered::from_parts(records, Vec::new(), Vec::new()), Vec::new()),
        };
        let from = made.len();
        made.extend(layers[from..].iter().map(Made::of));
        view.apply_layers(&mut layers[from..]);
        let (over, created) = view.parts();
        let mut all = self.0.borrow_mut();
        if all.len() >= KEPT {
            all.remove(0);
        }
        all.push(Memo { user: user.into(), api, made, over: over.clone(), created: created.to_vec() });
        view
    }
}
