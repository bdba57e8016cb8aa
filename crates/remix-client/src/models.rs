//! The models and what each one takes: the one table to edit when a model
//! arrives.
//!
//! [`Model`]'s variants, their wire strings and the fields each model takes
//! are written once, in the `models!` table below. The request checks
//! ([`ImageRequestBuilder::build`](crate::ImageRequestBuilder::build)), the
//! errors ([`Rule::UnsupportedByModel`](crate::Rule::UnsupportedByModel)),
//! the JSON Schema (`x-models` of each field) and the CLI's help all read
//! it; no other file names a model (a test in `tests/one_table.rs` checks).

use std::fmt;

use crate::wire::wire_enum;

/// A field of `image_request` that only some models take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ModelField {
    /// `resolution`.
    Resolution,
    /// `negative_prompt`.
    NegativePrompt,
    /// `style_type`.
    StyleType,
    /// `color_palette`.
    ColorPalette,
}

impl ModelField {
    /// Every field that depends on the model.
    pub const ALL: [ModelField; 4] = [
        ModelField::Resolution,
        ModelField::NegativePrompt,
        ModelField::StyleType,
        ModelField::ColorPalette,
    ];

    /// The field's name in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            ModelField::Resolution => "resolution",
            ModelField::NegativePrompt => "negative_prompt",
            ModelField::StyleType => "style_type",
            ModelField::ColorPalette => "color_palette",
        }
    }
}

impl fmt::Display for ModelField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Declares [`Model`] from the table: each model's variant, wire string and
/// the [`ModelField`]s it takes.
macro_rules! models {
    ( $( $(#[$doc:meta])* $variant:ident = $wire:literal takes [ $($field:ident),* ]; )+ ) => {
        wire_enum! {
            /// The model (`model`). The server's default is [`Model::SERVER_DEFAULT`].
            Model {
                $( $(#[$doc])* $variant = $wire, )+
            }
        }

        impl Model {
            /// Whether this model takes `field`; `None` for a model this
            /// crate does not know (its checks are skipped).
            pub fn takes(&self, field: ModelField) -> Option<bool> {
                match self {
                    $( Model::$variant => Some([$(ModelField::$field),*].contains(&field)), )+
                    Model::Other(_) => None,
                }
            }
        }
    };
}

models! {
    /// Ideogram 1.0.
    V1 = "V_1" takes [NegativePrompt];
    /// Ideogram 1.0 Turbo.
    V1Turbo = "V_1_TURBO" takes [NegativePrompt];
    /// Ideogram 2.0, the server's default.
    V2 = "V_2" takes [Resolution, NegativePrompt, StyleType, ColorPalette];
    /// Ideogram 2.0 Turbo.
    V2Turbo = "V_2_TURBO" takes [Resolution, NegativePrompt, StyleType, ColorPalette];
    /// Ideogram 2a.
    V2a = "V_2A" takes [Resolution, StyleType];
    /// Ideogram 2a Turbo.
    V2aTurbo = "V_2A_TURBO" takes [Resolution, StyleType];
    /// Ideogram 3.0.
    V3 = "V_3" takes [StyleType, ColorPalette];
    /// Let the server choose.
    Auto = "AUTO" takes [StyleType, ColorPalette];
}

impl Model {
    /// The model the server uses when the request names none.
    pub const SERVER_DEFAULT: Model = Model::V2;

    /// The wire strings of the known models that take `field`, in the
    /// table's order.
    pub fn supporting(field: ModelField) -> Vec<&'static str> {
        Model::KNOWN
            .iter()
            .copied()
            .filter(|wire| Model::from(*wire).takes(field) == Some(true))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_answers_for_every_known_model() {
        assert_eq!(Model::KNOWN.len(), 8);
        assert_eq!(Model::from("V_2A_TURBO"), Model::V2aTurbo);
        assert_eq!(
            Model::supporting(ModelField::Resolution),
            ["V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO"]
        );
        assert_eq!(
            Model::supporting(ModelField::NegativePrompt),
            ["V_1", "V_1_TURBO", "V_2", "V_2_TURBO"]
        );
        assert_eq!(
            Model::supporting(ModelField::StyleType),
            ["V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO", "V_3", "AUTO"]
        );
        assert_eq!(
            Model::supporting(ModelField::ColorPalette),
            ["V_2", "V_2_TURBO", "V_3", "AUTO"]
        );
        assert_eq!(Model::SERVER_DEFAULT.as_str(), "V_2");
    }

    #[test]
    fn an_unknown_model_is_kept_and_not_judged() {
        assert_eq!(Model::from("V_4"), Model::Other("V_4".into()));
        assert_eq!(Model::from("v_2"), Model::Other("v_2".into()), "no case folding");
        assert_eq!(serde_json::to_string(&Model::Other("V_4".into())).unwrap(), "\"V_4\"");
        for field in ModelField::ALL {
            assert_eq!(Model::Other("V_4".into()).takes(field), None, "{field}");
        }
    }
}
