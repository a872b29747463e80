//! User groups of a company ("Only companies can create, update, delete user groups and attach
//! or detach users"); members must be users of the same company.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

fn check_users(c: &Connection, company: &str, users: &[String]) -> Result<(), ApiError> {
    for (i, u) in users.iter().enumerate() {
        let user = store::must(c, "User", u)
            .map_err(|_| store::not_found("User", &format!("{u} (input.users[{i}])")))?;
        if auth::owner_of(&user) != company {
            return Err(ApiError::bad_input(format!(
                "input.users[{i}] (user {u}) is not a member of the company"
            )));
        }
    }
    Ok(())
}

fn own_group(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let g = store::must(c, "UserGroup", id)?;
    auth::company(a, what)?;
    auth::own(a, auth::owner_of(&g), "the user group")?;
    Ok(g)
}

fn done(c: &Connection, mut g: Obj) -> Result<Value, ApiError> {
    store::save(c, &mut g)?;
    store::complete(c, "UserGroup", g)
}

/// `createUserGroup`.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::company(&a, "create user groups")?;
    let company = req_id(inp, "company")?;
    store::must(c, "Company", &company)?;
    auth::own(&a, &company, "the company")?;
    if str_of(inp, "name").is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::bad_input("input.name must not be empty"));
    }
    let users = auth::ids(inp, "users");
    check_users(c, &company, &users)?;
    let mut g = auth::owned(&a, &company);
    auth::copy(&mut g, inp, &["name", "description", "status"]);
    g.insert("company".into(), json!(company));
    g.insert("users".into(), json!(users));
    Ok(json!(store::insert(c, "UserGroup", g)?))
}

/// `updateUserGroup`: `users`, when given, replaces the members.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut g = own_group(c, &a, &req_id(inp, "id")?, "update user groups")?;
    if str_of(inp, "name").is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::bad_input("input.name must not be empty"));
    }
    auth::copy(&mut g, inp, &["name", "description", "status"]);
    if inp.get("users").is_some_and(|v| !v.is_null()) {
        let users = auth::ids(inp, "users");
        check_users(c, auth::owner_of(&g).to_string().as_str(), &users)?;
        g.insert("users".into(), json!(users));
    }
    done(c, g)
}

/// `deleteUserGroup`: soft delete (status ARCHIVED in the returned group).
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let mut g = own_group(c, &a, &id, "delete user groups")?;
    g.insert("status".into(), json!("ARCHIVED"));
    store::save(c, &mut g)?;
    let out = store::complete(c, "UserGroup", g)?;
    store::delete(c, &id)?;
    Ok(out)
}

/// `attachUsersToUserGroup`.
pub fn attach_users(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut g = own_group(c, &a, &req_id(inp, "userGroup")?, "attach users to groups")?;
    let add = auth::ids(inp, "users");
    check_users(c, auth::owner_of(&g).to_string().as_str(), &add)?;
    let mut users = auth::ids(&Value::Object(g.clone()), "users");
    for u in add {
        if !users.contains(&u) {
            users.push(u);
        }
    }
    g.insert("users".into(), json!(users));
    done(c, g)
}

/// `detachUsersFromUserGroup`.
pub fn detach_users(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut g = own_group(
        c,
        &a,
        &req_id(inp, "userGroup")?,
        "detach users from a group",
    )?;
    let remove = auth::ids(inp, "users");
    let users: Vec<String> = auth::ids(&Value::Object(g.clone()), "users")
        .into_iter()
        .filter(|u| !remove.contains(u))
        .collect();
    g.insert("users".into(), json!(users));
    done(c, g)
}
