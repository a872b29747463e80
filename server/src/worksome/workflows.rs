//! Workflows ("Only companies can create/delete workflows"): a tree of an approval (the root,
//! whose id is the workflow's id), its rules and their approver groups, written in one call.

use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::{json, Value};

use super::approvals::{
    apply_approval_update, insert_approval, insert_approver, insert_conditions, insert_rule,
    own_approval,
};
use super::auth::{self, actor, input, req_id, Actor};
use super::store;
use crate::api::{id_of, ApiError, Caller};

/// The Workflow view of an approval: its id and its rules as nodes.
pub fn as_workflow(c: &Connection, approval: &str) -> Result<Value, ApiError> {
    let a = store::must(c, "Approval", approval)?;
    let nodes = a.get("approvalRules").cloned().unwrap_or(json!([]));
    let mut w = store::Obj::new();
    w.insert("id".into(), json!(approval));
    w.insert("nodes".into(), nodes);
    store::complete(c, "Workflow", w)
}

/// Creates rule nodes (temporary id -> rule id) and approver nodes under them.
fn write_nodes(
    c: &Connection,
    a: &Actor,
    approval_id: &str,
    inp: &Value,
    mut rules: HashMap<String, String>,
) -> Result<(), ApiError> {
    for (i, r) in inp
        .get("rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let conds = r
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let existing = r.get("id").and_then(id_of).filter(|id| {
            store::get_any(c, id)
                .ok()
                .flatten()
                .is_some_and(|(t, _)| t == "ApprovalRule")
        });
        match existing {
            Some(id) => {
                let mut rule = store::must(c, "ApprovalRule", &id)?;
                if rule.get("approval") != Some(&json!(approval_id)) {
                    return Err(ApiError::bad_input(format!(
                        "input.rules[{i}].id {id} is a rule of another workflow"
                    )));
                }
                insert_conditions(c, a, &mut rule, &conds)?;
                store::save(c, &mut rule)?;
                rules.insert(id.clone(), id);
            }
            None => {
                let mut approval = store::must(c, "Approval", approval_id)?;
                let id = insert_rule(c, a, &mut approval, &conds)?;
                let temp = r
                    .get("id")
                    .and_then(id_of)
                    .unwrap_or_else(|| format!("#rule{i}"));
                rules.insert(temp, id);
            }
        }
    }
    for (i, ap) in inp
        .get("approvers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let groups = auth::ids(ap, "data");
        if let Some(existing) = ap.get("id").and_then(id_of).filter(|id| {
            store::get_any(c, id)
                .ok()
                .flatten()
                .is_some_and(|(t, _)| t == "Approver")
        }) {
            let mut o = store::must(c, "Approver", &existing)?;
            auth::own(a, auth::owner_of(&o), "the approver")?;
            if let Some(g) = groups.first() {
                auth::own(
                    a,
                    auth::owner_of(&store::must(c, "UserGroup", g)?),
                    "the user group",
                )?;
                o.insert("userGroup".into(), json!(g));
                store::save(c, &mut o)?;
            }
            continue;
        }
        let parent = ap.get("parent").and_then(id_of).unwrap_or_default();
        let rule_id = rules.get(&parent).cloned().ok_or_else(|| {
            ApiError::bad_input(format!(
                "input.approvers[{i}].parent {parent:?} names no rule of this workflow"
            ))
        })?;
        let mut rule = store::must(c, "ApprovalRule", &rule_id)?;
        for g in groups {
            let pos = rule
                .get("approverCount")
                .and_then(Value::as_i64)
                .unwrap_or(0)
                + 1;
            insert_approver(c, a, &mut rule, &g, pos)?;
        }
    }
    Ok(())
}

/// `createWorkflow`.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::company(&a, "create workflows")?;
    let root = inp.get("root").cloned().unwrap_or_default();
    let id = insert_approval(c, &a, root.get("data").unwrap_or(&Value::Null))?;
    write_nodes(c, &a, &id, inp, HashMap::new())?;
    as_workflow(c, &id)
}

/// `updateWorkflow`: `root.id` names the workflow; rules with an existing id get new
/// conditions, others are added; approvers likewise.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let root = inp.get("root").cloned().unwrap_or_default();
    let id = req_id(&root, "id")?;
    let mut approval = own_approval(c, &a, &id, "update workflows")?;
    apply_approval_update(c, &mut approval, root.get("data").unwrap_or(&Value::Null))?;
    write_nodes(c, &a, &id, inp, HashMap::new())?;
    as_workflow(c, &id)
}

/// `deleteWorkflow`: the approval (archived) with its rules and approvers.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let mut approval = own_approval(c, &a, &id, "delete workflows")?;
    let out = as_workflow(c, &id)?;
    for r in auth::ids(&Value::Object(approval.clone()), "approvalRules") {
        if let Some((_, rule)) = store::get_any(c, &r)? {
            for ap in auth::ids(&Value::Object(rule), "approvers") {
                store::delete(c, &ap)?;
            }
        }
        store::delete(c, &r)?;
    }
    approval.insert("status".into(), json!("ARCHIVED"));
    store::save(c, &mut approval)?;
    store::delete(c, &id)?;
    Ok(out)
}

/// `Query.workflow(id)`: the workflow of a live approval, or null.
pub fn query(c: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    let id = args.get("id").and_then(id_of).unwrap_or_default();
    match store::get_any(c, &id)? {
        Some((t, _)) if t == "Approval" => as_workflow(c, &id),
        _ => Ok(Value::Null),
    }
}
