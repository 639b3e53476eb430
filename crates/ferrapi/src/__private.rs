//! What the route macros' generated code names, gathered in one place: re-exports only, each
//! item living in the module of its concept. Not a stable API.

pub use ferrapi_toolkit::{Error, Method, Request, Response, WebSocket};
pub use serde;
pub use serde_json::{Map, Value};
pub use tokio;

pub use crate::dependencies::argument::{
    extract_or, param_or, spec, Declare, DeclareArgument, DeclareNothing,
};
pub use crate::dependencies::{
    into_dependency, Argument, Class, Complete, Context, Declaration, Failure, Failures, InRequest,
    InWebSocket, Ready,
};
pub use crate::operation::respond::{
    respond_model, settle, status, ws_outcome, Class as ResponseClassOf, ClassViaFile,
    ClassViaResponse, ClassWrap, DefaultWith, ErrorAnyhow, ErrorBoxed, ErrorDirect, IntoStatus,
    ResponseValue, ViaClass, ViaFile, ViaOwnStatus, ViaResult, ViaResultAnyhow, ViaResultBoxed,
    ViaSerialize, ViaStatus, ViaTyped, ViaValue, Wrap,
};
pub use crate::operation::{watch, Run};
pub use crate::params::{
    extract, extract_file, is_present, DefaultHidden, DefaultJson, DefaultViaSerialize, ParamSpec,
    Source,
};
pub use crate::responses::{
    MediaDefault, MediaViaClass, Probe, ReturnAnything, ReturnViaModel, SchemaFn,
};
pub use crate::validation::model::{
    enum_error, enum_schema, extra_forbidden, extra_keys, extra_schema, field, fields_concat,
    fields_len, fields_of, int_enum_schema, lax_int, lax_int_str, literal_error, literal_int,
    literal_schema, lookup, merge_flattened, missing_field, model_attributes_type, rename_keys,
    value_error, ModelField, ModelName, ReportAssertion, ReportValueError, ValidatorFailure,
};
pub use crate::validation::schema::{extend as schema_extend, set as schema_set, to_json};
pub use crate::validation::union::{
    best_match, smart_finish, smart_member, smart_member_str, tagged_member, tagged_schema,
    union_tag, untagged_schema, Best,
};
pub use crate::validation::{UnionMatch, Validator};
