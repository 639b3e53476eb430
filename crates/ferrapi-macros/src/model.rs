//! `#[derive(Model)]` and `#[derive(Enum)]`: pydantic's `BaseModel` and string `Enum`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
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
    constraints: Vec<(syn::Ident, Expr)>,
    /// Documentation for the schema: `title`, `description`, `examples`, `deprecated`,
    /// `json_schema_extra`.
    meta: SchemaMeta,
    /// The field's doc comment (its description with `#[model(docs)]`).
    doc: Option<String>,
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
    let mut key = match serde_rename(&field.attrs, "rename")? {
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
        constraints: Vec::new(),
        meta: SchemaMeta::default(),
        doc: doc_comment(&field.attrs),
    };
    for attr in &field.attrs {
        if !attr.path().is_ident("field") {
            continue;
        }
        let items = attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)?;
        for item in items {
            match item {
                syn::Meta::Path(p) if p.is_ident("default") => {
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
                        "default" => out.default = Some(nv.value),
                        "alias" => match nv.value {
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
                        n if CONSTRAINTS.contains(&n) => out.constraints.push((name, nv.value)),
                        n if out.meta.parse(n, &nv.value) => {}
                        other => {
                            return Err(syn::Error::new(
                                name.span(),
                                format!(
                                "unknown field option `{other}` on `{ident}`; expected default, \
                                     alias, gt, ge, lt, le, multiple_of, min_length, max_length, \
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
    /// `docs`: the doc comments of the model and its fields are their descriptions (pydantic's
    /// docstring and `use_attribute_docstrings=True`). Off by default: Rust documents every
    /// public item, where Python docstrings are a choice.
    docs: bool,
    /// `title = …`, `description = …`, `examples = …`, `json_schema_extra = …`.
    meta: SchemaMeta,
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
                    "ignore" => {}
                    other => {
                        return Err(syn::Error::new(
                            value.span(),
                            format!(
                                "extra = \"{other}\" is not supported: use \"forbid\" or \"ignore\" (a Rust struct has nowhere to keep extra keys)"
                            ),
                        ))
                    }
                }
                Ok(())
            } else if name == "docs" {
                options.docs = true;
                Ok(())
            } else if name == "deprecated" {
                options.meta.deprecated = true;
                Ok(())
            } else if meta.input.peek(Token![=]) {
                let value: Expr = meta.value()?.parse()?;
                if options.meta.parse(&name, &value) {
                    Ok(())
                } else {
                    Err(meta.error("unknown model option; expected extra, docs, title, description, examples, deprecated or json_schema_extra"))
                }
            } else {
                Err(meta.error("unknown model option; expected extra, docs, title, description, examples, deprecated or json_schema_extra"))
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
    let rule = serde_rename(&input.attrs, "rename_all")?;
    let options = model_options(&input)?;
    let forbid = options.forbid;
    let model_doc = if options.docs {
        doc_comment(&input.attrs)
    } else {
        None
    };
    let model_meta = options.meta.apply(model_doc.as_deref());
    let fields = named
        .named
        .iter()
        .map(|f| field_options(f, rule.as_deref()))
        .collect::<syn::Result<Vec<_>>>()?;
    let n = fields.len();
    let mut builders = Vec::new();
    let mut reads = Vec::new();
    let vars: Vec<syn::Ident> = (0..n).map(|i| format_ident!("__f{i}")).collect();
    for (i, f) in fields.iter().enumerate() {
        let mut builder = quote!(::ferrapi::validation::Constraints::new());
        for (key, value) in &f.constraints {
            builder = quote!(#builder.#key(#value));
        }
        builders.push(builder);
        let key = &f.key;
        let ty = &f.ty;
        let var = &vars[i];
        let missing = match &f.default {
            Some(default) => quote!(::core::option::Option::Some(#default)),
            None => quote!(::ferrapi::__private::missing_field::<#ty>(__input, __v)),
        };
        reads.push(quote! {
            let #var: ::core::option::Option<#ty> = __v.at(#key, |__v| match __obj.get(#key) {
                ::core::option::Option::Some(__x) => ::ferrapi::__private::field::<#ty>(__x, &__c[#i], __v),
                ::core::option::Option::None => #missing,
            });
        });
    }
    let idents: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let name_str = name.to_string();
    let keys: Vec<&String> = fields.iter().map(|f| &f.key).collect();
    let types: Vec<&syn::Type> = fields.iter().map(|f| &f.ty).collect();
    let extra_check = if forbid {
        quote! {
            let __before = __v.error_count();
            ::ferrapi::__private::extra_forbidden(&[#(#keys),*], __obj, __v);
            if __v.error_count() > __before {
                return ::core::option::Option::None;
            }
        }
    } else {
        quote!()
    };
    let extra_schema = if forbid {
        quote! {
            if let ::core::option::Option::Some(__o) = __s.as_object_mut() {
                __o.insert(::std::string::String::from("additionalProperties"), ::ferrapi::__private::Value::Bool(false));
            }
        }
    } else {
        quote!()
    };
    let mut schema_fields = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let key = &f.key;
        let ty = &f.ty;
        let title = f.ident.to_string().trim_start_matches("r#").to_string();
        let (default, required) = match &f.default {
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
    Ok(quote! {
        impl #impl_generics ::ferrapi::validation::Validate for #name #ty_generics #where_clause {
            const KIND: ::ferrapi::validation::ConstraintKind = ::ferrapi::validation::ConstraintKind::Dict;
            const IS_MODEL: bool = true;
            const MODEL_FIELDS: ::core::option::Option<&'static [::ferrapi::__private::ModelField]> =
                ::core::option::Option::Some(&[#(::ferrapi::__private::ModelField {
                    key: #keys,
                    list: <#types as ::ferrapi::validation::Validate>::IS_LIST,
                }),*]);

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
                let ::core::option::Option::Some(__obj) = __input.as_object() else {
                    ::ferrapi::__private::model_attributes_type(__input, __v);
                    return ::core::option::Option::None;
                };
                #(#reads)*
                #extra_check
                ::core::option::Option::Some(#name {
                    #(#idents: #vars?,)*
                })
            }
        }

        impl #impl_generics ::ferrapi::__private::ModelName for #name #ty_generics #where_clause {
            const NAME: &'static str = #name_str;
        }
    })
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
