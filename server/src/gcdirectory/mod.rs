//! GC Directory (`/graphql/gcdirectory`): tables, loaders, the five mutations, fixtures.

mod load;
mod mutations;
mod seed;

use std::collections::HashMap;

use rusqlite::Connection;

use crate::api::{ApiDef, Handler, Loader};

/// The API's name: its route segment, token namespace and fixtures section.
pub const NAME: &str = "gcdirectory";

/// The contract, shared with the SDK's code generator.
pub const SDL: &str = include_str!("../../../schemas/gcdirectory.graphql");

/// `ApiDef` wiring for GC Directory.
pub fn api() -> ApiDef {
    let handlers: HashMap<(&'static str, &'static str), Handler> = HashMap::from([
        (("Query", "profile"), load::query_profile as Handler),
        (("Query", "orgTier"), load::query_org_tier),
        (("Query", "organization"), load::query_organization),
        (("Query", "approval"), load::query_approval),
        (("Mutation", "modifyProfile"), mutations::modify_profile),
        (("Mutation", "createOrgTier"), mutations::create_org_tier),
        (("Mutation", "modifyOrgTier"), mutations::modify_org_tier),
        (("Mutation", "deleteOrgTier"), mutations::delete_org_tier),
        (("Mutation", "modifyApproval"), mutations::modify_approval),
    ]);
    let loaders: HashMap<&'static str, Loader> = HashMap::from([
        ("Profile", load::profile as Loader),
        ("OrgTier", load::org_tier),
        ("Organization", load::organization),
        ("Approval", load::approval),
    ]);
    ApiDef {
        name: NAME,
        sdl: SDL,
        handlers,
        loaders,
        migrate,
        seed: seed::seed,
    }
}

/// Table names are prefixed `gc_` so Worksome's tables can live in the same file.
/// Team references use ON DELETE SET NULL: deleting an org tier leaves its members teamless.
const TABLES: &str = "
CREATE TABLE IF NOT EXISTS gc_addresses (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    street_address TEXT NOT NULL DEFAULT '',
    city           TEXT NOT NULL DEFAULT '',
    province       TEXT NOT NULL DEFAULT '',
    postal_code    TEXT NOT NULL DEFAULT '',
    country        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS gc_organizations (
    id         TEXT PRIMARY KEY,
    name_en    TEXT NOT NULL,
    name_fr    TEXT NOT NULL,
    acronym_en TEXT,
    acronym_fr TEXT,
    org_type   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gc_profiles (
    gc_id        TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    avatar       TEXT,
    mobile_phone TEXT,
    office_phone TEXT,
    title_en     TEXT,
    title_fr     TEXT,
    address_id   INTEGER REFERENCES gc_addresses(id),
    team_id      TEXT REFERENCES gc_org_tiers(id) ON DELETE SET NULL,
    role         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gc_org_tiers (
    id              TEXT PRIMARY KEY,
    name_en         TEXT NOT NULL,
    name_fr         TEXT NOT NULL,
    description_en  TEXT,
    description_fr  TEXT,
    colour          TEXT,
    avatar          TEXT,
    organization_id TEXT NOT NULL REFERENCES gc_organizations(id),
    owner_id        TEXT REFERENCES gc_profiles(gc_id)
);
CREATE TABLE IF NOT EXISTS gc_requested_changes (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    name                 TEXT,
    email                TEXT,
    avatar               TEXT,
    mobile_phone         TEXT,
    office_phone         TEXT,
    address_id           INTEGER REFERENCES gc_addresses(id),
    title_en             TEXT,
    title_fr             TEXT,
    team_id              TEXT REFERENCES gc_org_tiers(id) ON DELETE SET NULL,
    ownership_of_team_id TEXT REFERENCES gc_org_tiers(id) ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS gc_approvals (
    id             TEXT PRIMARY KEY,
    approver_id    TEXT NOT NULL REFERENCES gc_profiles(gc_id),
    submitter_id   TEXT REFERENCES gc_profiles(gc_id),
    change_id      INTEGER NOT NULL REFERENCES gc_requested_changes(id),
    status         TEXT NOT NULL,
    change_type    TEXT NOT NULL,
    created_on     TEXT,
    actioned_on    TEXT,
    denied_comment TEXT
);
";

fn migrate(c: &Connection) -> rusqlite::Result<()> {
    c.execute_batch(TABLES)
}

/// Profile fields a change may set directly: (GraphQL name, column).
const PROFILE_FIELDS: &[(&str, &str)] = &[
    ("name", "name"),
    ("email", "email"),
    ("avatar", "avatar"),
    ("mobilePhone", "mobile_phone"),
    ("officePhone", "office_phone"),
    ("titleEn", "title_en"),
    ("titleFr", "title_fr"),
];

/// Address fields: (GraphQL name, column).
const ADDRESS_FIELDS: &[(&str, &str)] = &[
    ("streetAddress", "street_address"),
    ("city", "city"),
    ("province", "province"),
    ("postalCode", "postal_code"),
    ("country", "country"),
];
