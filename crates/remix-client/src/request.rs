//! `ImageRequest`: the typed `image_request` JSON part, its builder, and
//! every rule it is checked against before anything is sent.

use serde::Serialize;
use serde_json::Value;

use crate::enums::{AspectRatio, MagicPromptOption, MagicPromptVersion, Model, PalettePreset, Resolution, StyleType};
use crate::error::{InvalidRequest, Rule, Violation};

/// Largest seed the API takes.
pub const MAX_SEED: u32 = 2_147_483_647;
/// Allowed range of `num_images`.
pub const NUM_IMAGES: std::ops::RangeInclusive<u32> = 1..=8;
/// Allowed range of `image_weight`.
pub const IMAGE_WEIGHT: std::ops::RangeInclusive<u32> = 1..=100;
/// Allowed range of a palette member's `color_weight`.
pub const COLOR_WEIGHT: std::ops::RangeInclusive<f64> = 0.05..=1.0;
/// Allowed number of custom palette members.
pub const PALETTE_MEMBERS: std::ops::RangeInclusive<usize> = 1..=8;

/// One color of a custom palette.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColorMember {
    /// `#RGB` or `#RRGGBB`.
    #[schemars(regex(pattern = r"^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$"))]
    pub color_hex: String,
    /// 0.05 to 1.0; the API recommends descending weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.05, max = 1.0))]
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

    /// Sets the weight (0.05 to 1.0).
    pub fn weight(mut self, weight: f64) -> Self {
        self.color_weight = Some(weight);
        self
    }
}

/// The color palette: a preset by name, or 1 to 8 custom colors.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ColorPalette {
    /// `{"name": PRESET}`.
    Preset {
        /// The preset.
        name: PalettePreset,
    },
    /// `{"members": [...]}`.
    Members {
        /// 1 to 8 colors.
        #[schemars(length(min = 1, max = 8))]
        members: Vec<ColorMember>,
    },
}

impl ColorPalette {
    /// A preset palette.
    pub fn preset(name: impl Into<PalettePreset>) -> Self {
        ColorPalette::Preset { name: name.into() }
    }

    /// A custom palette of 1 to 8 colors.
    pub fn members(members: impl IntoIterator<Item = ColorMember>) -> Self {
        ColorPalette::Members {
            members: members.into_iter().collect(),
        }
    }
}

/// The `image_request` part of a remix call: the prompt and every option.
///
/// Build one with [`ImageRequest::builder`], or read one from JSON with
/// [`ImageRequest::from_json`] (or serde); both run the same checks.
/// Serializes to the exact JSON the API takes; unset options are omitted.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "ImageRequest",
    description = "The image_request JSON part of POST /ideogram/remix."
)]
pub struct ImageRequest {
    /// The prompt (required, not empty). Plain UTF-8 text; never percent-encoded.
    #[schemars(length(min = 1))]
    prompt: String,
    /// Aspect ratio; the server's default is ASPECT_1_1. Not with `resolution`.
    #[serde(skip_serializing_if = "Option::is_none")]
    aspect_ratio: Option<AspectRatio>,
    /// Resolution, for the 2.x models only. Not with `aspect_ratio`.
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<Resolution>,
    /// Model; the server's default is V_2.
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<Model>,
    /// Whether MagicPrompt rewrites the prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    magic_prompt_option: Option<MagicPromptOption>,
    /// MagicPrompt version.
    #[serde(skip_serializing_if = "Option::is_none")]
    magic_prompt_version: Option<MagicPromptVersion>,
    /// Random seed, 0 to 2147483647.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 2147483647))]
    seed: Option<u32>,
    /// Style; V_2 and above only.
    #[serde(skip_serializing_if = "Option::is_none")]
    style_type: Option<StyleType>,
    /// What should not appear; V_1, V_1_TURBO, V_2 and V_2_TURBO only.
    #[serde(skip_serializing_if = "Option::is_none")]
    negative_prompt: Option<String>,
    /// Number of images, 1 to 8; the server's default is 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 8))]
    num_images: Option<u32>,
    /// Weight of the source image, 1 to 100; the server's default is 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    image_weight: Option<u32>,
    /// Color palette; not for V_1, V_1_TURBO, V_2A, V_2A_TURBO.
    #[serde(skip_serializing_if = "Option::is_none")]
    color_palette: Option<ColorPalette>,
}

