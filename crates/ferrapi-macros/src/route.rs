//! `#[get]`, `#[post]`…: turns a function into a path operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, ItemFn, LitStr, ReturnType, Token, Type};

use crate::dependant::{generate, parse_arg, Generated, Named, Param, Source};

/// The decorator's arguments: the path, then `key = value` pairs.
struct RouteArgs {
    path: LitStr,
    status_code: Option<Expr>,
    response_model: Option<Type>,
    response_class: Option<Type>,
    tags: Vec<Expr>,
    name: Option<Expr>,
    summary: Option<Expr>,
    description: Option<Expr>,
    deprecated: Option<Expr>,
    include_in_schema: Option<Expr>,
    operation_id: Option<Expr>,
    dependencies: Vec<Expr>,
    responses: Vec<syn::ExprTuple>,
    openapi_extra: Option<Expr>,
    generate_unique_id_function: Option<Expr>,
    callbacks: Vec<Expr>,
    /// `strict_content_type = false`: read a body without a content type as JSON.
    strict_content_type: Option<Expr>,
    /// `response_model_exclude_unset` and friends: (field of `ResponseShape`, value).
    shape: Vec<(syn::Ident, Expr)>,
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
            response_class: None,
            tags: Vec::new(),
            name: None,
            summary: None,
            description: None,
            deprecated: None,
            include_in_schema: None,
            operation_id: None,
            dependencies: Vec::new(),
            responses: Vec::new(),
            openapi_extra: None,
            generate_unique_id_function: None,
            callbacks: Vec::new(),
            strict_content_type: None,
            shape: Vec::new(),
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
                "response_class" => args.response_class = Some(input.parse()?),
                "response_model_exclude_unset"
                | "response_model_exclude_defaults"
                | "response_model_exclude_none"
                | "response_model_by_alias" => {
                    let field = syn::Ident::new(
                        key.to_string().trim_start_matches("response_model_"),
                        key.span(),
                    );
                    args.shape.push((field, input.parse()?));
                }
                "response_model_include" => {
                    let list: syn::ExprArray = input.parse()?;
                    let field = syn::Ident::new("include", key.span());
                    args.shape.push((
                        field,
                        syn::parse_quote!(::core::option::Option::Some(&#list)),
                    ));
                }
                "response_model_exclude" => {
                    let list: syn::ExprArray = input.parse()?;
                    let field = syn::Ident::new("exclude", key.span());
                    args.shape.push((field, syn::parse_quote!(&#list)));
                }
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
                "openapi_extra" => args.openapi_extra = Some(input.parse()?),
                "generate_unique_id_function" => {
                    args.generate_unique_id_function = Some(input.parse()?)
                }
                "callbacks" => {
                    let list: syn::ExprArray = input.parse()?;
                    args.callbacks = list.elems.into_iter().collect();
                }
                "strict_content_type" => args.strict_content_type = Some(input.parse()?),
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
                                    "a response is (status, \"description\"), (status, Model) or (status, \"description\", Model)",
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
                             response_model, response_class, response_model_exclude_unset, \
                             response_model_exclude_defaults, response_model_exclude_none, \
                             response_model_include, response_model_exclude, \
                             response_model_by_alias, tags, name, summary, \
                             description, deprecated, include_in_schema, operation_id, \
                             dependencies, responses, openapi_extra, \
                             generate_unique_id_function, callbacks, strict_content_type"
                    ),
                    ))
                }
            }
        }
        Ok(args)
    }
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

/// A path operation that passed the checks: what the generators need.
struct Checked {
    args: RouteArgs,
    path: String,
    websocket: bool,
    is_async: bool,
    params: Vec<Param>,
    /// Where the return type is written (or the name, for `()`).
    output_span: proc_macro2::Span,
}

