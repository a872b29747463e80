//! The shapes of the generated tables: what an API's mutations take and send. Generated code
//! fills these in (`api_<name>.rs`); the validator and the client read them.

/// One API: its name (the key of `endpoints` in `Client.open`), input types and operations.
#[derive(Debug, PartialEq)]
pub struct Api {
    pub name: &'static str,
    /// Input objects, enums and scalars reachable from arguments, sorted by name.
    pub types: &'static [TypeDef],
    /// One per mutation, in schema order.
    pub operations: &'static [Operation],
    /// One per document in `operations/<api>/queries/`, sorted by name.
    pub queries: &'static [Query],
    /// The cache key field of every object type that has one (its `id`, else its first `ID!`
    /// field: GC `Profile` is keyed by `gcId`), as (type name, field name), sorted by type name.
    /// Objects of other types are stored inside the record that holds them.
    pub keys: &'static [(&'static str, &'static str)],
    /// How each entity-updating mutation's arguments show on the cached entity while it waits in
    /// the outbox (the pending layer), sorted by mutation name. From codegen's patch rule and its
    /// override table.
    pub patches: &'static [Patch],
}

/// One named input type.
#[derive(Debug, PartialEq)]
pub struct TypeDef {
    pub name: &'static str,
    pub kind: Kind,
}

/// What a named input type accepts.
#[derive(Debug, PartialEq)]
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
#[derive(Debug, PartialEq)]
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
    /// For a mutation that creates an entity: the dotted path of the new entity's id in its
    /// result (`id`, `multiFactor.id`; codegen's `creates` rule and table). A queued call returns
    /// a placeholder for it (`outbox::placeholders`).
    pub creates: Option<&'static str>,
    /// What the mutation's document selects, rooted at `Mutation`: how its result is written into
    /// the cache.
    pub selection: &'static Selection,
}

/// One query of `operations/<api>/queries/`: `client.<api>.query.<name>` and `.watch.<name>`.
#[derive(Debug, PartialEq)]
pub struct Query {
    pub name: &'static str,
    pub document: &'static str,
    /// Variables as (name, GraphQL type reference), validated like mutation arguments.
    pub args: &'static [(&'static str, &'static str)],
    /// What the document selects, rooted at `Query`.
    pub selection: &'static Selection,
}

/// A selection set as the cache normalizes and assembles it.
#[derive(Debug, PartialEq)]
pub struct Selection {
    /// The schema type at this position (object, interface or union). For an abstract type the
    /// data's `__typename` (always selected there) names the object, and `Field::on` filters.
    pub type_name: &'static str,
    /// Inline fragments are flattened into this list, each field carrying its type condition.
    pub fields: &'static [Field],
}

/// One selected field.
#[derive(Debug, PartialEq)]
pub struct Field {
    /// The key in the response: the alias, else the name.
    pub response_key: &'static str,
    /// The schema field name.
    pub name: &'static str,
    /// The field's arguments, in document order; with `name` they make the stored field's key
    /// (`hires({"first":10})`), so two selections of one field with different arguments do not
    /// overwrite each other.
    pub args: &'static [(&'static str, Arg)],
    /// The inline fragment's type condition this field was selected under, if any.
    pub on: Option<&'static str>,
    /// The sub-selection of an object-typed field (lists of objects included); `None` for
    /// scalars and enums.
    pub selection: Option<&'static Selection>,
}

/// A field argument's value in a document.
#[derive(Debug, PartialEq)]
pub enum Arg {
    /// A literal, as canonical JSON text (`10`, `"ACTIVE"`, `{"a":1}`).
    Json(&'static str),
    /// `$name`: the operation's variable of that name (variables appear only at the top of an
    /// argument, never inside a literal object or list).
    Variable(&'static str),
}

/// How one mutation's arguments update one cached entity while the entry waits in the outbox.
#[derive(Debug, PartialEq)]
pub struct Patch {
    pub mutation: &'static str,
    /// The updated entity's type (the mutation's return type, or the object its payload holds).
    pub entity: &'static str,
    /// Dotted path of the argument holding the entity's key (`input.id`, `gcId`).
    pub key: &'static str,
    /// (dotted argument path, entity field name): each argument given shows as that field.
    pub fields: &'static [(&'static str, &'static str)],
    /// The mutation deletes the entity: it disappears from reads while pending.
    pub delete: bool,
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

    /// A query by name (the table is sorted).
    pub fn query(&self, name: &str) -> Option<&Query> {
        self.queries.binary_search_by(|q| q.name.cmp(name)).ok().map(|i| &self.queries[i])
    }

    /// The cache key field of an object type, if it has one (the table is sorted).
    pub fn key_field(&self, type_name: &str) -> Option<&'static str> {
        self.keys.binary_search_by(|(t, _)| (*t).cmp(type_name)).ok().map(|i| self.keys[i].1)
    }

    /// The pending-layer patch of a mutation, if it updates an entity (the table is sorted).
    pub fn patch(&self, mutation: &str) -> Option<&Patch> {
        self.patches.binary_search_by(|p| p.mutation.cmp(mutation)).ok().map(|i| &self.patches[i])
    }
}
