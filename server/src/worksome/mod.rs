//! Worksome (`/graphql/worksome`): the 80 mutations of the seed document, the by-id queries,
//! the role rules, fixtures, file uploads and the MFA test hook.
//!
//! State lives in the object store (`store.rs`); each domain file holds the handlers of one
//! group of mutations in the seed document's order. Error codes are listed in server/README.md.

mod approvals;
mod auth;
mod candidates;
mod companies;
mod complete;
mod contacts;
mod custom_fields;
mod custom_timesheet;
mod files;
mod groups;
mod hires;
mod jobs;
mod meta;
mod mfa;
mod notes;
mod payments;
mod projects;
mod queries;
mod recruiters;
mod seed;
mod sent;
mod store;
mod tenant;
mod timesheets;
mod totp;
mod users;
mod webhooks;
mod workflows;

use std::collections::HashMap;

use rusqlite::Connection;

use crate::api::{ApiDef, Handler, Loader};

pub use files::routes;
pub use sent::test_routes;

/// The API's name: its route segment, token namespace and fixtures section.
pub const NAME: &str = "worksome";

/// The contract, shared with the SDK's code generator.
pub const SDL: &str = include_str!("../../../schemas/worksome.graphql");

/// Mutation handlers in the seed document's order.
const MUTATIONS: &[(&str, Handler)] = &[
    ("createSmsMultiFactor", mfa::create_sms),
    ("verifySmsMultiFactor", mfa::verify_sms),
    ("createTotpMultiFactor", mfa::create_totp),
    ("verifyTotpMultiFactor", mfa::verify_totp),
    ("removeMultiFactor", mfa::remove),
    ("updatePassword", users::update_password),
    ("createPassword", users::create_password),
    ("sendVerificationEmail", users::send_verification_email),
    ("changeEmail", users::change_email),
    ("forceLogoutUser", users::force_logout),
    ("impersonateUser", users::impersonate),
    ("createCustomTimesheet", timesheets::create_custom),
    ("createApprovalRule", approvals::create_rule),
    ("createApproval", approvals::create_approval),
    ("updateApproval", approvals::update_approval),
    ("createApprover", approvals::create_approver),
    ("updateApprover", approvals::update_approver),
    ("actionApprovalApprovable", approvals::action),
    ("storeBankDetails", companies::store_bank_details),
    ("generateInviteLink", companies::generate_invite_link),
    ("createCompanyRecruiter", companies::create_recruiter),
    ("updateCompanyRecruiter", companies::update_recruiter),
    ("deleteCompanyRecruiter", companies::delete_recruiter),
    ("inviteCompanyRecruiter", companies::invite_recruiter),
    ("createCustomField", custom_fields::create),
    ("updateCustomField", custom_fields::update),
    ("deleteCustomField", custom_fields::delete),
    ("uploadFiles", files::upload_files),
    ("markFilesAsUploaded", files::mark_uploaded),
    ("acceptBid", hires::accept_bid),
    ("rejectHire", hires::reject_hire),
    ("hire", hires::hire),
    ("createJob", jobs::create),
    ("updateJob", jobs::update),
    ("endJob", jobs::end),
    ("setInternalBudgetOnJob", jobs::set_internal_budget),
    ("createJobCandidate", candidates::create),
    ("updateJobCandidateStatus", candidates::update_status),
    ("updateJobCandidatePreferred", candidates::update_preferred),
    ("createJobShare", candidates::create_shares),
    ("removeJobShare", candidates::remove_shares),
    ("createNote", notes::create),
    ("updateNote", notes::update),
    ("deleteNote", notes::delete),
    ("createPaymentRequest", payments::create),
    ("updatePaymentRequest", payments::update),
    ("deletePaymentRequest", payments::delete),
    ("createProject", projects::create),
    ("updateProject", projects::update),
    ("deleteProject", projects::delete),
    ("attachJobsToProject", projects::attach_jobs),
    ("detachJobFromProject", projects::detach_job),
    ("endProject", projects::end),
    ("openProject", projects::open),
    ("createRecruiterCandidate", recruiters::create),
    ("updateRecruiterCandidate", recruiters::update),
    ("deleteRecruiterCandidate", recruiters::delete),
    ("createTimesheet", timesheets::create),
    ("updateTimesheet", timesheets::update),
    ("deleteTimesheet", timesheets::delete),
    (
        "updateTimesheetRegistration",
        timesheets::update_registration,
    ),
    (
        "deleteTimesheetRegistration",
        timesheets::delete_registration,
    ),
    ("createTrustedContact", contacts::create),
    ("updateTrustedContact", contacts::update),
    ("deleteTrustedContact", contacts::delete),
    ("approveTrustedContact", contacts::approve),
    ("blockTrustedContact", contacts::block),
    ("createUserGroup", groups::create),
    ("updateUserGroup", groups::update),
    ("deleteUserGroup", groups::delete),
    ("attachUsersToUserGroup", groups::attach_users),
    ("detachUsersFromUserGroup", groups::detach_users),
    ("createWebhook", webhooks::create),
    ("updateWebhook", webhooks::update),
    ("deleteWebhook", webhooks::delete),
    ("updateWorker", users::update_worker),
    ("createWorkflow", workflows::create),
    ("updateWorkflow", workflows::update),
    ("deleteWorkflow", workflows::delete),
    ("createExport", webhooks::create_export),
];

/// `ApiDef` wiring for Worksome.
pub fn api() -> ApiDef {
    let mut handlers: HashMap<(&'static str, &'static str), Handler> = HashMap::new();
    for (name, h) in MUTATIONS {
        handlers.insert(("Mutation", name), *h);
    }
    for (name, h) in queries::QUERIES {
        handlers.insert(("Query", name), *h);
    }
    handlers.insert(("RecruiterCandidate", "rate"), recruiters::rate);
    let m = meta::meta();
    // Root fields have their own handlers (the `timesheets` query pages by itself).
    let nested = |t: &str| m.is_object(t) && t != "Query" && t != "Mutation";
    for (ty, fields) in m.objects.iter().filter(|(t, _)| nested(t)) {
        for f in fields
            .iter()
            .filter(|f| f.base.ends_with("Paginator") && f.args.iter().any(|a| a == "first"))
        {
            handlers.insert((ty.as_str(), f.name.as_str()), queries::paged_field);
        }
    }
    // Every stored type loads through the one generic loader (ids are global).
    let loaders: HashMap<&'static str, Loader> = meta::meta()
        .with_id
        .iter()
        .map(|t| (t.as_str(), store::load_any as Loader))
        .collect();
    ApiDef {
        name: NAME,
        sdl: SDL,
        handlers,
        loaders,
        migrate,
        seed: seed::seed,
    }
}

fn migrate(c: &Connection) -> rusqlite::Result<()> {
    c.execute_batch(store::TABLES)
}

#[cfg(test)]
mod tests {
    #[test]
    fn eighty_mutations_each_once() {
        let names: std::collections::HashSet<_> =
            super::MUTATIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(super::MUTATIONS.len(), 80);
        assert_eq!(names.len(), 80);
    }
}
