//! Rows as JSON: a loader selects columns aliased to their GraphQL field names
//! (`SELECT name_en AS nameEn ...`) and gets the JSON object the resolvers expect.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, Params, Row};
use serde_json::{Map, Value};

fn row_json(row: &Row<'_>, names: &[String]) -> rusqlite::Result<Map<String, Value>> {
    let mut m = Map::new();
    for (i, name) in names.iter().enumerate() {
        let v = match row.get::<_, Sql>(i)? {
            Sql::Null => Value::Null,
            Sql::Integer(n) => Value::from(n),
            Sql::Real(f) => Value::from(f),
            Sql::Text(s) => Value::String(s),
            Sql::Blob(_) => Value::Null,
        };
        m.insert(name.clone(), v);
    }
    Ok(m)
}

/// Every row of `sql` as a JSON object keyed by column name (alias).
pub fn all(
    c: &Connection,
    sql: &str,
    params: impl Params,
) -> rusqlite::Result<Vec<Map<String, Value>>> {
    let mut stmt = c.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let rows = stmt.query_map(params, |r| row_json(r, &names))?;
    rows.collect()
}

/// The first row of `sql`, if any.
pub fn one(
    c: &Connection,
    sql: &str,
    params: impl Params,
) -> rusqlite::Result<Option<Map<String, Value>>> {
    Ok(all(c, sql, params)?.into_iter().next())
}

/// The first column of every row, as a JSON array (typically ids of related objects).
pub fn column(c: &Connection, sql: &str, params: impl Params) -> rusqlite::Result<Value> {
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok(match r.get::<_, Sql>(0)? {
            Sql::Integer(n) => Value::from(n),
            Sql::Text(s) => Value::String(s),
            _ => Value::Null,
        })
    })?;
    Ok(Value::Array(rows.collect::<rusqlite::Result<_>>()?))
}

/// Whether `sql` (a `SELECT 1 ... WHERE ...`) finds a row.
pub fn exists(c: &Connection, sql: &str, params: impl Params) -> rusqlite::Result<bool> {
    c.prepare(sql)?.exists(params)
}
