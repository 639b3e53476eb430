//! Example servers for each ferrapi layer. Each binary in `src/bin/` is one example; they take
//! the server's command-line flags (`--help`), and double as smoke tests.
