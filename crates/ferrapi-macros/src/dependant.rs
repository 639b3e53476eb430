//! What route macros, `#[dependency]` and `#[derive(Dependency)]` share: reading the
//! arguments (or fields) of a dependant and generating the code that resolves them.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, LitStr, Pat, Token, Type};

/// Where an argument is read from, as its attributes (or its name, for a path parameter)
/// say. `Infer`: by its type, through the framework's `Argument` trait.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Infer,
    Path,
    Query,
    Header,
    Cookie,
    Body,
    Form,
    File,
    /// `#[depends(dep)]`: another dependency's value.
    Depends,
}

/// What the spelling of an argument's type suggests it is. Only for error messages: the
/// source of an argument without attributes is decided by its type (`Argument`), so an alias
/// or a re-export is read the same way; these names let a mistake be reported at the argument,
/// in words, before the compiler reports it in trait bounds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Named {
    /// `&Request`.
    Request,
    /// `BackgroundTasks`.
    Background,
    /// `State<T>`.
    State,
    /// `SecurityScopes`.
    Scopes,
    /// `WebSocket`.
    Socket,
}

/// One argument of the function, with its source and options.
pub(crate) struct Param {
    pub(crate) ident: syn::Ident,
    pub(crate) ty: Type,
    pub(crate) source: Source,
    /// What the type's spelling suggests (error messages only).
    pub(crate) named: Option<Named>,
    pub(crate) embed: bool,
    pub(crate) alias: Option<Expr>,
    pub(crate) default: Option<Expr>,
    pub(crate) convert_underscores: Option<Expr>,
    pub(crate) constraints: Vec<(syn::Ident, Expr)>,
    /// `title = …`, `description = …`: documentation only.
    pub(crate) metadata: Vec<(syn::Ident, Expr)>,
    /// `#[depends(expr)]`: the dependency (`None`: the type is a class dependency).
    pub(crate) dep: Option<Expr>,
    /// `#[depends(dep, use_cache = false)]`.
    pub(crate) use_cache: bool,
    /// `#[depends(dep, scopes = ["a"])]`.
    pub(crate) scopes: Vec<Expr>,
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
    "max_digits",
    "decimal_places",
];

/// `items(gt = 0, max_length = 5)` (nested: `items(items(…))`): the constraints of each item
/// of a list or set, as a `Constraints` expression.
pub(crate) fn items_constraints(list: &syn::MetaList) -> syn::Result<Expr> {
    let items = Punctuated::<syn::Meta, Token![,]>::parse_terminated.parse2(list.tokens.clone())?;
    let mut builder = quote!(::ferrapi::validation::Constraints::new());
    for item in items {
        match item {
            syn::Meta::NameValue(nv)
                if nv
                    .path
                    .get_ident()
                    .is_some_and(|k| CONSTRAINTS.contains(&k.to_string().as_str())) =>
            {
                let key = &nv.path;
                let value = &nv.value;
                builder = quote!(#builder.#key(#value));
            }
            syn::Meta::List(inner) if inner.path.is_ident("items") => {
                let inner = items_constraints(&inner)?;
                builder = quote!(#builder.items(#inner));
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "expected an item constraint in `items(…)`: gt, ge, lt, le, multiple_of, \
                     min_length, max_length, pattern, items(…)",
                ))
            }
        }
    }
    syn::parse2(builder)
}

/// Parses a function argument. `path_params` is `None` for a dependency (which does not know
/// the path it serves).
pub(crate) fn parse_arg(
    arg: &mut syn::PatType,
    path_params: Option<&[String]>,
) -> syn::Result<Param> {
    let ident = match &*arg.pat {
        Pat::Ident(p) => p.ident.clone(),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "path operation arguments must be plain names (`item_id: i64`), not patterns",
            ))
        }
    };
    let ty = (*arg.ty).clone();
    parse_param(ident, ty, &mut arg.attrs, path_params)
}

