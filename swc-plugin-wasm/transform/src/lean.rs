//! Stand-ins for a few std conveniences whose code or constant data would
//! otherwise be linked into the Wasm module, which the host instantiates
//! (and copies the data of) for every file:
//!
//! - std's hash maps seed their hasher from the system's random source,
//!   which brings in WASI's random call and the error names it can report;
//!   these hash with fixed keys (the keys are file-local names, not input an
//!   attacker picks to collide);
//! - `slice::sort_by_key` is a general sort; the lists sorted here are short
//!   and nearly in order already, which insertion sort handles in one pass.

use std::hash::{BuildHasherDefault, DefaultHasher};

pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<DefaultHasher>>;
pub type HashSet<T> = std::collections::HashSet<T, BuildHasherDefault<DefaultHasher>>;

/// A stable sort by key, linear on input that is already sorted.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorts_stably() {
        let mut items = [(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        super::sort_by_key(&mut items, |&(k, _)| k);
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c')]);
    }
}
