//! Emits one API's tables (`api_<name>.rs`) in the compact form the SDK ships: every string
//! once, in one NUL-separated text, and the structure as a byte string of LEB128 numbers that
//! `src/api/decode.rs` turns into the `Api` of `src/api/model.rs` on first use.
//!
//! Why: as nested `&'static` statics (`emit_rust::tables`, still emitted for the equivalence
//! test) each string reference costs an 8-byte pointer and length and each field a 36-byte
//! struct, about 70 KB of poorly compressible wasm data for Worksome. Here a reference is an
//! index, one byte for the 127 most used strings.
//!
//! The stream, in order (`s` a string index, `o` 0 for none else a string index + 1, `n` a
//! number; lists are a count then the items):
//! - types: `s` name, `n` kind: 0 scalar `n` format (index in `FORMATS`), 1 enum `[s]`,
//!   2 input `[s s]`;
//! - selections, each after the ones it contains: `s` type name, `[field]`; a field is `s`
//!   response key, `s` name, `[s n s]` args (name, 0 literal JSON / 1 variable, value), `o` type
//!   condition, `n` 0 or 1 + the index of its sub-selection;
//! - operations: `s` name, `s` document, `[s s]` args, `n` flags (1 single input, 2 idempotent),
//!   `o` creates, `n` selection;
//! - queries: `s` name, `s` document, `[s s]` args, `n` selection;
//! - keys `[s s]`; patches: `s` mutation, `s` entity, `s` key, `[s s]` fields, `n` delete.

use crate::inputs::{effective_type, reachable};
use crate::model::{Kind, Schema};
use crate::operations::Operation;
use crate::patches::Patch;
use crate::queries::Query;
use crate::selection_table::{Arg, Sel};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// The SDK's `api::model::Format` variants in declaration order: a type's format is sent as its
/// index here (the equivalence test in tests/native/tables.rs fails if the orders differ).
pub const FORMATS: [&str; 19] = [
    "String", "Int", "Float", "Boolean", "Id", "Email", "PhoneNumber", "E164PhoneNumber", "PostalCode", "Date", "Time",
    "DateTime", "Decimal2", "Decimal4", "StrictPercentage", "Url", "Json", "Dictionary", "Upload",
];

/// One item of the stream before string indices are known.
enum Tok {
    Str(String),
    OptStr(Option<String>),
    Num(usize),
}

#[derive(Default)]
struct Stream {
    toks: Vec<Tok>,
}

impl Stream {
    fn s(&mut self, s: &str) {
        self.toks.push(Tok::Str(s.to_string()));
    }
    fn o(&mut self, s: Option<&str>) {
        self.toks.push(Tok::OptStr(s.map(String::from)));
    }
    fn n(&mut self, n: usize) {
        self.toks.push(Tok::Num(n));
    }
    fn pairs(&mut self, pairs: impl ExactSizeIterator<Item = (String, String)>) {
        self.n(pairs.len());
        for (a, b) in pairs {
            self.s(&a);
            self.s(&b);
        }
    }
}

/// The selections, each written once and after the ones it contains.
#[derive(Default)]
struct Sels {
    /// Selection (by its Debug text) -> index, so identical selections are written once.
    seen: BTreeMap<String, usize>,
    out: Stream,
}

impl Sels {
    /// The index of `sel`, written on first use.
    fn sel(&mut self, sel: &Sel) -> usize {
        let key = format!("{sel:?}");
        if let Some(&i) = self.seen.get(&key) {
            return i;
        }
        let subs: Vec<usize> = sel.fields.iter().map(|f| f.selection.as_ref().map_or(0, |s| 1 + self.sel(s))).collect();
        let out = &mut self.out;
        out.s(&sel.type_name);
        out.n(sel.fields.len());
        for (f, sub) in sel.fields.iter().zip(subs) {
            out.s(&f.response_key);
            out.s(&f.name);
            out.n(f.args.len());
            for (name, arg) in &f.args {
                out.s(name);
                match arg {
                    Arg::Json(j) => (out.n(0), out.s(j)),
                    Arg::Variable(v) => (out.n(1), out.s(v)),
                };
            }
            out.o(f.on.as_deref());
            out.n(sub);
        }
        let i = self.seen.len();
        self.seen.insert(key, i);
        i
    }
}

