//! Which mutations are idempotent by nature: applying one twice has the effect of applying it
//! once (set, update or delete a thing by id). Against a server that does not honour
//! `Idempotency-Key` (`Client.open({ idempotency: { <api>: "none" } })`), only these are sent
//! again after an attempt whose outcome is unknown; the others wait in state `unknown` for the
//! app. One rule by verb, and one table of exceptions: the place to override it.

/// Verbs whose mutations set state to the given values, or remove a thing by id.
const IDEMPOTENT_VERBS: &[&str] = &["update", "modify", "delete", "remove", "set", "mark"];

/// Exceptions to the verb rule: (API, mutation, idempotent by nature).
pub const OVERRIDES: &[(&str, &str, bool)] = &[
    // Checks the current password, which an applied first attempt changed: a resend is
    // refused (the entry would die although the change was made).
    ("worksome", "updatePassword", false),
];

/// Whether `api`'s mutation `name` may be resent after an unknown outcome without a key.
pub fn naturally_idempotent(api: &str, name: &str) -> bool {
    if let Some((_, _, v)) = OVERRIDES.iter().find(|(a, n, _)| *a == api && *n == name) {
        return *v;
    }
    IDEMPOTENT_VERBS.iter().any(|v| name.strip_prefix(v).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_decide_and_the_table_overrides() {
        assert!(naturally_idempotent("gcdirectory", "modifyProfile"));
        assert!(naturally_idempotent("worksome", "deleteTimesheet"));
        assert!(naturally_idempotent("worksome", "setInternalBudgetOnJob"));
        assert!(!naturally_idempotent("worksome", "createJob"));
        assert!(!naturally_idempotent("worksome", "settle"), "a verb must be a whole word");
        assert!(!naturally_idempotent("worksome", "updatePassword"), "the table overrides the verb");
    }
}
