//! The todo API of `todo`, with an async driver and `async fn` operations: the same models, SQL
//! and answers (`todo_common`), but every query is awaited rather than run on the thread pool.
//!
//! The driver is `tokio-rusqlite`: one rusqlite connection on a thread of its own, and a
//! cheap, cloneable handle whose `call(|conn| …)` sends a closure to that thread and awaits
//! its result. SQLite has one writer at a time, so one connection loses little, and no
//! request ever holds a thread while it waits for the database.
//!
//! ```text
//! cargo run -p ferrapi-examples --bin todo_async -- --db /tmp/todo.db
//! curl -X POST localhost:8000/todos -H 'content-type: application/json' -d '{"title":"Buy milk"}'
//!                                          # 201 {"id":1,"title":"Buy milk","done":false}
//! curl -X PATCH localhost:8000/todos/1 -H 'content-type: application/json' -d '{"done":true}'
//! curl 'localhost:8000/todos?offset=0&limit=10'
//! curl -X DELETE localhost:8000/todos/1   # 204, no body
//! curl localhost:8000/todos/1             # 404 {"detail":"Todo not found"}
//! ```
//!
//! The endpoints, flags and answers are `todo`'s (see its documentation): `POST /todos`,
//! `GET /todos?offset=0&limit=100`, `GET`, `PATCH` and `DELETE /todos/{todo_id}`, and
//! `--db PATH` (default `todo.db`, `:memory:` allowed) beside the server's flags.
//!
//! **How a request gets the connection.** The connection is an app-scoped dependency with a
//! teardown (`#[dependency(scope = "app")]` returning `Yield`): opened, and the table created,
//! when the app starts (a database that cannot be opened fails the startup: exit status 3),
//! shared by every request, and closed at shutdown, after the last request.

#[path = "todo_common/mod.rs"]
mod todo_common;

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::Parser;
use ferrapi::toolkit::Error;
use ferrapi::{delete, dependency, get, patch, post, App, Yield};
use tokio_rusqlite::Connection;

use todo_common::{not_found, Args, Todo, TodoCreate, TodoUpdate};

/// The database file of `--db`, for `database`: an app-scoped dependency is built without a
/// request, so it cannot read the app's state; it reads the settings as a module-level
/// constant would be read in Python.
static DB_PATH: OnceLock<PathBuf> = OnceLock::new();

/// The connection: opened at startup, closed at shutdown.
#[dependency(scope = "app")]
async fn database() -> Result<Yield<Connection>, Error> {
    let path = DB_PATH.get().expect("`main` sets the path").clone();
    let conn = Connection::open(path).await?;
    query(&conn, todo_common::prepare).await?;
    let closing = conn.clone();
    Ok(Yield::new(conn, |_outcome| async move {
        if let Err(err) = closing.close().await {
            eprintln!("error: closing the database: {err}");
        }
    }))
}

/// Runs `f` on the connection's thread and awaits its result. (`Connection::call` would do,
/// but its error wraps rusqlite's in one whose message reads `Error("…")`; this keeps
/// rusqlite's error as it is for the logs.)
async fn query<T, F>(db: &Connection, f: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
{
    match db.call(move |conn| f(conn)).await {
        Ok(value) => Ok(value),
        Err(tokio_rusqlite::Error::Error(err)) => Err(err.into()),
        Err(other) => Err(other.into()),
    }
}

#[post("/todos", status_code = 201, response_model = Todo, tags = ["todos"])]
async fn create_todo(todo: TodoCreate, #[depends(database)] db: Connection) -> Result<Todo, Error> {
    query(&db, move |conn| todo_common::insert_todo(conn, &todo)).await
}

#[get("/todos", response_model = Vec<Todo>, tags = ["todos"])]
async fn list_todos(
    #[query(default = 0, ge = 0)] offset: i64,
    #[query(default = 100, ge = 0, le = 100)] limit: i64,
    #[depends(database)] db: Connection,
) -> Result<Vec<Todo>, Error> {
    query(&db, move |conn| {
        todo_common::list_todos(conn, offset, limit)
    })
    .await
}

#[get(
    "/todos/{todo_id}",
    response_model = Todo,
    tags = ["todos"],
    responses = [(404, "Todo not found")]
)]
async fn read_todo(todo_id: i64, #[depends(database)] db: Connection) -> Result<Todo, Error> {
    let todo = query(&db, move |conn| todo_common::get_todo(conn, todo_id)).await?;
    Ok(todo.ok_or_else(not_found)?)
}

#[patch(
    "/todos/{todo_id}",
    response_model = Todo,
    tags = ["todos"],
    responses = [(404, "Todo not found")]
)]
async fn update_todo(
    todo_id: i64,
    changes: TodoUpdate,
    #[depends(database)] db: Connection,
) -> Result<Todo, Error> {
    let todo = query(&db, move |conn| {
        todo_common::update_todo(conn, todo_id, &changes)
    })
    .await?;
    Ok(todo.ok_or_else(not_found)?)
}

#[delete(
    "/todos/{todo_id}",
    status_code = 204,
    tags = ["todos"],
    responses = [(404, "Todo not found")]
)]
async fn delete_todo(todo_id: i64, #[depends(database)] db: Connection) -> Result<(), Error> {
    let deleted = query(&db, move |conn| todo_common::delete_todo(conn, todo_id)).await?;
    if deleted {
        Ok(())
    } else {
        Err(not_found().into())
    }
}

fn app() -> App {
    App::new()
        .title("Todos")
        .description("A todo API on SQLite, with an async driver and `async fn` operations.")
        .route(create_todo)
        .route(list_todos)
        .route(read_todo)
        .route(update_todo)
        .route(delete_todo)
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    DB_PATH
        .set(args.db)
        .expect("the path is set once, before the server starts");
    args.server.run(app())
}