/// Parses an argument or a field: its name, type and attributes (the ones it understands are
/// removed from `attrs`).
pub(crate) fn parse_param(
    ident: syn::Ident,
    ty: Type,
    attrs: &mut Vec<Attribute>,
    path_params: Option<&[String]>,
) -> syn::Result<Param> {
    let mut param = Param {
        ident: ident.clone(),
        named: named(&ty),
        ty,
        source: Source::Infer,
        embed: false,
        alias: None,
        default: None,
        convert_underscores: None,
        constraints: Vec::new(),
        metadata: Vec::new(),
        dep: None,
        use_cache: true,
        scopes: Vec::new(),
    };
    let mut kept: Vec<Attribute> = Vec::new();
    let mut seen_source = false;
    for attr in std::mem::take(attrs) {
        let Some(name) = attr.path().get_ident().map(|i| i.to_string()) else {
            kept.push(attr);
            continue;
        };
        if name == "depends" || name == "security" {
            if seen_source {
                return Err(syn::Error::new(
                    attr.span(),
                    format!("argument `{ident}` has two source attributes; keep one"),
                ));
            }
            seen_source = true;
            param.source = Source::Depends;
            parse_depends(&attr, &mut param)?;
            continue;
        }
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
                    syn::Meta::Path(p) if p.is_ident("deprecated") => {
                        param.metadata.push((
                            p.get_ident().cloned().expect("an ident"),
                            syn::parse_quote!(true),
                        ));
                    }
                    syn::Meta::List(list) if list.path.is_ident("items") => {
                        let key = syn::Ident::new("items", list.path.span());
                        param.constraints.push((key, items_constraints(&list)?));
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
                            "title" | "description" | "format" | "include_in_schema" => {
                                param.metadata.push((key, nv.value))
                            }
                            "examples" | "openapi_examples" => {
                                let value = nv.value;
                                param
                                    .metadata
                                    .push((key, syn::parse_quote!(::ferrapi::__private::to_json(&#value))))
                            }
                            other => {
                                return Err(syn::Error::new(
                                    key.span(),
                                    format!(
                                        "unknown option `{other}` on argument `{ident}`; expected \
                                         alias, default, gt, ge, lt, le, multiple_of, min_length, \
                                         max_length, pattern, max_digits, decimal_places, items(…), title, description, format, examples, \
                                         openapi_examples, deprecated, include_in_schema{}",
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
    *attrs = kept;
    if param.source == Source::Depends {
        return Ok(param);
    }
    if let Some(named) = param.named {
        if seen_source {
            let what = match named {
                Named::Request => "the request itself",
                Named::Background => "the request's background tasks",
                Named::State => "a value of the application state (`State`)",
                Named::Scopes => "the security scopes (`SecurityScopes`)",
                Named::Socket => "the WebSocket",
            };
            return Err(syn::Error::new(
                ident.span(),
                format!("argument `{ident}` is {what} and takes no source attribute"),
            ));
        }
        return Ok(param);
    }
    let Some(path_params) = path_params else {
        if param.source == Source::Path && param.default.is_some() {
            return Err(syn::Error::new(
                ident.span(),
                format!("path parameter `{ident}` cannot have a default: the path always has it"),
            ));
        }
        return Ok(param);
    };
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

/// What the spelling of `ty` suggests it is (for error messages).
fn named(ty: &Type) -> Option<Named> {
    if is_request_ref(ty) {
        return Some(Named::Request);
    }
    [
        ("State", Named::State),
        ("SecurityScopes", Named::Scopes),
        ("WebSocket", Named::Socket),
        ("BackgroundTasks", Named::Background),
    ]
    .into_iter()
    .find(|(name, _)| is_named(ty, name))
    .map(|(_, named)| named)
}

/// A type path whose last segment is `name`.
pub(crate) fn is_named(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == name),
        _ => false,
    }
}

/// `&Request` (any path ending in `Request`).
fn is_request_ref(ty: &Type) -> bool {
    let Type::Reference(reference) = ty else {
        return false;
    };
    match &*reference.elem {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Request"),
        _ => false,
    }
}

/// `#[depends]`, `#[depends(dep)]`, `#[depends(dep, use_cache = false, scopes = ["a"])]`.
fn parse_depends(attr: &Attribute, param: &mut Param) -> syn::Result<()> {
    let syn::Meta::List(list) = &attr.meta else {
        return Ok(());
    };
    let items = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(list.tokens.clone())?;
    for item in items {
        if let Expr::Assign(assign) = &item {
            if let Expr::Path(left) = &*assign.left {
                if left.path.is_ident("use_cache") {
                    param.use_cache = match &*assign.right {
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Bool(b),
                            ..
                        }) => b.value,
                        other => {
                            return Err(syn::Error::new(
                                other.span(),
                                "`use_cache` is `true` or `false`",
                            ))
                        }
                    };
                    continue;
                }
                if left.path.is_ident("scopes") {
                    let Expr::Array(array) = &*assign.right else {
                        return Err(syn::Error::new(
                            assign.right.span(),
                            "`scopes` is a list of strings: scopes = [\"items\"]",
                        ));
                    };
                    param.scopes = array.elems.iter().cloned().collect();
                    continue;
                }
                return Err(syn::Error::new(
                    left.span(),
                    "unknown option of `depends`; expected use_cache or scopes",
                ));
            }
        }
        if param.dep.is_some() {
            return Err(syn::Error::new(
                item.span(),
                "`depends` takes one dependency: #[depends(common_parameters)]",
            ));
        }
        param.dep = Some(item);
    }
    Ok(())
}

/// The code resolving a dependant's arguments.
pub(crate) struct Generated {
    /// The body of a function returning `&'static [Option<ParamSpec>]`: one slot per argument
    /// that is not another dependency's value (`None`: the framework provides it).
    pub specs_body: TokenStream,
    /// Statements declaring the parameters and sub-dependencies into `__d`.
    pub declare: TokenStream,
    /// Statements, inside an async block returning `Result<_, Failure>` with `__cx` (the
    /// `Context`) and `mut __f` (the `Failures` so far) in scope, that bind every argument to
    /// its value.
    pub gather: TokenStream,
    /// The arguments of the call, in order.
    pub call_args: Vec<syn::Ident>,
}

/// Generates the resolution of `params`; `specs` calls the function built from `specs_body`.
/// In a dependency, a parameter whose source is inferred may be a path parameter.
/// `websocket`: the dependant is a `#[websocket]` operation (its `WebSocket` argument takes the
/// socket).
pub(crate) fn generate(
    params: &[Param],
    in_dependency: bool,
    websocket: bool,
    specs: TokenStream,
) -> Generated {
    let dependant = if websocket {
        quote!(::ferrapi::__private::InWebSocket)
    } else {
        quote!(::ferrapi::__private::InRequest)
    };
    let mut spec_builders = Vec::new();
    let mut extracts = Vec::new();
    let mut completes = Vec::new();
    let mut declare = Vec::new();
    let mut dep_results = Vec::new();
    let mut dep_futures = Vec::new();
    let mut dep_prelude = Vec::new();
    let mut scoped_prelude = Vec::new();
    let mut dep_takes = Vec::new();
    let mut call_args = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let ty = &p.ty;
        let arg = format_ident!("__a{i}");
        call_args.push(arg.clone());
        if p.source == Source::Depends {
            let dep = match &p.dep {
                Some(expr) => quote!(&::ferrapi::__private::into_dependency(#expr)),
                None => quote!(&::ferrapi::__private::Class::<#ty>::new()),
            };
            let use_cache = p.use_cache;
            let result = format_ident!("__r{i}");
            let dep_var = format_ident!("__dep{i}");
            dep_prelude.push(quote!(let #dep_var = #dep;));
            if p.scopes.is_empty() {
                declare.push(quote!(__d.dependency(#dep_var);));
            } else {
                let scopes = &p.scopes;
                declare.push(
                    quote!(__d.with_scopes(&[#(#scopes),*], |__d| __d.dependency(#dep_var));),
                );
            }
            if p.scopes.is_empty() {
                dep_futures.push(quote!(__cx.resolve(#dep_var, #use_cache)));
            } else {
                let scoped = format_ident!("__cx{i}");
                let scopes = &p.scopes;
                scoped_prelude.push(quote!(let #scoped = __cx.with_scopes(&[#(#scopes),*]);));
                dep_futures.push(quote!(#scoped.resolve(#dep_var, #use_cache)));
            }
            dep_results.push(result.clone());
            // A dependency giving another type than the argument's is one `mismatched types`
            // error at the dependency, naming both types.
            let value = match &p.dep {
                Some(expr) => quote_spanned!(expr.span()=> __value),
                None => quote_spanned!(ty.span()=> __value),
            };
            dep_takes.push(quote! {
                let #arg: ::core::option::Option<#ty> = __f.take(#result).map(|__value| {
                    let __value: #ty = #value;
                    __value
                });
            });
            continue;
        }
        let index = spec_builders.len();
        let wire = match &p.alias {
            Some(alias) => quote!(#alias),
            None => {
                let s = LitStr::new(&p.ident.to_string(), Span::call_site());
                quote!(#s)
            }
        };
        let source = match p.source {
            Source::Path => quote!(Path),
            Source::Header => quote!(Header),
            Source::Cookie => quote!(Cookie),
            Source::Body => quote!(Body),
            Source::Form => quote!(Form),
            Source::File => quote!(File),
            _ => quote!(Query),
        };
        let mut builder = quote!(::ferrapi::__private::ParamSpec::new(::ferrapi::__private::Source::#source, #wire));
        if p.embed {
            builder = quote!(#builder.embed());
        }
        if let Some(default) = &p.default {
            builder = quote! {
                #builder.default_value(|| {
                    #[allow(unused_imports)]
                    use ::ferrapi::__private::{DefaultHidden as _, DefaultViaSerialize as _};
                    (&&::ferrapi::__private::DefaultJson::<#ty>::new(#default)).json()
                })
            };
        }
        if let Some(cu) = &p.convert_underscores {
            builder = quote!(#builder.convert_underscores(#cu));
        }
        for (key, value) in p.constraints.iter().chain(&p.metadata) {
            builder = if key == "items" {
                quote!({
                    let __s = #builder;
                    let __c = __s.constraints().clone().items(#value);
                    __s.with_constraints(__c)
                })
            } else if key == "max_digits" || key == "decimal_places" {
                // Decimal-only: set on the spec's constraints (`ParamSpec` has no method).
                quote!({
                    let __p = #builder;
                    let __c = __p.constraints().clone().#key(#value);
                    __p.with_constraints(__c)
                })
            } else {
                quote!(#builder.#key(#value))
            };
        }
        let slot = quote!(__specs[#index]);
        let extract = match (p.source, &p.default) {
            (Source::Infer, default) => {
                // By type: the `Argument` impl of `#ty` declares and reads it.
                builder = quote! {{
                    #[allow(unused_imports)]
                    use ::ferrapi::__private::{DeclareArgument as _, DeclareNothing as _};
                    (&&::ferrapi::__private::Declare::<#ty>::new()).declare(#builder, #in_dependency)
                }};
                // Not naming the type: it follows from `extract`, where a type that is not an
                // `Argument` was reported already.
                completes.push(quote! {
                    let #arg = ::ferrapi::__private::Complete::<#dependant>::complete(#arg, __cx)?;
                });
                let read = match default {
                    Some(default) => quote! {
                        ::ferrapi::__private::extract_or::<#ty>(__cx, #slot.as_ref(), &mut __v, || #default)
                    },
                    None => quote_spanned! {ty.span()=>
                        <#ty as ::ferrapi::__private::Argument>::extract(__cx, #slot.as_ref(), &mut __v)
                    },
                };
                quote!(let #arg = __f.take(#read).flatten();)
            }
            (Source::File, _) => {
                builder = quote!(::core::option::Option::Some(#builder.file::<#ty>()));
                quote! {
                    let #arg: ::core::option::Option<#ty> = ::ferrapi::__private::extract_file::<#ty>(
                        __cx.inputs(), ::ferrapi::__private::spec(__specs, #index), &mut __v);
                }
            }
            (_, default) => {
                builder = quote!(::core::option::Option::Some(#builder.typed::<#ty>()));
                let spec = quote!(::ferrapi::__private::spec(__specs, #index));
                match default {
                    Some(default) => quote! {
                        let #arg: ::core::option::Option<#ty> =
                            ::ferrapi::__private::param_or::<#ty>(__cx, #spec, &mut __v, || #default);
                    },
                    None => quote! {
                        let #arg: ::core::option::Option<#ty> =
                            ::ferrapi::__private::extract::<#ty>(__cx.inputs(), #spec, &mut __v);
                    },
                }
            }
        };
        spec_builders.push(builder);
        extracts.push(extract);
    }
    let n = spec_builders.len();
    let specs_body = quote! {
        static __SPECS: ::std::sync::OnceLock<[::core::option::Option<::ferrapi::__private::ParamSpec>; #n]> =
            ::std::sync::OnceLock::new();
        __SPECS.get_or_init(|| [#(#spec_builders),*])
    };
    let resolve_deps = match dep_futures.len() {
        0 => quote!(),
        1 => {
            let r = &dep_results[0];
            let f = &dep_futures[0];
            quote!(let #r = #f.await;)
        }
        _ => quote! {
            let (#(#dep_results),*) = ::ferrapi::__private::tokio::join!(#(#dep_futures),*);
        },
    };
    // Every argument is `Some` when nothing failed; the `else` is never taken.
    let unpack = if call_args.is_empty() {
        quote!()
    } else {
        quote! {
            #[allow(unused_parens)]
            let (#(::core::option::Option::Some(#call_args)),*) = (#(#call_args),*) else {
                return ::core::result::Result::Err(::ferrapi::__private::Failure::Invalid(::std::vec::Vec::new()));
            };
        }
    };
    let dep_prelude2 = dep_prelude.clone();
    let gather = quote! {
        #[allow(unused_variables)]
        let __specs: &[::core::option::Option<::ferrapi::__private::ParamSpec>] = #specs;
        #(#dep_prelude)*
        #(#scoped_prelude)*
        #resolve_deps
        #(#dep_takes)*
        if __f.raised() {
            return ::core::result::Result::Err(::ferrapi::__private::Failure::Raised);
        }
        #[allow(unused_mut)]
        let mut __v = ::ferrapi::__private::Validator::new();
        #(#extracts)*
        __f.finish(__v)?;
        #unpack
        #(#completes)*
    };
    let declare = quote! {
        __d.params(#specs.iter().flatten());
        #(#dep_prelude2)*
        #(#declare)*
    };
    Generated {
        specs_body,
        declare,
        gather,
        call_args,
    }
}
