//! The guide is a book (`docs/book.toml`, `docs/SUMMARY.md`): every chapter the summary names
//! exists, every chapter in `docs/` is in the summary, and every Rust code block of a chapter
//! is compiled by the test suite (the chapter is included as a crate's `guide` documentation,
//! so rustdoc runs it as a doctest).

use std::path::Path;

fn docs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

fn summary_chapters() -> Vec<String> {
    let summary = std::fs::read_to_string(docs().join("SUMMARY.md")).expect("docs/SUMMARY.md");
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(str::to_string)
        .collect()
}

/// The summary and the chapters agree.
#[test]
fn summary_names_every_chapter() {
    let chapters = summary_chapters();
    for chapter in &chapters {
        assert!(
            docs().join(chapter).is_file(),
            "SUMMARY.md names {chapter}, which is missing"
        );
    }
    for entry in std::fs::read_dir(docs()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".md") && name != "SUMMARY.md" {
            assert!(chapters.contains(&name), "docs/{name} is not in SUMMARY.md");
        }
    }
}

/// A chapter with Rust code is included as some crate's documentation, so its code compiles.
#[test]
fn every_rust_block_is_compiled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut included = String::new();
    for lib in [
        "crates/ferrapi-server/src/lib.rs",
        "crates/ferrapi-toolkit/src/lib.rs",
        "crates/ferrapi/src/lib.rs",
    ] {
        included.push_str(&std::fs::read_to_string(root.join(lib)).unwrap());
    }
    for chapter in summary_chapters() {
        let text = std::fs::read_to_string(docs().join(&chapter)).unwrap();
        // Opening fences only: an untagged block is Rust to rustdoc, as is a `rust,…` one.
        let mut in_block = false;
        let mut has_rust = false;
        for line in text.lines() {
            let Some(info) = line.trim_start().strip_prefix("```") else {
                continue;
            };
            if !in_block && (info.is_empty() || info.starts_with("rust")) {
                has_rust = true;
            }
            in_block = !in_block;
        }
        if has_rust {
            assert!(
                included.contains(&format!("docs/{chapter}")),
                "docs/{chapter} has Rust code blocks but no crate includes it as documentation"
            );
        }
    }
}
