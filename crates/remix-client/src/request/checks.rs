//! Every rule a request is checked against before anything is sent, in
//! field order. Ranges come from [`crate::limits`], model rules from the
//! table in [`crate::models`].

use std::ops::RangeInclusive;

use serde_json::Value;

use super::{ColorMember, ColorPalette, ImageRequest, Rule, Violation};
use crate::limits;
use crate::models::{Model, ModelField};

impl ImageRequest {
    /// Every rule the request breaks, in field order.
    pub(super) fn violations(&self) -> Vec<Violation> {
        let mut found = Vec::new();
        self.check_text(&mut found);
        self.check_conflicts(&mut found);
        self.check_models(&mut found);
        self.check_ranges(&mut found);
        if let Some(palette) = &self.color_palette {
            check_palette(palette, &mut found);
        }
        sort_by_field(&mut found);
        found
    }

    /// The prompt and every enum value must not be empty (the palette's
    /// preset name is checked with the palette).
    fn check_text(&self, found: &mut Vec<Violation>) {
        if self.prompt.trim().is_empty() {
            found.push(Violation::new("prompt", json_str(&self.prompt), Rule::NotEmpty));
        }
        let enums: [(&str, Option<&str>); 6] = [
            ("aspect_ratio", self.aspect_ratio.as_ref().map(|v| v.as_str())),
            ("resolution", self.resolution.as_ref().map(|v| v.as_str())),
            ("model", self.model.as_ref().map(|v| v.as_str())),
            (
                "magic_prompt_option",
                self.magic_prompt_option.as_ref().map(|v| v.as_str()),
            ),
            (
                "magic_prompt_version",
                self.magic_prompt_version.as_ref().map(|v| v.as_str()),
            ),
            ("style_type", self.style_type.as_ref().map(|v| v.as_str())),
        ];
        for (field, value) in enums {
            if let Some(value) = value.filter(|s| s.trim().is_empty()) {
                found.push(Violation::new(field, json_str(value), Rule::NotEmpty));
            }
        }
    }

    fn check_conflicts(&self, found: &mut Vec<Violation>) {
        if let (Some(_), Some(resolution)) = (&self.aspect_ratio, &self.resolution) {
            found.push(Violation::new(
                "resolution",
                json_str(resolution.as_str()),
                Rule::ConflictsWith("aspect_ratio"),
            ));
        }
    }

    /// The fields only some models take, against the chosen model (or the
    /// server's default one).
    fn check_models(&self, found: &mut Vec<Violation>) {
        let model = self.model.clone().unwrap_or(Model::SERVER_DEFAULT);
        let palette = self
            .color_palette
            .as_ref()
            .map(|p| serde_json::to_string(p).expect("a palette serializes"));
        let set: [(ModelField, Option<String>); 4] = [
            (
                ModelField::Resolution,
                self.resolution.as_ref().map(|v| json_str(v.as_str())),
            ),
            (
                ModelField::NegativePrompt,
                self.negative_prompt.as_deref().map(json_str),
            ),
            (
                ModelField::StyleType,
                self.style_type.as_ref().map(|v| json_str(v.as_str())),
            ),
            (ModelField::ColorPalette, palette),
        ];
        for (field, value) in set {
            if let Some(value) = value
                && model.takes(field) == Some(false)
            {
                let rule = Rule::UnsupportedByModel {
                    model: model.as_str().to_string(),
                    supported: Model::supporting(field),
                };
                found.push(Violation::new(field.name(), value, rule));
            }
        }
    }

    fn check_ranges(&self, found: &mut Vec<Violation>) {
        let ranges = [
            ("seed", self.seed, 0..=limits::MAX_SEED),
            ("num_images", self.num_images, limits::NUM_IMAGES),
            ("image_weight", self.image_weight, limits::IMAGE_WEIGHT),
        ];
        for (field, value, allowed) in ranges {
            if let Some(value) = value
                && !allowed.contains(&value)
            {
                found.push(Violation::new(field, value.to_string(), range_rule(&allowed)));
            }
        }
    }
}

fn check_palette(palette: &ColorPalette, found: &mut Vec<Violation>) {
    let members = match palette {
        ColorPalette::Preset { name } => {
            if name.as_str().trim().is_empty() {
                found.push(Violation::new(
                    "color_palette.name",
                    json_str(name.as_str()),
                    Rule::NotEmpty,
                ));
            }
            return;
        }
        ColorPalette::Members { members } => members,
    };
    if !limits::PALETTE_MEMBERS.contains(&members.len()) {
        found.push(Violation::new(
            "color_palette.members",
            format!("{} entries", members.len()),
            Rule::Count {
                min: *limits::PALETTE_MEMBERS.start(),
                max: *limits::PALETTE_MEMBERS.end(),
            },
        ));
    }
    for (i, member) in members.iter().enumerate() {
        check_member(i, member, found);
    }
}

fn check_member(i: usize, member: &ColorMember, found: &mut Vec<Violation>) {
    if !is_hex_color(&member.color_hex) {
        found.push(Violation::new(
            format!("color_palette.members[{i}].color_hex"),
            json_str(&member.color_hex),
            Rule::Pattern("#RGB or #RRGGBB (hex digits)"),
        ));
    }
    if let Some(weight) = member.color_weight
        && !(weight.is_finite() && limits::COLOR_WEIGHT.contains(&weight))
    {
        found.push(Violation::new(
            format!("color_palette.members[{i}].color_weight"),
            weight.to_string(),
            Rule::Range {
                min: *limits::COLOR_WEIGHT.start(),
                max: *limits::COLOR_WEIGHT.end(),
            },
        ));
    }
}

/// The order of the fields in the request, which reports follow.
const FIELD_ORDER: [&str; 12] = [
    "prompt",
    "aspect_ratio",
    "resolution",
    "model",
    "magic_prompt_option",
    "magic_prompt_version",
    "seed",
    "style_type",
    "negative_prompt",
    "num_images",
    "image_weight",
    "color_palette",
];

/// Sorts violations by field order (stable, so one field's reports keep
/// the order they were found in).
fn sort_by_field(found: &mut [Violation]) {
    let rank = |v: &Violation| {
        let top = v.field.split(['.', '[']).next().unwrap_or_default();
        FIELD_ORDER.iter().position(|f| *f == top).unwrap_or(FIELD_ORDER.len())
    };
    found.sort_by_key(rank);
}

pub(super) fn range_rule(allowed: &RangeInclusive<u32>) -> Rule {
    Rule::Range {
        min: f64::from(*allowed.start()),
        max: f64::from(*allowed.end()),
    }
}

pub(super) fn json_str(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

fn is_hex_color(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('#') else {
        return false;
    };
    (digits.len() == 3 || digits.len() == 6) && digits.chars().all(|c| c.is_ascii_hexdigit())
}
