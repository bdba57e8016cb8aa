//! Turning the request flags (or a `--request-file`) into a checked
//! `ImageRequest`: shorthands (`16:9`, `1024x1024`), wire values, and
//! values this version does not know yet, sent as given with a warning.

use std::path::Path;

use remix_client::{
    AspectRatio, ColorMember, ColorPalette, Error, ImageRequest, ImageRequestBuilder, MagicPromptOption,
    MagicPromptVersion, Model, PalettePreset, Resolution, StyleType,
};

use crate::args::{RequestArgs, RequestFlags};
use crate::report::{Failure, RequestOrigin, from_error};

/// Parses an enum flag: a known wire value (or a shorthand the caller
/// resolved), or a value in wire form that this version does not know,
/// which is sent as is with a warning.
fn wire_value<T: for<'a> From<&'a str>>(flag: &str, value: &str, known: &[&str]) -> Result<T, Failure> {
    if known.contains(&value) {
        return Ok(T::from(value));
    }
    let wire_form = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if wire_form {
        eprintln!("warning: {flag} {value} is not a value this version knows; sending it as is");
        return Ok(T::from(value));
    }
    Err(Failure::usage(
        format!("{flag} {value:?} is not a known value"),
        format!("use one of {}", known.join(", ")),
    ))
}

/// Two numbers written `A<separator>B` (`16:9`, `1024x1024`) for a
/// shorthand flag; `None` when `value` is not in that form at all.
fn shorthand(
    flag: &str,
    value: &str,
    separators: &[char],
    form: &str,
    example: &str,
) -> Option<Result<(u32, u32), Failure>> {
    let (a, b) = value.split_once(separators)?;
    Some(match (a.trim().parse(), b.trim().parse()) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        _ => Err(Failure::usage(
            format!("{flag} {value:?} is not {form}"),
            format!("use {example}"),
        )),
    })
}

fn aspect_ratio(value: &str) -> Result<AspectRatio, Failure> {
    let Some(pair) = shorthand("--aspect-ratio", value, &[':'], "W:H", "a ratio such as 16:9") else {
        return wire_value("--aspect-ratio", value, AspectRatio::KNOWN);
    };
    let (a, b) = pair?;
    AspectRatio::from_ratio(a, b).ok_or_else(|| {
        let known = AspectRatio::KNOWN.join(", ");
        Failure::usage(
            format!("--aspect-ratio {value} is not a ratio the API lists"),
            format!("use one of {known} (or ASPECT_{a}_{b} to send it anyway)"),
        )
    })
}

fn resolution(value: &str) -> Result<Resolution, Failure> {
    let Some(pair) = shorthand("--resolution", value, &['x', 'X'], "WxH", "a size such as 1024x1024") else {
        return wire_value("--resolution", value, Resolution::KNOWN);
    };
    let (w, h) = pair?;
    Resolution::from_dimensions(w, h).ok_or_else(|| {
        Failure::usage(
            format!("--resolution {value} is not a resolution the API lists"),
            format!("pick a listed size such as 1024x1024 (or RESOLUTION_{w}_{h} to send it anyway)"),
        )
    })
}

fn color(value: &str) -> Result<ColorMember, Failure> {
    let Some((hex, weight)) = value.split_once(':') else {
        return Ok(ColorMember::new(value.trim()));
    };
    let weight: f64 = weight.trim().parse().map_err(|_| {
        Failure::usage(
            format!("--color {value:?}: the weight is not a number"),
            "use '#RRGGBB:0.5'",
        )
    })?;
    Ok(ColorMember::new(hex.trim()).weight(weight))
}

/// The request from `--request-file`, checked.
fn from_file(path: &Path) -> Result<ImageRequest, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display()), "check --request-file"))?;
    ImageRequest::from_json(&text).map_err(|e| from_error(&Error::InvalidRequest(e), RequestOrigin::File))
}

/// The request from a request file or the flags, checked.
pub fn from_args(args: &RequestArgs) -> Result<ImageRequest, Failure> {
    match &args.request_file {
        Some(path) => from_file(path),
        None => from_flags(&args.flags),
    }
}

/// The request from the flags, checked.
fn from_flags(flags: &RequestFlags) -> Result<ImageRequest, Failure> {
    let Some(prompt) = &flags.prompt else {
        return Err(Failure::usage(
            "--prompt is required",
            "pass --prompt TEXT, or --request-file",
        ));
    };
    let mut b = ImageRequest::builder(prompt.clone());
    b = set_enums(b, flags)?;
    if let Some(v) = &flags.negative_prompt {
        b = b.negative_prompt(v.clone());
    }
    if let Some(v) = flags.num_images {
        b = b.num_images(v);
    }
    if let Some(v) = flags.image_weight {
        b = b.image_weight(v);
    }
    if let Some(v) = flags.seed {
        b = b.seed(v);
    }
    if let Some(v) = &flags.palette {
        let preset = wire_value::<PalettePreset>("--palette", v, PalettePreset::KNOWN)?;
        b = b.color_palette(ColorPalette::preset(preset));
    }
    if !flags.color.is_empty() {
        let members = flags.color.iter().map(|c| color(c)).collect::<Result<Vec<_>, _>>()?;
        b = b.color_palette(ColorPalette::members(members));
    }
    b.build()
        .map_err(|e| from_error(&Error::InvalidRequest(e), RequestOrigin::Flags))
}

fn set_enums(mut b: ImageRequestBuilder, flags: &RequestFlags) -> Result<ImageRequestBuilder, Failure> {
    if let Some(v) = &flags.aspect_ratio {
        b = b.aspect_ratio(aspect_ratio(v)?);
    }
    if let Some(v) = &flags.resolution {
        b = b.resolution(resolution(v)?);
    }
    if let Some(v) = &flags.model {
        b = b.model(wire_value::<Model>("--model", v, Model::KNOWN)?);
    }
    if let Some(v) = &flags.style_type {
        b = b.style_type(wire_value::<StyleType>("--style-type", v, StyleType::KNOWN)?);
    }
    if let Some(v) = &flags.magic_prompt {
        b = b.magic_prompt_option(wire_value::<MagicPromptOption>(
            "--magic-prompt",
            v,
            MagicPromptOption::KNOWN,
        )?);
    }
    if let Some(v) = &flags.magic_prompt_version {
        let version = wire_value::<MagicPromptVersion>("--magic-prompt-version", v, MagicPromptVersion::KNOWN)?;
        b = b.magic_prompt_version(version);
    }
    Ok(b)
}
