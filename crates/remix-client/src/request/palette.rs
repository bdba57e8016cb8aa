//! The color palette of a request: a preset by name, or custom colors.

use serde::Serialize;

#[cfg(feature = "schemars")]
use crate::limits;
use crate::wire::PalettePreset;

/// One color of a custom palette.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ColorMember {
    /// `#RGB` or `#RRGGBB`.
    #[cfg_attr(
        feature = "schemars",
        schemars(regex(pattern = r"^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$"))
    )]
    pub color_hex: String,
    /// The color's weight; the API recommends descending weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(range(min = *limits::COLOR_WEIGHT.start(), max = *limits::COLOR_WEIGHT.end())))]
    pub color_weight: Option<f64>,
}

impl ColorMember {
    /// A color with no weight.
    pub fn new(color_hex: impl Into<String>) -> Self {
        ColorMember {
            color_hex: color_hex.into(),
            color_weight: None,
        }
    }

    /// Sets the weight (see [`limits::COLOR_WEIGHT`](crate::limits::COLOR_WEIGHT)).
    pub fn weight(mut self, weight: f64) -> Self {
        self.color_weight = Some(weight);
        self
    }
}

/// The color palette: a preset by name, or custom colors. Only some models
/// take one: see [`Model::takes`](crate::Model::takes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[cfg_attr(
    feature = "schemars",
    schemars(description = "The color palette: a preset by name, or custom colors.")
)]
pub enum ColorPalette {
    /// `{"name": PRESET}`.
    Preset {
        /// The preset.
        name: PalettePreset,
    },
    /// `{"members": [...]}`.
    Members {
        /// The colors (see [`limits::PALETTE_MEMBERS`](crate::limits::PALETTE_MEMBERS) for how many).
        #[cfg_attr(feature = "schemars", schemars(description = "The colors."))]
        #[cfg_attr(feature = "schemars", schemars(length(min = *limits::PALETTE_MEMBERS.start(), max = *limits::PALETTE_MEMBERS.end())))]
        members: Vec<ColorMember>,
    },
}

impl ColorPalette {
    /// A preset palette.
    pub fn preset(name: impl Into<PalettePreset>) -> Self {
        ColorPalette::Preset { name: name.into() }
    }

    /// A custom palette (see [`limits::PALETTE_MEMBERS`](crate::limits::PALETTE_MEMBERS) for how many).
    pub fn members(members: impl IntoIterator<Item = ColorMember>) -> Self {
        ColorPalette::Members {
            members: members.into_iter().collect(),
        }
    }
}