impl ImageRequest {
    /// Starts a request with its one required value, the prompt.
    pub fn builder(prompt: impl Into<String>) -> ImageRequestBuilder {
        ImageRequestBuilder {
            request: ImageRequest {
                prompt: prompt.into(),
                aspect_ratio: None,
                resolution: None,
                model: None,
                magic_prompt_option: None,
                magic_prompt_version: None,
                seed: None,
                style_type: None,
                negative_prompt: None,
                num_images: None,
                image_weight: None,
                color_palette: None,
            },
        }
    }

    /// Reads a request from JSON text, with the same checks as the
    /// builder, plus: no unknown fields, every value of the right type.
    pub fn from_json(text: &str) -> Result<Self, InvalidRequest> {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Self::from_value(&value),
            Err(e) => Err(InvalidRequest::new(vec![Violation {
                field: "image_request".into(),
                value: String::new(),
                rule: Rule::WrongType {
                    expected: json_syntax_reason(&e),
                },
            }])
            .expect("one violation")),
        }
    }

    /// Reads a request from a JSON value; see [`ImageRequest::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, InvalidRequest> {
        let mut v = Vec::new();
        let Some(object) = value.as_object() else {
            v.push(wrong_type("image_request", value, "a JSON object"));
            return Err(InvalidRequest::new(v).expect("one violation"));
        };
        let mut b = ImageRequest::builder(String::new());
        let mut prompt_seen = false;
        for (key, val) in object {
            let key = key.as_str();
            match key {
                "prompt" => {
                    prompt_seen = true;
                    if let Some(s) = string(key, val, &mut v) {
                        b.request.prompt = s;
                    }
                }
                "aspect_ratio" => b.request.aspect_ratio = string(key, val, &mut v).map(AspectRatio::from),
                "resolution" => b.request.resolution = string(key, val, &mut v).map(Resolution::from),
                "model" => b.request.model = string(key, val, &mut v).map(Model::from),
                "magic_prompt_option" => {
                    b.request.magic_prompt_option = string(key, val, &mut v).map(MagicPromptOption::from)
                }
                "magic_prompt_version" => {
                    b.request.magic_prompt_version = string(key, val, &mut v).map(MagicPromptVersion::from)
                }
                "style_type" => b.request.style_type = string(key, val, &mut v).map(StyleType::from),
                "negative_prompt" => b.request.negative_prompt = string(key, val, &mut v),
                "seed" => b.request.seed = integer(key, val, 0, u64::from(MAX_SEED), &mut v),
                "num_images" => {
                    b.request.num_images = integer(key, val, 1, u64::from(*NUM_IMAGES.end()), &mut v);
                }
                "image_weight" => {
                    b.request.image_weight = integer(key, val, 1, u64::from(*IMAGE_WEIGHT.end()), &mut v);
                }
                "color_palette" => b.request.color_palette = palette(val, &mut v),
                _ => v.push(Violation {
                    field: key.to_string(),
                    value: render(val),
                    rule: Rule::UnknownField,
                }),
            }
        }
        if !prompt_seen {
            v.push(Violation {
                field: "prompt".into(),
                value: String::new(),
                rule: Rule::Required,
            });
        }
        let mut checks = b.request.violations();
        if !prompt_seen {
            // A missing prompt is reported once, as missing, not also as empty.
            checks.retain(|c| c.field != "prompt");
        }
        // Keep one report per field: a value refused for its type is not
        // checked again.
        checks.retain(|c| !v.iter().any(|p| p.field == c.field));
        v.extend(checks);
        match InvalidRequest::new(v) {
            Some(e) => Err(e),
            None => Ok(b.request),
        }
    }

    /// The request as the JSON text sent in the `image_request` part.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an ImageRequest always serializes")
    }

    /// Every rule the request breaks, in field order.
    fn violations(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        let r = self;
        if r.prompt.trim().is_empty() {
            v.push(violation("prompt", json_str(&r.prompt), Rule::NotEmpty));
        }
        let enum_fields: [(&str, Option<&str>); 6] = [
            ("aspect_ratio", r.aspect_ratio.as_ref().map(AspectRatio::as_str)),
            ("resolution", r.resolution.as_ref().map(Resolution::as_str)),
            ("model", r.model.as_ref().map(Model::as_str)),
            (
                "magic_prompt_option",
                r.magic_prompt_option.as_ref().map(MagicPromptOption::as_str),
            ),
            (
                "magic_prompt_version",
                r.magic_prompt_version.as_ref().map(MagicPromptVersion::as_str),
            ),
            ("style_type", r.style_type.as_ref().map(StyleType::as_str)),
        ];
        for (field, value) in enum_fields {
            if let Some(value) = value.filter(|s| s.trim().is_empty()) {
                v.push(violation(field, json_str(value), Rule::NotEmpty));
            }
        }
        if let (Some(_), Some(res)) = (&r.aspect_ratio, &r.resolution) {
            v.push(violation(
                "resolution",
                json_str(res.as_str()),
                Rule::ConflictsWith("aspect_ratio"),
            ));
        }
        // The server's default model is V_2.
        let model = r.model.clone().unwrap_or(Model::V2);
        let unsupported = |field: &str, value: String, supported: &'static str| {
            violation(
                field,
                value,
                Rule::UnsupportedByModel {
                    model: model.as_str().to_string(),
                    supported,
                },
            )
        };
        if let Some(res) = &r.resolution
            && model.supports_resolution() == Some(false)
        {
            v.push(unsupported(
                "resolution",
                json_str(res.as_str()),
                Model::RESOLUTION_MODELS,
            ));
        }
        if let Some(seed) = r.seed
            && seed > MAX_SEED
        {
            v.push(violation("seed", seed.to_string(), range(0, MAX_SEED)));
        }
        if let Some(style) = &r.style_type
            && model.supports_style_type() == Some(false)
        {
            v.push(unsupported(
                "style_type",
                json_str(style.as_str()),
                Model::STYLE_TYPE_MODELS,
            ));
        }
        if let Some(neg) = &r.negative_prompt
            && model.supports_negative_prompt() == Some(false)
        {
            v.push(unsupported(
                "negative_prompt",
                json_str(neg),
                Model::NEGATIVE_PROMPT_MODELS,
            ));
        }
        if let Some(n) = r.num_images
            && !NUM_IMAGES.contains(&n)
        {
            v.push(violation(
                "num_images",
                n.to_string(),
                range(*NUM_IMAGES.start(), *NUM_IMAGES.end()),
            ));
        }
        if let Some(w) = r.image_weight
            && !IMAGE_WEIGHT.contains(&w)
        {
            v.push(violation(
                "image_weight",
                w.to_string(),
                range(*IMAGE_WEIGHT.start(), *IMAGE_WEIGHT.end()),
            ));
        }
        if let Some(palette) = &r.color_palette {
            if model.supports_color_palette() == Some(false) {
                let value = serde_json::to_string(palette).expect("a palette serializes");
                v.push(unsupported("color_palette", value, Model::COLOR_PALETTE_MODELS));
            }
            match palette {
                ColorPalette::Preset { name } => {
                    if name.as_str().trim().is_empty() {
                        v.push(violation("color_palette.name", json_str(name.as_str()), Rule::NotEmpty));
                    }
                }
                ColorPalette::Members { members } => {
                    if !PALETTE_MEMBERS.contains(&members.len()) {
                        v.push(violation(
                            "color_palette.members",
                            format!("{} entries", members.len()),
                            Rule::Count {
                                min: *PALETTE_MEMBERS.start(),
                                max: *PALETTE_MEMBERS.end(),
                            },
                        ));
                    }
                    for (i, m) in members.iter().enumerate() {
                        if !is_hex_color(&m.color_hex) {
                            v.push(violation(
                                &format!("color_palette.members[{i}].color_hex"),
                                json_str(&m.color_hex),
                                Rule::Pattern("#RGB or #RRGGBB (hex digits)"),
                            ));
                        }
                        if let Some(w) = m.color_weight
                            && !(w.is_finite() && COLOR_WEIGHT.contains(&w))
                        {
                            v.push(violation(
                                &format!("color_palette.members[{i}].color_weight"),
                                w.to_string(),
                                Rule::Range {
                                    min: *COLOR_WEIGHT.start(),
                                    max: *COLOR_WEIGHT.end(),
                                },
                            ));
                        }
                    }
                }
            }
        }
        v
    }

    /// The prompt.
    pub fn prompt(&self) -> &str {
        &self.prompt
    }
    /// The aspect ratio, if set.
    pub fn aspect_ratio(&self) -> Option<&AspectRatio> {
        self.aspect_ratio.as_ref()
    }
    /// The resolution, if set.
    pub fn resolution(&self) -> Option<&Resolution> {
        self.resolution.as_ref()
    }
    /// The model, if set (the server's default is V_2).
    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }
    /// The MagicPrompt option, if set.
    pub fn magic_prompt_option(&self) -> Option<&MagicPromptOption> {
        self.magic_prompt_option.as_ref()
    }
    /// The MagicPrompt version, if set.
    pub fn magic_prompt_version(&self) -> Option<&MagicPromptVersion> {
        self.magic_prompt_version.as_ref()
    }
    /// The seed, if set.
    pub fn seed(&self) -> Option<u32> {
        self.seed
    }
    /// The style type, if set.
    pub fn style_type(&self) -> Option<&StyleType> {
        self.style_type.as_ref()
    }
    /// The negative prompt, if set.
    pub fn negative_prompt(&self) -> Option<&str> {
        self.negative_prompt.as_deref()
    }
    /// The number of images, if set.
    pub fn num_images(&self) -> Option<u32> {
        self.num_images
    }
    /// The image weight, if set.
    pub fn image_weight(&self) -> Option<u32> {
        self.image_weight
    }
    /// The color palette, if set.
    pub fn color_palette(&self) -> Option<&ColorPalette> {
        self.color_palette.as_ref()
    }
}

