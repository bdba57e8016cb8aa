//! [`ImageRequestBuilder`]: setters for every option, and `build`, which
//! runs the checks.

use super::{ColorPalette, ImageRequest, InvalidRequest};
use crate::models::Model;
use crate::wire::{AspectRatio, MagicPromptOption, MagicPromptVersion, Resolution, StyleType};

/// Builds an [`ImageRequest`]; [`ImageRequestBuilder::build`] checks it.
///
/// Fields that only some models take (resolution, style type, negative
/// prompt, color palette) are checked against the chosen model, or the
/// server's default one; see [`Model::takes`].
#[derive(Debug, Clone)]
#[must_use = "call .build() to get the request"]
pub struct ImageRequestBuilder {
    pub(super) request: ImageRequest,
}

impl ImageRequestBuilder {
    pub(super) fn new(request: ImageRequest) -> Self {
        ImageRequestBuilder { request }
    }

    /// Sets the aspect ratio (not with a resolution).
    pub fn aspect_ratio(mut self, value: impl Into<AspectRatio>) -> Self {
        self.request.aspect_ratio = Some(value.into());
        self
    }
    /// Sets the resolution (not with an aspect ratio; only some models take one).
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
    /// Sets the seed (at most [`crate::limits::MAX_SEED`]).
    pub fn seed(mut self, value: u32) -> Self {
        self.request.seed = Some(value);
        self
    }
    /// Sets the style type (only some models take one).
    pub fn style_type(mut self, value: impl Into<StyleType>) -> Self {
        self.request.style_type = Some(value.into());
        self
    }
    /// Sets the negative prompt (only some models take one).
    pub fn negative_prompt(mut self, value: impl Into<String>) -> Self {
        self.request.negative_prompt = Some(value.into());
        self
    }
    /// Sets the number of images (see [`crate::limits::NUM_IMAGES`]).
    pub fn num_images(mut self, value: u32) -> Self {
        self.request.num_images = Some(value);
        self
    }
    /// Sets the image weight (see [`crate::limits::IMAGE_WEIGHT`]).
    pub fn image_weight(mut self, value: u32) -> Self {
        self.request.image_weight = Some(value);
        self
    }
    /// Sets the color palette (only some models take one).
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
    ///
    /// # Errors
    ///
    /// [`InvalidRequest`] listing every broken rule, each with its field,
    /// the value given and the rule (an empty prompt, a value out of its
    /// range in [`limits`](crate::limits), a field the chosen model does not
    /// take, a palette that is neither a preset nor members).
    pub fn build(self) -> Result<ImageRequest, InvalidRequest> {
        match InvalidRequest::new(self.request.violations()) {
            Some(e) => Err(e),
            None => Ok(self.request),
        }
    }
}
