//! The two todo servers, `todo` (blocking driver, plain `fn` operations) and `todo_async`
//! (async driver, `async fn` operations), run as processes on a free port with a database in a
//! temporary directory, and driven over real HTTP with `ureq`. Every check runs against both:
//! they must serve the same API, answer for answer.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use common::{agent, command_for, Server};
use serde_json::{json, Value};

const TODO: &str = env!("CARGO_BIN_EXE_todo");
const TODO_ASYNC: &str = env!("CARGO_BIN_EXE_todo_async");

/// Defines, for each check, a module with one test per server: `<check>::blocking` runs it on
/// `todo`, `<check>::asynchronous` on `todo_async`. The doc comment given is both tests'.
macro_rules! on_both_servers {
    ($($(#[doc = $doc:literal])* $check:ident;)*) => {$(
        mod $check {
            $(#[doc = $doc])*
            ///
            /// On `todo` (blocking driver, plain `fn` operations).
            #[test]
            fn blocking() {
                super::$check(super::TODO);
            }

            $(#[doc = $doc])*
            ///
            /// On `todo_async` (async driver, `async fn` operations).
            #[test]
            fn asynchronous() {
                super::$check(super::TODO_ASYNC);
            }
        }
    )*};
}

on_both_servers! {
    /// The whole cycle: create (201, `done` defaulting to false), read, list, partial
    /// updates (one field at a time, none at all), delete (204 without a body), and the 404
    /// `{"detail":"Todo not found"}` of every operation on an id that is not there.
    crud_cycle;
    /// FastAPI's 422 bodies, byte for byte: a missing, empty, too long or mistyped field, a
    /// body that is not JSON, not an object, or absent, a non-integer id (reported with the
    /// body's errors), `limit` above 100, non-integer or negative paging; and nothing is stored.
    validation_errors;
    /// Paging: oldest first, `offset` and `limit` slice the list, `limit` defaults to 100 and
    /// 100 is allowed.
    paging;
    /// The data is in the file: a todo created, updated and deleted before a clean shutdown
    /// (SIGTERM) is there, as it was left, when the process starts again on the same file, and
    /// ids keep counting up (a deleted id is not reused).
    persists_across_restart;
    /// 50 clients at once, each creating, reading and updating its own todo over its own
    /// connections: every request succeeds, and the list then has all 50, all done.
    concurrent_requests;
    /// `--db :memory:` works, and every request sees the same in-memory database (each
    /// connection to `:memory:` is a database of its own, so the blocking server's pool must
    /// not open several).
    memory_database;
    /// A database that cannot be opened fails the startup with the server's status 3 and
    /// SQLite's reason, before anything is served.
    unopenable_database;
    /// `/openapi.json` documents the five operations with the models' schemas, the 404s and
    /// the bounded `limit`; `--help` lists `--db` beside the server's flags.
    documented;
}

// ------------------------------------------------------------------------------------- checks

fn crud_cycle(bin: &str) {
    let db = TempDir::new("crud");
    let server = start(bin, &db.file("todo.db"));
    let api = Api::new(&server);

    let created = api.post("/todos", r#"{"title":"Buy milk"}"#);
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.header("content-type"), Some("application/json"));
    assert_eq!(
        created.json(),
        json!({"id": 1, "title": "Buy milk", "done": false})
    );
    let second = api.post("/todos", r#"{"title":"Walk the dog","done":true}"#);
    assert_eq!(
        (second.status, second.json()),
        (201, json!({"id": 2, "title": "Walk the dog", "done": true}))
    );

    let read = api.get("/todos/1");
    assert_eq!(
        (read.status, read.text()),
        (
            200,
            r#"{"id":1,"title":"Buy milk","done":false}"#.to_string()
        )
    );
    let list = api.get("/todos");
    assert_eq!(
        (list.status, list.text()),
        (
            200,
            r#"[{"id":1,"title":"Buy milk","done":false},{"id":2,"title":"Walk the dog","done":true}]"#
                .to_string()
        )
    );

    // Partial updates: only what is sent changes.
    let r = api.patch("/todos/1", r#"{"done":true}"#);
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"id": 1, "title": "Buy milk", "done": true}))
    );
    let r = api.patch("/todos/1", r#"{"title":"Buy oat milk"}"#);
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"id": 1, "title": "Buy oat milk", "done": true}))
    );
    let r = api.patch("/todos/1", r#"{"title":null,"done":false}"#);
    assert_eq!(
        (r.status, r.json()),
        (
            200,
            json!({"id": 1, "title": "Buy oat milk", "done": false})
        )
    );
    let r = api.patch("/todos/1", "{}");
    assert_eq!(
        (r.status, r.json()),
        (
            200,
            json!({"id": 1, "title": "Buy oat milk", "done": false})
        )
    );
    assert_eq!(
        api.get("/todos/1").json(),
        json!({"id": 1, "title": "Buy oat milk", "done": false})
    );

    // Delete: 204 with no body at all.
    let r = api.delete("/todos/1");
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty(), "a 204 with a body: {:?}", r.text());
    assert_eq!(r.header("content-length"), None);
    assert_eq!(r.header("transfer-encoding"), None);

    // Gone: 404 for every operation on it.
    const NOT_FOUND: &str = r#"{"detail":"Todo not found"}"#;
    for r in [
        api.get("/todos/1"),
        api.patch("/todos/1", r#"{"done":true}"#),
        api.delete("/todos/1"),
        api.get("/todos/999"),
    ] {
        assert_eq!((r.status, r.text()), (404, NOT_FOUND.to_string()));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    assert_eq!(
        api.get("/todos").json(),
        json!([{"id": 2, "title": "Walk the dog", "done": true}])
    );
}

fn validation_errors(bin: &str) {
    let db = TempDir::new("validation");
    let server = start(bin, &db.file("todo.db"));
    let api = Api::new(&server);
    let long = "a".repeat(201);

    let cases: Vec<(Answer, String)> = vec![
        (
            api.post("/todos", "{}"),
            r#"{"detail":[{"type":"missing","loc":["body","title"],"msg":"Field required","input":{}}]}"#.into(),
        ),
        (
            api.post("/todos", r#"{"title":""}"#),
            r#"{"detail":[{"type":"string_too_short","loc":["body","title"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}"#.into(),
        ),
        (
            api.post("/todos", &format!(r#"{{"title":"{long}"}}"#)),
            format!(r#"{{"detail":[{{"type":"string_too_long","loc":["body","title"],"msg":"String should have at most 200 characters","input":"{long}","ctx":{{"max_length":200}}}}]}}"#),
        ),
        (
            api.post("/todos", r#"{"title":7,"done":"maybe"}"#),
            r#"{"detail":[{"type":"string_type","loc":["body","title"],"msg":"Input should be a valid string","input":7},{"type":"bool_parsing","loc":["body","done"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"}]}"#.into(),
        ),
        (
            api.post("/todos", r#"{"title":"#),
            r#"{"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}]}"#.into(),
        ),
        (
            api.post("/todos", "[1]"),
            r#"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]}"#.into(),
        ),
        (
            api.send("POST", "/todos", None),
            r#"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#.into(),
        ),
        (
            api.get("/todos/abc"),
            r#"{"detail":[{"type":"int_parsing","loc":["path","todo_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#.into(),
        ),
        (
            api.delete("/todos/1.5"),
            r#"{"detail":[{"type":"int_parsing","loc":["path","todo_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"1.5"}]}"#.into(),
        ),
        (
            // The path's error comes first, then the body's, in one answer.
            api.patch("/todos/abc", r#"{"title":"","done":"x"}"#),
            r#"{"detail":[{"type":"int_parsing","loc":["path","todo_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"},{"type":"string_too_short","loc":["body","title"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},{"type":"bool_parsing","loc":["body","done"],"msg":"Input should be a valid boolean, unable to interpret input","input":"x"}]}"#.into(),
        ),
        (
            api.get("/todos?limit=101"),
            r#"{"detail":[{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":"101","ctx":{"le":100}}]}"#.into(),
        ),
        (
            api.get("/todos?offset=-1&limit=x"),
            r#"{"detail":[{"type":"greater_than_equal","loc":["query","offset"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]}"#.into(),
        ),
    ];
    for (i, (answer, expected)) in cases.iter().enumerate() {
        assert_eq!(answer.status, 422, "case {i}: {}", answer.text());
        assert_eq!(answer.text(), *expected, "case {i}");
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "case {i}"
        );
    }
    // None of them stored anything: the first todo that is valid gets id 1.
    assert_eq!(api.get("/todos").json(), json!([]));
    assert_eq!(api.post("/todos", r#"{"title":"ok"}"#).json()["id"], 1);
}

fn paging(bin: &str) {
    let db = TempDir::new("paging");
    let server = start(bin, &db.file("todo.db"));
    let api = Api::new(&server);
    for i in 1..=105 {
        let r = api.post("/todos", &format!(r#"{{"title":"todo {i}"}}"#));
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let ids = |path: &str| -> Vec<i64> {
        let r = api.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|todo| todo["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids("/todos"), (1..=100).collect::<Vec<_>>());
    assert_eq!(ids("/todos?limit=100"), (1..=100).collect::<Vec<_>>());
    assert_eq!(ids("/todos?offset=100"), vec![101, 102, 103, 104, 105]);
    assert_eq!(ids("/todos?offset=3&limit=2"), vec![4, 5]);
    assert_eq!(ids("/todos?offset=104&limit=5"), vec![105]);
    assert_eq!(ids("/todos?offset=500"), Vec::<i64>::new());
    assert_eq!(ids("/todos?limit=0"), Vec::<i64>::new());
    assert_eq!(
        api.get("/todos?offset=1&limit=1").json(),
        json!([{"id": 2, "title": "todo 2", "done": false}])
    );
}

fn persists_across_restart(bin: &str) {
    let db = TempDir::new("restart");
    let path = db.file("todo.db");

    let mut server = start(bin, &path);
    let api = Api::new(&server);
    for title in ["one", "two", "three"] {
        assert_eq!(
            api.post("/todos", &format!(r#"{{"title":"{title}"}}"#))
                .status,
            201
        );
    }
    assert_eq!(
        api.patch("/todos/1", r#"{"done":true,"title":"one, done"}"#)
            .status,
        200
    );
    assert_eq!(api.delete("/todos/3").status, 204);
    let before = api.get("/todos").text();
    let status = server.terminate(Duration::from_secs(20));
    assert!(status.success(), "{status:?}\n{}", server.logs());

    let server = start(bin, &path);
    let api = Api::new(&server);
    assert_eq!(api.get("/todos").text(), before);
    assert_eq!(
        api.get("/todos").json(),
        json!([
            {"id": 1, "title": "one, done", "done": true},
            {"id": 2, "title": "two", "done": false},
        ])
    );
    assert_eq!(api.get("/todos/3").status, 404);
    // AUTOINCREMENT: id 3 was deleted, and is not given again.
    assert_eq!(
        api.post("/todos", r#"{"title":"four"}"#).json(),
        json!({"id": 4, "title": "four", "done": false})
    );
}

fn concurrent_requests(bin: &str) {
    const CLIENTS: usize = 50;
    let db = TempDir::new("concurrent");
    let server = start(bin, &db.file("todo.db"));
    let base = base_url(&server);
    let start_line = Arc::new(Barrier::new(CLIENTS));
    let requests = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let base = base.clone();
            let start_line = start_line.clone();
            let requests = requests.clone();
            thread::spawn(move || {
                let api = Api {
                    base,
                    agent: agent(Duration::from_secs(30)),
                };
                start_line.wait();
                let title = format!("client {i}");
                let created = api.post("/todos", &format!(r#"{{"title":"{title}"}}"#));
                assert_eq!(created.status, 201, "client {i}: {}", created.text());
                let id = created.json()["id"].as_i64().unwrap();
                let read = api.get(&format!("/todos/{id}"));
                assert_eq!(
                    (read.status, read.json()),
                    (200, json!({"id": id, "title": title, "done": false}))
                );
                let list = api.get("/todos?limit=100");
                assert_eq!(list.status, 200, "client {i}: {}", list.text());
                assert!(list
                    .json()
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t["id"] == id));
                let updated = api.patch(&format!("/todos/{id}"), r#"{"done":true}"#);
                assert_eq!(
                    (updated.status, updated.json()),
                    (200, json!({"id": id, "title": title, "done": true}))
                );
                requests.fetch_add(4, Ordering::Relaxed);
                id
            })
        })
        .collect();
    let mut ids: Vec<i64> = clients
        .into_iter()
        .map(|client| client.join().expect("a client failed"))
        .collect();
    assert_eq!(requests.load(Ordering::Relaxed), CLIENTS * 4);
    ids.sort_unstable();
    assert_eq!(
        ids,
        (1..=CLIENTS as i64).collect::<Vec<_>>(),
        "each todo got an id of its own"
    );

    let list = Api::new(&server).get("/todos").json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), CLIENTS);
    assert!(list.iter().all(|todo| todo["done"] == true), "{list:?}");
}

fn memory_database(bin: &str) {
    let server = start(bin, Path::new(":memory:"));
    let api = Api::new(&server);
    assert_eq!(api.post("/todos", r#"{"title":"in memory"}"#).status, 201);
    // Many requests at once: with several connections, some would find an empty database.
    let readers: Vec<_> = (0..16)
        .map(|_| {
            let api = Api {
                base: api.base.clone(),
                agent: agent(Duration::from_secs(30)),
            };
            thread::spawn(move || {
                for _ in 0..5 {
                    let r = api.get("/todos/1");
                    assert_eq!(
                        (r.status, r.json()),
                        (200, json!({"id": 1, "title": "in memory", "done": false}))
                    );
                }
            })
        })
        .collect();
    for reader in readers {
        reader.join().expect("a reader failed");
    }
    assert_eq!(
        api.get("/todos").json(),
        json!([{"id": 1, "title": "in memory", "done": false}])
    );
    // Nothing was written next to the working directory.
    assert!(!Path::new(":memory:").exists());
}

fn unopenable_database(bin: &str) {
    let db = TempDir::new("unopenable");
    let path = db.file("no/such/directory/todo.db");
    let mut server = Server::spawn(command(bin, &path));
    let status = server.expect_exit(common::STARTUP);
    assert_eq!(status.code(), Some(3), "{}", server.logs());
    let logs = server.logs();
    assert!(logs.contains("unable to open database file"), "{logs}");
    assert!(!logs.contains("ferrapi running on"), "{logs}");
}

fn documented(bin: &str) {
    let server = start(bin, Path::new(":memory:"));
    let doc = Api::new(&server).get("/openapi.json").json();
    let paths = &doc["paths"];
    let operations: Vec<(&str, &str)> = [
        ("/todos", "post"),
        ("/todos", "get"),
        ("/todos/{todo_id}", "get"),
        ("/todos/{todo_id}", "patch"),
        ("/todos/{todo_id}", "delete"),
    ]
    .into_iter()
    .filter(|(path, method)| paths[path][method].is_object())
    .collect();
    assert_eq!(operations.len(), 5, "{paths}");
    let todo_ref = json!({"$ref": "#/components/schemas/Todo"});
    let post = &paths["/todos"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/TodoCreate"})
    );
    assert_eq!(
        post["responses"]["201"]["content"]["application/json"]["schema"],
        todo_ref
    );
    assert_eq!(
        paths["/todos"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["items"],
        todo_ref
    );
    let limit = paths["/todos"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .expect("a limit parameter");
    assert_eq!(
        (&limit["schema"]["maximum"], &limit["schema"]["default"]),
        (&json!(100), &json!(100))
    );
    assert_eq!(
        paths["/todos/{todo_id}"]["get"]["responses"]["404"]["description"],
        "Todo not found"
    );
    assert!(paths["/todos/{todo_id}"]["delete"]["responses"]["204"].is_object());
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["TodoCreate"]["properties"]["title"]["maxLength"],
        200
    );
    assert_eq!(
        schemas["TodoCreate"]["properties"]["done"]["default"],
        false
    );
    assert_eq!(schemas["TodoCreate"]["required"], json!(["title"]));
    assert!(schemas["TodoUpdate"]["properties"]["done"].is_object());
    assert_eq!(schemas["Todo"]["required"], json!(["id", "title", "done"]));

    let help = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--db <DB>",
        "[default: todo.db]",
        "--port <PORT>",
        "--workers <WORKERS>",
    ] {
        assert!(help.contains(flag), "--help has no {flag:?}:\n{help}");
    }
}

// ------------------------------------------------------------------------------------ helpers

/// The server's command: `--db path`, a free port on the loopback, no access log, and none of
/// the variables it reads inherited from the environment the tests run in.
fn command(bin: &str, db: &Path) -> std::process::Command {
    let db = db.to_str().expect("a UTF-8 temporary path");
    let mut cmd = command_for(
        bin,
        &[
            "--db",
            db,
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-access-log",
        ],
        &[],
    );
    cmd.env_remove("TODO_DB");
    cmd
}

/// Starts a server on `db` and waits until it serves.
fn start(bin: &str, db: &Path) -> Server {
    let mut server = Server::spawn(command(bin, db));
    server.wait_ready();
    server
}

fn base_url(server: &Server) -> String {
    format!("http://{}", server.addr())
}

/// A client for one server.
struct Api {
    base: String,
    agent: ureq::Agent,
}

/// A response, read whole.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {:?}", self.text()))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Api {
    fn new(server: &Server) -> Api {
        Api {
            base: base_url(server),
            agent: agent(Duration::from_secs(30)),
        }
    }

    fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None)
    }

    fn post(&self, path: &str, json: &str) -> Answer {
        self.send("POST", path, Some(json))
    }

    fn patch(&self, path: &str, json: &str) -> Answer {
        self.send("PATCH", path, Some(json))
    }

    fn delete(&self, path: &str) -> Answer {
        self.send("DELETE", path, None)
    }

    /// `method path`, with `json` as an `application/json` body when there is one.
    fn send(&self, method: &str, path: &str, json: Option<&str>) -> Answer {
        let url = format!("{}{path}", self.base);
        let builder = ureq::http::Request::builder().method(method).uri(&url);
        let result = match json {
            Some(json) => self.agent.run(
                builder
                    .header("content-type", "application/json")
                    .body(json.as_bytes().to_vec())
                    .expect("a valid request"),
            ),
            None => self.agent.run(builder.body(()).expect("a valid request")),
        };
        let response = result.unwrap_or_else(|err| panic!("{method} {url}: {err}"));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .into_body()
            .read_to_vec()
            .unwrap_or_else(|err| panic!("{method} {url}: reading the body: {err}"));
        Answer {
            status,
            headers,
            body,
        }
    }
}

/// A directory of its own under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ferrapi-todo-{}-{name}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
