//! `#[get]`, `#[post]`…: turns a function into a path operation.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, ItemFn, LitStr, Pat, ReturnType, Token, Type};

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
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                        "unknown path operation option `{other}`; expected one of: status_code, \
                             response_model, tags, name, summary, description, deprecated, \
                             include_in_schema, operation_id"
                    ),
                    ))
                }
            }
        }
        Ok(args)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Infer,
    /// `&Request`: the request itself (FastAPI's `request: Request`).
    Request,
    /// `BackgroundTasks`: the request's background tasks.
    Background,
    Path,
    Query,
    Header,
    Cookie,
    Body,
    Form,
    File,
}

/// One argument of the function, with its source and options.
struct Param {
    ident: syn::Ident,
    ty: Type,
    source: Source,
    embed: bool,
    alias: Option<Expr>,
    default: Option<Expr>,
    convert_underscores: Option<Expr>,
    constraints: Vec<(syn::Ident, Expr)>,
    /// `title = …`, `description = …`: documentation only.
    metadata: Vec<(syn::Ident, Expr)>,
}

const CONSTRAINTS: &[&str] = &[
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
];

fn parse_param(arg: &mut syn::PatType, path_params: &[String]) -> syn::Result<Param> {
    let ident = match &*arg.pat {
        Pat::Ident(p) => p.ident.clone(),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "path operation arguments must be plain names (`item_id: i64`), not patterns",
            ))
        }
    };
    let mut param = Param {
        ident: ident.clone(),
        ty: (*arg.ty).clone(),
        source: Source::Infer,
        embed: false,
        alias: None,
        default: None,
        convert_underscores: None,
        constraints: Vec::new(),
        metadata: Vec::new(),
    };
    let mut kept: Vec<Attribute> = Vec::new();
    let mut seen_source = false;
    for attr in std::mem::take(&mut arg.attrs) {
        let Some(name) = attr.path().get_ident().map(|i| i.to_string()) else {
            kept.push(attr);
            continue;
        };
        let source = match name.as_str() {
            "path" => Source::Path,
            "query" => Source::Query,
            "header" => Source::Header,
            "cookie" => Source::Cookie,
            "body" => Source::Body,
            "form" => Source::Form,
            "file" => Source::File,
            "param" => Source::Infer,
            _ => {
                kept.push(attr);
                continue;
            }
        };
        if seen_source {
            return Err(syn::Error::new(
                attr.span(),
                format!("argument `{ident}` has two source attributes; keep one"),
            ));
        }
        seen_source = true;
        param.source = source;
        if let syn::Meta::List(list) = &attr.meta {
            let items =
                Punctuated::<syn::Meta, Token![,]>::parse_terminated.parse2(list.tokens.clone())?;
            for item in items {
                match item {
                    syn::Meta::Path(p) if p.is_ident("embed") && source == Source::Body => {
                        param.embed = true;
                    }
                    syn::Meta::NameValue(nv) => {
                        let key = nv.path.get_ident().cloned().ok_or_else(|| {
                            syn::Error::new(nv.path.span(), "expected an option name")
                        })?;
                        match key.to_string().as_str() {
                            "alias" => param.alias = Some(nv.value),
                            "default" => param.default = Some(nv.value),
                            "convert_underscores" if source == Source::Header => {
                                param.convert_underscores = Some(nv.value)
                            }
                            k if CONSTRAINTS.contains(&k) => {
                                param.constraints.push((key, nv.value))
                            }
                            "title" | "description" => param.metadata.push((key, nv.value)),
                            other => {
                                return Err(syn::Error::new(
                                    key.span(),
                                    format!(
                                        "unknown option `{other}` on argument `{ident}`; expected \
                                         alias, default, gt, ge, lt, le, multiple_of, min_length, \
                                         max_length, pattern, title, description{}",
                                        match source {
                                            Source::Header => ", convert_underscores",
                                            Source::Body => " (or the flag `embed`)",
                                            _ => "",
                                        }
                                    ),
                                ))
                            }
                        }
                    }
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            format!("unexpected option on argument `{ident}`"),
                        ))
                    }
                }
            }
        }
    }
    arg.attrs = kept;
    if param.source == Source::Infer && is_upload(&param.ty) {
        param.source = Source::File;
    }
    if is_named(&param.ty, "BackgroundTasks") {
        if seen_source {
            return Err(syn::Error::new(
                ident.span(),
                format!("argument `{ident}` is the request's background tasks and takes no source attribute"),
            ));
        }
        param.source = Source::Background;
        return Ok(param);
    }
    if is_request_ref(&param.ty) {
        if seen_source {
            return Err(syn::Error::new(
                ident.span(),
                format!("argument `{ident}` is the request itself and takes no source attribute"),
            ));
        }
        param.source = Source::Request;
        return Ok(param);
    }
    let in_path = path_params.iter().any(|p| ident == p);
    match param.source {
        Source::Infer if in_path => param.source = Source::Path,
        Source::Path if !in_path => {
            return Err(syn::Error::new(
                ident.span(),
                format!(
                "argument `{ident}` is marked #[path] but the path has no `{{{ident}}}`; add it \
                     to the path or remove the attribute"
            ),
            ))
        }
        Source::Query
        | Source::Header
        | Source::Cookie
        | Source::Body
        | Source::Form
        | Source::File
            if in_path =>
        {
            return Err(syn::Error::new(
                ident.span(),
                format!(
                    "argument `{ident}` is a path parameter (`{{{ident}}}` is in the path) and \
                     cannot also come from another source; rename one of them"
                ),
            ))
        }
        _ => {}
    }
    if param.source == Source::Path && param.default.is_some() {
        return Err(syn::Error::new(
            ident.span(),
            format!("path parameter `{ident}` cannot have a default: the path always has it"),
        ));
    }
    Ok(param)
}