/// Parses the decorator and the function and checks everything that can be checked from
/// their text; each mistake is one error, spanned at what to fix.
fn check(methods: &[&str], args: TokenStream, func: &mut ItemFn) -> syn::Result<Checked> {
    let args: RouteArgs = syn::parse2(args)?;
    let path = args.path.value();
    // A path that does not start with `/` is a webhook's name (`"new-subscription"`) or a
    // callback's URL expression (`"{$request.body#/callback_url}/invoices"`): documented, not
    // served (`App::route` refuses it), and without path parameters.
    let path_names: Vec<String> = if path.starts_with('/') {
        ferrapi_path_template::param_names(&path)
            .map_err(|err| syn::Error::new(args.path.span(), format!("{err} in the path")))?
            .into_iter()
            .map(String::from)
            .collect()
    } else if methods.is_empty() {
        return Err(syn::Error::new(
            args.path.span(),
            "the path must start with `/`",
        ));
    } else {
        Vec::new()
    };
    if let Some(generics) = func.sig.generics.params.first() {
        return Err(syn::Error::new(
            generics.span(),
            "path operations cannot be generic: the argument types decide how the request is read",
        ));
    }
    if let (Some((field, _)), None) = (args.shape.first(), &args.response_model) {
        return Err(syn::Error::new(
            field.span(),
            "response_model_* options shape a response model: add `response_model = M` (the \
             return type itself if it is the model)",
        ));
    }
    let websocket = methods.is_empty();
    if let (Some(class), Some(_)) = (&args.response_class, &args.response_model) {
        return Err(syn::Error::new(
            class.span(),
            "response_class with response_model is not supported: return the model (sent as \
             JSON) or a value the class wraps",
        ));
    }
    if let (Some(class), true) = (&args.response_class, websocket) {
        return Err(syn::Error::new(
            class.span(),
            "a WebSocket operation has no response class",
        ));
    }
    let mut params = Vec::new();
    for input in func.sig.inputs.iter_mut() {
        match input {
            FnArg::Typed(arg) => params.push(parse_arg(arg, Some(&path_names))?),
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
        if let Some(p) = params.iter().find(|p| p.named == Some(Named::Request)) {
            return Err(syn::Error::new(
                p.ident.span(),
                format!(
                    "argument `{}` borrows the request, which a plain `fn` operation cannot do: it \
                     runs on the thread pool, after the request is read; take an owned copy \
                     (`{}: Request`), make the function `async fn`, or take the values you need \
                     as arguments",
                    p.ident,
                    p.ident
                ),
            ));
        }
    }
    let sockets = params
        .iter()
        .filter(|p| p.named == Some(Named::Socket))
        .count();
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
            p.named == Some(Named::Request)
                || matches!(p.source, Source::Body | Source::Form | Source::File)
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
    } else if let Some(p) = params.iter().find(|p| p.named == Some(Named::Socket)) {
        return Err(syn::Error::new(
            p.ident.span(),
            format!(
                "argument `{}` is a WebSocket, which only `#[websocket]` operations take",
                p.ident
            ),
        ));
    }
    if let Some(code) = &args.status_code {
        check_status(code)?;
    }
    let output_span = match &func.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => func.sig.ident.span(),
    };
    Ok(Checked {
        args,
        path,
        websocket,
        is_async,
        params,
        output_span,
    })
}

/// A literal status code must be one `http::StatusCode` accepts (100 to 999): a compile
/// error, not a 500 at run time.
fn check_status(code: &Expr) -> syn::Result<()> {
    if let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(lit),
        ..
    }) = code
    {
        let value: u64 = lit.base10_parse()?;
        if !(100..=999).contains(&value) {
            return Err(syn::Error::new(
                lit.span(),
                format!("status code {value} is out of range: a status code is 100 to 999"),
            ));
        }
    }
    Ok(())
}