impl<'de> serde::Deserialize<'de> for ImageRequest {
    /// Deserializes through [`ImageRequest::from_value`], so serde users get
    /// the same checks; the error message lists every broken rule.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        ImageRequest::from_value(&value).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for ImageRequest {
    type Err = InvalidRequest;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ImageRequest::from_json(text)
    }
}

/// The JSON Schema of [`ImageRequest`], pretty-printed, as checked in at
/// `openapi/image_request.schema.json`. Optional fields are left out of
/// `required` and are not nullable: the API takes no `null`.
pub fn json_schema() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(ImageRequest)).expect("a schema serializes");
    strip_null(&mut schema);
    serde_json::to_string_pretty(&schema).expect("a schema serializes")
}

/// Removes the `null` that schemars allows for every `Option` field.
fn strip_null(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    object.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any_of)) = object.get_mut("anyOf") {
                let before = any_of.len();
                any_of.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
                if before > any_of.len() && any_of.len() == 1 {
                    let only = any_of.remove(0);
                    object.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, v) in inner {
                            object.entry(k).or_insert(v);
                        }
                    }
                }
            }
            object.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// Builds an [`ImageRequest`]; [`ImageRequestBuilder::build`] checks it.
#[derive(Debug, Clone)]
#[must_use = "call .build() to get the request"]
pub struct ImageRequestBuilder {
    request: ImageRequest,
}

