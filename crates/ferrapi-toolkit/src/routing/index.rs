//! The route index: keeps route matching from growing linearly with the number of routes.
//!
//! Routes are filed in a tree under the leading segments of their template: literal segments
//! (`users`) and segments that are one parameter (`{id}`, any convertor but `path`), up to the
//! first segment that is neither (`r{n}`, `{p:path}`). A lookup walks the request path's
//! segments down the tree, following both the literal child and the parameter child at each
//! step, and only tests the routes filed on that walk. The earliest route in declaration order
//! that matches wins, which keeps Starlette's "first match wins" rule exactly.
//!
//! Cost: the nodes on the walk (at most two branches per segment) plus the routes filed there,
//! whatever the total. Routes whose templates start with a mixed segment (`/r{n}`) are filed at
//! the root and tested on every request.

use super::pattern::IndexSegment;

#[derive(Debug, Default)]
pub(crate) struct Index {
    root: Node,
}

#[derive(Debug, Default)]
struct Node {
    /// Literal children, sorted by segment: a binary search costs a few string comparisons
    /// where hashing the segment (SipHash) cost more than the whole lookup.
    children: Vec<(Box<str>, Node)>,
    /// The child for a segment that is one parameter.
    param: Option<Box<Node>>,
    /// Indexes into the router's route list, ascending.
    routes: Vec<usize>,
}

impl Index {
    pub(crate) fn insert(&mut self, segments: &[IndexSegment<'_>], route: usize) {
        let mut node = &mut self.root;
        for segment in segments {
            node = match segment {
                IndexSegment::Literal(l) => {
                    let at = match node.children.binary_search_by(|(k, _)| (**k).cmp(l)) {
                        Ok(at) => at,
                        Err(at) => {
                            node.children.insert(at, ((*l).into(), Node::default()));
                            at
                        }
                    };
                    &mut node.children[at].1
                }
                IndexSegment::Param => node.param.get_or_insert_with(Box::default),
            };
        }
        node.routes.push(route);
    }

    /// Calls `visit` with each list of candidate routes on the walks down `path`.
    pub(crate) fn walk(&self, path: &str, visit: &mut impl FnMut(&[usize])) {
        match path.strip_prefix('/') {
            Some(rest) => walk(&self.root, Some(rest), visit),
            None => visit(&self.root.routes),
        }
    }
}

/// `rest` is the path after the `/` that ends the current node's segment, or `None` at the end
/// of the path.
fn walk(node: &Node, rest: Option<&str>, visit: &mut impl FnMut(&[usize])) {
    if !node.routes.is_empty() {
        visit(&node.routes);
    }
    let Some(rest) = rest else {
        return;
    };
    let (segment, next) = match crate::datastructures::split_once_ascii(rest, b'/') {
        Some((segment, next)) => (segment, Some(next)),
        None => (rest, None),
    };
    if let Ok(at) = node.children.binary_search_by(|(k, _)| (**k).cmp(segment)) {
        walk(&node.children[at].1, next, visit);
    }
    if let Some(param) = &node.param {
        if !segment.is_empty() {
            walk(param, next, visit);
        }
    }
}
