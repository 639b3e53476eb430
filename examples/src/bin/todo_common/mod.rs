//! What the two todo servers share: the command line, the models and the SQL.
//!
//! `todo` (a blocking driver, plain `fn` operations) and `todo_async` (an async driver,
//! `async fn` operations) include this file with `#[path = "todo_common/mod.rs"] mod
//! todo_common;`, so the API they serve is the same down to the query text; only the way the
//! queries are run differs.
//!
//! The models follow the "SQL (Relational) Databases" chapter of FastAPI's tutorial, where
//! `HeroCreate`, `HeroUpdate` and `HeroPublic` are the input, the partial update and the output:
//! here `TodoCreate`, `TodoUpdate` and `Todo`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use ferrapi::toolkit::StatusCode;
use ferrapi::{HTTPException, Model};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

/// The command line: `--db`, and every flag of the server (`--host`, `--port`, `--workers`…).
#[derive(Parser, Debug)]
#[command(version, about = "A todo API on SQLite (a ferrapi example).")]
pub(crate) struct Args {
    /// The SQLite database file, created if missing; `:memory:` for a database that lives as
    /// long as the process.
    #[arg(long, env = "TODO_DB", default_value = "todo.db")]
    pub db: PathBuf,
    #[command(flatten)]
    pub server: ferrapi_server::Cli,
}

/// A new todo: the body of `POST /todos`.
#[derive(Model, Serialize, Clone, Debug)]
pub(crate) struct TodoCreate {
    /// What there is to do.
    #[field(min_length = 1, max_length = 200)]
    pub title: String,
    /// Whether it is done already.
    #[field(default)]
    pub done: bool,
}

/// A partial update: the body of `PATCH /todos/{todo_id}`. Only the fields sent change (an
/// absent field, or `null`, keeps the stored value), FastAPI's `exclude_unset=True`.
#[derive(Model, Serialize, Clone, Debug)]
pub(crate) struct TodoUpdate {
    /// The new title.
    #[field(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// The new state.
    pub done: Option<bool>,
}

/// A stored todo, as every operation answers it.
#[derive(Model, Serialize, Clone, Debug)]
pub(crate) struct Todo {
    /// Given by the database; never reused, even after a delete.
    pub id: i64,
    pub title: String,
    pub done: bool,
}

impl Todo {
    /// A row of `SELECT id, title, done`.
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Todo> {
        Ok(Todo {
            id: row.get(0)?,
            title: row.get(1)?,
            done: row.get(2)?,
        })
    }
}

/// The answer for an id that is not in the table.
pub(crate) fn not_found() -> HTTPException {
    HTTPException::new(StatusCode::NOT_FOUND, "Todo not found")
}

/// Sets a freshly opened connection up, and creates the table if the file has none yet
/// (FastAPI's tutorial calls `SQLModel.metadata.create_all(engine)` at startup).
pub(crate) fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    // Write-ahead logging: readers do not wait for the writer, nor the writer for readers
    // (`:memory:` answers "memory" and keeps its own journal).
    let _mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    // Writers queue for up to five seconds rather than failing with SQLITE_BUSY.
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS todo (
            id    INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT    NOT NULL,
            done  INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
        )",
    )
}

/// `INSERT`: the new row, with its id.
pub(crate) fn insert_todo(conn: &Connection, todo: &TodoCreate) -> rusqlite::Result<Todo> {
    conn.prepare_cached("INSERT INTO todo (title, done) VALUES (?1, ?2) RETURNING id, title, done")?
        .query_row(params![todo.title, todo.done], Todo::from_row)
}

/// A page of the todos, oldest first.
pub(crate) fn list_todos(
    conn: &Connection,
    offset: i64,
    limit: i64,
) -> rusqlite::Result<Vec<Todo>> {
    conn.prepare_cached("SELECT id, title, done FROM todo ORDER BY id LIMIT ?1 OFFSET ?2")?
        .query_map(params![limit, offset], Todo::from_row)?
        .collect()
}

/// One todo, if there is one with this id.
pub(crate) fn get_todo(conn: &Connection, id: i64) -> rusqlite::Result<Option<Todo>> {
    conn.prepare_cached("SELECT id, title, done FROM todo WHERE id = ?1")?
        .query_row(params![id], Todo::from_row)
        .optional()
}

/// Changes the fields `changes` has, in one statement (no read-then-write race); the updated
/// row, or `None` if there is no such id.
pub(crate) fn update_todo(
    conn: &Connection,
    id: i64,
    changes: &TodoUpdate,
) -> rusqlite::Result<Option<Todo>> {
    conn.prepare_cached(
        "UPDATE todo SET title = COALESCE(?2, title), done = COALESCE(?3, done)
         WHERE id = ?1 RETURNING id, title, done",
    )?
    .query_row(params![id, changes.title, changes.done], Todo::from_row)
    .optional()
}

/// Deletes a todo; whether there was one.
pub(crate) fn delete_todo(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    let deleted = conn
        .prepare_cached("DELETE FROM todo WHERE id = ?1")?
        .execute(params![id])?;
    Ok(deleted > 0)
}
