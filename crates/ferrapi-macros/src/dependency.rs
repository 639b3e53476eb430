//! `#[dependency]` on a function and `#[derive(Dependency)]` on a struct: FastAPI's `Depends`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, LitStr, ReturnType, Token, Type};

use crate::dependant::{generate, parse_arg, parse_param, Generated, Named, Source};

/// `#[dependency(scope = "function", non_blocking)]`.
struct DependencyArgs {
    scope: String,
    non_blocking: bool,
}

impl Parse for DependencyArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = DependencyArgs {
            scope: "request".to_string(),
            non_blocking: false,
        };
        while !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            match key.to_string().as_str() {
                "non_blocking" => args.non_blocking = true,
                "scope" => {
                    input.parse::<Token![=]>()?;
                    let value: LitStr = input.parse()?;
                    args.scope = value.value();
                    if !matches!(args.scope.as_str(), "request" | "function" | "app") {
                        return Err(syn::Error::new(
                            value.span(),
                            "scope is \"request\" (the default: teardown after the response), \
                             \"function\" (teardown before the response) or \"app\" (built once \
                             at startup)",
                        ));
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown dependency option `{other}`; expected scope or non_blocking"
                        ),
                    ))
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// The last segment of a type path, with its first generic argument.
fn unwrap_named<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: DependencyArgs = syn::parse2(args)?;
    let mut func: ItemFn = syn::parse2(item)?;
    if let Some(generics) = func.sig.generics.params.first() {
        return Err(syn::Error::new(
            generics.span(),
            "dependencies cannot be generic: the argument types decide how the request is read",
        ));
    }
    let mut params = Vec::new();
    for input in func.sig.inputs.iter_mut() {
        match input {
            FnArg::Typed(arg) => params.push(parse_arg(arg, None)?),
            FnArg::Receiver(r) => {
                return Err(syn::Error::new(r.span(), "dependencies cannot take `self`"))
            }
        }
    }
    let is_async = func.sig.asyncness.is_some();
    if let Some(p) = params.iter().find(|p| p.named == Some(Named::Socket)) {
        return Err(syn::Error::new(
            p.ident.span(),
            "a dependency cannot take the WebSocket; it reads the handshake's parameters",
        ));
    }
    if !is_async {
        if let Some(p) = params.iter().find(|p| p.named == Some(Named::Request)) {
            return Err(syn::Error::new(
                p.ident.span(),
                format!(
                    "argument `{}` borrows the request, which a plain `fn` dependency cannot do: \
                     it runs on the thread pool; take an owned copy (`{}: Request`), make it \
                     `async fn`, or take the values you need as arguments",
                    p.ident, p.ident
                ),
            ));
        }
    }
    if args.scope == "app" {
        if let Some(p) = params.iter().find(|p| p.source != Source::Depends) {
            return Err(syn::Error::new(
                p.ident.span(),
                format!(
                    "argument `{}`: an app-scoped dependency is built once at startup, with no \
                     request; it can only take other app-scoped dependencies",
                    p.ident
                ),
            ));
        }
    }
    if args.non_blocking && is_async {
        return Err(syn::Error::new(
            func.sig.asyncness.span(),
            "`non_blocking` is for a plain `fn` (an async dependency already runs in place)",
        ));
    }
    let (mut output, fallible) = match &func.sig.output {
        ReturnType::Default => (syn::parse_quote!(()), false),
        ReturnType::Type(_, ty) => match unwrap_named(ty, "Result") {
            Some(ok) => (ok.clone(), true),
            None => ((**ty).clone(), false),
        },
    };
    let teardown = match unwrap_named(&output, "Yield") {
        Some(inner) => {
            output = inner.clone();
            true
        }
        None => false,
    };
    if let Type::ImplTrait(t) = &output {
        return Err(syn::Error::new(
            t.span(),
            "a dependency names its output type (it is shared, so `Clone`), not `impl Trait`",
        ));
    }

    let vis = func.vis.clone();
    let name = func.sig.ident.clone();
    let docs: Vec<syn::Attribute> = func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect();
    let inner = format_ident!("__ferrapi_dependency");
    func.sig.ident = inner.clone();
    func.vis = syn::Visibility::Inherited;
    func.attrs.retain(|a| !a.path().is_ident("doc"));

    let Generated {
        specs_body,
        declare,
        gather,
        call_args,
    } = generate(&params, true, false, quote!(Self::__ferrapi_specs()));

    let call = if is_async {
        quote!(#inner(#(#call_args),*).await)
    } else if args.non_blocking {
        quote!(#inner(#(#call_args),*))
    } else {
        quote!(::ferrapi::toolkit::concurrency::run_in_threadpool(move || #inner(#(#call_args),*)).await)
    };
    let unwrap_result = if fallible {
        quote! {
            let __out = match __out {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(err) => {
                    #[allow(unused_imports)]
                    use ::ferrapi::__private::{ErrorAnyhow as _, ErrorBoxed as _, ErrorDirect as _};
                    let err = (&&&::ferrapi::__private::Wrap::new(err)).answer_error();
                    return ::core::result::Result::Err(__cx.raise(err));
                }
            };
        }
    } else {
        quote!()
    };
    let scope = match args.scope.as_str() {
        "function" => quote!(::ferrapi::dependencies::DependencyScope::Function),
        "app" => quote!(::ferrapi::dependencies::DependencyScope::App),
        _ => quote!(::ferrapi::dependencies::DependencyScope::Request),
    };
    let defer = if teardown {
        quote!(let __out = __cx.defer(#scope, __out);)
    } else {
        quote!()
    };
    let register_app = if args.scope == "app" {
        quote!(__d.app_scoped(self);)
    } else {
        quote!()
    };
    let struct_doc = if docs.is_empty() {
        let text = format!(" The `{name}` dependency (use it as `#[depends({name})]`).");
        quote!(#[doc = #text])
    } else {
        quote!(#(#docs)*)
    };
    let marker = format_ident!("__ferrapi_dependency_{}", name);
    Ok(quote! {
        #struct_doc
        #vis fn #name() -> #marker {
            #marker
        }

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #marker;

        impl #marker {
            #[doc(hidden)]
            fn __ferrapi_specs() -> &'static [::core::option::Option<::ferrapi::__private::ParamSpec>] {
                #specs_body
            }
        }

        impl ::ferrapi::dependencies::Dependency for #marker {
            type Output = #output;

            fn scope(&self) -> ::ferrapi::dependencies::DependencyScope {
                #scope
            }

            fn declare(&self, __d: &mut ::ferrapi::dependencies::Declaration) {
                #declare
                #register_app
            }

            fn call<'__a>(
                &'__a self,
                __cx: &'__a ::ferrapi::dependencies::Context<'__a>,
            ) -> ::ferrapi::dependencies::BoxFuture<'__a, ::core::result::Result<#output, ::ferrapi::dependencies::Failure>> {
                #func

                ::std::boxed::Box::pin(async move {
                    let mut __f = ::ferrapi::__private::Failures::default();
                    #gather
                    let __out = #call;
                    #unwrap_result
                    #defer
                    ::core::result::Result::Ok(__out)
                })
            }
        }
    })
}

pub(crate) fn derive(input: syn::DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "a class dependency cannot be generic",
        ));
    }
    let syn::Data::Struct(data) = input.data else {
        return Err(syn::Error::new(
            name.span(),
            "`Dependency` derives for a struct whose fields are its parameters",
        ));
    };
    let syn::Fields::Named(fields) = data.fields else {
        return Err(syn::Error::new(
            name.span(),
            "`Dependency` derives for a struct with named fields (each one a parameter)",
        ));
    };
    let mut params = Vec::new();
    for field in fields.named {
        let ident = field.ident.clone().expect("named field");
        let mut attrs = field.attrs.clone();
        let param = parse_param(ident, field.ty.clone(), &mut attrs, None)?;
        if matches!(param.named, Some(Named::Request | Named::Socket)) {
            return Err(syn::Error::new(
                param.ident.span(),
                "a class dependency's field cannot borrow the request or the socket",
            ));
        }
        params.push(param);
    }
    let Generated {
        specs_body,
        declare,
        gather,
        call_args,
    } = generate(&params, true, false, quote!(<#name>::__ferrapi_specs()));

    let fields: Vec<&syn::Ident> = params.iter().map(|p| &p.ident).collect();
    Ok(quote! {
        impl #name {
            #[doc(hidden)]
            fn __ferrapi_specs() -> &'static [::core::option::Option<::ferrapi::__private::ParamSpec>] {
                #specs_body
            }
        }

        impl ::ferrapi::dependencies::ClassDependency for #name {
            fn declare(__d: &mut ::ferrapi::dependencies::Declaration) {
                #declare
            }

            fn build<'__a>(
                __cx: &'__a ::ferrapi::dependencies::Context<'__a>,
            ) -> ::ferrapi::dependencies::BoxFuture<'__a, ::core::result::Result<Self, ::ferrapi::dependencies::Failure>> {
                ::std::boxed::Box::pin(async move {
                    let mut __f = ::ferrapi::__private::Failures::default();
                    #gather
                    ::core::result::Result::Ok(#name { #(#fields: #call_args),* })
                })
            }
        }
    })
}
