//! `#[derive(Model)]` and `#[derive(Enum)]`: pydantic's `BaseModel` and string `Enum`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, LitStr, Token};

const CONSTRAINTS: &[&str] = &[
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
    "max_digits",
    "decimal_places",
];

struct Field {
    ident: syn::Ident,
    ty: syn::Type,
    key: String,
    default: Option<Expr>,
    /// `#[field(default_factory = path)]`: `default` is a call to `path`, and the schema
    /// writes no default (pydantic's `Field(default_factory=…)`).
    factory: bool,
    constraints: Vec<(syn::Ident, Expr)>,
    /// Documentation for the schema: `title`, `description`, `examples`, `deprecated`,
    /// `json_schema_extra`.
    meta: SchemaMeta,
    /// The field's doc comment (its description with `#[model(docs)]`).
    doc: Option<String>,
    /// `#[serde(alias = "…")]`: other names accepted in input (pydantic's `AliasChoices`).
    aliases: Vec<String>,
    /// `#[field(validate = path)]`: "after" validators, `fn(T) -> Result<T, E>`, in the order
    /// they run.
    validate: Vec<Expr>,
    /// `#[field(validate_before = path)]`: "before" validators, `fn(&Value) -> Result<Value,
    /// E>`, in the order they run.
    validate_before: Vec<Expr>,
    /// `#[serde(skip)]` / `#[serde(skip_deserializing)]`: never read, always the default.
    skip: bool,
    /// `#[serde(flatten)]`: a model whose fields are read from this model's object.
    flatten: bool,
}

/// What `#[serde(...)]` says about a field, beside `rename` (read by [`serde_rename`]).
#[derive(Default)]
struct SerdeField {
    aliases: Vec<String>,
    /// `default` (`Default::default()`) or `default = "path"` (`path()`).
    default: Option<Expr>,
    skip: bool,
    flatten: bool,
}

