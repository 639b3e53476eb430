//! A todo API on SQLite with a blocking driver (`rusqlite`), served by plain `fn` operations:
//! FastAPI's case for `def` endpoints. A plain `fn` operation runs on the toolkit's bounded
//! thread pool (40 threads, as Starlette's), so a query that waits for the disk or for
//! another writer holds a pool thread, never the event loop. `todo_async` is the same API with
//! an async driver and `async fn` operations.
//!
//! ```text
//! cargo run -p ferrapi-examples --bin todo -- --db /tmp/todo.db
//! curl -X POST localhost:8000/todos -H 'content-type: application/json' -d '{"title":"Buy milk"}'
//!                                          # 201 {"id":1,"title":"Buy milk","done":false}
//! curl -X PATCH localhost:8000/todos/1 -H 'content-type: application/json' -d '{"done":true}'
//! curl 'localhost:8000/todos?offset=0&limit=10'
//! curl -X DELETE localhost:8000/todos/1   # 204, no body
//! curl localhost:8000/todos/1             # 404 {"detail":"Todo not found"}
//! ```
//!
//! `--db PATH` is the database file (default `todo.db`, created if missing; `:memory:` for one
//! that lives as long as the process); every other flag is the server's (`--help`). The
//! interactive docs are at `/docs`.
//!
//! * `POST /todos` → 201 and the new todo; the body is `{"title": str (1 to 200 characters),
//!   "done": bool = false}`
//! * `GET /todos?offset=0&limit=100` → a page of todos, oldest first (`limit` at most 100)
//! * `GET /todos/{todo_id}` → the todo, or 404 `{"detail":"Todo not found"}`
//! * `PATCH /todos/{todo_id}` → the updated todo: `title` and/or `done` change, absent fields
//!   keep their value
//! * `DELETE /todos/{todo_id}` → 204 without a body, or 404
//!
//! Invalid input is FastAPI's 422 (`{"detail":[{"type":…,"loc":…,"msg":…,"input":…}]}`).
//!
//! **How a request gets a connection.** As in FastAPI's SQL tutorial (`engine` at module level,
//! `SessionDep = Annotated[Session, Depends(get_session)]`, a dependency with `yield`): the
//! `Engine` is a small pool of connections made at startup and kept in the app's state, and
//! the `get_session` dependency lends one connection to the request and takes it back when the
//! operation returns (its teardown). Waiting for a free connection is `async`: a request that
//! waits holds no thread, so the pool threads all go to requests that can run a query. (Were
//! the wait blocking, on pool threads, 40 waiting requests could take every pool thread while
//! the requests holding the connections wait for one to run on: a deadlock, which the 50
//! concurrent clients of `tests/todo.rs` run into.)

#[path = "todo_common/mod.rs"]
mod todo_common;

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use clap::Parser;
use ferrapi::toolkit::Error;
use ferrapi::{delete, dependency, get, patch, post, App, State, Yield};
use rusqlite::Connection;
use tokio::sync::Semaphore;

use todo_common::{not_found, Args, Todo, TodoCreate, TodoUpdate};

/// How many connections the pool holds for a database file. SQLite runs one writer at a time
/// anyway; a few connections let reads go on beside it.
const POOL_SIZE: usize = 4;

/// The connections (SQLAlchemy's engine and its pool): a request borrows one, and gives it
/// back when its operation is done.
struct Engine {
    idle: Mutex<Vec<Session>>,
    /// One permit per idle connection: waiting for a permit is waiting for a connection.
    available: Arc<Semaphore>,
}