fn leb(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// `api_<name>.rs`: `pub static API: LazyLock<Api>` decoding the string table and the stream.
pub fn tables(api: &str, schema: &Schema, ops: &[Operation], queries: &[Query], patches: &[Patch]) -> Result<String, String> {
    let mut head = Stream::default();
    let roots: Vec<String> = queries.iter().flat_map(|q| q.variables.iter().map(|v| v.ty.named().to_string())).collect();
    let types = reachable(schema, &roots)?;
    head.n(types.len());
    for name in types {
        head.s(&name);
        match &schema.get(&name)?.kind {
            Kind::Scalar => {
                let format = crate::scalars::lookup(&name)?.format;
                let i = FORMATS.iter().position(|f| *f == format).ok_or_else(|| format!("scalar {name}: format {format} is not in compact::FORMATS"))?;
                head.n(0);
                head.n(i);
            }
            Kind::Enum(values) => {
                head.n(1);
                head.n(values.len());
                values.iter().for_each(|v| head.s(v));
            }
            Kind::Input(fields) => {
                head.n(2);
                head.pairs(fields.iter().map(|f| (f.name.clone(), effective_type(f))));
            }
            _ => unreachable!("reachable() returns input types only"),
        }
    }
    // Selections go between the types and the operations that point at them.
    let mut sels = Sels::default();
    let mut body = Stream::default();
    body.n(ops.len());
    for op in ops {
        body.s(&op.name);
        body.s(&crate::emit_rust::compact(&op.document));
        body.pairs(op.args.iter().map(|a| (a.name.clone(), effective_type(a))));
        body.n(usize::from(op.single_input()) | usize::from(crate::idempotency::naturally_idempotent(api, &op.name)) << 1);
        body.o(op.creates.as_deref());
        body.n(sels.sel(&op.selection));
    }
    body.n(queries.len());
    for q in queries {
        body.s(&q.name);
        body.s(&crate::emit_rust::compact(&q.document));
        body.pairs(q.variables.iter().map(|a| (a.name.clone(), effective_type(a))));
        body.n(sels.sel(&q.selection));
    }
    let keys: Vec<(String, String)> = schema
        .types
        .values()
        .filter(|t| matches!(t.kind, Kind::Object(_)) && t.name != schema.query && t.name != schema.mutation)
        .filter_map(|t| crate::selection::key_field(schema, &t.name).map(|k| (t.name.clone(), k.to_string())))
        .collect();
    body.pairs(keys.into_iter());
    body.n(patches.len());
    for p in patches {
        body.s(&p.mutation);
        body.s(&p.entity);
        body.s(&p.key);
        body.pairs(p.fields.iter().cloned());
        body.n(usize::from(p.delete));
    }
    let mut toks = head.toks;
    toks.push(Tok::Num(sels.seen.len()));
    toks.extend(sels.out.toks);
    toks.extend(body.toks);
    // NUL separates the strings of the table.
    if let Some(Tok::Str(s) | Tok::OptStr(Some(s))) = toks.iter().find(|t| matches!(t, Tok::Str(s) | Tok::OptStr(Some(s)) if s.contains('\0'))) {
        return Err(format!("{api}: a name or document holds a NUL character: {s:?}"));
    }
    Ok(render(api, toks))
}

fn render(api: &str, toks: Vec<Tok>) -> String {
    // The most used strings get the smallest indices (one LEB128 byte below 128); ties by text,
    // so the output does not depend on hash order.
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for t in &toks {
        match t {
            Tok::Str(s) | Tok::OptStr(Some(s)) => *uses.entry(s.as_str()).or_default() += 1,
            _ => {}
        }
    }
    let mut strings: Vec<&str> = uses.keys().copied().collect();
    strings.sort_by(|a, b| uses[b].cmp(&uses[a]).then(a.cmp(b)));
    let index: HashMap<&str, usize> = strings.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut code = vec![];
    for t in &toks {
        match t {
            Tok::Str(s) => leb(&mut code, index[s.as_str()]),
            Tok::OptStr(s) => leb(&mut code, s.as_ref().map_or(0, |s| index[s.as_str()] + 1)),
            Tok::Num(n) => leb(&mut code, *n),
        }
    }
    let mut out = String::from(crate::emit_rust::HEADER);
    writeln!(out, "/// The {api} API: input types, mutation and query documents, selections, keys and patches, from").unwrap();
    writeln!(out, "/// schemas/{api}.graphql and operations/{api}/, decoded on first use (see codegen/src/compact.rs).").unwrap();
    writeln!(out, "pub static API: std::sync::LazyLock<Api> = std::sync::LazyLock::new(|| crate::api::decode::api({api:?}, STRINGS, CODE));").unwrap();
    writeln!(out, "static STRINGS: &str = {:?};", strings.join("\0")).unwrap();
    write!(out, "static CODE: &[u8] = b\"").unwrap();
    for b in code {
        match b {
            b'"' | b'\\' => write!(out, "\\{}", b as char).unwrap(),
            0x20..=0x7e => out.push(b as char),
            _ => write!(out, "\\x{b:02x}").unwrap(),
        }
    }
    writeln!(out, "\";").unwrap();
    out
}