impl ImageRequestBuilder {
    /// Sets the aspect ratio (not with a resolution).
    pub fn aspect_ratio(mut self, value: impl Into<AspectRatio>) -> Self {
        self.request.aspect_ratio = Some(value.into());
        self
    }
    /// Sets the resolution (2.x models only; not with an aspect ratio).
    pub fn resolution(mut self, value: impl Into<Resolution>) -> Self {
        self.request.resolution = Some(value.into());
        self
    }
    /// Sets the model.
    pub fn model(mut self, value: impl Into<Model>) -> Self {
        self.request.model = Some(value.into());
        self
    }
    /// Sets the MagicPrompt option.
    pub fn magic_prompt_option(mut self, value: impl Into<MagicPromptOption>) -> Self {
        self.request.magic_prompt_option = Some(value.into());
        self
    }
    /// Sets the MagicPrompt version.
    pub fn magic_prompt_version(mut self, value: impl Into<MagicPromptVersion>) -> Self {
        self.request.magic_prompt_version = Some(value.into());
        self
    }
    /// Sets the seed (0 to 2147483647).
    pub fn seed(mut self, value: u32) -> Self {
        self.request.seed = Some(value);
        self
    }
    /// Sets the style type (V_2 and above).
    pub fn style_type(mut self, value: impl Into<StyleType>) -> Self {
        self.request.style_type = Some(value.into());
        self
    }
    /// Sets the negative prompt (V_1, V_1_TURBO, V_2, V_2_TURBO).
    pub fn negative_prompt(mut self, value: impl Into<String>) -> Self {
        self.request.negative_prompt = Some(value.into());
        self
    }
    /// Sets the number of images (1 to 8).
    pub fn num_images(mut self, value: u32) -> Self {
        self.request.num_images = Some(value);
        self
    }
    /// Sets the image weight (1 to 100).
    pub fn image_weight(mut self, value: u32) -> Self {
        self.request.image_weight = Some(value);
        self
    }
    /// Sets the color palette.
    pub fn color_palette(mut self, value: ColorPalette) -> Self {
        self.request.color_palette = Some(value);
        self
    }

    /// The JSON the request would be sent as, without running the checks
    /// (to show a request that [`ImageRequestBuilder::build`] refused).
    /// A non-finite color weight shows as `null`.
    pub fn to_unchecked_json(&self) -> String {
        self.request.to_json()
    }

