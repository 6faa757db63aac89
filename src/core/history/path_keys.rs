//! The `(cell id, path)` pairs the history's updates refer to, each kept once: paths are
//! interned per cell (and each path string once for all cells), and a stored update names
//! its pair by a small number.

use std::collections::{HashMap, HashSet};

use crate::core::model::SharedStr;

/// No further pair of the same cell.
const END: u32 = u32::MAX;

/// Interned `(cell id, path)` pairs, numbered in the order first seen. A cell's pairs are
/// chained from its newest one, so each pair costs one slot and each cell one map entry.
/// Pairs are kept until [`PathKeys::clear`] (the history clears them when it has no
/// entries left).
#[derive(Debug, Clone, Default)]
pub(super) struct PathKeys {
    pairs: Vec<Pair>,
    /// Per cell id, the number of its newest pair.
    newest: HashMap<SharedStr, u32>,
    /// Every path once, shared by the cells that have it (`position/x` of 1,000 nodes).
    paths: HashSet<SharedStr>,
}

#[derive(Debug, Clone)]
struct Pair {
    id: SharedStr,
    path: SharedStr,
    /// The cell's previous pair, or [`END`].
    older: u32,
}

impl PathKeys {
    /// The number of the pair `(id, path)`, added if new.
    pub(super) fn intern(&mut self, id: &SharedStr, path: &SharedStr) -> u32 {
        let newest = self.newest.get(&**id).copied();
        let mut at = newest.unwrap_or(END);
        while let Some(pair) = self.pairs.get(at as usize) {
            if *pair.path == **path {
                return at;
            }
            at = pair.older;
        }
        let key = u32::try_from(self.pairs.len()).unwrap_or(END);
        // The cell's other pairs hold its id already: share it rather than keep a copy.
        let id = match newest.and_then(|newest| self.pairs.get(newest as usize)) {
            Some(pair) => pair.id.clone(),
            None => id.clone(),
        };
        let path = match self.paths.get(&**path) {
            Some(shared) => shared.clone(),
            None => {
                self.paths.insert(path.clone());
                path.clone()
            }
        };
        self.newest.insert(id.clone(), key);
        self.pairs.push(Pair {
            id,
            path,
            older: newest.unwrap_or(END),
        });
        key
    }

    /// The pair numbered `key`: `(cell id, path)`.
    pub(super) fn pair(&self, key: usize) -> Option<(&SharedStr, &SharedStr)> {
        self.pairs.get(key).map(|pair| (&pair.id, &pair.path))
    }

    /// Forgets every pair.
    pub(super) fn clear(&mut self) {
        self.pairs = Vec::new();
        self.newest = HashMap::new();
        self.paths = HashSet::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_pair_is_numbered_once_and_shares_its_strings() {
        let mut keys = PathKeys::default();
        let (a, b, x): (SharedStr, SharedStr, SharedStr) = ("a".into(), "b".into(), "x".into());
        assert_eq!(keys.intern(&a, &x), 0);
        assert_eq!(keys.intern(&b, &x), 1);
        assert_eq!(keys.intern(&"a".into(), &"x".into()), 0);
        assert_eq!(keys.intern(&"a".into(), &"y".into()), 2);
        assert_eq!(keys.intern(&a, &"x".into()), 0);
        assert_eq!(keys.intern(&b, &"y".into()), 3);
        let (id, path) = keys.pair(2).unwrap();
        assert_eq!((&**id, &**path), ("a", "y"));
        assert!(Arc::ptr_eq(id, keys.pair(0).unwrap().0));
        assert!(Arc::ptr_eq(
            keys.pair(0).unwrap().1,
            keys.pair(1).unwrap().1
        ));
        keys.clear();
        assert!(keys.pair(0).is_none());
    }
}
