//! Loaders (one object by id, related objects as ids) and the query root's handlers.

use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::api::{id_of, ApiError, Caller};
use crate::sql_json::{column, one};

const ORDER_BY_ID: &str = "ORDER BY CAST(id AS INTEGER), id";

/// An address row inlined as a JSON object (addresses have no loader: they are not shared).
pub fn address(c: &Connection, id: Option<i64>) -> Result<Value, ApiError> {
    let Some(id) = id else { return Ok(Value::Null) };
    let row = one(
        c,
        "SELECT id, street_address AS streetAddress, city, province, postal_code AS postalCode, country
         FROM gc_addresses WHERE id = ?1",
        [id],
    )?;
    Ok(row.map(Value::Object).unwrap_or(Value::Null))
}

fn take_i64(m: &mut Map<String, Value>, key: &str) -> Option<i64> {
    m.remove(key).and_then(|v| v.as_i64())
}

/// A Profile by gcId.
pub fn profile(c: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    let Some(mut m) = one(
        c,
        "SELECT gc_id AS gcId, name, email, avatar, mobile_phone AS mobilePhone, office_phone AS officePhone,
                title_en AS titleEn, title_fr AS titleFr, team_id AS team, role, address_id
         FROM gc_profiles WHERE gc_id = ?1",
        [id],
    )?
    else {
        return Ok(None);
    };
    let addr = take_i64(&mut m, "address_id");
    m.insert("address".into(), address(c, addr)?);
    let owned = format!("SELECT id FROM gc_org_tiers WHERE owner_id = ?1 {ORDER_BY_ID}");
    m.insert("ownerOfTeams".into(), column(c, &owned, [id])?);
    let outstanding = format!(
        "SELECT id FROM gc_approvals WHERE approver_id = ?1 AND status = 'Pending' {ORDER_BY_ID}"
    );
    m.insert(
        "outstandingApprovals".into(),
        column(c, &outstanding, [id])?,
    );
    let submitted = format!("SELECT id FROM gc_approvals WHERE submitter_id = ?1 {ORDER_BY_ID}");
    m.insert("submittedApprovals".into(), column(c, &submitted, [id])?);
    Ok(Some(Value::Object(m)))
}

/// An OrgTier by id; members are the profiles whose team it is.
pub fn org_tier(c: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    let Some(mut m) = one(
        c,
        "SELECT id, name_en AS nameEn, name_fr AS nameFr, description_en AS descriptionEn,
                description_fr AS descriptionFr, colour, avatar, organization_id AS organization, owner_id AS owner
         FROM gc_org_tiers WHERE id = ?1",
        [id],
    )?
    else {
        return Ok(None);
    };
    let members =
        "SELECT gc_id FROM gc_profiles WHERE team_id = ?1 ORDER BY CAST(gc_id AS INTEGER), gc_id";
    m.insert("members".into(), column(c, members, [id])?);
    Ok(Some(Value::Object(m)))
}

/// An Organization by id.
pub fn organization(c: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    let Some(mut m) = one(
        c,
        "SELECT id, name_en AS nameEn, name_fr AS nameFr, acronym_en AS acronymEn, acronym_fr AS acronymFr,
                org_type AS orgType
         FROM gc_organizations WHERE id = ?1",
        [id],
    )?
    else {
        return Ok(None);
    };
    let tiers = format!("SELECT id FROM gc_org_tiers WHERE organization_id = ?1 {ORDER_BY_ID}");
    m.insert("orgTiers".into(), column(c, &tiers, [id])?);
    Ok(Some(Value::Object(m)))
}

/// An Approval by id, its requested change inlined.
pub fn approval(c: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    let Some(mut m) = one(
        c,
        "SELECT id, approver_id AS gcIDApprover, submitter_id AS gcIDSubmitter, created_on AS createdOn,
                actioned_on AS actionedOn, denied_comment AS deniedComment, status, change_type AS changeType,
                change_id
         FROM gc_approvals WHERE id = ?1",
        [id],
    )?
    else {
        return Ok(None);
    };
    let change = take_i64(&mut m, "change_id").unwrap_or_default();
    m.insert("requestedChange".into(), requested_change(c, change)?);
    Ok(Some(Value::Object(m)))
}

/// A RequestedChange row, address inlined, teams as ids (the shape `apply_change` reads).
pub fn requested_change(c: &Connection, id: i64) -> Result<Value, ApiError> {
    let Some(mut m) = one(
        c,
        "SELECT id, name, email, avatar, mobile_phone AS mobilePhone, office_phone AS officePhone,
                title_en AS titleEn, title_fr AS titleFr, team_id AS team, ownership_of_team_id AS ownershipOfTeam,
                address_id
         FROM gc_requested_changes WHERE id = ?1",
        [id],
    )?
    else {
        return Err(ApiError::internal(format!("requested change {id} is missing")));
    };
    let addr = take_i64(&mut m, "address_id");
    m.insert("address".into(), address(c, addr)?);
    Ok(Value::Object(m))
}

fn by_id(
    c: &Connection,
    args: &Value,
    arg: &str,
    loader: fn(&Connection, &str) -> Result<Option<Value>, ApiError>,
) -> Result<Value, ApiError> {
    let id = args
        .get(arg)
        .and_then(id_of)
        .ok_or_else(|| ApiError::bad_input(format!("{arg} is required")))?;
    Ok(loader(c, &id)?.unwrap_or(Value::Null))
}

/// `Query.profile(gcId)`.
pub fn query_profile(c: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    by_id(c, &args, "gcId", profile)
}

/// `Query.orgTier(id)`.
pub fn query_org_tier(c: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    by_id(c, &args, "id", org_tier)
}

/// `Query.organization(id)`.
pub fn query_organization(c: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    by_id(c, &args, "id", organization)
}

/// `Query.approval(id)`.
pub fn query_approval(c: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    by_id(c, &args, "id", approval)
}
