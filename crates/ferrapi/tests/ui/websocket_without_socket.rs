use ferrapi::websocket;

#[websocket("/ws")]
async fn ws(room: String) {
    let _ = room;
}

fn main() {}