impl Engine {
    /// Opens the pool on `path` and creates the table. `:memory:` gets a single connection.
    fn open(path: &Path) -> rusqlite::Result<Engine> {
        // Every connection to `:memory:` is a database of its own.
        let size = if path.as_os_str() == ":memory:" {
            1
        } else {
            POOL_SIZE
        };
        let mut idle = Vec::with_capacity(size);
        for _ in 0..size {
            let conn = Connection::open(path)?;
            todo_common::prepare(&conn)?;
            idle.push(Session(Arc::new(Mutex::new(conn))));
        }
        Ok(Engine {
            idle: Mutex::new(idle),
            available: Arc::new(Semaphore::new(size)),
        })
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Session>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One connection of the pool, lent to a request (FastAPI's `Session`). Dependency values are
/// shared, so this is a handle; only the request that borrowed it uses it.
#[derive(Clone)]
struct Session(Arc<Mutex<Connection>>);

impl Session {
    /// The connection, for the queries of `todo_common`.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Lends a connection to the request, and takes it back when the operation returns
/// (`scope = "function"`: before the response is sent, so a slow client never holds one).
///
/// FastAPI's `def get_session(): with Session(engine) as session: yield session`.
#[dependency(scope = "function")]
async fn get_session(engine: State<Engine>) -> Yield<Session> {
    let permit = engine
        .available
        .clone()
        .acquire_owned()
        .await
        .expect("the semaphore is never closed");
    let session = engine
        .idle()
        .pop()
        .expect("a permit stands for an idle connection");
    let lent = session.clone();
    // A blocking teardown (it may call into SQLite) runs on a thread of its own.
    Yield::blocking(session, move |_outcome| {
        {
            // As closing a SQLAlchemy session does: what was left uncommitted is rolled back.
            let conn = lent.conn();
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
        engine.idle().push(lent);
        drop(permit);
    })
}

#[post("/todos", status_code = 201, response_model = Todo, tags = ["todos"])]
fn create_todo(todo: TodoCreate, #[depends(get_session)] session: Session) -> Result<Todo, Error> {
    Ok(todo_common::insert_todo(&session.conn(), &todo)?)
}

#[get("/todos", response_model = Vec<Todo>, tags = ["todos"])]
fn list_todos(
    #[query(default = 0, ge = 0)] offset: i64,
    #[query(default = 100, ge = 0, le = 100)] limit: i64,
    #[depends(get_session)] session: Session,
) -> Result<Vec<Todo>, Error> {
    Ok(todo_common::list_todos(&session.conn(), offset, limit)?)
}

#[get(
    "/todos/{todo_id}",
    response_model = Todo,
    tags = ["todos"],
    responses = [(404, "Todo not found")]
)]
fn read_todo(todo_id: i64, #[depends(get_session)] session: Session) -> Result<Todo, Error> {
    let todo = todo_common::get_todo(&session.conn(), todo_id)?;
    Ok(todo.ok_or_else(not_found)?)
}

#[patch(
    "/todos/{todo_id}",
    response_model = Todo,
    tags = ["todos"],
    responses = [(404, "Todo not found")]
)]
fn update_todo(
    todo_id: i64,
    changes: TodoUpdate,
    #[depends(get_session)] session: Session,
) -> Result<Todo, Error> {
    let todo = todo_common::update_todo(&session.conn(), todo_id, &changes)?;
    Ok(todo.ok_or_else(not_found)?)
}

#[delete(
    "/todos/{todo_id}",
    status_code = 204,
    tags = ["todos"],
    responses = [(404, "Todo not found")]
)]
fn delete_todo(todo_id: i64, #[depends(get_session)] session: Session) -> Result<(), Error> {
    if todo_common::delete_todo(&session.conn(), todo_id)? {
        Ok(())
    } else {
        Err(not_found().into())
    }
}

fn app(engine: Engine) -> App {
    App::new()
        .title("Todos")
        .description("A todo API on SQLite, with a blocking driver and plain `fn` operations.")
        .state(engine)
        .route(create_todo)
        .route(list_todos)
        .route(read_todo)
        .route(update_todo)
        .route(delete_todo)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let engine = match Engine::open(&args.db) {
        Ok(engine) => engine,
        Err(err) => {
            eprintln!(
                "error: cannot open the database {}: {err}",
                args.db.display()
            );
            return ExitCode::from(ferrapi_server::EXIT_STARTUP_FAILURE);
        }
    };
    args.server.run(app(engine))
}
