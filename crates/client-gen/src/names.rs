//! Rust names the way progenitor and typify make them from spec names, so
//! that the code this generator adds refers to exactly the items they
//! generate.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// Which case a name is turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `UpperCamelCase`, for types.
    Pascal,
    /// `snake_case`, for methods and fields.
    Snake,
}

/// The prefix a name gets when it does not start like an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    /// progenitor: `_`.
    Underscore,
    /// typify: `x` in the target case.
    X,
}

fn sanitize(input: &str, case: Case, prefix: Prefix) -> String {
    let to_case = |s: &str| match case {
        Case::Pascal => s.to_pascal_case(),
        Case::Snake => s.to_snake_case(),
    };
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(&input.replace('\'', "").replace(|c: char| !is_xid_continue(c), "-")),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if is_xid_start(c) => out,
        Some(_) => match prefix {
            Prefix::Underscore => format!("_{out}"),
            Prefix::X => format!("{}{out}", to_case("x")),
        },
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// The name progenitor gives an operation's method (snake case) or its
/// types (Pascal case).
pub fn progenitor(input: &str, case: Case) -> String {
    sanitize(input, case, Prefix::Underscore)
}

/// The name typify gives a schema's type (Pascal case) or a property's
/// field (snake case).
pub fn typify(input: &str, case: Case) -> String {
    sanitize(input, case, Prefix::X)
}

/// The variant names typify gives the string `values` of an enum, if it can
/// make them distinct: the plain names, else with the characters it drops
/// written as `X`, as typify tries them (it panics when neither is).
pub fn typify_variants(values: &[&str]) -> Option<Vec<String>> {
    let distinct = |names: &[String]| {
        let mut seen = std::collections::HashSet::new();
        names.iter().all(|n| seen.insert(n.clone()))
    };
    let plain: Vec<String> = values.iter().map(|v| typify(v, Case::Pascal)).collect();
    if distinct(&plain) {
        return Some(plain);
    }
    let marked: Vec<String> = values
        .iter()
        .map(|v| typify(&v.replace(|c: char| c == '_' || !is_xid_continue(c), "X"), Case::Pascal))
        .collect();
    distinct(&marked).then_some(marked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_progenitor_and_typify() {
        assert_eq!(progenitor("post_ideogram_remix", Case::Snake), "post_ideogram_remix");
        assert_eq!(
            progenitor("post_generate_image_v3_multipart", Case::Pascal),
            "PostGenerateImageV3Multipart"
        );
        assert_eq!(typify("page-limit", Case::Snake), "page_limit");
        assert_eq!(typify("type", Case::Snake), "type_");
        assert_eq!(typify("3d", Case::Snake), "x3d");
        assert_eq!(progenitor("3d", Case::Snake), "_3d");
        assert_eq!(typify("RemixImageRequestV3", Case::Pascal), "RemixImageRequestV3");
        assert_eq!(typify("styleCode", Case::Snake), "style_code");
    }

    #[test]
    fn enum_variants_are_named_apart_as_typify_tries() {
        assert_eq!(
            typify_variants(&["x-1", "x1"]),
            Some(vec!["XX1".to_string(), "X1".to_string()])
        );
        assert_eq!(typify_variants(&["asc", "ASC"]), None);
        assert_eq!(typify_variants(&["", "X"]), None);
        assert_eq!(
            typify_variants(&["up", "down"]),
            Some(vec!["Up".to_string(), "Down".to_string()])
        );
    }
}
