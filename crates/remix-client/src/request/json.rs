//! Reading an [`ImageRequest`] from JSON: the builder's checks, plus no
//! unknown fields and every value of the right type. Each field is reported
//! once: a value refused for its type is not checked again.

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use super::checks::range_rule;
use super::{ColorMember, ColorPalette, ImageRequest, InvalidRequest, Rule, Violation};
use crate::limits;
use crate::models::Model;
use crate::wire::{AspectRatio, MagicPromptOption, MagicPromptVersion, Resolution, StyleType};

impl ImageRequest {
    /// Reads a request from JSON text, with the same checks as the
    /// builder, plus: no unknown fields, every value of the right type.
    pub fn from_json(text: &str) -> Result<Self, InvalidRequest> {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Self::from_value(&value),
            Err(e) => Err(InvalidRequest::single(Violation::new(
                "image_request",
                String::new(),
                Rule::WrongType {
                    expected: json_syntax_reason(&e),
                },
            ))),
        }
    }

    /// Reads a request from a JSON value; see [`ImageRequest::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, InvalidRequest> {
        let Some(object) = value.as_object() else {
            return Err(InvalidRequest::single(wrong_type(
                "image_request",
                value,
                "a JSON object",
            )));
        };
        let mut reader = Reader {
            request: ImageRequest::builder(String::new()).request,
            found: Vec::new(),
        };
        let prompt_seen = object.contains_key("prompt");
        reader.read_fields(object);
        if !prompt_seen {
            reader
                .found
                .push(Violation::new("prompt", String::new(), Rule::Required));
        }
        let Reader { request, mut found } = reader;
        let checks = request
            .violations()
            .into_iter()
            // A missing prompt is reported once, as missing, not also as empty.
            .filter(|c| prompt_seen || c.field != "prompt")
            // One report per field: a value refused for its type is not checked again.
            .filter(|c| !found.iter().any(|p| p.field == c.field))
            .collect::<Vec<_>>();
        found.extend(checks);
        match InvalidRequest::new(found) {
            Some(e) => Err(e),
            None => Ok(request),
        }
    }
}

/// The request read so far, and what was wrong with the JSON.
struct Reader {
    request: ImageRequest,
    found: Vec<Violation>,
}

impl Reader {
    fn read_fields(&mut self, object: &Map<String, Value>) {
        for (key, value) in object {
            match key.as_str() {
                "prompt" => self.request.prompt = self.string(key, value).unwrap_or_default(),
                "aspect_ratio" => self.request.aspect_ratio = self.string(key, value).map(AspectRatio::from),
                "resolution" => self.request.resolution = self.string(key, value).map(Resolution::from),
                "model" => self.request.model = self.string(key, value).map(Model::from),
                "magic_prompt_option" => {
                    self.request.magic_prompt_option = self.string(key, value).map(MagicPromptOption::from)
                }
                "magic_prompt_version" => {
                    self.request.magic_prompt_version = self.string(key, value).map(MagicPromptVersion::from)
                }
                "style_type" => self.request.style_type = self.string(key, value).map(StyleType::from),
                "negative_prompt" => self.request.negative_prompt = self.string(key, value),
                "seed" => self.request.seed = self.integer(key, value, 0..=limits::MAX_SEED),
                "num_images" => self.request.num_images = self.integer(key, value, limits::NUM_IMAGES),
                "image_weight" => self.request.image_weight = self.integer(key, value, limits::IMAGE_WEIGHT),
                "color_palette" => self.request.color_palette = self.palette(value),
                _ => self
                    .found
                    .push(Violation::new(key.as_str(), render(value), Rule::UnknownField)),
            }
        }
    }

    fn string(&mut self, field: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.found.push(wrong_type(field, value, "a string"));
                None
            }
        }
    }

    fn integer(&mut self, field: &str, value: &Value, allowed: RangeInclusive<u32>) -> Option<u32> {
        let Value::Number(n) = value else {
            self.found.push(wrong_type(field, value, "an integer"));
            return None;
        };
        match (n.as_u64(), n.as_i64()) {
            (Some(x), _) if x >= u64::from(*allowed.start()) && x <= u64::from(*allowed.end()) => u32::try_from(x).ok(),
            (Some(_), _) | (None, Some(_)) => {
                self.found
                    .push(Violation::new(field, n.to_string(), range_rule(&allowed)));
                None
            }
            _ => {
                self.found.push(wrong_type(field, value, "an integer"));
                None
            }
        }
    }

    fn palette(&mut self, value: &Value) -> Option<ColorPalette> {
        let Some(object) = value.as_object() else {
            self.found.push(wrong_type("color_palette", value, "an object"));
            return None;
        };
        let mut ok = true;
        for (key, inner) in object {
            if key != "name" && key != "members" {
                self.found.push(Violation::new(
                    format!("color_palette.{key}"),
                    render(inner),
                    Rule::UnknownField,
                ));
                ok = false;
            }
        }
        match (object.get("name"), object.get("members")) {
            (Some(name), None) => {
                let name = self.string("color_palette.name", name)?;
                ok.then(|| ColorPalette::preset(name))
            }
            (None, Some(members)) => {
                let members = self.members(members)?;
                ok.then(|| ColorPalette::members(members))
            }
            _ => {
                let rule = Rule::ExactlyOneOf("name", "members");
                self.found.push(Violation::new("color_palette", render(value), rule));
                None
            }
        }
    }

    fn members(&mut self, value: &Value) -> Option<Vec<ColorMember>> {
        let Some(list) = value.as_array() else {
            self.found.push(wrong_type("color_palette.members", value, "an array"));
            return None;
        };
        let members: Vec<Option<ColorMember>> = list.iter().enumerate().map(|(i, m)| self.member(i, m)).collect();
        members.into_iter().collect()
    }

    fn member(&mut self, index: usize, value: &Value) -> Option<ColorMember> {
        let field = format!("color_palette.members[{index}]");
        let Some(object) = value.as_object() else {
            self.found.push(wrong_type(&field, value, "an object"));
            return None;
        };
        let mut ok = true;
        let (mut hex, mut weight) = (None, None);
        for (key, inner) in object {
            let path = format!("{field}.{key}");
            match (key.as_str(), inner) {
                ("color_hex", Value::String(s)) => hex = Some(s.clone()),
                ("color_hex", _) => {
                    self.found.push(wrong_type(&path, inner, "a string"));
                    ok = false;
                }
                ("color_weight", Value::Number(n)) => weight = n.as_f64(),
                ("color_weight", _) => {
                    self.found.push(wrong_type(&path, inner, "a number"));
                    ok = false;
                }
                _ => {
                    self.found.push(Violation::new(path, render(inner), Rule::UnknownField));
                    ok = false;
                }
            }
        }
        let Some(hex) = hex else {
            if ok {
                self.found.push(Violation::new(
                    format!("{field}.color_hex"),
                    String::new(),
                    Rule::Required,
                ));
            }
            return None;
        };
        ok.then_some(ColorMember {
            color_hex: hex,
            color_weight: weight,
        })
    }
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
    Violation::new(field, render(value), Rule::WrongType { expected })
}

fn json_syntax_reason(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "complete JSON (the text ends early)",
        serde_json::error::Category::Syntax => "valid JSON (a syntax error)",
        _ => "valid JSON",
    }
}
