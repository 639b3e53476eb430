use ferrapi::get;

type Socket = ferrapi::toolkit::WebSocket;

// An alias is read by its type: still a WebSocket, still refused outside `#[websocket]`.
#[get("/ws")]
async fn root(socket: Socket) -> &'static str {
    let _ = socket;
    "no"
}

fn main() {}