/// The type implementing `Run`: gathers the arguments, calls the function, responds.
fn generate_run(
    op: &Checked,
    generated: &Generated,
    inner: &syn::Ident,
    name_str: &str,
) -> TokenStream {
    let Generated {
        gather, call_args, ..
    } = generated;
    let call = if op.is_async {
        quote!(::ferrapi::__private::watch(#name_str, #inner(#(#call_args),*)).await)
    } else {
        quote!(::ferrapi::toolkit::concurrency::run_in_threadpool(move || #inner(#(#call_args),*)).await)
    };
    let (output, respond) = if op.websocket {
        (
            quote!(()),
            quote!(::core::result::Result::Ok(
                ::ferrapi::__private::ws_outcome(__out)
            )),
        )
    } else {
        let status = match &op.args.status_code {
            Some(code) => quote!(::ferrapi::__private::status(#code)),
            None => quote!(::ferrapi::__private::status(200u16)),
        };
        let shape = op
            .args
            .shape
            .iter()
            .map(|(field, value)| quote!(#field: #value));
        let declared = op.args.status_code.is_some();
        let respond = match &op.args.response_model {
            Some(model) => quote! {{
                const __SHAPE: ::ferrapi::responses::ResponseShape = ::ferrapi::responses::ResponseShape {
                    #(#shape,)*
                    ..::ferrapi::responses::ResponseShape::NONE
                };
                let __default = __cx
                    .default_class()
                    .map(|class| (class, (__chosen || #declared).then_some(__status)));
                ::ferrapi::__private::respond_model::<#model, _>(__out, __status, &__SHAPE, __default)
            }},
            // `response_class = C`: a response is sent as it is, any other value wrapped in
            // `C` (an error naming `C` and the type, at the return type, if `C` cannot).
            None if op.args.response_class.is_some() => {
                let class = op.args.response_class.as_ref().expect("checked");
                quote_spanned! {op.output_span=> {
                    #[allow(unused_imports)]
                    use ::ferrapi::__private::{
                        ClassViaFile as _, ClassViaResponse as _, ClassWrap as _,
                    };
                    let __response = (&&&::ferrapi::__private::Wrap::new(__out)).respond_as(
                        ::ferrapi::__private::ResponseClassOf::<#class>::new(),
                        __status,
                        __chosen,
                        #declared,
                    );
                    ::ferrapi::__private::settle(__response, __cx.request()).await
                }}
            }
            // Spanned at the return type: an output that cannot be a response is reported
            // there.
            None => quote_spanned! {op.output_span=> {
                #[allow(unused_imports)]
                use ::ferrapi::__private::{
                    ViaClass as _, ViaFile as _, ViaSerialize as _, ViaTyped as _,
                };
                // The app's or routers' default response class, with the status when the
                // operation declares one or the value came with one.
                let __default = __cx
                    .default_class()
                    .map(|class| (class, (__chosen || #declared).then_some(__status)));
                let __response = (&&&::ferrapi::__private::Wrap::new(__out))
                    .respond(__status, __chosen, __default);
                ::ferrapi::__private::settle(__response, __cx.request()).await
            }},
        };
        // A `Result` (or an alias of one) is its value or the error to answer with.
        let respond = quote! {
            let __out = {
                #[allow(unused_imports)]
                use ::ferrapi::__private::{
                    ViaResult as _, ViaResultAnyhow as _, ViaResultBoxed as _, ViaValue as _,
                };
                (&&&&::ferrapi::__private::Wrap::new(__out)).output()
            };
            let __out = match __out {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(err) => {
                    return ::core::result::Result::Ok(::core::result::Result::Err(err));
                }
            };
            // `(StatusCode, T)`: the status chosen at run time.
            let (__out, __chosen) = {
                #[allow(unused_imports)]
                use ::ferrapi::__private::{ViaOwnStatus as _, ViaStatus as _};
                (&&::ferrapi::__private::Wrap::new(__out)).split()
            };
            let __status = __chosen.unwrap_or(#status);
            let __chosen = __chosen.is_some();
            ::core::result::Result::Ok(#respond)
        };
        (quote!(::ferrapi::__private::Response), respond)
    };
    quote! {
        #[allow(non_camel_case_types)]
        struct __ferrapi_run;

        impl ::ferrapi::__private::Run for __ferrapi_run {
            type Output = #output;

            fn run<'__a>(
                __cx: &'__a ::ferrapi::__private::Context<'__a>,
                #[allow(unused_mut)]
                mut __f: ::ferrapi::__private::Failures,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<
                    ::core::result::Result<#output, ::ferrapi::__private::Error>,
                    ::ferrapi::__private::Failure,
                >,
            > + ::core::marker::Send + '__a {
                async move {
                    #gather
                    let __out = #call;
                    #respond
                }
            }
        }
    }
}

/// The builder calls of the operation's metadata (status code, tags, documentation…).
fn generate_options(op: &Checked, description: Option<String>, ret: &ReturnType) -> TokenStream {
    let args = &op.args;
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
    if let Some(v) = &args.openapi_extra {
        options.extend(quote!(.openapi_extra(#v)));
    }
    if let Some(v) = &args.generate_unique_id_function {
        options.extend(quote!(.generate_unique_id_function(#v)));
    }
    for router in &args.callbacks {
        options.extend(quote!(.callbacks(#router)));
    }
    if let Some(v) = &args.strict_content_type {
        options.extend(quote!(.strict_content_type(#v)));
    }
    for response in &args.responses {
        let items: Vec<&Expr> = response.elems.iter().collect();
        let (status, description) = (items[0], items[1]);
        // `(404, Model)`: FastAPI's `responses={404: {"model": Model}}`, described by the
        // status's phrase.
        let described = matches!(
            description,
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            })
        ) || items.len() == 3;
        if !described {
            options.extend(
                quote!(.response(::ferrapi::ExtraResponse::model::<#description>(#status))),
            );
            continue;
        }
        options.extend(match items.get(2) {
            Some(model) => quote! {
                .response(::ferrapi::ExtraResponse::with_model::<#model>(#status, #description))
            },
            None => quote!(.response(::ferrapi::ExtraResponse::new(#status, #description))),
        });
    }
    if let Some(class) = &args.response_class {
        options.extend(quote! {
            .response_class_doc(::ferrapi::responses::ClassDoc::of::<#class>())
        });
    }
    if let Some(model) = &args.response_model {
        options.extend(
            quote!(.response_model_schema(<#model as ::ferrapi::validation::Validate>::json_schema)),
        );
    }
    if let Some(ret) = documented_return(ret) {
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
    let param_names: Vec<String> = op.params.iter().map(|p| p.ident.to_string()).collect();
    options.extend(quote!(.params(&[#(#param_names),*])));
    options
}

pub(crate) fn expand(
    methods: &[&str],
    args: TokenStream,
    item: TokenStream,
) -> syn::Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item)?;
    let op = check(methods, args, &mut func)?;

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

    let generated = generate(&op.params, false, op.websocket, quote!(__ferrapi_specs()));
    let run = generate_run(&op, &generated, &inner, &name_str);
    let Generated {
        specs_body,
        declare,
        ..
    } = generated;
    let options = generate_options(&op, description, &func.sig.output);
    let path_lit = &op.args.path;
    let constructor = if op.websocket {
        quote! {
            ::ferrapi::routing::Operation::websocket::<__ferrapi_run>(
                #path_lit, #name_str, __ferrapi_declare,
            )
        }
    } else {
        let method_exprs = methods.iter().map(|m| {
            let ident = format_ident!("{}", m);
            quote!(::ferrapi::__private::Method::#ident)
        });
        quote! {
            ::ferrapi::routing::Operation::http::<__ferrapi_run>(
                &[#(#method_exprs),*], #path_lit, #name_str, __ferrapi_declare,
            )
        }
    };
    let unit_struct_doc = if docs.is_empty() {
        let kind = if op.websocket {
            "WebSocket".to_string()
        } else {
            methods.join(", ")
        };
        let text = format!(" The `{} {}` path operation.", kind, op.path);
        quote!(#[doc = #text])
    } else {
        quote!(#(#docs)*)
    };

    Ok(quote! {
        #unit_struct_doc
        #vis fn #name() -> ::ferrapi::routing::Operation {
            #func

            fn __ferrapi_specs() -> &'static [::core::option::Option<::ferrapi::__private::ParamSpec>] {
                #specs_body
            }

            fn __ferrapi_declare(__d: &mut ::ferrapi::__private::Declaration) {
                #declare
            }

            #run

            #constructor
            #options
        }
    })
}
