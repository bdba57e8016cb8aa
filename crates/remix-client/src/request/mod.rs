//! `ImageRequest`: the typed `image_request` JSON part, its builder, the
//! checks it passes before anything is sent, and reading one from JSON.
//!
//! - this module: the type, its getters, serialization and JSON Schema;
//! - `builder`: [`ImageRequestBuilder`];
//! - `checks`: every rule a request is checked against;
//! - `json`: reading a request from JSON with the same checks;
//! - `palette`: [`ColorPalette`] and [`ColorMember`];
//! - `violation`: what a refused request reports.

mod builder;
mod checks;
mod json;
mod palette;
mod violation;

use serde::Serialize;
use serde_json::Value;

pub use builder::ImageRequestBuilder;
pub use palette::{ColorMember, ColorPalette};
pub use violation::{InvalidRequest, Rule, Violation};

#[cfg(feature = "schemars")]
use crate::limits;
use crate::models::Model;
#[cfg(feature = "schemars")]
use crate::models::ModelField;
use crate::wire::{AspectRatio, MagicPromptOption, MagicPromptVersion, Resolution, StyleType};

/// The `image_request` part of a remix call: the prompt and every option.
///
/// Build one with [`ImageRequest::builder`], or read one from JSON with
/// [`ImageRequest::from_json`] (or serde); both run the same checks.
/// Serializes to the exact JSON the API takes; unset options are omitted.
///
/// Fields that only some models take carry the list in the JSON Schema
/// (`x-models`), from [`Model::supporting`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schemars",
    schemars(
        title = "ImageRequest",
        description = "The image_request JSON part of POST /ideogram/remix."
    )
)]
pub struct ImageRequest {
    /// The prompt (required, not empty). Plain UTF-8 text; never percent-encoded.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    prompt: String,
    /// Aspect ratio. Not with `resolution`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("default" = AspectRatio::SERVER_DEFAULT.as_str())))]
    aspect_ratio: Option<AspectRatio>,
    /// Resolution, for the models in `x-models` only. Not with `aspect_ratio`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("x-models" = Model::supporting(ModelField::Resolution))))]
    resolution: Option<Resolution>,
    /// Model.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("default" = Model::SERVER_DEFAULT.as_str())))]
    model: Option<Model>,
    /// Whether MagicPrompt rewrites the prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    magic_prompt_option: Option<MagicPromptOption>,
    /// MagicPrompt version.
    #[serde(skip_serializing_if = "Option::is_none")]
    magic_prompt_version: Option<MagicPromptVersion>,
    /// Random seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(range(max = limits::MAX_SEED)))]
    seed: Option<u32>,
    /// Style, for the models in `x-models` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("x-models" = Model::supporting(ModelField::StyleType))))]
    style_type: Option<StyleType>,
    /// What should not appear, for the models in `x-models` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("x-models" = Model::supporting(ModelField::NegativePrompt))))]
    negative_prompt: Option<String>,
    /// Number of images.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(range(min = *limits::NUM_IMAGES.start(), max = *limits::NUM_IMAGES.end())))]
    #[cfg_attr(feature = "schemars", schemars(extend("default" = limits::DEFAULT_NUM_IMAGES)))]
    num_images: Option<u32>,
    /// Weight of the source image.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(range(min = *limits::IMAGE_WEIGHT.start(), max = *limits::IMAGE_WEIGHT.end())))]
    #[cfg_attr(feature = "schemars", schemars(extend("default" = limits::DEFAULT_IMAGE_WEIGHT)))]
    image_weight: Option<u32>,
    /// Color palette, for the models in `x-models` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("x-models" = Model::supporting(ModelField::ColorPalette))))]
    color_palette: Option<ColorPalette>,
}

impl ImageRequest {
    /// Starts a request with its one required value, the prompt. Every
    /// other field is unset until a setter sets it, and an unset field is
    /// not sent: the API applies its own default (`num_images` 1,
    /// `image_weight` 50, the model `V_2`).
    ///
    /// # Examples
    ///
    /// ```
    /// use remix_client::{AspectRatio, ImageRequest, Model, Rule};
    ///
    /// let request = ImageRequest::builder("a red kite over the dunes")
    ///     .aspect_ratio(AspectRatio::Ratio16x9)
    ///     .model(Model::V2)
    ///     .num_images(2)
    ///     .build()?;
    /// assert_eq!(request.num_images(), Some(2));
    ///
    /// // Every broken rule is reported with its field, before anything is sent.
    /// let refused = ImageRequest::builder("a kite").num_images(9).build().unwrap_err();
    /// assert_eq!(refused.first().field, "num_images");
    /// # Ok::<(), remix_client::InvalidRequest>(())
    /// ```
    pub fn builder(prompt: impl Into<String>) -> ImageRequestBuilder {
        ImageRequestBuilder::new(ImageRequest {
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
        })
    }

    /// The request as the JSON text sent in the `image_request` part.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an ImageRequest always serializes")
    }

    /// The JSON Schema of `ImageRequest`, pretty-printed, as checked in at
    /// `openapi/image_request.schema.json`. Optional fields are left out of
    /// `required` and are not nullable: the API takes no `null`. With the
    /// `schemars` feature.
    #[cfg(feature = "schemars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
    pub fn json_schema() -> String {
        let mut schema = serde_json::to_value(schemars::schema_for!(ImageRequest)).expect("a schema serializes");
        strip_null(&mut schema);
        serde_json::to_string_pretty(&schema).expect("a schema serializes")
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
    /// The model, if set (the server's default is [`Model::SERVER_DEFAULT`]).
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

/// Removes the `null` that schemars allows for every `Option` field.
#[cfg(feature = "schemars")]
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
