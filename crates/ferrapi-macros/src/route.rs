//! `#[get]`, `#[post]`…: turns a function into a path operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, ItemFn, LitStr, ReturnType, Token, Type};

use crate::dependant::{generate_with, parse_arg, Generated, Source};

/// The decorator's arguments: the path, then `key = value` pairs.
struct RouteArgs {
    path: LitStr,
    status_code: Option<Expr>,
    response_model: Option<Type>,
    tags: Vec<Expr>,
    name: Option<Expr>,
    summary: Option<Expr>,
    description: Option<Expr>,
    deprecated: Option<Expr>,
    include_in_schema: Option<Expr>,
    operation_id: Option<Expr>,
    dependencies: Vec<Expr>,
    responses: Vec<syn::ExprTuple>,
}

impl Parse for RouteArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the path first: #[get(\"/items/{item_id}\")]",
            )
        })?;
        let mut args = RouteArgs {
            path,
            status_code: None,
            response_model: None,
            tags: Vec::new(),
            name: None,
            summary: None,
            description: None,
            deprecated: None,
            include_in_schema: None,
            operation_id: None,
            dependencies: Vec::new(),
            responses: Vec::new(),
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: syn::Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "response_model" => args.response_model = Some(input.parse()?),
                "status_code" => args.status_code = Some(input.parse()?),
                "tags" => {
                    let list: syn::ExprArray = input.parse()?;
                    args.tags = list.elems.into_iter().collect();
                }
                "name" => args.name = Some(input.parse()?),
                "summary" => args.summary = Some(input.parse()?),
                "description" => args.description = Some(input.parse()?),
                "deprecated" => args.deprecated = Some(input.parse()?),
                "include_in_schema" => args.include_in_schema = Some(input.parse()?),
                "operation_id" => args.operation_id = Some(input.parse()?),
                "dependencies" => {
                    let list: syn::ExprArray = input.parse()?;
                    args.dependencies = list.elems.into_iter().collect();
                }
                "responses" => {
                    let list: syn::ExprArray = input.parse()?;
                    for item in list.elems {
                        match item {
                            Expr::Tuple(t) if t.elems.len() == 2 || t.elems.len() == 3 => {
                                args.responses.push(t)
                            }
                            other => {
                                return Err(syn::Error::new(
                                    other.span(),
                                    "a response is (status, \"description\") or (status, \"description\", Model)",
                                ))
                            }
                        }
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                        "unknown path operation option `{other}`; expected one of: status_code, \
                             response_model, tags, name, summary, description, deprecated, \
                             include_in_schema, operation_id, dependencies, responses"
                    ),
                    ))
                }
            }
        }
        Ok(args)
    }
}

/// The `{name}` / `{name:convertor}` parameters of a path template.
pub(crate) fn path_param_names(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        names.push(inner.split(':').next().unwrap_or("").to_string());
        rest = &rest[open + close + 1..];
    }
    names
}

pub(crate) fn doc_text(attrs: &[Attribute]) -> Option<String> {
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
    let text: Vec<String> = lines
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).to_string())
        .collect();
    Some(text.join("\n").trim().to_string())
}

/// Whether the return type is spelled `Result<…>`.
pub(crate) fn returns_result(ret: &ReturnType) -> bool {
    match ret {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
            _ => false,
        },
        ReturnType::Default => false,
    }
}

/// The returned type to document: `T` of `-> T` or `-> Result<T, E>`; none for `impl Trait`.
fn documented_return(ret: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = ret else {
        return None;
    };
    let mut ty: &Type = ty;
    if let Type::Path(p) = ty {
        if let Some(last) = p.path.segments.last() {
            if last.ident == "Result" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(ok)) = args.args.first() {
                        ty = ok;
                    }
                }
            }
        }
    }
    if contains_impl_trait(ty) {
        return None;
    }
    Some(ty.clone())
}

fn contains_impl_trait(ty: &Type) -> bool {
    match ty {
        Type::ImplTrait(_) => true,
        Type::Reference(r) => contains_impl_trait(&r.elem),
        Type::Path(p) => p.path.segments.iter().any(|s| match &s.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.iter().any(|a| match a {
                syn::GenericArgument::Type(t) => contains_impl_trait(t),
                _ => false,
            }),
            _ => false,
        }),
        Type::Tuple(t) => t.elems.iter().any(contains_impl_trait),
        _ => false,
    }
}

