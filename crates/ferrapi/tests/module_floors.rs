//! The framework's modules stand in floors, and a lower floor never imports a higher one
//! (issue 25, "modules in floors, not in a circle"): types, errors and their JSON Schema at the
//! bottom, then parameters, then dependencies (security schemes are dependencies), then the
//! operation pipeline, then routing, then the OpenAPI document and the application. The macro
//! facade `__private` only re-exports. This test reads `src/` and fails on an import that goes
//! up a floor.

use std::path::Path;

/// The floor of each top-level module.
const FLOORS: &[(&str, u8)] = &[
    ("validation", 0),
    ("types", 0),
    ("exceptions", 0),
    ("responses", 0),
    ("background", 0),
    ("params", 1),
    ("dependencies", 2),
    ("security", 2),
    ("operation", 3),
    ("routing", 4),
    ("openapi", 5),
    ("applications", 5),
    ("__private", 6),
];

fn floor(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_a_higher_floor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut violations = Vec::new();
    for path in all {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let top = rel.split(['/', '.']).next().unwrap().to_string();
        let Some(own) = floor(&top) else {
            continue; // lib.rs
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue; // doc links are not imports
            }
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if let Some(theirs) = floor(&name) {
                    if theirs > own {
                        violations.push(format!(
                            "src/{rel}:{}: {top} (floor {own}) uses {name} (floor {theirs})",
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports going up a floor:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_test_sees_every_module() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        let line = line.trim_start_matches("pub ").trim();
        if let Some(name) = line.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')) {
            assert!(
                floor(name).is_some(),
                "module `{name}` has no floor in this test"
            );
        }
    }
}
