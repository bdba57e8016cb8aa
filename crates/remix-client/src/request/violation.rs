//! What a refused request reports: every broken [`Rule`], each as a
//! [`Violation`] naming the field and the value, gathered in
//! [`InvalidRequest`].

use std::fmt;

/// The rule a request field broke.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// The field is required.
    Required,
    /// The value must not be empty (or only white space).
    NotEmpty,
    /// The number must lie in `min ..= max`.
    Range {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// The text must match a pattern, described in words.
    Pattern(&'static str),
    /// The list must have `min ..= max` entries.
    Count {
        /// Fewest entries.
        min: usize,
        /// Most entries.
        max: usize,
    },
    /// The field cannot be combined with another field.
    ConflictsWith(&'static str),
    /// The chosen model does not take the field.
    UnsupportedByModel {
        /// The model that was chosen.
        model: String,
        /// The models that do take it, from [`Model::supporting`](crate::Model::supporting).
        supported: Vec<&'static str>,
    },
    /// No such field exists.
    UnknownField,
    /// The JSON value has the wrong type.
    WrongType {
        /// The type that was expected.
        expected: &'static str,
    },
    /// Exactly one of two forms must be given.
    ExactlyOneOf(&'static str, &'static str),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required"),
            Rule::NotEmpty => f.write_str("must not be empty"),
            Rule::Range { min, max } => write!(f, "must be between {min} and {max}"),
            Rule::Pattern(p) => write!(f, "must be {p}"),
            Rule::Count { min, max } => write!(f, "must have {min} to {max} entries"),
            Rule::ConflictsWith(other) => write!(f, "cannot be combined with `{other}`"),
            Rule::UnsupportedByModel { model, supported } => {
                write!(
                    f,
                    "is not supported by model {model} (only by {})",
                    supported.join(", ")
                )
            }
            Rule::UnknownField => f.write_str("is not a field of image_request"),
            Rule::WrongType { expected } => write!(f, "must be {expected}"),
            Rule::ExactlyOneOf(a, b) => write!(f, "must have exactly one of `{a}` or `{b}`"),
        }
    }
}

/// One broken rule: the field (a path such as
/// `color_palette.members[2].color_hex`), the value given, and the rule.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Violation {
    /// The field, as a path into the `image_request` JSON.
    pub field: String,
    /// The value given, rendered as JSON (`"ASPECT_16_9"`, `9`); empty when
    /// the field was missing.
    pub value: String,
    /// The rule it broke.
    pub rule: Rule,
}

impl Violation {
    pub(crate) fn new(field: impl Into<String>, value: String, rule: Rule) -> Self {
        Violation {
            field: field.into(),
            value,
            rule,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "`{}` {}", self.field, self.rule)
        } else {
            write!(f, "`{}` = {} {}", self.field, self.value, self.rule)
        }
    }
}

/// Every rule a request broke (never empty): type errors and unknown
/// fields of JSON input first, by key, then the checks, in field order.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidRequest {
    violations: Vec<Violation>,
}

impl InvalidRequest {
    pub(crate) fn new(violations: Vec<Violation>) -> Option<Self> {
        (!violations.is_empty()).then_some(InvalidRequest { violations })
    }

    pub(crate) fn single(violation: Violation) -> Self {
        InvalidRequest {
            violations: vec![violation],
        }
    }

    /// Every broken rule.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The first broken rule.
    pub fn first(&self) -> &Violation {
        &self.violations[0]
    }

    /// The fields at fault, in order.
    pub fn fields(&self) -> Vec<&str> {
        self.violations.iter().map(|v| v.field.as_str()).collect()
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidRequest {}