/// Reads a field's `#[serde(...)]` attributes: every one is honoured by validation and the
/// schema, or refused with a compile error saying why (never a silent divergence between
/// validation, the schema and serialisation).
fn serde_field(attrs: &[syn::Attribute]) -> syn::Result<SerdeField> {
    let mut out = SerdeField::default();
    for attr in attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match name.as_str() {
                "rename" => {
                    if !meta.input.peek(Token![=]) {
                        return Err(meta.error(
                            "#[derive(Model)] does not support `#[serde(rename(serialize = …, deserialize = …))]`: a field has one name in the input, the output and the schema; use `#[serde(rename = \"…\")]`, and `#[serde(alias = \"…\")]` for other input names",
                        ));
                    }
                    let _: LitStr = meta.value()?.parse()?;
                }
                "alias" => {
                    let value: LitStr = meta.value()?.parse()?;
                    out.aliases.push(value.value());
                }
                "default" => {
                    if meta.input.peek(Token![=]) {
                        let path: LitStr = meta.value()?.parse()?;
                        let path: syn::ExprPath = path.parse()?;
                        out.default = Some(syn::parse_quote!(#path()));
                    } else {
                        out.default =
                            Some(syn::parse_quote!(::core::default::Default::default()));
                    }
                }
                "skip" | "skip_deserializing" => out.skip = true,
                "flatten" => out.flatten = true,
                // The output leaves the field out (always, or when the function says so):
                // validation and the schema (which describes the input) keep it, as pydantic's
                // `Field(exclude=True)` does.
                "skip_serializing" => {}
                "skip_serializing_if" => {
                    let _: LitStr = meta.value()?.parse()?;
                }
                // No effect on the JSON.
                "borrow" | "bound" => {
                    if meta.input.peek(Token![=]) {
                        let _: Expr = meta.value()?.parse()?;
                    }
                }
                // The output format of the field's value (ferrapi's own `types::datetime::pydantic`,
                // `types::decimal::as_python_str`… write pydantic's JSON). Validation and the
                // schema follow the field's type; keeping the module's format in agreement with
                // them is the module's contract (documented in the guide).
                "with" | "serialize_with" => {
                    let _: LitStr = meta.value()?.parse()?;
                }
                "deserialize_with" => {
                    return Err(meta.error(
                        "#[derive(Model)] does not support `#[serde(deserialize_with = …)]`: validation reads the field with its type's `Validate` rules, never through `Deserialize`, so the function would be ignored there; give the field a type whose `Validate` reads the format you want",
                    ));
                }
                other => {
                    return Err(meta.error(format!(
                        "#[derive(Model)] does not support `#[serde({other})]` on a field: validation and the schema could not honour it"
                    )));
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// Refuses the container `#[serde(...)]` attributes a model's validation and schema cannot
/// honour (`rename_all`, `deny_unknown_fields` and `default` are honoured; `rename`, `crate`,
/// `bound` and `expecting` do not change the JSON).
fn serde_container_check(attrs: &[syn::Attribute]) -> syn::Result<()> {
    for attr in attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match name.as_str() {
                "rename_all" => {
                    if !meta.input.peek(Token![=]) {
                        return Err(meta.error(
                            "#[derive(Model)] does not support `#[serde(rename_all(serialize = …, deserialize = …))]`: a field has one name in the input, the output and the schema; use `#[serde(rename_all = \"…\")]`",
                        ));
                    }
                    let _: LitStr = meta.value()?.parse()?;
                }
                "deny_unknown_fields" => {}
                "default" | "rename" | "crate" | "bound" | "expecting" => {
                    if meta.input.peek(Token![=]) {
                        let _: Expr = meta.value()?.parse()?;
                    } else if meta.input.peek(syn::token::Paren) {
                        let content;
                        syn::parenthesized!(content in meta.input);
                        let _ = content.parse::<TokenStream>()?;
                    }
                }
                other => {
                    return Err(meta.error(format!(
                        "#[derive(Model)] does not support `#[serde({other})]` on a struct: it changes the serialised shape, which validation and the schema could not follow"
                    )));
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The container's `#[serde(default)]` or `#[serde(default = "path")]`: the value the missing
/// fields are taken from.
fn serde_container_default(attrs: &[syn::Attribute]) -> syn::Result<Option<Expr>> {
    let mut found = None;
    for attr in attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                if meta.input.peek(Token![=]) {
                    let path: LitStr = meta.value()?.parse()?;
                    let path: syn::ExprPath = path.parse()?;
                    found = Some(syn::parse_quote!(#path()));
                } else {
                    found = Some(syn::parse_quote!(
                        <Self as ::core::default::Default>::default()
                    ));
                }
            } else if meta.input.peek(Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in meta.input);
                let _ = content.parse::<TokenStream>()?;
            }
            Ok(())
        })?;
    }
    Ok(found)
}

/// What the schema of a field or a model carries beside its type (pydantic's `Field(title=…,
/// description=…, examples=[…], deprecated=True, json_schema_extra={…})`).
#[derive(Default)]
struct SchemaMeta {
    title: Option<Expr>,
    description: Option<Expr>,
    examples: Option<Expr>,
    deprecated: bool,
    extra: Option<Expr>,
}

impl SchemaMeta {
    /// Parses one option; `false` if it is not a schema option.
    fn parse(&mut self, name: &str, value: &Expr) -> bool {
        match name {
            "title" => self.title = Some(value.clone()),
            "description" => self.description = Some(value.clone()),
            "examples" => self.examples = Some(value.clone()),
            "json_schema_extra" => self.extra = Some(value.clone()),
            _ => return false,
        }
        true
    }

    /// Code that adds the options to the schema `__s` (a `serde_json::Value`), in pydantic's
    /// order: title (by the caller), description, deprecated, examples, then the extra keys.
    fn apply(&self, doc: Option<&str>) -> TokenStream {
        let mut out = TokenStream::new();
        if let Some(title) = &self.title {
            out.extend(quote!(::ferrapi::__private::schema_set(&mut __s, "title", ::ferrapi::__private::to_json(&#title));));
        }
        if let Some(description) = &self.description {
            out.extend(quote!(::ferrapi::__private::schema_set(&mut __s, "description", ::ferrapi::__private::to_json(&#description));));
        } else if let Some(doc) = doc {
            out.extend(quote!(::ferrapi::__private::schema_set(&mut __s, "description", ::ferrapi::__private::Value::from(#doc));));
        }
        if self.deprecated {
            out.extend(quote!(::ferrapi::__private::schema_set(&mut __s, "deprecated", ::ferrapi::__private::Value::Bool(true));));
        }
        if let Some(examples) = &self.examples {
            out.extend(quote!(::ferrapi::__private::schema_set(&mut __s, "examples", ::ferrapi::__private::to_json(&#examples));));
        }
        if let Some(extra) = &self.extra {
            out.extend(quote!(::ferrapi::__private::schema_extend(&mut __s, ::ferrapi::__private::to_json(&#extra));));
        }
        out
    }
}

/// The text of the `///` comments, as pydantic cleans a docstring (common indentation removed,
/// surrounding blank lines dropped).
fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                lines.push(s.value());
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let text: Vec<&str> = lines
        .iter()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim()
            }
        })
        .map(str::trim_end)
        .collect();
    let text = text.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The serde rename rule of a container, applied to a field or variant name.
pub(crate) fn rename_all(rule: &str, name: &str, is_variant: bool) -> String {
    let words: Vec<String> = if is_variant {
        // PascalCase variant → words.
        let mut words = Vec::new();
        let mut current = String::new();
        for c in name.chars() {
            if c.is_uppercase() && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        if !current.is_empty() {
            words.push(current);
        }
        words
    } else {
        name.split('_').map(str::to_string).collect()
    };
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    match rule {
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "snake_case" => lower.join("_"),
        "SCREAMING_SNAKE_CASE" => lower.join("_").to_uppercase(),
        "kebab-case" => lower.join("-"),
        "SCREAMING-KEBAB-CASE" => lower.join("-").to_uppercase(),
        "camelCase" => {
            let mut out = String::new();
            for (i, w) in lower.iter().enumerate() {
                if i == 0 {
                    out.push_str(w);
                } else {
                    let mut chars = w.chars();
                    if let Some(first) = chars.next() {
                        out.extend(first.to_uppercase());
                        out.push_str(chars.as_str());
                    }
                }
            }
            out
        }
        "PascalCase" => lower
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                    None => String::new(),
                }
            })
            .collect(),
        _ => name.to_string(),
    }
}

/// `rename_all` / `rename` from `#[serde(...)]` attributes.
pub(crate) fn serde_rename(attrs: &[syn::Attribute], key: &str) -> syn::Result<Option<String>> {
    let mut found = None;
    for attr in attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                if !meta.input.peek(Token![=]) {
                    return Err(meta.error(format!(
                        "ferrapi's derives do not support `#[serde({key}(serialize = …, deserialize = …))]`: a name is the same in the input, the output and the schema; use `#[serde({key} = \"…\")]` (and `#[serde(alias = \"…\")]` for other input names)"
                    )));
                }
                let value: LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
                let _ = _content.parse::<TokenStream>()?;
            }
            Ok(())
        })?;
    }
    Ok(found)
}

fn field_options(field: &syn::Field, rule: Option<&str>) -> syn::Result<Field> {
    let ident = field
        .ident
        .clone()
        .ok_or_else(|| syn::Error::new(field.span(), "models need named fields"))?;
    let renamed = serde_rename(&field.attrs, "rename")?;
    let has_rename = renamed.is_some();
    let mut key = match renamed {
        Some(name) => name,
        None => match rule {
            Some(rule) => rename_all(rule, &ident.to_string(), false),
            None => ident.to_string().trim_start_matches("r#").to_string(),
        },
    };
    let mut out = Field {
        ident: ident.clone(),
        ty: field.ty.clone(),
        key: String::new(),
        default: None,
        factory: false,
        constraints: Vec::new(),
        meta: SchemaMeta::default(),
        doc: doc_comment(&field.attrs),
        aliases: Vec::new(),
        validate: Vec::new(),
        validate_before: Vec::new(),
        skip: false,
        flatten: false,
    };
    let serde = serde_field(&field.attrs)?;
    out.aliases = serde.aliases;
    out.skip = serde.skip;
    out.flatten = serde.flatten;
    let serde_default = serde.default;
    // `default` and `default_factory` both given is an error in pydantic too.
    let mut defaults = 0;
    for attr in &field.attrs {
        if !attr.path().is_ident("field") {
            continue;
        }
        let items = attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)?;
        for item in items {
            match item {
                syn::Meta::Path(p) if p.is_ident("default") => {
                    defaults += 1;
                    out.default = Some(syn::parse_quote!(::core::default::Default::default()));
                }
                syn::Meta::Path(p) if p.is_ident("deprecated") => out.meta.deprecated = true,
                syn::Meta::List(list) if list.path.is_ident("items") => {
                    let key = syn::Ident::new("items", list.path.span());
                    let items = crate::dependant::items_constraints(&list)?;
                    out.constraints.push((key, items));
                }
                syn::Meta::NameValue(nv) => {
                    let name = nv.path.get_ident().cloned().ok_or_else(|| {
                        syn::Error::new(nv.path.span(), "expected an option name")
                    })?;
                    match name.to_string().as_str() {
                        "default" => {
                            defaults += 1;
                            out.default = Some(nv.value);
                        }
                        "default_factory" => {
                            defaults += 1;
                            let factory = nv.value;
                            out.default = Some(syn::parse_quote!((#factory)()));
                            out.factory = true;
                        }
                        "alias" => match nv.value {
                            Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(s),
                                ..
                            }) if has_rename => {
                                return Err(syn::Error::new(
                                    s.span(),
                                    format!("`{ident}` has both `#[serde(rename)]` and `#[field(alias)]`: validation would read one name and serialisation write the other; keep `#[serde(rename)]` (and `#[serde(alias)]` for other input names)"),
                                ))
                            }
                            Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(s),
                                ..
                            }) => key = s.value(),
                            other => {
                                return Err(syn::Error::new(
                                    other.span(),
                                    "alias must be a string literal",
                                ))
                            }
                        },
                        "validate" => out.validate.push(nv.value),
                        "validate_before" => out.validate_before.push(nv.value),
                        n if CONSTRAINTS.contains(&n) => out.constraints.push((name, nv.value)),
                        n if out.meta.parse(n, &nv.value) => {}
                        other => {
                            return Err(syn::Error::new(
                                name.span(),
                                format!(
                                "unknown field option `{other}` on `{ident}`; expected default, \
                                     default_factory, alias, validate, validate_before, gt, ge, lt, le, multiple_of, min_length, max_length, \
                                     pattern, max_digits, decimal_places, items(…), title, description, examples, deprecated, \
                                     json_schema_extra"
                            ),
                            ))
                        }
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        other.span(),
                        format!("unexpected field option on `{ident}`"),
                    ))
                }
            }
        }
    }
    if defaults > 1 && out.factory {
        return Err(syn::Error::new(
            ident.span(),
            format!("`{ident}` has both `default` and `default_factory`: give one"),
        ));
    }
    if let Some(default) = serde_default {
        if out.default.is_some() {
            return Err(syn::Error::new(
                ident.span(),
                format!("`{ident}` has a default in both `#[field(default)]` and `#[serde(default)]`: give it once (`#[serde(default)]` serves validation, the schema and deserialisation)"),
            ));
        }
        out.default = Some(default);
    }
    if out.flatten
        && (out.default.is_some()
            || !out.validate.is_empty()
            || !out.validate_before.is_empty()
            || !out.constraints.is_empty()
            || !out.aliases.is_empty())
    {
        return Err(syn::Error::new(
            ident.span(),
            format!("`{ident}` is `#[serde(flatten)]`: it has no key of its own, so it takes no default, alias, validator or constraint (put them on the flattened model's fields)"),
        ));
    }
    out.key = key;
    Ok(out)
}

/// `#[serde(deny_unknown_fields)]` on the container.
pub(crate) fn serde_flag(attrs: &[syn::Attribute], flag: &str) -> syn::Result<bool> {
    let mut found = false;
    for attr in attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(flag) {
                found = true;
            } else if meta.input.peek(Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
                let _ = _content.parse::<TokenStream>()?;
            }
            Ok(())
        })?;
    }
    Ok(found)
}

/// The container's `#[model(...)]` options.
#[derive(Default)]
struct ModelOptions {
    /// `extra = "forbid"` (pydantic's `model_config["extra"]`); `#[serde(deny_unknown_fields)]`
    /// means it too, so validation refuses what deserialisation would.
    forbid: bool,
    /// `extra = "allow"`: the extra keys are kept, in a `#[serde(flatten)]` map field.
    allow: bool,
    /// `extra = "ignore"`, said explicitly.
    ignore: bool,
    /// `docs`: the doc comments of the model and its fields are their descriptions (pydantic's
    /// docstring and `use_attribute_docstrings=True`). Off by default: Rust documents every
    /// public item, where Python docstrings are a choice.
    docs: bool,
    /// `title = …`, `description = …`, `examples = …`, `json_schema_extra = …`.
    meta: SchemaMeta,
    /// `validate = path`: model "after" validators, `fn(Self) -> Result<Self, E>`, in the order
    /// they run.
    validate: Vec<Expr>,
    /// `validate_before = path`: model "before" validators, `fn(&Value) -> Result<Value, E>`, in
    /// the order they run.
    validate_before: Vec<Expr>,
}

fn model_options(input: &DeriveInput) -> syn::Result<ModelOptions> {
    let mut options = ModelOptions {
        forbid: serde_flag(&input.attrs, "deny_unknown_fields")?,
        ..ModelOptions::default()
    };
    for attr in &input.attrs {
        if !attr.path().is_ident("model") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if name == "extra" {
                let value: LitStr = meta.value()?.parse()?;
                match value.value().as_str() {
                    "forbid" => options.forbid = true,
                    "ignore" => options.ignore = true,
                    "allow" => options.allow = true,
                    other => {
                        return Err(syn::Error::new(
                            value.span(),
                            format!(
                                "extra = \"{other}\" is not supported: use \"forbid\", \"ignore\" or \"allow\""
                            ),
                        ))
                    }
                }
                Ok(())
            } else if name == "docs" {
                options.docs = true;
                Ok(())
            } else if name == "validate" {
                options.validate.push(meta.value()?.parse()?);
                Ok(())
            } else if name == "validate_before" {
                options.validate_before.push(meta.value()?.parse()?);
                Ok(())
            } else if name == "deprecated" {
                options.meta.deprecated = true;
                Ok(())
            } else if meta.input.peek(Token![=]) {
                let value: Expr = meta.value()?.parse()?;
                if options.meta.parse(&name, &value) {
                    Ok(())
                } else {
                    Err(meta.error("unknown model option; expected extra, docs, validate, validate_before, title, description, examples, deprecated or json_schema_extra"))
                }
            } else {
                Err(meta.error("unknown model option; expected extra, docs, validate, validate_before, title, description, examples, deprecated or json_schema_extra"))
            }
        })?;
    }
    Ok(options)
}

pub(crate) fn derive_model(input: DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    if let Data::Enum(data) = &input.data {
        return crate::union::derive(&input, data);
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.span(),
            "#[derive(Model)] is for structs with named fields; use #[derive(Enum)] for string enums",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            input.span(),
            "#[derive(Model)] needs named fields (`struct Item { name: String }`)",
        ));
    };
    serde_container_check(&input.attrs)?;
    let rule = serde_rename(&input.attrs, "rename_all")?;
    let options = model_options(&input)?;
    let forbid = options.forbid;
    let container_default = serde_container_default(&input.attrs)?;
    let model_doc = if options.docs {
        doc_comment(&input.attrs)
    } else {
        None
    };
    let model_meta = options.meta.apply(model_doc.as_deref());
    let mut fields = named
        .named
        .iter()
        .map(|f| field_options(f, rule.as_deref()))
        .collect::<syn::Result<Vec<_>>>()?;
    if let Some(default) = &container_default {
        for f in &mut fields {
            if f.default.is_none() && !f.flatten {
                let ident = &f.ident;
                f.default = Some(syn::parse_quote!(#default.#ident));
            }
        }
    }
    if !input.generics.params.is_empty() {
        if let Some(f) = fields.iter().find(|f| f.flatten) {
            return Err(syn::Error::new(
                f.ident.span(),
                "#[serde(flatten)] is not supported in a generic model (the flattened fields are gathered at compile time)",
            ));
        }
    }
    if forbid {
        if let Some(f) = fields.iter().find(|f| f.flatten) {
            return Err(syn::Error::new(
                f.ident.span(),
                "#[serde(flatten)] cannot be combined with `extra = \"forbid\"` / `#[serde(deny_unknown_fields)]` (serde does not support the combination either)",
            ));
        }
    }
    // A flattened map keeps the keys no field reads: pydantic's `extra = "allow"`.
    let extra_field = fields.iter().position(|f| f.flatten && is_map_type(&f.ty));
    match extra_field {
        Some(i) => {
            let f = &fields[i];
            if options.ignore {
                return Err(syn::Error::new(
                    f.ident.span(),
                    "a `#[serde(flatten)]` map keeps the extra keys: that is `extra = \"allow\"`, not \"ignore\"",
                ));
            }
            if let Some(other) = fields
                .iter()
                .enumerate()
                .find(|(j, g)| *j != i && g.flatten)
                .map(|(_, g)| g)
            {
                return Err(syn::Error::new(
                    other.ident.span(),
                    "#[derive(Model)] supports a flattened map (the extra keys) or flattened models, not both: the extra keys would depend on the flattened models' aliases",
                ));
            }
        }
        None if options.allow => {
            return Err(syn::Error::new(
                input.ident.span(),
                "extra = \"allow\" needs a field to keep the extra keys: add `#[serde(flatten)] extra: serde_json::Map<String, serde_json::Value>` (or a map of a validated type, as pydantic's `__pydantic_extra__: dict[str, int]`)",
            ));
        }
        None => {}
    }
    let n = fields.len();
    let mut builders = Vec::new();
    let mut reads = Vec::new();
    let vars: Vec<syn::Ident> = (0..n).map(|i| format_ident!("__f{i}")).collect();
    let mut used_keys = Vec::new();
    let mut checks = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let mut builder = quote!(::ferrapi::validation::Constraints::new());
        for (key, value) in &f.constraints {
            builder = quote!(#builder.#key(#value));
        }
        builders.push(builder);
        let key = &f.key;
        let ty = &f.ty;
        let var = &vars[i];
        if f.skip {
            let default = f
                .default
                .clone()
                .unwrap_or_else(|| syn::parse_quote!(::core::default::Default::default()));
            reads.push(quote! {
                let #var: ::core::option::Option<#ty> = ::core::option::Option::Some(#default);
            });
            continue;
        }
        if Some(i) == extra_field {
            // Read after the other fields, from the keys they did not use.
            continue;
        }
        if f.flatten {
            let message = LitStr::new(
                &format!(
                    "#[serde(flatten)] on `{}`: the type must be a #[derive(Model)] struct (its fields are read from this model's object) or a map (the extra keys)",
                    f.ident
                ),
                f.ident.span(),
            );
            checks.push(quote! {
                const _: () = ::core::assert!(
                    <#ty as ::ferrapi::validation::Validate>::MODEL_FIELDS.is_some()
                        && !<#ty as ::ferrapi::validation::Validate>::IS_OPTIONAL,
                    #message
                );
            });
            reads.push(quote! {
                let #var: ::core::option::Option<#ty> =
                    <#ty as ::ferrapi::validation::Validate>::validate(__input, __v);
            });
            continue;
        }
        let missing = match &f.default {
            Some(default) => quote!(::core::option::Option::Some(#default)),
            None => quote!(::ferrapi::__private::missing_field::<#ty>(__input, __v)),
        };
        let aliases = &f.aliases;
        let used = format_ident!("__k{i}");
        let found = format_ident!("__x{i}");
        used_keys.push(quote!(#used));
        let before = before_chain(&f.validate_before, quote!(__raw));
        let after = after_chain(&f.validate, quote!(__raw));
        reads.push(quote! {
            let (#used, #found) = ::ferrapi::__private::lookup(__obj, &[#key #(, #aliases)*]);
            let #var: ::core::option::Option<#ty> = __v.at(#used, |__v| -> ::core::option::Option<#ty> {
                match #found {
                    ::core::option::Option::Some(__raw) => {
                        #before
                        #[allow(unused_mut)]
                        let mut __value: #ty = ::ferrapi::__private::field::<#ty>(__x, &__c[#i], __v)?;
                        #after
                    }
                    ::core::option::Option::None => #missing,
                }
            });
        });
    }
    let idents: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let name_str = name.to_string();
    let extra_read = match extra_field {
        Some(i) => {
            let ty = &fields[i].ty;
            let var = &vars[i];
            quote! {
                let #var: ::core::option::Option<#ty> =
                    <#ty as ::ferrapi::validation::Validate>::validate(
                        &::ferrapi::__private::extra_keys(&[#(#used_keys),*], __obj),
                        __v,
                    );
            }
        }
        None => quote!(),
    };
    let extra_check = if forbid {
        quote! {
            let __before = __v.error_count();
            ::ferrapi::__private::extra_forbidden(&[#(#used_keys),*], __obj, __v);
            if __v.error_count() > __before {
                return ::core::option::Option::None;
            }
        }
    } else {
        quote!()
    };
    // The parameter-model fields: the fields read from the input, a flattened model's in its place.
    let mut field_parts = Vec::new();
    let mut own = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if f.skip || Some(i) == extra_field {
            continue;
        }
        let ty = &f.ty;
        if f.flatten {
            if !own.is_empty() {
                field_parts.push(quote!(&[#(#own),*]));
                own.clear();
            }
            field_parts.push(quote!(::ferrapi::__private::fields_of(
                <#ty as ::ferrapi::validation::Validate>::MODEL_FIELDS
            )));
        } else {
            let key = &f.key;
            own.push(quote!(::ferrapi::__private::ModelField {
                key: #key,
                list: <#ty as ::ferrapi::validation::Validate>::IS_LIST,
            }));
        }
    }
    let model_fields = if fields.iter().any(|f| f.flatten) {
        if !own.is_empty() {
            field_parts.push(quote!(&[#(#own),*]));
        }
        quote! {{
            const __PARTS: &[&[::ferrapi::__private::ModelField]] = &[#(#field_parts),*];
            const __N: usize = ::ferrapi::__private::fields_len(__PARTS);
            const __ALL: [::ferrapi::__private::ModelField; __N] =
                ::ferrapi::__private::fields_concat::<__N>(__PARTS);
            &__ALL
        }}
    } else {
        quote!(&[#(#own),*])
    };
    let model_before = if options.validate_before.is_empty() {
        quote!()
    } else {
        let chain = before_chain(&options.validate_before, quote!(__input));
        quote! {
            #chain
            let __input: &::ferrapi::__private::Value = __x;
        }
    };
    let model_after = after_chain(&options.validate, quote!(__original));
    let extra_schema = if forbid {
        quote! {
            if let ::core::option::Option::Some(__o) = __s.as_object_mut() {
                __o.insert(::std::string::String::from("additionalProperties"), ::ferrapi::__private::Value::Bool(false));
            }
        }
    } else if let Some(i) = extra_field {
        let ty = &fields[i].ty;
        quote! {
            let __extra = <#ty as ::ferrapi::validation::Validate>::json_schema(__g);
            ::ferrapi::__private::schema_set(&mut __s, "additionalProperties", ::ferrapi::__private::extra_schema(__extra));
        }
    } else {
        quote!()
    };
    let mut schema_fields = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let key = &f.key;
        let ty = &f.ty;
        if f.skip || Some(i) == extra_field {
            continue;
        }
        if f.flatten {
            schema_fields.push(quote! {
                let __def = __g.flattened(<#ty as ::ferrapi::validation::Validate>::json_schema);
                ::ferrapi::__private::merge_flattened(&mut __props, &mut __required, __def);
            });
            continue;
        }
        // pydantic titles a field after its name in the input (its alias, if any).
        let title = key;
        let (default, required) = match &f.default {
            // pydantic writes no default for a `default_factory`.
            Some(_) if f.factory => (quote!(::core::option::Option::None), quote!(false)),
            Some(default) => (
                quote! {{
                    #[allow(unused_imports)]
                    use ::ferrapi::__private::{DefaultHidden as _, DefaultViaSerialize as _};
                    (&&::ferrapi::__private::DefaultJson::<#ty>::new(#default)).json()
                }},
                quote!(false),
            ),
            None => (
                quote!(::core::option::Option::None),
                quote!(!<#ty as ::ferrapi::validation::Validate>::IS_OPTIONAL),
            ),
        };
        let field_meta = f
            .meta
            .apply(if options.docs { f.doc.as_deref() } else { None });
        schema_fields.push(quote! {
            let mut __s = <#ty as ::ferrapi::validation::Validate>::json_schema(__g);
            ::ferrapi::validation::schema::apply_constraints(&mut __s, &__c[#i], __g.field_context());
            ::ferrapi::validation::schema::annotate(&mut __s, &::ferrapi::validation::schema::title_case(#title), #default);
            // pydantic titles no field whose type is a model, optional or not.
            if <#ty as ::ferrapi::validation::Validate>::MODEL_FIELDS.is_some() {
                if let ::core::option::Option::Some(__o) = __s.as_object_mut() {
                    __o.remove("title");
                }
            }
            #field_meta
            __props.insert(::std::string::String::from(#key), __s);
            if #required {
                __required.push(::std::string::String::from(#key));
            }
        });
    }
    // `response_model_by_alias = false`: the fields' values first (nested models), a
    // flattened model's keys, then this model's own keys, in place.
    let mut nested_names = Vec::new();
    let mut flattened_names = Vec::new();
    let mut renames = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if Some(i) == extra_field {
            continue;
        }
        let ty = &f.ty;
        if f.flatten {
            flattened_names
                .push(quote!(<#ty as ::ferrapi::validation::Validate>::by_field_name(__value);));
            continue;
        }
        let key = &f.key;
        nested_names.push(quote! {
            if let ::core::option::Option::Some(__x) = __obj.get_mut(#key) {
                <#ty as ::ferrapi::validation::Validate>::by_field_name(__x);
            }
        });
        let ident = f.ident.unraw().to_string();
        if ident != *key {
            renames.push(quote!((#key, #ident)));
        }
    }
    let nested = if nested_names.is_empty() {
        quote!()
    } else {
        quote! {
            if let ::core::option::Option::Some(__obj) = __value.as_object_mut() {
                #(#nested_names)*
            }
        }
    };
    let by_field_name = quote! {
        fn by_field_name(__value: &mut ::ferrapi::__private::Value) {
            #nested
            #(#flattened_names)*
            ::ferrapi::__private::rename_keys(__value, &[#(#renames),*]);
        }
    };
    Ok(quote! {
        impl #impl_generics ::ferrapi::validation::Validate for #name #ty_generics #where_clause {
            const KIND: ::ferrapi::validation::ConstraintKind = ::ferrapi::validation::ConstraintKind::Dict;
            const IS_MODEL: bool = true;

            #by_field_name
            const MODEL_FIELDS: ::core::option::Option<&'static [::ferrapi::__private::ModelField]> =
                ::core::option::Option::Some(#model_fields);

            fn json_schema(__g: &mut ::ferrapi::validation::SchemaGenerator) -> ::ferrapi::__private::Value {
                __g.component(#name_str, |__g| {
                    let __c: [::ferrapi::validation::Constraints; #n] = [#(#builders),*];
                    let mut __props = ::ferrapi::__private::Map::new();
                    let mut __required: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                    #(#schema_fields)*
                    #[allow(unused_mut)]
                    let mut __s = ::ferrapi::validation::schema::object(#name_str, __props, __required);
                    #extra_schema
                    #model_meta
                    __s
                })
            }

            fn validate(
                __input: &::ferrapi::__private::Value,
                __v: &mut ::ferrapi::validation::Validator,
            ) -> ::core::option::Option<Self> {
                static __C: ::std::sync::OnceLock<[::ferrapi::validation::Constraints; #n]> =
                    ::std::sync::OnceLock::new();
                let __c = __C.get_or_init(|| [#(#builders),*]);
                #[allow(unused_variables)]
                let __original: &::ferrapi::__private::Value = __input;
                #model_before
                let ::core::option::Option::Some(__obj) = __input.as_object() else {
                    ::ferrapi::__private::model_attributes_type(__input, __v);
                    return ::core::option::Option::None;
                };
                #(#reads)*
                #extra_read
                #extra_check
                #[allow(unused_mut)]
                let mut __value = #name {
                    #(#idents: #vars?,)*
                };
                #model_after
            }
        }

        impl #impl_generics ::ferrapi::__private::ModelName for #name #ty_generics #where_clause {
            const NAME: &'static str = #name_str;
        }

        #(#checks)*
    })
}

/// Whether a type is written as a map (`Map`, `HashMap`, `BTreeMap`, `IndexMap`): a
/// `#[serde(flatten)]` field of such a type keeps the extra keys.
fn is_map_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "Map" | "HashMap" | "BTreeMap" | "IndexMap"
            )
        }),
        _ => false,
    }
}

/// Code that runs "before" validators in turn on `input` (a `&Value`), each on what the last
/// returned (an error echoes what its validator saw), leaving the result in `__x: &Value`.
fn before_chain(paths: &[Expr], input: TokenStream) -> TokenStream {
    let mut out = quote!(let __x: &::ferrapi::__private::Value = #input;);
    for (i, path) in paths.iter().enumerate() {
        let owned = format_ident!("__owned{i}");
        let report = report(quote!(#path(__x)), quote!(__x));
        out.extend(quote! {
            let #owned: ::ferrapi::__private::Value = #report?;
            let __x: &::ferrapi::__private::Value = &#owned;
        });
    }
    out
}

/// Code that runs "after" validators in turn on `__value`, each on what the last returned
/// (an error echoes `input`, the field's or model's input as it came), and ends with the value.
fn after_chain(paths: &[Expr], input: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for path in paths {
        let report = report(quote!(#path(__value)), input.clone());
        out.extend(quote!(__value = #report?;));
    }
    quote! {
        #out
        ::core::option::Option::Some(__value)
    }
}

/// Code that turns a validator's result into an `Option`, recording its error (pydantic's
/// `value_error`, or `assertion_error` for `AssertionFailed`) with `input` at the current
/// location.
fn report(call: TokenStream, input: TokenStream) -> TokenStream {
    quote! {
        match #call {
            ::core::result::Result::Ok(__ok) => ::core::option::Option::Some(__ok),
            ::core::result::Result::Err(__e) => {
                #[allow(unused_imports)]
                use ::ferrapi::__private::{ReportAssertion as _, ReportValueError as _};
                (&&::ferrapi::__private::ValidatorFailure(&__e)).report(#input, __v);
                ::core::option::Option::None
            }
        }
    }
}

/// `#[enum_kind(literal)]` on the enum.
fn is_literal(attrs: &[syn::Attribute]) -> syn::Result<bool> {
    let mut literal = false;
    for attr in attrs {
        if !attr.path().is_ident("enum_kind") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("literal") {
                literal = true;
                Ok(())
            } else {
                Err(meta.error("unknown enum option; expected `literal`"))
            }
        })?;
    }
    Ok(literal)
}

/// pydantic's list of expected values: `'a', 'b' or 'c'`.
fn expected_list(quoted: &[String]) -> String {
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// An integer discriminant, with its sign.
fn discriminant(expr: &Expr) -> syn::Result<i64> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse(),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => Ok(-discriminant(expr)?),
        other => Err(syn::Error::new(
            other.span(),
            "an integer enum's discriminants must be integer literals",
        )),
    }
}

pub(crate) fn derive_enum(input: DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.span(),
            "#[derive(Enum)] is for enums of unit variants; use #[derive(Model)] for structs",
        ));
    };
    let literal = is_literal(&input.attrs)?;
    let rule = serde_rename(&input.attrs, "rename_all")?;
    let integer = data.variants.iter().any(|v| v.discriminant.is_some());
    let mut values = Vec::new();
    let mut numbers: Vec<i64> = Vec::new();
    let mut variants = Vec::new();
    let mut next = 0i64;
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new(
                variant.span(),
                "#[derive(Enum)] variants must be unit variants (string enums, as Python's `str, Enum`, or integer enums with discriminants)",
            ));
        }
        if integer {
            let n = match &variant.discriminant {
                Some((_, expr)) => discriminant(expr)?,
                None => next,
            };
            next = n + 1;
            numbers.push(n);
        } else {
            let value = match serde_rename(&variant.attrs, "rename")? {
                Some(v) => v,
                None => match rule.as_deref() {
                    Some(rule) => rename_all(rule, &variant.ident.to_string(), true),
                    None => variant.ident.to_string(),
                },
            };
            values.push(value);
        }
        variants.push(variant.ident.clone());
    }
    let name_str = name.to_string();
    let (kind, error) = if literal {
        ("literal_error", quote!(literal_error))
    } else {
        ("enum", quote!(enum_error))
    };
    let _ = kind;
    if integer {
        let quoted: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
        let expected = expected_list(&quoted);
        // pydantic's name for the type in a union's error `loc`.
        let label = if literal {
            format!("literal[{}]", quoted.join(","))
        } else {
            format!("int-enum[{name_str}]")
        };
        let schema = if literal {
            quote!(::ferrapi::__private::literal_schema(&[#(::ferrapi::__private::Value::from(#numbers)),*]))
        } else {
            quote! {
                __g.component(#name_str, |_| {
                    ::ferrapi::__private::int_enum_schema(#name_str, &[#(#numbers),*])
                })
            }
        };
        let read = if literal {
            quote!(::ferrapi::__private::literal_int(__input))
        } else {
            quote!(::ferrapi::__private::lax_int(__input))
        };
        let read_str = if literal {
            quote!(::core::option::Option::<i64>::None)
        } else {
            quote!(::ferrapi::__private::lax_int_str(__input))
        };
        return Ok(quote! {
            impl ::ferrapi::validation::Validate for #name {
                fn json_schema(__g: &mut ::ferrapi::validation::SchemaGenerator) -> ::ferrapi::__private::Value {
                    #schema
                }

                fn union_label() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#label)
                }

                fn validate(
                    __input: &::ferrapi::__private::Value,
                    __v: &mut ::ferrapi::validation::Validator,
                ) -> ::core::option::Option<Self> {
                    match #read {
                        #(::core::option::Option::Some(#numbers) => ::core::option::Option::Some(#name::#variants),)*
                        _ => {
                            ::ferrapi::__private::#error(__input, #expected, __v);
                            ::core::option::Option::None
                        }
                    }
                }

                fn validate_str(
                    __input: &str,
                    __v: &mut ::ferrapi::validation::Validator,
                ) -> ::core::option::Option<Self> {
                    match #read_str {
                        #(::core::option::Option::Some(#numbers) => ::core::option::Option::Some(#name::#variants),)*
                        _ => {
                            ::ferrapi::__private::#error(
                                &::ferrapi::__private::Value::String(__input.to_string()),
                                #expected,
                                __v,
                            );
                            ::core::option::Option::None
                        }
                    }
                }
            }

            impl ::ferrapi::__private::serde::Serialize for #name {
                fn serialize<__S: ::ferrapi::__private::serde::Serializer>(&self, __s: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    let __n: i64 = match self {
                        #(#name::#variants => #numbers,)*
                    };
                    __s.serialize_i64(__n)
                }
            }

            impl #name {
                /// The values of this enum, in declaration order.
                pub const VALUES: &'static [i64] = &[#(#numbers),*];
            }
        });
    }
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    let expected = expected_list(&quoted);
    // pydantic's name for the type in a union's error `loc`.
    let label = if literal {
        format!("literal[{}]", quoted.join(","))
    } else {
        format!("str-enum[{name_str}]")
    };
    let schema = if literal {
        quote!(::ferrapi::__private::literal_schema(&[#(::ferrapi::__private::Value::from(#values)),*]))
    } else {
        quote! {
            __g.component(#name_str, |_| {
                ::ferrapi::__private::enum_schema(#name_str, &[#(#values),*])
            })
        }
    };
    Ok(quote! {
        impl ::ferrapi::validation::Validate for #name {
            const KIND: ::ferrapi::validation::ConstraintKind = ::ferrapi::validation::ConstraintKind::Str;

            fn json_schema(__g: &mut ::ferrapi::validation::SchemaGenerator) -> ::ferrapi::__private::Value {
                let _ = &__g;
                #schema
            }

            fn union_label() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#label)
            }

            fn validate(
                __input: &::ferrapi::__private::Value,
                __v: &mut ::ferrapi::validation::Validator,
            ) -> ::core::option::Option<Self> {
                match __input.as_str() {
                    #(::core::option::Option::Some(#values) => ::core::option::Option::Some(#name::#variants),)*
                    _ => {
                        ::ferrapi::__private::#error(__input, #expected, __v);
                        ::core::option::Option::None
                    }
                }
            }

            fn validate_str(
                __input: &str,
                __v: &mut ::ferrapi::validation::Validator,
            ) -> ::core::option::Option<Self> {
                match __input {
                    #(#values => ::core::option::Option::Some(#name::#variants),)*
                    _ => {
                        ::ferrapi::__private::#error(
                            &::ferrapi::__private::Value::String(__input.to_string()),
                            #expected,
                            __v,
                        );
                        ::core::option::Option::None
                    }
                }
            }
        }

        impl #name {
            /// The values of this enum, in declaration order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];
        }
    })
}
