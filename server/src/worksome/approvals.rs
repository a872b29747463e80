//! Approval flows: approvals ("Only companies can create approvals"), their rules and approver
//! groups, and actions on pending approval requests (ApprovalApprovable).

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

/// An approval of the caller's company (companies only).
pub fn own_approval(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "Approval", id)?;
    auth::company(a, what)?;
    auth::own(a, auth::owner_of(&o), "the approval")?;
    Ok(o)
}

fn own_rule(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let r = store::must(c, "ApprovalRule", id)?;
    auth::company(a, what)?;
    auth::own(a, auth::owner_of(&r), "the approval rule")?;
    Ok(r)
}

/// Stores an approval from `CreateApprovalInput`-shaped data; returns its id.
pub fn insert_approval(c: &Connection, a: &Actor, inp: &Value) -> Result<String, ApiError> {
    auth::company(a, "create approvals")?;
    let company = req_id(inp, "company")?;
    store::must(c, "Company", &company)?;
    auth::own(a, &company, "the company")?;
    let mut o = auth::owned(a, &company);
    auth::copy(
        &mut o,
        inp,
        &["name", "status", "trigger", "description", "company"],
    );
    o.insert("version".into(), json!(1));
    let id = store::insert(c, "Approval", o)?;
    let mut o = store::must(c, "Approval", &id)?;
    o.insert("latestVersionId".into(), json!(format!("{id}-v1")));
    store::save(c, &mut o)?;
    Ok(id)
}

/// Applies `UpdateApprovalDataInput`-shaped fields; each change is a new version.
pub fn apply_approval_update(c: &Connection, o: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    auth::copy(o, inp, &["name", "status", "trigger", "description"]);
    let v = o.get("version").and_then(Value::as_i64).unwrap_or(1) + 1;
    let id = o["id"].as_str().unwrap_or_default().to_string();
    o.insert("version".into(), json!(v));
    o.insert("latestVersionId".into(), json!(format!("{id}-v{v}")));
    store::save(c, o)
}

/// Stores the variable conditions of a rule as `WorkflowVariableRule` objects; returns their
/// ids and the custom fields they name.
pub fn insert_conditions(
    c: &Connection,
    a: &Actor,
    rule: &mut Obj,
    conds: &[Value],
) -> Result<(), ApiError> {
    let (mut ids, mut fields) = (Vec::new(), Vec::new());
    for (i, cond) in conds.iter().enumerate() {
        let field = str_of(cond, "id")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::bad_input(format!("input.rules[{i}].id is required")))?;
        let r = cond.get("rule").cloned().unwrap_or_default();
        let mut o = auth::owned(a, auth::owner_of(rule));
        o.insert("fieldId".into(), json!(field));
        o.insert("approvalRule".into(), rule["id"].clone());
        o.insert(
            "operator".into(),
            r.get("operator").cloned().unwrap_or_default(),
        );
        o.insert("value".into(), r.get("value").cloned().unwrap_or_default());
        o.insert(
            "variable".into(),
            json!({ "__typename": "WorkflowVariableStringType", "id": field, "title": field }),
        );
        ids.push(json!(store::insert(c, "WorkflowVariableRule", o)?));
        if store::get_any(c, field)?.is_some_and(|(t, _)| t == "CustomField") {
            fields.push(json!(field));
        }
    }
    rule.insert("rules".into(), Value::Array(ids));
    rule.insert("fields".into(), Value::Array(fields));
    Ok(())
}

