//! Emits one API's TypeScript declarations: a namespace (`Gcdirectory`, `Worksome`) holding
//! its scalar aliases, enums as string unions, input interfaces, and per mutation an `Args`
//! type (what the function takes) and a `Result` type (exactly the selected fields).

use crate::inputs::reachable;
use crate::model::{InputValue, Kind, Schema, TypeRef};
use crate::naming::pascal;
use crate::operations::Operation;
use crate::queries::Query;
use crate::scalars;
use std::fmt::Write;

/// Name (inside the API's namespace) of the type a mutation's function takes.
/// For a mutation whose only argument is `input` it is an alias of that input's type.
pub fn args_type_name(op: &Operation) -> String {
    format!("{}Args", pascal(&op.name))
}

/// Names (inside the API's namespace) of a query's variables type and `data` type:
/// `ViewerQueryVariables`, `ViewerQueryData` (a query may share its name with a mutation).
pub fn query_type_names(q: &Query) -> (String, String) {
    let upper = pascal(&q.name);
    (format!("{upper}QueryVariables"), format!("{upper}QueryData"))
}

fn doc(out: &mut String, indent: &str, text: Option<&str>) {
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        let t = t.replace("*/", "*\\/");
        writeln!(out, "{indent}/**").unwrap();
        for line in t.lines() {
            writeln!(out, "{indent} * {}", line.trim_end()).unwrap();
        }
        writeln!(out, "{indent} */").unwrap();
    }
}

/// TypeScript of an input type reference (custom scalars by alias, built-ins inline).
fn ts_input(ty: &TypeRef) -> String {
    let (inner, nn) = match ty {
        TypeRef::List(i, nn) => (format!("Array<{}>", ts_input(i)), *nn),
        TypeRef::Named(n, nn) if scalars::is_builtin(n) => (
            scalars::lookup(n)
                .map(|s| s.ts_input.to_string())
                .unwrap_or_default(),
            *nn,
        ),
        TypeRef::Named(n, nn) => (n.clone(), *nn),
    };
    if nn {
        inner
    } else {
        format!("{inner} | null")
    }
}

fn member(out: &mut String, v: &InputValue) {
    doc(out, "    ", v.description.as_deref());
    let optional = !v.ty.non_null() || v.has_default;
    writeln!(
        out,
        "    {}{}: {};",
        v.name,
        if optional { "?" } else { "" },
        ts_input(&v.ty)
    )
    .unwrap();
}

/// The `export namespace <Api> { ... }` block.
pub fn namespace(api: &str, schema: &Schema, ops: &[Operation], queries: &[Query]) -> Result<String, String> {
    let ns = pascal(api);
    let mut out = String::new();
    writeln!(out, "\n/** Types of the {api} API, generated from schemas/{api}.graphql and operations/{api}/. */").unwrap();
    writeln!(out, "export namespace {ns} {{").unwrap();
    let roots: Vec<String> = queries.iter().flat_map(|q| q.variables.iter().map(|v| v.ty.named().to_string())).collect();
    let reachable = reachable(schema, &roots)?;
    let mut declared: Vec<String> = vec![];
    // Scalars and enums used in results must be declared too, not only those reachable from inputs.
    let mut names: Vec<String> = reachable.into_iter().collect();
    for t in schema.types.values() {
        if matches!(t.kind, Kind::Enum(_))
            || (matches!(t.kind, Kind::Scalar) && !scalars::is_builtin(&t.name))
        {
            names.push(t.name.clone());
        }
    }
    names.sort();
    names.dedup();
    for name in names {
        let def = schema.get(&name)?;
        match &def.kind {
            Kind::Scalar if scalars::is_builtin(&name) => continue,
            Kind::Scalar => {
                let spec = scalars::lookup(&name)?;
                let format = scalars::format_doc(spec.format)
                    .ok_or_else(|| format!("scalar {name}: no format doc for {} in codegen/src/scalars.rs", spec.format))?;
                let text = match def.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                    Some(d) => format!("{d}\n\n{format}"),
                    None => format.to_string(),
                };
                doc(&mut out, "  ", Some(&text));
                writeln!(out, "  export type {name} = {};", spec.ts_input).unwrap();
            }
            Kind::Enum(values) => {
                doc(&mut out, "  ", def.description.as_deref());
                let vs: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                writeln!(out, "  export type {name} = {};", vs.join(" | ")).unwrap();
            }
            Kind::Input(fields) => {
                doc(&mut out, "  ", def.description.as_deref());
                writeln!(out, "  export interface {name} {{").unwrap();
                for f in fields {
                    member(&mut out, f);
                }
                writeln!(out, "  }}").unwrap();
            }
            _ => continue,
        }
        declared.push(name);
    }
    for op in ops {
        let upper = pascal(&op.name);
        let args_name = args_type_name(op);
        let result_name = format!("{upper}Result");
        for n in [&args_name, &result_name] {
            if declared.contains(n) {
                return Err(format!(
                    "generated TypeScript name {ns}.{n} collides with a schema type"
                ));
            }
        }
        doc(
            &mut out,
            "  ",
            Some(&format!("What `client.{api}.{}` takes.", op.name)),
        );
        if op.single_input() {
            writeln!(
                out,
                "  export type {args_name} = {};",
                ts_input(&op.args[0].ty)
            )
            .unwrap();
        } else if !op.args.is_empty() {
            writeln!(out, "  export interface {args_name} {{").unwrap();
            for a in &op.args {
                member(&mut out, a);
            }
            writeln!(out, "  }}").unwrap();
        }
        doc(
            &mut out,
            "  ",
            Some(&format!(
                "The data `client.{api}.{}` resolves with: the fields its document selects.",
                op.name
            )),
        );
        writeln!(out, "  export type {result_name} = {};", op.result_ts).unwrap();
        declared.push(args_name);
        declared.push(result_name);
    }
    for q in queries {
        let (vars, data) = query_type_names(q);
        for n in [&vars, &data] {
            if declared.contains(n) {
                return Err(format!("generated TypeScript name {ns}.{n} collides with another type"));
            }
        }
        doc(&mut out, "  ", Some(&format!("The variables `client.{api}.query.{}` takes.", q.name)));
        writeln!(out, "  export interface {vars} {{").unwrap();
        for v in &q.variables {
            member(&mut out, v);
        }
        writeln!(out, "  }}").unwrap();
        doc(&mut out, "  ", Some(&format!("The `data` of `client.{api}.query.{}`: the fields its document selects.", q.name)));
        writeln!(out, "  export type {data} = {};", q.data_ts).unwrap();
        declared.push(vars);
        declared.push(data);
    }
    updates(&mut out, api, ops, queries, &declared)?;
    writeln!(out, "}}").unwrap();
    Ok(out)
}

