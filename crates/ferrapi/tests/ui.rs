//! Misusing the route macros is a compile error that names the argument and says how to fix
//! it. Each case in `tests/ui/` is compiled and its error compared with the `.stderr` beside it
//! (regenerate with `TRYBUILD=overwrite cargo test -p ferrapi --test ui` after a deliberate
//! change of wording).

#[test]
fn misuse_is_a_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
