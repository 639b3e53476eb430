//! The tutorial's OpenAPI document against FastAPI's for `tests/reference/tutorial.py`: the
//! same paths, operations, parameters, schemas, components and titles. Python with the pinned
//! FastAPI must be installed (`pip install -r requirements-test.txt`; `.ci/run` does it).

use ferrapi_integration_tests::diff::assert_same_openapi;

#[test]
fn tutorial_document_is_fastapis() {
    assert_same_openapi("tutorial", ferrapi_examples::tutorial::app().openapi());
}