/// Creates a rule under an approval; returns its id.
pub fn insert_rule(
    c: &Connection,
    a: &Actor,
    approval: &mut Obj,
    conds: &[Value],
) -> Result<String, ApiError> {
    let mut o = auth::owned(a, auth::owner_of(approval));
    o.insert("approval".into(), approval["id"].clone());
    let id = store::insert(c, "ApprovalRule", o)?;
    let mut rule = store::must(c, "ApprovalRule", &id)?;
    insert_conditions(c, a, &mut rule, conds)?;
    store::save(c, &mut rule)?;
    let mut rules = approval
        .get("approvalRules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    rules.push(json!(id));
    approval.insert("approvalRules".into(), Value::Array(rules));
    store::save(c, approval)?;
    Ok(id)
}

/// `createApprovalRule`.
pub fn create_rule(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut approval = own_approval(c, &a, &req_id(inp, "approval")?, "create approval rules")?;
    let conds = inp
        .get("rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(json!(insert_rule(c, &a, &mut approval, &conds)?))
}

/// `createApproval`: only companies, for their own company.
pub fn create_approval(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    Ok(json!(insert_approval(c, &a, input(&args))?))
}

/// `updateApproval`: the owning company; bumps the version.
pub fn update_approval(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_approval(c, &a, &req_id(inp, "id")?, "update approvals")?;
    apply_approval_update(c, &mut o, inp)?;
    store::complete(c, "Approval", o)
}

fn check_group(c: &Connection, a: &Actor, id: &str) -> Result<(), ApiError> {
    let g = store::must(c, "UserGroup", id)?;
    auth::own(a, auth::owner_of(&g), "the user group")
}

fn check_position(p: Option<i64>) -> Result<(), ApiError> {
    match p {
        Some(p) if p < 1 => Err(ApiError::bad_input(format!(
            "input.position must be 1 or more, got {p}"
        ))),
        _ => Ok(()),
    }
}

/// Adds an approver group to a rule; returns the approver's id.
pub fn insert_approver(
    c: &Connection,
    a: &Actor,
    rule: &mut Obj,
    group: &str,
    position: i64,
) -> Result<String, ApiError> {
    check_group(c, a, group)?;
    check_position(Some(position))?;
    let mut o = auth::owned(a, auth::owner_of(rule));
    o.insert("approvalRule".into(), rule["id"].clone());
    o.insert("userGroup".into(), json!(group));
    o.insert("position".into(), json!(position));
    let id = store::insert(c, "Approver", o)?;
    let mut list = rule
        .get("approvers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    list.push(json!(id));
    rule.insert("approverCount".into(), json!(list.len()));
    rule.insert("approvers".into(), Value::Array(list));
    store::save(c, rule)?;
    Ok(id)
}

/// `createApprover`.
pub fn create_approver(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut rule = own_rule(c, &a, &req_id(inp, "approvalRule")?, "create approvers")?;
    let group = req_id(inp, "userGroup")?;
    let position = inp.get("position").and_then(Value::as_i64).unwrap_or(1);
    Ok(json!(insert_approver(c, &a, &mut rule, &group, position)?))
}

/// `updateApprover`: another group or position.
pub fn update_approver(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = store::must(c, "Approver", &req_id(inp, "id")?)?;
    auth::company(&a, "update approvers")?;
    auth::own(&a, auth::owner_of(&o), "the approver")?;
    if let Some(g) = auth::opt_id(inp, "userGroup") {
        check_group(c, &a, &g)?;
        o.insert("userGroup".into(), json!(g));
    }
    check_position(inp.get("position").and_then(Value::as_i64))?;
    auth::copy(&mut o, inp, &["position"]);
    store::save(c, &mut o)?;
    store::complete(c, "Approver", o)
}

const FINAL: &[&str] = &["APPROVED", "REJECTED", "CANCELLED"];

/// `actionApprovalApprovable`: a member of one of the rule's approver groups approves, rejects
/// (with a reason) or asks for changes; the request keeps the history of states.
pub fn action(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut aa = store::must(c, "ApprovalApprovable", &req_id(inp, "id")?)?;
    let state = str_of(inp, "status").unwrap_or("APPROVED").to_string();
    let current = aa
        .get("_state")
        .and_then(Value::as_str)
        .unwrap_or("REQUESTED");
    if FINAL.contains(&current) {
        return Err(ApiError::new(
            "ALREADY_ACTIONED",
            format!("this approval request is already {current}"),
        ));
    }
    let rule = store::must(
        c,
        "ApprovalRule",
        aa.get("approvalRule")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    )?;
    let mut approver = None;
    for ap in rule
        .get("approvers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let Some((_, ap)) = store::get_any(c, ap.as_str().unwrap_or_default())? else {
            continue;
        };
        let group = store::must(
            c,
            "UserGroup",
            ap.get("userGroup")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        )?;
        if auth::ids(&Value::Object(group), "users").contains(&a.user) {
            approver = Some(ap["id"].clone());
            break;
        }
    }
    let approver = approver.ok_or_else(|| {
        ApiError::new(
            "NOT_AN_APPROVER",
            "the caller is in none of this rule's approver groups",
        )
    })?;
    let reason = str_of(inp, "reason").filter(|r| !r.trim().is_empty());
    if matches!(state.as_str(), "REJECTED" | "NEEDS_CHANGE") && reason.is_none() {
        return Err(ApiError::new(
            "REASON_REQUIRED",
            format!("input.reason is required to set {state}"),
        ));
    }
    let mut st = auth::owned(&a, auth::owner_of(&aa));
    for (k, v) in [
        ("state", json!(state)),
        ("actionedBy", json!(a.user)),
        ("message", json!(reason)),
        ("approver", approver),
        ("approvalApprovable", aa["id"].clone()),
        ("createdAt", json!(store::now())),
    ] {
        st.insert(k.into(), v);
    }
    let sid = store::insert(c, "ApprovalState", st)?;
    let mut states = aa
        .get("approvalStates")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    states.push(json!(sid));
    aa.insert("approvalStates".into(), Value::Array(states));
    aa.insert("_state".into(), json!(state));
    aa.insert(
        "viewerCanAction".into(),
        json!(!FINAL.contains(&state.as_str())),
    );
    store::save(c, &mut aa)?;
    store::complete(c, "ApprovalApprovable", aa)
}
