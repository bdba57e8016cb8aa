//! One case per validation rule: each names the field, the value and the
//! rule, through the builder and through JSON.

use remix_client::{
    AspectRatio, ColorMember, ColorPalette, ImageRequest, ImageRequestBuilder, InvalidRequest, Model, PalettePreset,
    Resolution, Rule, StyleType,
};

fn base() -> ImageRequestBuilder {
    ImageRequest::builder("a beautiful sunset over mountains")
}

fn member(hex: &str) -> ColorMember {
    ColorMember::new(hex)
}

struct Case {
    name: &'static str,
    request: ImageRequestBuilder,
    field: &'static str,
    value: &'static str,
    rule: fn(&Rule) -> bool,
}

/// Every rule, one case each. Long because it is a table: one entry per
/// rule, checked the same way by the tests below.
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "empty prompt",
            request: ImageRequest::builder(""),
            field: "prompt",
            value: "\"\"",
            rule: |r| *r == Rule::NotEmpty,
        },
        Case {
            name: "blank prompt",
            request: ImageRequest::builder("  \n"),
            field: "prompt",
            value: "\"  \\n\"",
            rule: |r| *r == Rule::NotEmpty,
        },
        Case {
            name: "seed above 2147483647",
            request: base().seed(2_147_483_648),
            field: "seed",
            value: "2147483648",
            rule: |r| matches!(r, Rule::Range { min, max } if *min == 0.0 && *max == 2_147_483_647.0),
        },
        Case {
            name: "zero images",
            request: base().num_images(0),
            field: "num_images",
            value: "0",
            rule: |r| matches!(r, Rule::Range { min, max } if *min == 1.0 && *max == 8.0),
        },
        Case {
            name: "nine images",
            request: base().num_images(9),
            field: "num_images",
            value: "9",
            rule: |r| matches!(r, Rule::Range { .. }),
        },
        Case {
            name: "image weight zero",
            request: base().image_weight(0),
            field: "image_weight",
            value: "0",
            rule: |r| matches!(r, Rule::Range { min, max } if *min == 1.0 && *max == 100.0),
        },
        Case {
            name: "image weight 101",
            request: base().image_weight(101),
            field: "image_weight",
            value: "101",
            rule: |r| matches!(r, Rule::Range { .. }),
        },
        Case {
            name: "color weight below 0.05",
            request: base().color_palette(ColorPalette::members([member("#FF0000").weight(0.01)])),
            field: "color_palette.members[0].color_weight",
            value: "0.01",
            rule: |r| matches!(r, Rule::Range { min, max } if *min == 0.05 && *max == 1.0),
        },
        Case {
            name: "color weight above 1",
            request: base().color_palette(ColorPalette::members([
                member("#FF0000"),
                member("#00FF00").weight(1.5),
            ])),
            field: "color_palette.members[1].color_weight",
            value: "1.5",
            rule: |r| matches!(r, Rule::Range { .. }),
        },
        Case {
            name: "color weight NaN",
            request: base().color_palette(ColorPalette::members([member("#FF0000").weight(f64::NAN)])),
            field: "color_palette.members[0].color_weight",
            value: "NaN",
            rule: |r| matches!(r, Rule::Range { .. }),
        },
        Case {
            name: "hex without #",
            request: base().color_palette(ColorPalette::members([member("FF0000")])),
            field: "color_palette.members[0].color_hex",
            value: "\"FF0000\"",
            rule: |r| matches!(r, Rule::Pattern(_)),
        },
        Case {
            name: "hex of four digits",
            request: base().color_palette(ColorPalette::members([member("#FF00")])),
            field: "color_palette.members[0].color_hex",
            value: "\"#FF00\"",
            rule: |r| matches!(r, Rule::Pattern(_)),
        },
        Case {
            name: "hex with a non-hex digit",
            request: base().color_palette(ColorPalette::members([member("#GG0000")])),
            field: "color_palette.members[0].color_hex",
            value: "\"#GG0000\"",
            rule: |r| matches!(r, Rule::Pattern(_)),
        },
        Case {
            name: "no palette members",
            request: base().color_palette(ColorPalette::members([])),
            field: "color_palette.members",
            value: "0 entries",
            rule: |r| *r == Rule::Count { min: 1, max: 8 },
        },
        Case {
            name: "nine palette members",
            request: base().color_palette(ColorPalette::members((0..9).map(|_| member("#123")))),
            field: "color_palette.members",
            value: "9 entries",
            rule: |r| *r == Rule::Count { min: 1, max: 8 },
        },
        Case {
            name: "aspect ratio with resolution",
            request: base()
                .aspect_ratio(AspectRatio::Ratio16x9)
                .resolution(Resolution::R1024x1024),
            field: "resolution",
            value: "\"RESOLUTION_1024_1024\"",
            rule: |r| *r == Rule::ConflictsWith("aspect_ratio"),
        },
        Case {
            name: "resolution with V_1",
            request: base().model(Model::V1).resolution(Resolution::R1024x1024),
            field: "resolution",
            value: "\"RESOLUTION_1024_1024\"",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_1"),
        },
        Case {
            name: "resolution with V_3",
            request: base().model(Model::V3).resolution(Resolution::R1280x768),
            field: "resolution",
            value: "\"RESOLUTION_1280_768\"",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_3"),
        },
        Case {
            name: "style type with V_1",
            request: base().model(Model::V1).style_type(StyleType::Anime),
            field: "style_type",
            value: "\"ANIME\"",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_1"),
        },
        Case {
            name: "style type with V_1_TURBO",
            request: base().model(Model::V1Turbo).style_type(StyleType::Realistic),
            field: "style_type",
            value: "\"REALISTIC\"",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_1_TURBO"),
        },
        Case {
            name: "negative prompt with V_2A",
            request: base().model(Model::V2a).negative_prompt("blur"),
            field: "negative_prompt",
            value: "\"blur\"",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_2A"),
        },
        Case {
            name: "negative prompt with V_3",
            request: base().model(Model::V3).negative_prompt("blur"),
            field: "negative_prompt",
            value: "\"blur\"",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_3"),
        },
        Case {
            name: "palette with V_1",
            request: base()
                .model(Model::V1)
                .color_palette(ColorPalette::preset(PalettePreset::Fresh)),
            field: "color_palette",
            value: "{\"name\":\"FRESH\"}",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_1"),
        },
        Case {
            name: "palette with V_2A_TURBO",
            request: base()
                .model(Model::V2aTurbo)
                .color_palette(ColorPalette::preset(PalettePreset::Ember)),
            field: "color_palette",
            value: "{\"name\":\"EMBER\"}",
            rule: |r| matches!(r, Rule::UnsupportedByModel { model, .. } if model == "V_2A_TURBO"),
        },
        Case {
            name: "empty unknown model",
            request: base().model(Model::Other(String::new())),
            field: "model",
            value: "\"\"",
            rule: |r| *r == Rule::NotEmpty,
        },
    ]
}

