//! The five GC Directory mutations and their business rules.
//!
//! Each runs inside a savepoint opened by the generic resolver, so returning an error after a
//! write leaves nothing behind; validation still comes first to keep the rules readable.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::{load, ADDRESS_FIELDS, PROFILE_FIELDS};
use crate::api::{id_of, str_of, ApiError, Caller};
use crate::sql_json::exists;

fn e1(id: &str) -> ApiError {
    ApiError::new("E1ProfileNotExist", format!("profile {id} does not exist"))
}
fn e2(id: &str) -> ApiError {
    ApiError::new("E2TeamNotExist", format!("org tier {id} does not exist"))
}
fn e3(id: &str) -> ApiError {
    ApiError::new("E3OrgNotExist", format!("organization {id} does not exist"))
}
fn e4(id: &str) -> ApiError {
    ApiError::new(
        "E4ApprovalNotExist",
        format!("approval {id} does not exist"),
    )
}

fn is_admin(caller: &Caller) -> bool {
    caller.role == "Admin"
}

/// A required id argument.
fn arg_id(args: &Value, name: &str) -> Result<String, ApiError> {
    args.get(name)
        .and_then(id_of)
        .ok_or_else(|| ApiError::bad_input(format!("{name} is required")))
}

/// A reference given as `{id}` (inputs) or as a bare id (stored requested changes); `None` if null.
fn ref_id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Object(m) => m.get("id").and_then(id_of),
        other => id_of(other),
    }
}

fn profile_exists(c: &Connection, id: &str) -> Result<bool, ApiError> {
    Ok(exists(
        c,
        "SELECT 1 FROM gc_profiles WHERE gc_id = ?1",
        [id],
    )?)
}
fn tier_exists(c: &Connection, id: &str) -> Result<bool, ApiError> {
    Ok(exists(c, "SELECT 1 FROM gc_org_tiers WHERE id = ?1", [id])?)
}
fn org_exists(c: &Connection, id: &str) -> Result<bool, ApiError> {
    Ok(exists(
        c,
        "SELECT 1 FROM gc_organizations WHERE id = ?1",
        [id],
    )?)
}

/// The gcId an `OrgTierOwnerInput` names: gcID if given, else email; E1 if none matches.
fn resolve_owner(c: &Connection, owner: &Value) -> Result<String, ApiError> {
    if let Some(id) = owner.get("gcID").and_then(id_of) {
        return if profile_exists(c, &id)? {
            Ok(id)
        } else {
            Err(e1(&id))
        };
    }
    let Some(email) = str_of(owner, "email") else {
        return Err(ApiError::new(
            "E1ProfileNotExist",
            "owner needs a gcID or an email",
        ));
    };
    c.query_row(
        "SELECT gc_id FROM gc_profiles WHERE email = ?1",
        [email],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| ApiError::new("E1ProfileNotExist", format!("no profile has email {email}")))
}

/// Copies the non-null fields of `change` onto a profile: plain fields, `address` (merged into the
/// existing address, created if none) and `team` (`{id}` or an id). Shared by modifyProfile and
/// an approved modifyApproval.
fn apply_change(c: &Connection, gc_id: &str, change: &Value) -> Result<(), ApiError> {
    let team = ref_id(change.get("team"));
    if let Some(team) = &team {
        if !tier_exists(c, team)? {
            return Err(e2(team));
        }
    }
    for (field, col) in PROFILE_FIELDS {
        if let Some(v) = str_of(change, field) {
            c.execute(
                &format!("UPDATE gc_profiles SET {col} = ?1 WHERE gc_id = ?2"),
                params![v, gc_id],
            )?;
        }
    }
    if let Some(team) = &team {
        c.execute(
            "UPDATE gc_profiles SET team_id = ?1 WHERE gc_id = ?2",
            params![team, gc_id],
        )?;
    }
    if let Some(addr) = change.get("address").filter(|a| a.is_object()) {
        let current: Option<i64> = c.query_row(
            "SELECT address_id FROM gc_profiles WHERE gc_id = ?1",
            [gc_id],
            |r| r.get(0),
        )?;
        let id = match current {
            Some(id) => id,
            None => {
                c.execute("INSERT INTO gc_addresses DEFAULT VALUES", [])?;
                let id = c.last_insert_rowid();
                c.execute(
                    "UPDATE gc_profiles SET address_id = ?1 WHERE gc_id = ?2",
                    params![id, gc_id],
                )?;
                id
            }
        };
        for (field, col) in ADDRESS_FIELDS {
            if let Some(v) = str_of(addr, field) {
                c.execute(
                    &format!("UPDATE gc_addresses SET {col} = ?1 WHERE id = ?2"),
                    params![v, id],
                )?;
            }
        }
    }
    Ok(())
}

fn loaded(v: Option<Value>, what: &str) -> Result<Value, ApiError> {
    v.ok_or_else(|| ApiError::internal(format!("{what} vanished after writing it")))
}

/// `modifyProfile(gcId, data)`: own profile, or any profile for an Admin.
pub fn modify_profile(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let gc_id = arg_id(&args, "gcId")?;
    if !profile_exists(c, &gc_id)? {
        return Err(e1(&gc_id));
    }
    if !is_admin(caller) && caller.subject != gc_id {
        return Err(ApiError::forbidden(
            "a User may modify only their own profile",
        ));
    }
    apply_change(c, &gc_id, &args["data"])?;
    loaded(load::profile(c, &gc_id)?, "profile")
}