pub(crate) fn expand(
    methods: &[&str],
    args: TokenStream,
    item: TokenStream,
) -> syn::Result<TokenStream> {
    let args: RouteArgs = syn::parse2(args)?;
    let mut func: ItemFn = syn::parse2(item)?;
    let path = args.path.value();
    if !path.starts_with('/') {
        return Err(syn::Error::new(
            args.path.span(),
            "the path must start with `/`",
        ));
    }
    if let Some(generics) = func.sig.generics.params.first() {
        return Err(syn::Error::new(
            generics.span(),
            "path operations cannot be generic: the argument types decide how the request is read",
        ));
    }
    let websocket = methods.is_empty();
    let path_names = path_param_names(&path);
    let mut params = Vec::new();
    for input in func.sig.inputs.iter_mut() {
        match input {
            FnArg::Typed(arg) => {
                let param = parse_arg(arg, Some(&path_names))?;
                params.push(param);
            }
            FnArg::Receiver(r) => {
                return Err(syn::Error::new(
                    r.span(),
                    "path operations cannot take `self`",
                ))
            }
        }
    }
    // A dependency may read a path parameter the function does not take (FastAPI's
    // `Depends(get_item)` on `/items/{item_id}`); without dependencies, each must be an argument.
    let has_dependencies = params.iter().any(|p| p.source == Source::Depends);
    for name in &path_names {
        if !has_dependencies && !params.iter().any(|p| p.ident == name) {
            return Err(syn::Error::new(
                args.path.span(),
                format!(
                    "the path has `{{{name}}}` but the function has no argument `{name}`; add \
                     `{name}: <type>` to its arguments"
                ),
            ));
        }
    }

    let is_async = func.sig.asyncness.is_some();
    if !is_async {
        if let Some(p) = params.iter().find(|p| p.source == Source::Request) {
            return Err(syn::Error::new(
                p.ident.span(),
                format!(
                    "argument `{}` borrows the request, which a plain `fn` operation cannot do: it \
                     runs on the thread pool, after the request is read; make the function \
                     `async fn`, or take the values you need as arguments",
                    p.ident
                ),
            ));
        }
    }
    let sockets = params.iter().filter(|p| p.source == Source::Socket).count();
    if websocket {
        if !is_async {
            return Err(syn::Error::new(
                func.sig.fn_token.span(),
                "a WebSocket operation is an `async fn`",
            ));
        }
        if sockets != 1 {
            return Err(syn::Error::new(
                func.sig.ident.span(),
                "a WebSocket operation takes the socket as one argument: `websocket: WebSocket`",
            ));
        }
        if let Some(p) = params.iter().find(|p| {
            matches!(
                p.source,
                Source::Request | Source::Body | Source::Form | Source::File
            )
        }) {
            return Err(syn::Error::new(
                p.ident.span(),
                format!(
                    "argument `{}`: a WebSocket operation has no request body and owns its \
                     handshake request (`websocket.request()`)",
                    p.ident
                ),
            ));
        }
    } else if let Some(p) = params.iter().find(|p| p.source == Source::Socket) {
        return Err(syn::Error::new(
            p.ident.span(),
            format!(
                "argument `{}` is a WebSocket, which only `#[websocket]` operations take",
                p.ident
            ),
        ));
    }
    let vis = func.vis.clone();
    let name = func.sig.ident.clone();
    let name_str = name.to_string();
    let docs: Vec<Attribute> = func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect();
    let description = doc_text(&func.attrs);
    let inner = format_ident!("__ferrapi_endpoint");
    func.sig.ident = inner.clone();
    func.vis = syn::Visibility::Inherited;
    func.attrs.retain(|a| !a.path().is_ident("doc"));

    let generated = generate_with(&params, false, true, quote!(__ferrapi_specs()));
    let Generated {
        specs_body,
        declare,
        gather,
        gathered,
        call_args,
    } = generated;

    let call = if is_async {
        quote!(::ferrapi::__private::watch(#name_str, #inner(#(#call_args),*)).await)
    } else {
        quote!(::ferrapi::toolkit::concurrency::run_in_threadpool(move || #inner(#(#call_args),*)).await)
    };
    let unwrap_result = if returns_result(&func.sig.output) {
        quote! {
            let __out = match __out {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(err) => {
                    return ::core::result::Result::Err(::ferrapi::__private::into_error(err));
                }
            };
        }
    } else {
        quote!()
    };
    let status = match &args.status_code {
        Some(code) => quote!(::ferrapi::__private::status(#code)),
        None => quote!(::ferrapi::__private::status(200u16)),
    };
    let respond = match &args.response_model {
        Some(model) => quote!(::ferrapi::__private::respond_model::<#model, _>(__out, __status)),
        None => quote! {{
            #[allow(unused_imports)]
            use ::ferrapi::__private::{ViaClass as _, ViaSerialize as _};
            (&&::ferrapi::__private::Wrap::new(__out)).respond(__status)
        }},
    };
    let method_exprs: Vec<TokenStream> = methods
        .iter()
        .map(|m| {
            let ident = format_ident!("{}", m);
            quote!(::ferrapi::__private::Method::#ident)
        })
        .collect();
    let mut options = TokenStream::new();
    if let Some(code) = &args.status_code {
        options.extend(quote!(.status_code(::ferrapi::__private::status(#code))));
    }
    for tag in &args.tags {
        options.extend(quote!(.tag(#tag)));
    }
    for dep in &args.dependencies {
        options.extend(quote!(.dependency(#dep)));
    }
    if let Some(v) = &args.name {
        options.extend(quote!(.name(#v)));
    }
    if let Some(v) = &args.summary {
        options.extend(quote!(.summary(#v)));
    }
    match (&args.description, &description) {
        (Some(v), _) => options.extend(quote!(.description(#v))),
        (None, Some(text)) => options.extend(quote!(.description(#text))),
        (None, None) => {}
    }
    if let Some(v) = &args.deprecated {
        options.extend(quote!(.deprecated(#v)));
    }
    if let Some(v) = &args.include_in_schema {
        options.extend(quote!(.include_in_schema(#v)));
    }
    if let Some(v) = &args.operation_id {
        options.extend(quote!(.operation_id(#v)));
    }
    for response in &args.responses {
        let items: Vec<&Expr> = response.elems.iter().collect();
        let (status, description) = (items[0], items[1]);
        options.extend(match items.get(2) {
            Some(model) => quote! {
                .response(::ferrapi::ExtraResponse::with_model::<#model>(#status, #description))
            },
            None => quote!(.response(::ferrapi::ExtraResponse::new(#status, #description))),
        });
    }
    if let Some(model) = &args.response_model {
        options.extend(
            quote!(.response_model_schema(<#model as ::ferrapi::validation::Validate>::json_schema)),
        );
    }
    if let Some(ret) = documented_return(&func.sig.output) {
        options.extend(quote! {
            .response_media({
                #[allow(unused_imports)]
                use ::ferrapi::__private::{MediaDefault as _, MediaViaClass as _};
                (&&::ferrapi::__private::Probe::<#ret>::new()).media()
            })
            .return_schema({
                #[allow(unused_imports)]
                use ::ferrapi::__private::{ReturnAnything as _, ReturnViaModel as _};
                (&&::ferrapi::__private::Probe::<#ret>::new()).return_schema()
            })
        });
    }
    let param_names: Vec<String> = params.iter().map(|p| p.ident.to_string()).collect();
    let path_lit = &args.path;
    let unit_struct_doc = if docs.is_empty() {
        let kind = if websocket {
            "WebSocket".to_string()
        } else {
            methods.join(", ")
        };
        let text = format!(" The `{} {}` path operation.", kind, path);
        quote!(#[doc = #text])
    } else {
        quote!(#(#docs)*)
    };

    let handler = if websocket {
        quote! {
            fn __ferrapi_handler(
                mut __ws: ::ferrapi::toolkit::WebSocket,
                __op: ::std::sync::Arc<::ferrapi::routing::OpContext>,
            ) -> ::ferrapi::toolkit::endpoints::BoxFuture<::core::result::Result<(), ::ferrapi::toolkit::Error>> {
                ::std::boxed::Box::pin(async move {
                    let __shared = __op.shared();
                    let __gathered = {
                        let __inputs = ::ferrapi::params::Inputs::from_request(__ws.request());
                        let __cx = &::ferrapi::dependencies::Context::new(&__inputs, &__shared);
                        let __g = async {
                            #gather
                            ::core::result::Result::Ok::<_, ::ferrapi::dependencies::Failure>((#(#gathered,)*))
                        }
                        .await;
                        __g.map_err(|f| ::ferrapi::__private::ws_failure(f, &__shared, &__inputs))
                    };
                    let __result = match __gathered {
                        ::core::result::Result::Err(::core::option::Option::None) => {
                            // FastAPI closes with 1008 (policy violation) when the handshake's
                            // parameters are invalid; before `accept`, the client sees a 403.
                            let _ = __ws.close(1008, "").await;
                            ::core::result::Result::Ok(())
                        }
                        ::core::result::Result::Err(::core::option::Option::Some(err)) => {
                            ::core::result::Result::Err(err)
                        }
                        ::core::result::Result::Ok((#(#gathered,)*)) => {
                            let __run = ::ferrapi::toolkit::exceptions::CatchUnwind::new(async move {
                                ::ferrapi::__private::ws_outcome(#inner(#(#call_args),*).await)
                            });
                            match __run.await {
                                ::core::result::Result::Ok(r) => r,
                                ::core::result::Result::Err(panic) => ::core::result::Result::Err(panic.into()),
                            }
                        }
                    };
                    __shared.finish_now(&__result).await;
                    __result
                })
            }

            ::ferrapi::routing::Operation::websocket(
                #path_lit,
                #name_str,
                __ferrapi_handler,
                __ferrapi_declare,
            )
        }
    } else {
        // One `async move` block, boxed where it is made: an `async fn` would keep its
        // arguments twice in the future (the argument and the local it is moved into), and the
        // future is moved into its box once, so every byte of it costs (callgrind).
        quote! {
            fn __ferrapi_handler(
                mut __req: ::ferrapi::toolkit::Request,
                __op: ::std::sync::Arc<::ferrapi::routing::OpContext>,
            ) -> ::ferrapi::toolkit::endpoints::BoxFuture<::core::result::Result<::ferrapi::toolkit::Response, ::ferrapi::toolkit::Error>> {
                ::std::boxed::Box::pin(async move {
                    let __inputs = ::ferrapi::params::Inputs::read(&mut __req, __op.specs()).await?;
                    let __shared = __op.shared();
                    let __result = {
                        let __cx = &::ferrapi::dependencies::Context::new(&__inputs, &__shared);
                        let __run = ::ferrapi::toolkit::exceptions::CatchUnwind::new(async {
                            let __g = async {
                                    #gather
                                ::core::result::Result::Ok::<_, ::ferrapi::dependencies::Failure>((#(#gathered,)*))
                            }
                            .await;
                            let (#(#gathered,)*) = match __g {
                                ::core::result::Result::Ok(args) => args,
                                ::core::result::Result::Err(f) => {
                                    return ::core::result::Result::Err(__shared.error(f, &__inputs));
                                }
                            };
                            let __status = #status;
                            let __out = #call;
                            #unwrap_result
                            #respond
                        });
                        match __run.await {
                            ::core::result::Result::Ok(r) => r,
                            ::core::result::Result::Err(panic) => ::core::result::Result::Err(panic.into()),
                        }
                    };
                    __shared.finish(__result).await
                })
            }

            ::ferrapi::routing::Operation::http(
                &[#(#method_exprs),*],
                #path_lit,
                #name_str,
                __ferrapi_handler,
                __ferrapi_declare,
            )
        }
    };

    let expanded = quote! {
        #unit_struct_doc
        #vis fn #name() -> ::ferrapi::routing::Operation {
            #func

            fn __ferrapi_specs() -> &'static [::ferrapi::params::ParamSpec] {
                #specs_body
            }

            fn __ferrapi_declare(__d: &mut ::ferrapi::dependencies::Declaration) {
                #declare
            }

            #handler
            .params(&[#(#param_names),*])
            #options
        }
    };
    let _ = ToTokens::to_token_stream(&expanded);
    Ok(expanded)
}