/// `UploadFile` or `Option<UploadFile>`: a file argument even without `#[file]`, as FastAPI
/// takes `file: UploadFile`.
fn is_upload(ty: &Type) -> bool {
    let Type::Path(p) = ty else {
        return false;
    };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident == "UploadFile" {
        return true;
    }
    if last.ident == "Option" {
        if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
            if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                return is_upload(inner);
            }
        }
    }
    false
}

/// A type path whose last segment is `name`.
fn is_named(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == name),
        _ => false,
    }
}

/// `&Request` (any path ending in `Request`): the argument is the request itself.
fn is_request_ref(ty: &Type) -> bool {
    let Type::Reference(reference) = ty else {
        return false;
    };
    match &*reference.elem {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Request"),
        _ => false,
    }
}

/// The `{name}` / `{name:convertor}` parameters of a path template.
fn path_param_names(path: &str) -> Vec<String> {
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

fn doc_text(attrs: &[Attribute]) -> Option<String> {
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
fn returns_result(ret: &ReturnType) -> bool {
    match ret {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
            _ => false,
        },
        ReturnType::Default => false,
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
    let path_names = path_param_names(&path);
    let fn_name = func.sig.ident.clone();
    let mut params = Vec::new();
    for input in func.sig.inputs.iter_mut() {
        match input {
            FnArg::Typed(arg) => {
                let param = parse_param(arg, &path_names)?;
                if param.ident == fn_name {
                    return Err(syn::Error::new(
                        param.ident.span(),
                        format!(
                            "argument `{fn_name}` has the name of its function, which becomes a unit \
                             struct of that name; rename the function (e.g. `create_{fn_name}`) or \
                             the argument (`#[body(alias = \"{fn_name}\")]` keeps its name on the wire)"
                        ),
                    ));
                }
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
    for name in &path_names {
        if !params.iter().any(|p| p.ident == name) {
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

    // Extraction of each argument.
    let n = params.len();
    let mut spec_builders = Vec::new();
    let mut extracts = Vec::new();
    let arg_idents: Vec<syn::Ident> = (0..n).map(|i| format_ident!("__a{i}")).collect();
    for (i, p) in params.iter().enumerate() {
        let ty = &p.ty;
        let wire = match &p.alias {
            Some(alias) => quote!(#alias),
            None => {
                let s = LitStr::new(&p.ident.to_string(), Span::call_site());
                quote!(#s)
            }
        };
        let source = match p.source {
            Source::Infer | Source::Request | Source::Background => {
                quote!(::ferrapi::params::Source::Query)
            }
            Source::Path => quote!(::ferrapi::params::Source::Path),
            Source::Query => quote!(::ferrapi::params::Source::Query),
            Source::Header => quote!(::ferrapi::params::Source::Header),
            Source::Cookie => quote!(::ferrapi::params::Source::Cookie),
            Source::Body => quote!(::ferrapi::params::Source::Body),
            Source::Form => quote!(::ferrapi::params::Source::Form),
            Source::File => quote!(::ferrapi::params::Source::File),
        };
        let mut builder = quote!(::ferrapi::params::ParamSpec::new(#source, #wire));
        if p.source == Source::Infer {
            builder = quote!(#builder.infer_from::<#ty>());
        }
        if p.embed {
            builder = quote!(#builder.embed());
        }
        if p.source == Source::File {
            builder = quote!(#builder.file::<#ty>());
        }
        if let Some(cu) = &p.convert_underscores {
            builder = quote!(#builder.convert_underscores(#cu));
        }
        for (key, value) in p.constraints.iter().chain(&p.metadata) {
            builder = quote!(#builder.#key(#value));
        }
        spec_builders.push(builder);
        let arg = &arg_idents[i];
        if p.source == Source::Request {
            extracts.push(quote!(let #arg: ::core::option::Option<#ty> = ::core::option::Option::Some(__inputs.request());));
            continue;
        }
        if p.source == Source::Background {
            extracts.push(quote!(let #arg: ::core::option::Option<#ty> = ::core::option::Option::Some(__background.clone());));
            continue;
        }
        let extract = if p.source == Source::File {
            quote!(::ferrapi::params::extract_file::<#ty>(&__inputs, &__specs[#i], &mut __v))
        } else {
            quote!(::ferrapi::params::extract::<#ty>(&__inputs, &__specs[#i], &mut __v))
        };
        extracts.push(match &p.default {
            Some(default) => quote! {
                let #arg: ::core::option::Option<#ty> = if ::ferrapi::params::is_present(&__inputs, &__specs[#i]) {
                    #extract
                } else {
                    ::core::option::Option::Some(#default)
                };
            },
            None => quote!(let #arg: ::core::option::Option<#ty> = #extract;),
        });
    }

    let call_args = quote!(#(#arg_idents),*);
    // No errors means every argument is `Some`; the `else` is never taken.
    let unpack = if n == 0 {
        quote!()
    } else {
        quote! {
            #[allow(unused_parens)]
            let (#(::core::option::Option::Some(#arg_idents)),*) = (#(#arg_idents),*) else {
                return ::core::result::Result::Err(::ferrapi::__private::internal(#name_str));
            };
        }
    };
    let call = if is_async {
        quote!(::ferrapi::__private::watch(#name_str, #inner(#call_args)).await)
    } else {
        quote!(::ferrapi::toolkit::concurrency::run_in_threadpool(move || #inner(#call_args)).await)
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
    let param_names: Vec<String> = params.iter().map(|p| p.ident.to_string()).collect();
    let path_lit = &args.path;
    let uses_background = params.iter().any(|p| p.source == Source::Background);
    let background_decl = if uses_background {
        quote!(let __background = ::ferrapi::BackgroundTasks::new();)
    } else {
        quote!()
    };
    // The tasks go with a successful response only, as in FastAPI.
    let finish = if uses_background {
        quote! {{
            let mut __result = #respond;
            if let ::core::result::Result::Ok(__response) = &mut __result {
                __background.attach(__response);
            }
            __result
        }}
    } else {
        respond.clone()
    };
    let unit_struct_doc = if docs.is_empty() {
        let text = format!(" The `{} {}` path operation.", methods.join(", "), path);
        quote!(#[doc = #text])
    } else {
        quote!(#(#docs)*)
    };

    let expanded = quote! {
        #unit_struct_doc
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        #vis struct #name;

        impl ::ferrapi::routing::PathOperation for #name {
            fn operation(self) -> ::ferrapi::routing::Operation {
                #func

                async fn __ferrapi_handler(
                    __req: ::ferrapi::toolkit::Request,
                ) -> ::core::result::Result<::ferrapi::toolkit::Response, ::ferrapi::toolkit::Error> {
                    static __SPECS: ::std::sync::OnceLock<[::ferrapi::params::ParamSpec; #n]> =
                        ::std::sync::OnceLock::new();
                    let __specs = __SPECS.get_or_init(|| [#(#spec_builders),*]);
                    let mut __req = __req;
                    let __inputs = ::ferrapi::params::Inputs::read(&mut __req, __specs).await?;
                    let mut __v = ::ferrapi::validation::Validator::new();
                    #background_decl
                    #(#extracts)*
                    if __v.has_errors() {
                        return ::core::result::Result::Err(::ferrapi::__private::invalid(__v, &__inputs));
                    }
                    #unpack
                    let __status = #status;
                    let __out = #call;
                    #unwrap_result
                    #finish
                }

                ::ferrapi::routing::Operation::new(
                    &[#(#method_exprs),*],
                    #path_lit,
                    #name_str,
                    __ferrapi_handler,
                )
                .params(&[#(#param_names),*])
                #options
            }
        }
    };
    let _ = ToTokens::to_token_stream(&expanded);
    Ok(expanded)
}
