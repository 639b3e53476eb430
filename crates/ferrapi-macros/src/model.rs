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
}

/// The serde rename rule of a container, applied to a field or variant name.
fn rename_all(rule: &str, name: &str, is_variant: bool) -> String {
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
fn serde_rename(attrs: &[syn::Attribute], key: &str) -> syn::Result<Option<String>> {
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
                        other => {
                            return Err(syn::Error::new(
                                name.span(),
                                format!(
                                "unknown field option `{other}` on `{ident}`; expected default, \
                                     alias, gt, ge, lt, le, multiple_of, min_length, max_length, \
                                     pattern"
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

pub(crate) fn derive_model(input: DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
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
        schema_fields.push(quote! {
            let mut __s = <#ty as ::ferrapi::validation::Validate>::json_schema(__g);
            ::ferrapi::validation::schema::apply_constraints(&mut __s, &__c[#i], ::ferrapi::validation::schema::Context::Body);
            ::ferrapi::validation::schema::annotate(&mut __s, &::ferrapi::validation::schema::title_case(#title), #default);
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

            fn json_schema(__g: &mut ::ferrapi::validation::SchemaGenerator) -> ::ferrapi::__private::Value {
                __g.component(#name_str, |__g| {
                    let __c: [::ferrapi::validation::Constraints; #n] = [#(#builders),*];
                    let mut __props = ::ferrapi::__private::Map::new();
                    let mut __required: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                    #(#schema_fields)*
                    ::ferrapi::validation::schema::object(#name_str, __props, __required)
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

pub(crate) fn derive_enum(input: DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.span(),
            "#[derive(Enum)] is for enums of unit variants; use #[derive(Model)] for structs",
        ));
    };
    let rule = serde_rename(&input.attrs, "rename_all")?;
    let mut values = Vec::new();
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new(
                variant.span(),
                "#[derive(Enum)] variants must be unit variants (string enums, as Python's `str, Enum`)",
            ));
        }
        let value = match serde_rename(&variant.attrs, "rename")? {
            Some(v) => v,
            None => match rule.as_deref() {
                Some(rule) => rename_all(rule, &variant.ident.to_string(), true),
                None => variant.ident.to_string(),
            },
        };
        values.push(value);
        variants.push(variant.ident.clone());
    }
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    let expected = match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    let name_str = name.to_string();
    Ok(quote! {
        impl ::ferrapi::validation::Validate for #name {
            const KIND: ::ferrapi::validation::ConstraintKind = ::ferrapi::validation::ConstraintKind::Str;

            fn json_schema(__g: &mut ::ferrapi::validation::SchemaGenerator) -> ::ferrapi::__private::Value {
                __g.component(#name_str, |_| {
                    ::ferrapi::__private::enum_schema(#name_str, &[#(#values),*])
                })
            }

            fn validate(
                __input: &::ferrapi::__private::Value,
                __v: &mut ::ferrapi::validation::Validator,
            ) -> ::core::option::Option<Self> {
                match __input.as_str() {
                    #(::core::option::Option::Some(#values) => ::core::option::Option::Some(#name::#variants),)*
                    _ => {
                        ::ferrapi::__private::enum_error(__input, #expected, __v);
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
                        ::ferrapi::__private::enum_error(
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
