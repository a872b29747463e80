//! Every scalar the generator knows: its TypeScript type and the runtime format the SDK checks
//! input against. A schema naming any other scalar fails the build, so no value reaches a server
//! unchecked by accident.

/// How one scalar is typed in TypeScript and checked at run time.
pub struct ScalarSpec {
    pub name: &'static str,
    /// TypeScript type of an input value.
    pub ts_input: &'static str,
    /// TypeScript type of a value in a result.
    pub ts_output: &'static str,
    /// Variant of the SDK's `api::model::Format` enum that checks it.
    pub format: &'static str,
}

const fn spec(
    name: &'static str,
    ts_input: &'static str,
    ts_output: &'static str,
    format: &'static str,
) -> ScalarSpec {
    ScalarSpec {
        name,
        ts_input,
        ts_output,
        format,
    }
}

/// The scalars known to the generator; built-ins first.
pub const SCALARS: &[ScalarSpec] = &[
    spec("String", "string", "string", "String"),
    spec("Int", "number", "number", "Int"),
    spec("Float", "number", "number", "Float"),
    spec("Boolean", "boolean", "boolean", "Boolean"),
    // An ID input may be written as an integer (GraphQL coerces it); results are always strings.
    spec("ID", "string | number", "string", "Id"),
    spec("Email", "string", "string", "Email"),
    spec("PhoneNumber", "string", "string", "PhoneNumber"),
    spec("E164PhoneNumber", "string", "string", "E164PhoneNumber"),
    spec("PostalCode", "string", "string", "PostalCode"),
    spec("Date", "string", "string", "Date"),
    spec("Time", "string", "string", "Time"),
    spec("DateTime", "string", "string", "DateTime"),
    spec("Decimal", "number | string", "number | string", "Decimal2"),
    spec(
        "DecimalTwo",
        "number | string",
        "number | string",
        "Decimal2",
    ),
    spec(
        "DecimalFour",
        "number | string",
        "number | string",
        "Decimal4",
    ),
    spec("Percentage", "number", "number", "Float"),
    spec("StrictPercentage", "number", "number", "StrictPercentage"),
    spec("URL", "string", "string", "Url"),
    spec("JSON", "JsonValue", "JsonValue", "Json"),
    spec(
        "Dictionary",
        "{ [key: string]: JsonValue }",
        "{ [key: string]: JsonValue }",
        "Dictionary",
    ),
    spec("Upload", "never", "never", "Upload"),
];

/// What a value of a custom scalar looks like, with an example, for its TypeScript alias's doc:
/// the format the SDK checks (`src/api/formats.rs`), so a developer sees it where they type.
pub fn format_doc(format: &str) -> Option<&'static str> {
    Some(match format {
        "Email" => "An email address: one `@`, a dotted domain, no spaces, at most 254 characters. Example: `ada@example.org`.",
        "PhoneNumber" => "A phone number: 7 to 15 digits, with `+ ( ) . -` and spaces allowed. Example: `+1 (613) 555-0100`.",
        "E164PhoneNumber" => "An E.164 phone number: `+` then 2 to 15 digits, the first not 0. Example: `+4512345678`.",
        "PostalCode" => "A Canadian postal code (space optional) or a US ZIP code. Examples: `K1A 0B1`, `12345-6789`.",
        "Date" => "A calendar date, `YYYY-MM-DD`. Example: `2026-11-02`.",
        "Time" => "A 24-hour time, `HH:MM` (no seconds). Example: `08:30`.",
        "DateTime" => "A date-time, `YYYY-MM-DDTHH:MM:SS` with optional fraction and `Z` or `±HH:MM`. Example: `2026-11-02T08:30:00Z`.",
        "Decimal2" => "A number, or a numeric string, with at most 2 decimal places. Examples: `12.5`, `\"12.50\"`.",
        "Decimal4" => "A number, or a numeric string, with at most 4 decimal places. Example: `0.1234`.",
        "StrictPercentage" => "A number from 0 to 100. Example: `37.5`.",
        "Url" => "An `http://` or `https://` URL without spaces. Example: `https://example.org/hook`.",
        "Json" => "Any JSON value. Example: `{ \"hours\": 7.5 }`.",
        "Dictionary" => "A JSON object. Example: `{ \"costCentre\": \"A12\" }`.",
        "Float" => "A number. Example: `12.5`.",
        "Upload" => "A file upload; cannot be sent as a JSON variable (use `client.worksome.uploadFile`).",
        _ => return None,
    })
}

/// The spec of a scalar, or an error listing the known ones.
pub fn lookup(name: &str) -> Result<&'static ScalarSpec, String> {
    SCALARS.iter().find(|s| s.name == name).ok_or_else(|| {
        let known: Vec<&str> = SCALARS.iter().map(|s| s.name).collect();
        format!(
            "scalar {name} has no known format; add it to codegen/src/scalars.rs (known: {})",
            known.join(", ")
        )
    })
}

/// Whether the scalar is one of GraphQL's five built-ins (declared nowhere in SDL).
pub fn is_builtin(name: &str) -> bool {
    crate::model::BUILTIN_SCALARS.contains(&name)
}
