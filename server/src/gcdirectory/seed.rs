//! Seeds the `gcdirectory` section of the fixtures file (format in server/README.md).

use rusqlite::{params, Connection};
use serde_json::Value;

use super::{ADDRESS_FIELDS, NAME, PROFILE_FIELDS};
use crate::api::{id_of, list_of as list, str_of};
use crate::scalars::{is_email, is_phone_number, is_postal_code};

fn req<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a str, String> {
    str_of(v, key).ok_or_else(|| format!("{what}: `{key}` is required"))
}

fn req_id(v: &Value, key: &str, what: &str) -> Result<String, String> {
    v.get(key)
        .and_then(id_of)
        .ok_or_else(|| format!("{what}: `{key}` is required"))
}

/// Output values are checked against the custom scalars too, so bad fixtures would surface as
/// errors on every query; fail at start instead.
fn check_formats(v: &Value, what: &str) -> Result<(), String> {
    type Check = fn(&str) -> bool;
    let checks: [(&str, Check); 4] = [
        ("email", is_email),
        ("mobilePhone", is_phone_number),
        ("officePhone", is_phone_number),
        ("postalCode", is_postal_code),
    ];
    for (key, ok) in checks {
        if let Some(s) = str_of(v, key) {
            if !ok(s) {
                return Err(format!("{what}: `{key}` {s:?} is not well-formed"));
            }
        }
    }
    Ok(())
}

fn insert_address(c: &Connection, addr: Option<&Value>, what: &str) -> Result<Option<i64>, String> {
    let Some(addr) = addr.filter(|a| a.is_object()) else {
        return Ok(None);
    };
    check_formats(addr, what)?;
    let vals: Vec<&str> = ADDRESS_FIELDS
        .iter()
        .map(|(f, _)| str_of(addr, f).unwrap_or_default())
        .collect();
    c.execute(
        "INSERT INTO gc_addresses (street_address, city, province, postal_code, country) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![vals[0], vals[1], vals[2], vals[3], vals[4]],
    )
    .map_err(|e| e.to_string())?;
    Ok(Some(c.last_insert_rowid()))
}

/// Inserts organizations, profiles (with tokens), org tiers (with members) and approvals.
pub fn seed(c: &Connection, section: &Value) -> Result<(), String> {
    let db = |e: rusqlite::Error| e.to_string();
    for o in list(section, "organizations") {
        let id = req_id(o, "id", "organization")?;
        c.execute(
            "INSERT INTO gc_organizations (id, name_en, name_fr, acronym_en, acronym_fr, org_type)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                req(o, "nameEn", "organization")?,
                req(o, "nameFr", "organization")?,
                str_of(o, "acronymEn"),
                str_of(o, "acronymFr"),
                str_of(o, "orgType").unwrap_or("Default")
            ],
        )
        .map_err(db)?;
    }
    // Profiles before tiers (tiers name owners), tiers before memberships (profiles name teams).
    for p in list(section, "profiles") {
        let id = req_id(p, "gcId", "profile")?;
        let what = format!("profile {id}");
        check_formats(p, &what)?;
        req(p, "name", &what)?;
        req(p, "email", &what)?;
        let role = str_of(p, "role").unwrap_or("User");
        let address = insert_address(c, p.get("address"), &what)?;
        c.execute("INSERT INTO gc_profiles (gc_id, name, email, role, address_id) VALUES (?1, '', '', ?2, ?3)", params![id, role, address])
            .map_err(db)?;
        for (field, col) in PROFILE_FIELDS {
            if let Some(v) = str_of(p, field) {
                c.execute(
                    &format!("UPDATE gc_profiles SET {col} = ?1 WHERE gc_id = ?2"),
                    params![v, id],
                )
                .map_err(db)?;
            }
        }
        if let Some(token) = str_of(p, "token") {
            crate::db::insert_token(c, NAME, token, &id, role).map_err(db)?;
        }
    }
    for t in list(section, "orgTiers") {
        let id = req_id(t, "id", "org tier")?;
        let what = format!("org tier {id}");
        c.execute(
            "INSERT INTO gc_org_tiers (id, name_en, name_fr, description_en, description_fr, colour, avatar, organization_id, owner_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                req(t, "nameEn", &what)?,
                req(t, "nameFr", &what)?,
                str_of(t, "descriptionEn"),
                str_of(t, "descriptionFr"),
                str_of(t, "colour"),
                str_of(t, "avatar"),
                req_id(t, "organization", &what)?,
                t.get("owner").and_then(id_of)
            ],
        )
        .map_err(|e| format!("{what}: {e}"))?;
        for m in list(t, "members") {
            let member = id_of(m).ok_or(format!("{what}: bad member id"))?;
            let n = c
                .execute(
                    "UPDATE gc_profiles SET team_id = ?1 WHERE gc_id = ?2",
                    params![id, member],
                )
                .map_err(db)?;
            if n == 0 {
                return Err(format!("{what}: member {member} is not a profile"));
            }
        }
    }
    for a in list(section, "approvals") {
        let id = req_id(a, "id", "approval")?;
        let what = format!("approval {id}");
        let change = a
            .get("requestedChange")
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        check_formats(&change, &what)?;
        let address = insert_address(c, change.get("address"), &what)?;
        c.execute(
            "INSERT INTO gc_requested_changes (name, email, avatar, mobile_phone, office_phone, address_id, title_en,
                                               title_fr, team_id, ownership_of_team_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                str_of(&change, "name"),
                str_of(&change, "email"),
                str_of(&change, "avatar"),
                str_of(&change, "mobilePhone"),
                str_of(&change, "officePhone"),
                address,
                str_of(&change, "titleEn"),
                str_of(&change, "titleFr"),
                change.get("team").and_then(id_of),
                change.get("ownershipOfTeam").and_then(id_of)
            ],
        )
        .map_err(|e| format!("{what}: {e}"))?;
        let change_id = c.last_insert_rowid();
        c.execute(
            "INSERT INTO gc_approvals (id, approver_id, submitter_id, change_id, status, change_type, created_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                req_id(a, "approver", &what)?,
                a.get("submitter").and_then(id_of),
                change_id,
                str_of(a, "status").unwrap_or("Pending"),
                req(a, "changeType", &what)?,
                str_of(a, "createdOn").map(String::from).unwrap_or_else(crate::clock::now_rfc3339)
            ],
        )
        .map_err(|e| format!("{what}: {e}"))?;
    }
    Ok(())
}
