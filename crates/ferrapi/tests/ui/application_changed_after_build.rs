// Building consumes the application: the built one, which serves, has no builder methods, so
// changing an application after it serves is a type error (Starlette raises at run time).
use ferrapi::toolkit::{Application, Request, Route};

fn main() {
    let built = Application::new().build();
    let _ = built.route(Route::new("/late", |_req: Request| async { "late" }));
}
