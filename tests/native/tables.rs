//! The shipped tables decode to exactly what the generator meant: each API's compact tables
//! (`api_<name>.rs`, decoded by src/api/decode.rs on first use) equal the plain nested statics
//! codegen emits from the same schema and documents (`api_<name>_static.rs`), item by item.

use graphql_outbox::api::model::{Api, Kind};
use graphql_outbox::api::{gcdirectory, worksome, ALL};

mod plain_gcdirectory {
    use graphql_outbox::api::model::*;
    include!(concat!(env!("OUT_DIR"), "/api_gcdirectory_static.rs"));
}

mod plain_worksome {
    use graphql_outbox::api::model::*;
    include!(concat!(env!("OUT_DIR"), "/api_worksome_static.rs"));
}

/// Item by item first, so a failure names the first differing type, operation or query.
fn same(decoded: &Api, plain: &Api) {
    assert_eq!(decoded.name, plain.name);
    assert_eq!(decoded.types.len(), plain.types.len(), "{}: input types", plain.name);
    for (d, p) in decoded.types.iter().zip(plain.types) {
        assert_eq!(d, p);
    }
    assert_eq!(decoded.operations.len(), plain.operations.len(), "{}: operations", plain.name);
    for (d, p) in decoded.operations.iter().zip(plain.operations) {
        assert_eq!(d, p, "{}.{}", plain.name, p.name);
    }
    assert_eq!(decoded.queries.len(), plain.queries.len(), "{}: queries", plain.name);
    for (d, p) in decoded.queries.iter().zip(plain.queries) {
        assert_eq!(d, p, "{}.{}", plain.name, p.name);
    }
    assert_eq!(decoded.keys, plain.keys, "{}: keys", plain.name);
    assert_eq!(decoded.patches, plain.patches, "{}: patches", plain.name);
    assert_eq!(decoded, plain);
}

#[test]
fn compact_tables_decode_to_the_plain_tables() {
    same(&gcdirectory::API, &plain_gcdirectory::API);
    same(&worksome::API, &plain_worksome::API);
    // Not vacuous: the tables hold what the SDK is known to need.
    assert_eq!(worksome::API.operations.len() + gcdirectory::API.operations.len(), 85);
    assert!(worksome::API.queries.iter().any(|q| q.name == "timesheet"), "the timesheet query");
    let formats: std::collections::BTreeSet<String> =
        worksome::API.types.iter().filter_map(|t| match t.kind { Kind::Scalar(f) => Some(format!("{f:?}")), _ => None }).collect();
    assert!(formats.len() >= 8, "scalar formats decoded: {formats:?}");
}

#[test]
fn all_lists_every_api_once() {
    let names: Vec<&str> = ALL.iter().map(|a| a.name).collect();
    assert_eq!(names, ["gcdirectory", "worksome"]);
    // The same decoded tables as the per-API statics, not a second copy.
    assert!(std::ptr::eq(ALL[1], &*worksome::API));
}