/// `createOrgTier(...)`: any authenticated caller; the next numeric id.
pub fn create_org_tier(c: &Connection, _caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let org = ref_id(args.get("organization"))
        .ok_or_else(|| ApiError::bad_input("organization.id is required"))?;
    if !org_exists(c, &org)? {
        return Err(e3(&org));
    }
    let owner = resolve_owner(c, &args["owner"])?;
    let id: i64 = c.query_row(
        "SELECT COALESCE(MAX(CAST(id AS INTEGER)), 0) + 1 FROM gc_org_tiers",
        [],
        |r| r.get(0),
    )?;
    let id = id.to_string();
    c.execute(
        "INSERT INTO gc_org_tiers (id, name_en, name_fr, description_en, description_fr, organization_id, owner_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            str_of(&args, "nameEn").unwrap_or_default(),
            str_of(&args, "nameFr").unwrap_or_default(),
            str_of(&args, "descriptionEn"),
            str_of(&args, "descriptionFr"),
            org,
            owner
        ],
    )?;
    loaded(load::org_tier(c, &id)?, "org tier")
}

/// The tier's owner, after checking it exists and the caller is that owner or an Admin.
fn check_tier_rights(c: &Connection, caller: &Caller, id: &str) -> Result<(), ApiError> {
    let owner: Option<Option<String>> = c
        .query_row(
            "SELECT owner_id FROM gc_org_tiers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(owner) = owner else {
        return Err(e2(id));
    };
    if is_admin(caller) || owner.as_deref() == Some(caller.subject.as_str()) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "only the org tier's owner or an Admin may change it",
        ))
    }
}

/// `modifyOrgTier(id, data)`: owner or Admin.
pub fn modify_org_tier(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let id = arg_id(&args, "id")?;
    check_tier_rights(c, caller, &id)?;
    let data = &args["data"];
    let org = ref_id(data.get("organization"));
    if let Some(org) = &org {
        if !org_exists(c, org)? {
            return Err(e3(org));
        }
    }
    let owner = match data.get("owner").filter(|o| o.is_object()) {
        Some(o) => Some(resolve_owner(c, o)?),
        None => None,
    };
    let fields = [
        ("nameEn", "name_en"),
        ("nameFr", "name_fr"),
        ("descriptionEn", "description_en"),
        ("descriptionFr", "description_fr"),
    ];
    for (field, col) in fields {
        if let Some(v) = str_of(data, field) {
            c.execute(
                &format!("UPDATE gc_org_tiers SET {col} = ?1 WHERE id = ?2"),
                params![v, id],
            )?;
        }
    }
    if let Some(org) = org {
        c.execute(
            "UPDATE gc_org_tiers SET organization_id = ?1 WHERE id = ?2",
            params![org, id],
        )?;
    }
    if let Some(owner) = owner {
        c.execute(
            "UPDATE gc_org_tiers SET owner_id = ?1 WHERE id = ?2",
            params![owner, id],
        )?;
    }
    loaded(load::org_tier(c, &id)?, "org tier")
}

/// `deleteOrgTier(id)`: owner or Admin; members and pending changes lose the team (ON DELETE SET NULL).
pub fn delete_org_tier(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let id = arg_id(&args, "id")?;
    check_tier_rights(c, caller, &id)?;
    c.execute("DELETE FROM gc_org_tiers WHERE id = ?1", [&id])?;
    Ok(Value::Bool(true))
}

/// `modifyApproval(id, data)`: only the named approver; Approved applies the requested change.
pub fn modify_approval(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let id = arg_id(&args, "id")?;
    let row: Option<(String, Option<String>, i64)> = c
        .query_row(
            "SELECT approver_id, submitter_id, change_id FROM gc_approvals WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((approver, submitter, change_id)) = row else {
        return Err(e4(&id));
    };
    if approver != caller.subject {
        return Err(ApiError::forbidden(
            "only the approver named on the approval may modify it",
        ));
    }
    let data = &args["data"];
    let status =
        str_of(data, "status").ok_or_else(|| ApiError::bad_input("data.status is required"))?;
    let comment = str_of(data, "deniedComment").filter(|s| !s.trim().is_empty());
    let now = crate::clock::now_rfc3339();
    match status {
        "Denied" => {
            let Some(comment) = comment else {
                return Err(ApiError::new(
                    "DENIED_COMMENT_REQUIRED",
                    "status Denied needs a non-empty deniedComment",
                ));
            };
            c.execute(
                "UPDATE gc_approvals SET status = 'Denied', denied_comment = ?1, actioned_on = ?2 WHERE id = ?3",
                params![comment, now, id],
            )?;
        }
        "Approved" => {
            if let Some(submitter) = &submitter {
                let change = load::requested_change(c, change_id)?;
                apply_change(c, submitter, &change)?;
                if let Some(team) = ref_id(change.get("ownershipOfTeam")) {
                    if !tier_exists(c, &team)? {
                        return Err(e2(&team));
                    }
                    c.execute(
                        "UPDATE gc_org_tiers SET owner_id = ?1 WHERE id = ?2",
                        params![submitter, team],
                    )?;
                }
            }
            c.execute(
                "UPDATE gc_approvals SET status = 'Approved', actioned_on = ?1 WHERE id = ?2",
                params![now, id],
            )?;
        }
        other => {
            c.execute(
                "UPDATE gc_approvals SET status = ?1 WHERE id = ?2",
                params![other, id],
            )?;
        }
    }
    loaded(load::approval(c, &id)?, "approval")
}