fn assert_case(name: &str, err: &InvalidRequest, field: &str, value: &str, rule: fn(&Rule) -> bool) {
    assert_eq!(err.violations().len(), 1, "{name}: exactly one violation, got {err}");
    let v = err.first();
    assert_eq!(v.field, field, "{name}: field");
    assert_eq!(v.value, value, "{name}: value");
    assert!(rule(&v.rule), "{name}: rule was {:?}", v.rule);
    let text = err.to_string();
    assert!(text.contains(field), "{name}: the message names the field: {text}");
}

#[test]
fn every_rule_is_reported_with_field_value_and_rule() {
    let cases = cases();
    assert!(cases.len() >= 20);
    for case in cases {
        let err = case.request.build().expect_err(case.name);
        assert_case(case.name, &err, case.field, case.value, case.rule);
    }
}

#[test]
fn every_rule_applies_to_json_too() {
    for case in cases() {
        let json = case.request.to_unchecked_json();
        if case.value == "NaN" {
            continue; // JSON has no NaN; serde writes null.
        }
        let err = ImageRequest::from_json(&json).expect_err(case.name);
        assert_case(case.name, &err, case.field, case.value, case.rule);
    }
}

#[test]
fn all_failures_are_reported_at_once() {
    let err = ImageRequest::builder("")
        .num_images(0)
        .image_weight(500)
        .aspect_ratio(AspectRatio::Ratio1x1)
        .resolution(Resolution::R1024x1024)
        .build()
        .unwrap_err();
    assert_eq!(err.fields(), ["prompt", "resolution", "num_images", "image_weight"]);
}

