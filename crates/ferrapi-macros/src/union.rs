//! `#[derive(Model)]` on an enum with data: pydantic's unions.
//!
//! * `#[serde(tag = "kind")]` (internally tagged) is a discriminated union
//!   (`Annotated[Cat | Dog, Field(discriminator="kind")]`);
//! * `#[serde(untagged)]` is a smart-mode union (`int | str`, `Cat | Dog`);
//! * serde's default, externally tagged form (`{"Cat": {...}}`) and the adjacently tagged one
//!   (`tag` + `content`) have no pydantic counterpart: refused with a compile error.
//!
//! A newtype variant holds its member (`Cat(Cat)`, `Int(i64)`); a struct variant
//! (`Dog { name: String }`) or a unit variant of a tagged union is a model of its own, named
//! after the variant, built by the struct derive from a hidden struct with the same fields.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{DataEnum, DeriveInput, Fields};

use crate::model::{rename_all, serde_flag, serde_rename};

/// What one variant holds.
enum Member {
    /// `Cat(Cat)`: the member is the field's type.
    Newtype(syn::Type),
    /// `Dog { name: String }` or `Bird`: a hidden model named after the variant, with these
    /// field names.
    Hidden(Vec<syn::Ident>, bool),
}

pub(crate) fn derive(input: &DeriveInput, data: &DataEnum) -> syn::Result<TokenStream> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "#[derive(Model)] does not support generic enums",
        ));
    }
    let tag = serde_rename(&input.attrs, "tag")?;
    let untagged = serde_flag(&input.attrs, "untagged")?;
    if serde_rename(&input.attrs, "content")?.is_some() {
        return Err(syn::Error::new(
            input.span(),
            "#[derive(Model)] does not support adjacently tagged enums (`tag` + `content`): pydantic has no such union; use `#[serde(tag = \"…\")]` alone (a discriminated union) or `#[serde(untagged)]` (a smart-mode union)",
        ));
    }
    if tag.is_none() && !untagged {
        return Err(syn::Error::new(
            input.span(),
            "#[derive(Model)] on an enum needs `#[serde(tag = \"kind\")]` (pydantic's discriminated union) or `#[serde(untagged)]` (pydantic's smart-mode union): serde's default, externally tagged form (`{\"Variant\": …}`) has no pydantic counterpart; for an enum of unit variants use #[derive(Enum)]",
        ));
    }
    let rule = serde_rename(&input.attrs, "rename_all")?;
    let fields_rule = serde_rename(&input.attrs, "rename_all_fields")?;
    let mut hidden_items = Vec::new();
    let mut member_types: Vec<TokenStream> = Vec::new();
    let mut wraps: Vec<TokenStream> = Vec::new();
    let mut tags = Vec::new();
    for variant in &data.variants {
        let vident = &variant.ident;
        let member = match &variant.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                Member::Newtype(f.unnamed[0].ty.clone())
            }
            Fields::Unnamed(_) => {
                return Err(syn::Error::new(
                    variant.span(),
                    "a union's variant holds one value (`Cat(Cat)`) or named fields (`Dog { name: String }`)",
                ))
            }
            Fields::Unit if untagged => {
                return Err(syn::Error::new(
                    variant.span(),
                    "an untagged union's variants hold a value (`Int(i64)`) or named fields; for `None` use `Option<Union>`",
                ))
            }
            Fields::Named(named) => {
                let idents = named
                    .named
                    .iter()
                    .map(|f| f.ident.clone().expect("named"))
                    .collect();
                Member::Hidden(idents, true)
            }
            Fields::Unit => Member::Hidden(Vec::new(), false),
        };
        if let Some(tag_key) = &tag {
            let value = match serde_rename(&variant.attrs, "rename")? {
                Some(v) => v,
                None => match rule.as_deref() {
                    Some(rule) => rename_all(rule, &vident.to_string(), true),
                    None => vident.to_string(),
                },
            };
            if let Fields::Named(named) = &variant.fields {
                for f in &named.named {
                    if f.ident.as_ref().is_some_and(|i| *i == tag_key.as_str()) {
                        return Err(syn::Error::new(
                            f.span(),
                            format!("the field `{tag_key}` is the union's tag"),
                        ));
                    }
                }
            }
            tags.push(value);
        }
        match &member {
            Member::Newtype(ty) => {
                member_types.push(quote!(#ty));
                wraps.push(quote!(|__x| #name::#vident(__x)));
                if tag.is_some() {
                    hidden_items.push(quote! {
                        const _: () = ::core::assert!(
                            <#ty as ::ferrapi::validation::Validate>::MODEL_FIELDS.is_some(),
                            "a variant of an internally tagged union (`#[serde(tag = ...)]`) must hold a #[derive(Model)] struct",
                        );
                    });
                }
            }
            Member::Hidden(idents, braces) => {
                // A model named after the variant, with the variant's fields and their
                // attributes (its `#[model(...)]` options and doc comment too).
                let mut attrs: Vec<syn::Attribute> = variant
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("model") || a.path().is_ident("doc"))
                    .cloned()
                    .collect();
                if let Some(fields_rule) = &fields_rule {
                    attrs.push(syn::parse_quote!(#[serde(rename_all = #fields_rule)]));
                }
                let fields = match &variant.fields {
                    Fields::Named(named) => named.named.iter().cloned().collect::<Vec<_>>(),
                    _ => Vec::new(),
                };
                let model_input: DeriveInput = syn::parse_quote! {
                    #(#attrs)*
                    struct #vident { #(#fields,)* }
                };
                let model_impl = crate::model::derive_model(model_input)?;
                let plain: Vec<TokenStream> = fields
                    .iter()
                    .map(|f| {
                        let (id, ty) = (&f.ident, &f.ty);
                        quote!(#id: #ty)
                    })
                    .collect();
                hidden_items.push(quote! {
                    #[allow(dead_code, non_camel_case_types, clippy::all)]
                    struct #vident { #(#plain,)* }
                    #model_impl
                });
                member_types.push(quote!(#vident));
                wraps.push(if *braces {
                    quote!(|__x: #vident| #name::#vident { #(#idents: __x.#idents,)* })
                } else {
                    quote!(|_: #vident| #name::#vident)
                });
            }
        }
    }
    let name_str = name.to_string();
    let body = match &tag {
        Some(tag_key) => {
            let indexes = 0..tags.len();
            quote! {
                impl ::ferrapi::validation::Validate for #name {
                    const IS_MODEL: bool = true;

                    fn json_schema(__g: &mut ::ferrapi::validation::SchemaGenerator) -> ::ferrapi::__private::Value {
                        let __members = ::std::vec![#((#tags, <#member_types as ::ferrapi::validation::Validate>::json_schema(__g))),*];
                        ::ferrapi::__private::tagged_schema(__g, #tag_key, __members)
                    }

                    fn validate(
                        __input: &::ferrapi::__private::Value,
                        __v: &mut ::ferrapi::validation::Validator,
                    ) -> ::core::option::Option<Self> {
                        match ::ferrapi::__private::union_tag(__input, #tag_key, &[#(#tags),*], __v)? {
                            #(#indexes => ::ferrapi::__private::tagged_member::<#member_types>(__input, #tag_key, #tags, __v).map(#wraps),)*
                            _ => ::core::option::Option::None,
                        }
                    }

                    fn union_label() -> ::std::borrow::Cow<'static, str> {
                        let __labels: &[::std::borrow::Cow<'static, str>] = &[#(<#member_types as ::ferrapi::validation::Validate>::union_label()),*];
                        ::std::borrow::Cow::Owned(::std::format!("tagged-union[{}]", __labels.join(",")))
                    }
                }
            }
        }
        None => {
            quote! {
                impl ::ferrapi::validation::Validate for #name {
                    const IS_MODEL: bool = false #(|| <#member_types as ::ferrapi::validation::Validate>::IS_MODEL)*;

                    fn json_schema(__g: &mut ::ferrapi::validation::SchemaGenerator) -> ::ferrapi::__private::Value {
                        ::ferrapi::__private::untagged_schema(::std::vec![#(<#member_types as ::ferrapi::validation::Validate>::json_schema(__g)),*])
                    }

                    fn validate(
                        __input: &::ferrapi::__private::Value,
                        __v: &mut ::ferrapi::validation::Validator,
                    ) -> ::core::option::Option<Self> {
                        let __start = __v.error_count();
                        let mut __best: ::ferrapi::__private::Best<Self> = ::core::option::Option::None;
                        #(
                            if let ::core::option::Option::Some(__x) = ::ferrapi::__private::smart_member::<#member_types, Self>(__input, __start, &mut __best, #wraps, __v) {
                                return ::core::option::Option::Some(__x);
                            }
                        )*
                        ::ferrapi::__private::smart_finish(__start, __best, __v)
                    }

                    fn validate_str(
                        __input: &str,
                        __v: &mut ::ferrapi::validation::Validator,
                    ) -> ::core::option::Option<Self> {
                        let __start = __v.error_count();
                        let mut __best: ::ferrapi::__private::Best<Self> = ::core::option::Option::None;
                        #(
                            if let ::core::option::Option::Some(__x) = ::ferrapi::__private::smart_member_str::<#member_types, Self>(__input, __start, &mut __best, #wraps, __v) {
                                return ::core::option::Option::Some(__x);
                            }
                        )*
                        ::ferrapi::__private::smart_finish(__start, __best, __v)
                    }

                    // Empty: a union nested in a smart-mode union is flattened into it, its
                    // members' errors at their own names, as pydantic flattens `int | (str | …)`.
                    fn union_label() -> ::std::borrow::Cow<'static, str> {
                        ::std::borrow::Cow::Borrowed("")
                    }

                    fn union_match(__input: &::ferrapi::__private::Value) -> ::ferrapi::__private::UnionMatch {
                        ::ferrapi::__private::best_match(&[#(<#member_types as ::ferrapi::validation::Validate>::union_match(__input)),*])
                    }
                }
            }
        }
    };
    Ok(quote! {
        const _: () = {
            #(#hidden_items)*
            #body

            impl ::ferrapi::__private::ModelName for #name {
                const NAME: &'static str = #name_str;
            }
        };
    })
}
