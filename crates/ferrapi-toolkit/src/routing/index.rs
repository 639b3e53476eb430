//! The route index: keeps route matching from growing linearly with the number of routes.
//!
//! Routes are filed in a tree under the whole path segments that start their template, before
//! any parameter (`/users/{id}` under `users`, `/r{n}` at the root). A lookup walks the
//! request path's segments down the tree and only tests the routes filed on that walk, in
//! each node's order; the earliest route (in declaration order) that matches wins, which keeps
//! Starlette's "first match wins" rule exactly. Cost: the depth of the walk plus the routes
//! that share the path's static prefix, whatever the total.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub(crate) struct Index {
    root: Node,
}

#[derive(Debug, Default)]
struct Node {
    children: HashMap<Box<str>, Node>,
    /// Indexes into the router's route list, ascending.
    routes: Vec<usize>,
}

impl Index {
    pub(crate) fn insert(&mut self, segments: &[&str], route: usize) {
        let mut node = &mut self.root;
        for segment in segments {
            node = node.children.entry((*segment).into()).or_default();
        }
        node.routes.push(route);
    }

    /// Calls `visit` with each list of candidate routes on the walk down `path`, root first.
    /// `visit` returns `false` to stop the walk.
    pub(crate) fn walk(&self, path: &str, mut visit: impl FnMut(&[usize]) -> bool) {
        let mut node = &self.root;
        if !visit(&node.routes) {
            return;
        }
        let Some(rest) = path.strip_prefix('/') else {
            return;
        };
        for segment in rest.split('/') {
            match node.children.get(segment) {
                Some(child) => node = child,
                None => return,
            }
            if !visit(&node.routes) {
                return;
            }
        }
    }
}
