//! The public API of each library crate, one item a line, pinned as a
//! snapshot: a change to any public item fails until its snapshot is
//! accepted, so every API change shows in review next to its cause.

use xtask::api::{LIBRARY_CRATES, listing};
use xtask::workspace;

#[test]
fn public_api_listings() {
    let root = workspace::root().unwrap();
    for (package, _) in LIBRARY_CRATES {
        let text = listing(&root, package).unwrap();
        insta::assert_snapshot!(package, text);
    }
}