#[test]
fn unknown_models_skip_only_the_model_checks() {
    let request = base()
        .model("V_4")
        .resolution(Resolution::R1024x1024)
        .style_type(StyleType::Stylized)
        .negative_prompt("blur")
        .color_palette(ColorPalette::preset(PalettePreset::Magic))
        .build()
        .expect("the model checks are skipped for an unknown model");
    assert_eq!(request.model(), Some(&Model::Other("V_4".into())));
    let err = base().model("V_4").num_images(9).build().unwrap_err();
    assert_eq!(err.fields(), ["num_images"], "range checks still apply");
}

#[test]
fn model_default_is_v2_for_the_model_checks() {
    base()
        .resolution(Resolution::R1024x1024)
        .negative_prompt("blur")
        .style_type(StyleType::Realistic)
        .color_palette(ColorPalette::preset(PalettePreset::Fresh))
        .build()
        .expect("all allowed with the default model V_2");
}

#[test]
fn json_rejects_unknown_fields_and_wrong_types() {
    let err =
        ImageRequest::from_json(r#"{"prompt": "x", "promt": "typo", "seed": "12", "num_images": 1.5}"#).unwrap_err();
    let found: Vec<(&str, &Rule)> = err.violations().iter().map(|v| (v.field.as_str(), &v.rule)).collect();
    assert_eq!(
        found,
        vec![
            ("num_images", &Rule::WrongType { expected: "an integer" }),
            ("promt", &Rule::UnknownField),
            ("seed", &Rule::WrongType { expected: "an integer" }),
        ]
    );
    let err = ImageRequest::from_json(r#"{"prompt": "x", "seed": -1}"#).unwrap_err();
    assert_eq!((err.first().field.as_str(), err.first().value.as_str()), ("seed", "-1"));
    let err = ImageRequest::from_json(r#"{"seed": 1}"#).unwrap_err();
    assert_eq!(
        (err.first().field.as_str(), &err.first().rule),
        ("prompt", &Rule::Required)
    );
    let err = ImageRequest::from_json(r#"["prompt"]"#).unwrap_err();
    assert_eq!(err.first().field, "image_request");
    let err = ImageRequest::from_json(r#"{"prompt": "x""#).unwrap_err();
    assert_eq!(err.first().field, "image_request");
    let err =
        ImageRequest::from_json(r#"{"prompt": "x", "color_palette": {"name": "FRESH", "members": []}}"#).unwrap_err();
    assert_eq!(err.first().rule, Rule::ExactlyOneOf("name", "members"));
    let err =
        ImageRequest::from_json(r##"{"prompt": "x", "color_palette": {"members": [{"color_hex": "#fff", "w": 1}]}}"##)
            .unwrap_err();
    assert_eq!(err.first().field, "color_palette.members[0].w");
}

#[test]
fn serde_deserialization_runs_the_same_checks() {
    let err = serde_json::from_str::<ImageRequest>(r#"{"prompt": "x", "image_weight": 0}"#).unwrap_err();
    assert!(
        err.to_string().contains("`image_weight` = 0 must be between 1 and 100"),
        "{err}"
    );
    let ok: ImageRequest = serde_json::from_str(r#"{"prompt": "x", "model": "V_2A"}"#).unwrap();
    assert_eq!(ok.model(), Some(&Model::V2a));
}