/// `Queries` (each query's variables and data, by name), `UpdateCache` (what an app's
/// `updates` function gets as `cache`) and `Updates` (the option: a function per mutation).
fn updates(out: &mut String, api: &str, ops: &[Operation], queries: &[Query], declared: &[String]) -> Result<(), String> {
    for n in ["Queries", "UpdateCache", "Updates"] {
        if declared.iter().any(|d| d == n) {
            return Err(format!("generated TypeScript name {}.{n} collides with another type", pascal(api)));
        }
    }
    doc(out, "  ", Some(&format!("Every query of the {api} API by name: its variables and its data.")));
    writeln!(out, "  export interface Queries {{").unwrap();
    for q in queries {
        let (vars, data) = query_type_names(q);
        writeln!(out, "    {}: {{ variables: {vars}; data: {data} }};", q.name).unwrap();
    }
    writeln!(out, "  }}").unwrap();
    doc(out, "  ", Some(&format!(
        "The `cache` an `updates.{api}` function gets. `updateQuery(name, variables, update)`: `update` gets the\n\
         query's data as the cache shows it (null when it is not cached in full) and returns its new data\n\
         (null or undefined: unchanged). Call it while the function runs, not later."
    )));
    writeln!(out, "  export interface UpdateCache {{").unwrap();
    writeln!(out, "    updateQuery<N extends keyof Queries>(name: N, variables: Queries[N][\"variables\"], update: (data: Queries[N][\"data\"] | null) => Queries[N][\"data\"] | null | undefined): void;").unwrap();
    writeln!(out, "  }}").unwrap();
    doc(out, "  ", Some(&format!(
        "`Client.open({{ cache: {{ updates: {{ {api}: ... }} }} }})`: per mutation, a function that puts what it made into\n\
         cached query results. It runs on every read while an entry of the mutation waits, with a result built\n\
         from the entry's variables (a created entity's id is its `tmp:` placeholder, unknown fields null), and\n\
         once with the server's answer when the entry is sent, whose changes are stored."
    )));
    writeln!(out, "  export interface Updates {{").unwrap();
    for op in ops {
        let upper = pascal(&op.name);
        let args = if op.args.is_empty() { "Record<string, never>".to_string() } else { args_type_name(op) };
        writeln!(out, "    {}?: (result: {upper}Result, cache: UpdateCache, variables: {args}, info: UpdateInfo) => void;", op.name).unwrap();
    }
    writeln!(out, "  }}").unwrap();
    Ok(())
}
