//! The shapes of the generated tables: what an API's mutations take and send. Generated code
//! fills these in (`api_<name>.rs`); the validator and the client read them.

/// One API: its name (the key of `endpoints` in `Client.open`), input types and operations.
#[derive(Debug)]
pub struct Api {
    pub name: &'static str,
    /// Input objects, enums and scalars reachable from arguments, sorted by name.
    pub types: &'static [TypeDef],
    /// One per mutation, in schema order.
    pub operations: &'static [Operation],
}

/// One named input type.
#[derive(Debug)]
pub struct TypeDef {
    pub name: &'static str,
    pub kind: Kind,
}

/// What a named input type accepts.
#[derive(Debug)]
pub enum Kind {
    Scalar(Format),
    Enum(&'static [&'static str]),
    /// Fields as (name, GraphQL type reference such as `[ID!]!`).
    Input(&'static [(&'static str, &'static str)]),
}

/// The value formats the SDK checks before anything is stored or sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    String,
    Int,
    Float,
    Boolean,
    Id,
    Email,
    PhoneNumber,
    E164PhoneNumber,
    PostalCode,
    Date,
    Time,
    DateTime,
    Decimal2,
    Decimal4,
    StrictPercentage,
    Url,
    Json,
    Dictionary,
    Upload,
}

/// One mutation: its document and arguments.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub document: &'static str,
    /// Arguments as (name, GraphQL type reference).
    pub args: &'static [(&'static str, &'static str)],
    /// The function takes the `input` argument's value directly.
    pub single_input: bool,
    /// Applying it twice has the effect of applying it once (codegen's `idempotency` rule and
    /// table): resent after an unknown outcome even where the server ignores `Idempotency-Key`.
    pub idempotent: bool,
}

impl Api {
    /// An input type by name (the table is sorted).
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.binary_search_by(|t| t.name.cmp(name)).ok().map(|i| &self.types[i])
    }

    /// An operation by mutation name.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }
}