    /// Checks every rule and returns the request, or every broken rule.
    pub fn build(self) -> Result<ImageRequest, InvalidRequest> {
        match InvalidRequest::new(self.request.violations()) {
            Some(e) => Err(e),
            None => Ok(self.request),
        }
    }
}

fn violation(field: &str, value: String, rule: Rule) -> Violation {
    Violation {
        field: field.to_string(),
        value,
        rule,
    }
}

fn range(min: u32, max: u32) -> Rule {
    Rule::Range {
        min: f64::from(min),
        max: f64::from(max),
    }
}

fn json_str(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// Renders a JSON value for an error, cut at 80 characters.
fn render(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(80).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn wrong_type(field: &str, value: &Value, expected: &'static str) -> Violation {
    violation(field, render(value), Rule::WrongType { expected })
}

fn json_syntax_reason(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "complete JSON (the text ends early)",
        serde_json::error::Category::Syntax => "valid JSON (a syntax error)",
        _ => "valid JSON",
    }
}

fn string(field: &str, value: &Value, v: &mut Vec<Violation>) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        _ => {
            v.push(wrong_type(field, value, "a string"));
            None
        }
    }
}

fn integer(field: &str, value: &Value, min: u64, max: u64, v: &mut Vec<Violation>) -> Option<u32> {
    let Value::Number(n) = value else {
        v.push(wrong_type(field, value, "an integer"));
        return None;
    };
    let rule = Rule::Range {
        min: min as f64,
        max: max as f64,
    };
    match (n.as_u64(), n.as_i64()) {
        (Some(x), _) if (min..=max).contains(&x) => Some(x as u32),
        (Some(_), _) | (None, Some(_)) => {
            v.push(violation(field, n.to_string(), rule));
            None
        }
        _ => {
            v.push(wrong_type(field, value, "an integer"));
            None
        }
    }
}

fn palette(value: &Value, v: &mut Vec<Violation>) -> Option<ColorPalette> {
    let Some(object) = value.as_object() else {
        v.push(wrong_type("color_palette", value, "an object"));
        return None;
    };
    let mut ok = true;
    for key in object.keys() {
        if key != "name" && key != "members" {
            v.push(violation(
                &format!("color_palette.{key}"),
                render(&object[key]),
                Rule::UnknownField,
            ));
            ok = false;
        }
    }
    match (object.get("name"), object.get("members")) {
        (Some(name), None) => {
            let name = string("color_palette.name", name, v)?;
            ok.then(|| ColorPalette::preset(name))
        }
        (None, Some(members)) => {
            let Some(list) = members.as_array() else {
                v.push(wrong_type("color_palette.members", members, "an array"));
                return None;
            };
            let members: Vec<Option<ColorMember>> = list.iter().enumerate().map(|(i, m)| member(i, m, v)).collect();
            if ok && members.iter().all(Option::is_some) {
                Some(ColorPalette::members(members.into_iter().flatten()))
            } else {
                None
            }
        }
        _ => {
            v.push(violation(
                "color_palette",
                render(value),
                Rule::ExactlyOneOf("name", "members"),
            ));
            None
        }
    }
}

fn member(i: usize, value: &Value, v: &mut Vec<Violation>) -> Option<ColorMember> {
    let field = format!("color_palette.members[{i}]");
    let Some(object) = value.as_object() else {
        v.push(wrong_type(&field, value, "an object"));
        return None;
    };
    let mut ok = true;
    let mut hex = None;
    let mut weight = None;
    for (key, val) in object {
        let f = format!("{field}.{key}");
        match key.as_str() {
            "color_hex" => match val {
                Value::String(s) => hex = Some(s.clone()),
                _ => {
                    v.push(wrong_type(&f, val, "a string"));
                    ok = false;
                }
            },
            "color_weight" => match val.as_f64() {
                Some(w) if val.is_number() => weight = Some(w),
                _ => {
                    v.push(wrong_type(&f, val, "a number"));
                    ok = false;
                }
            },
            _ => {
                v.push(violation(&f, render(val), Rule::UnknownField));
                ok = false;
            }
        }
    }
    let Some(hex) = hex else {
        if ok {
            v.push(violation(&format!("{field}.color_hex"), String::new(), Rule::Required));
        }
        return None;
    };
    ok.then_some(ColorMember {
        color_hex: hex,
        color_weight: weight,
    })
}

fn is_hex_color(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('#') else {
        return false;
    };
    (digits.len() == 3 || digits.len() == 6) && digits.chars().all(|c| c.is_ascii_hexdigit())
}
