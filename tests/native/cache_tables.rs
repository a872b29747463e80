//! Hand-built tables for the cache tests, shaped like codegen's (which emits them empty
//! until the query documents land): a timesheet with paginated registrations, a viewer with
//! hires and a fragment on the concrete type, an interface field (`node`) with `on`
//! conditions, and two patched mutations.

use graphql_outbox::api::model::{Api, Arg, Field, Operation, Patch, Query, Selection};

const fn scalar(name: &'static str) -> Field {
    Field { response_key: name, name, args: &[], on: None, selection: None }
}

const fn on(ty: &'static str, name: &'static str) -> Field {
    Field { response_key: name, name, args: &[], on: Some(ty), selection: None }
}

const fn object(name: &'static str, args: &'static [(&'static str, Arg)], sel: &'static Selection) -> Field {
    Field { response_key: name, name, args, on: None, selection: Some(sel) }
}

const TYPENAME: Field = scalar("__typename");
const ID: Field = scalar("id");

static PAGINATOR_INFO: Selection = Selection { type_name: "PaginatorInfo", fields: &[TYPENAME, scalar("total"), scalar("currentPage"), scalar("hasMorePages")] };
static REGISTRATION: Selection = Selection {
    type_name: "TimesheetRegistration",
    fields: &[TYPENAME, ID, scalar("date"), scalar("duration"), scalar("comments")],
};
static REGISTRATIONS: Selection = Selection {
    type_name: "TimesheetRegistrationPaginator",
    fields: &[TYPENAME, object("paginatorInfo", &[], &PAGINATOR_INFO), object("data", &[], &REGISTRATION)],
};
static HIRE_REF: Selection = Selection { type_name: "Hire", fields: &[TYPENAME, ID] };
static TIMESHEET: Selection = Selection {
    type_name: "Timesheet",
    fields: &[
        TYPENAME,
        ID,
        scalar("startDate"),
        object("hire", &[], &HIRE_REF),
        object("registrations", &[("first", Arg::Variable("first")), ("page", Arg::Json("1"))], &REGISTRATIONS),
    ],
};
pub static TIMESHEET_QUERY: Selection = Selection { type_name: "Query", fields: &[object("timesheet", &[("id", Arg::Variable("id"))], &TIMESHEET)] };

static JOB: Selection = Selection { type_name: "Job", fields: &[TYPENAME, ID, scalar("title")] };
static HIRE: Selection = Selection { type_name: "Hire", fields: &[TYPENAME, ID, scalar("status"), object("job", &[], &JOB)] };
static VIEWER: Selection = Selection {
    type_name: "Viewer",
    fields: &[TYPENAME, ID, scalar("name"), on("Worker", "rating"), on("Company", "vatNumber"), object("hires", &[("first", Arg::Json("10"))], &HIRE)],
};
pub static VIEWER_QUERY: Selection = Selection { type_name: "Query", fields: &[object("viewer", &[], &VIEWER)] };

static NODE: Selection = Selection {
    type_name: "Node",
    fields: &[TYPENAME, ID, on("Timesheet", "startDate"), on("Hire", "status")],
};
pub static NODE_QUERY: Selection = Selection { type_name: "Query", fields: &[object("node", &[("id", Arg::Variable("id"))], &NODE)] };

static UPDATE_REG: Selection = Selection {
    type_name: "Mutation",
    fields: &[object("updateTimesheetRegistration", &[("input", Arg::Variable("input"))], &REGISTRATION)],
};
static DELETE_REG: Selection = Selection {
    type_name: "Mutation",
    fields: &[object("deleteTimesheetRegistration", &[("id", Arg::Variable("id"))], &HIRE_REF)],
};

pub static API: Api = Api {
    name: "worksome",
    types: &[],
    operations: &[
        Operation { name: "updateTimesheetRegistration", document: "", args: &[("input", "UpdateTimesheetRegistrationInput!")], single_input: true, idempotent: true, creates: None, selection: &UPDATE_REG },
        Operation { name: "deleteTimesheetRegistration", document: "", args: &[("id", "ID!")], single_input: false, idempotent: true, creates: None, selection: &DELETE_REG },
    ],
    queries: &[
        Query { name: "node", document: "", args: &[("id", "ID!")], selection: &NODE_QUERY },
        Query { name: "timesheet", document: "", args: &[("id", "ID!"), ("first", "Int")], selection: &TIMESHEET_QUERY },
        Query { name: "viewer", document: "", args: &[], selection: &VIEWER_QUERY },
    ],
    keys: &[("Company", "id"), ("Hire", "id"), ("Job", "id"), ("Timesheet", "id"), ("TimesheetRegistration", "id"), ("Worker", "id")],
    patches: &[
        Patch { mutation: "deleteTimesheetRegistration", entity: "TimesheetRegistration", key: "id", fields: &[], delete: true },
        Patch {
            mutation: "updateTimesheetRegistration",
            entity: "TimesheetRegistration",
            key: "input.id",
            fields: &[("input.duration", "duration"), ("input.comments", "comments")],
            delete: false,
        },
    ],
};

pub fn query(name: &str) -> &'static Query {
    API.query(name).expect("a test query")
}
