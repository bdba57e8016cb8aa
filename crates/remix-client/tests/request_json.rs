//! The exact `image_request` JSON of representative requests, pinned. A
//! change here changes what goes over the wire: review it.

use remix_client::{
    AspectRatio, ColorMember, ColorPalette, ImageRequest, MagicPromptOption, MagicPromptVersion, Model, PalettePreset,
    Resolution, StyleType,
};

/// The wire JSON, pretty-printed in the order it is sent.
fn json(request: &ImageRequest) -> String {
    serde_json::to_string_pretty(request).unwrap()
}

#[test]
fn minimal() {
    let r = ImageRequest::builder("a beautiful sunset over mountains")
        .build()
        .unwrap();
    insta::assert_snapshot!(json(&r));
    assert_eq!(
        r.to_json(),
        r#"{"prompt":"a beautiful sunset over mountains"}"#,
        "unset fields are omitted"
    );
}

#[test]
fn every_field_set() {
    let r = ImageRequest::builder("a beautiful sunset over mountains")
        .aspect_ratio(AspectRatio::Ratio16x9)
        .model(Model::V2)
        .magic_prompt_option(MagicPromptOption::Auto)
        .magic_prompt_version(MagicPromptVersion::V0_4)
        .seed(123_456)
        .style_type(StyleType::Realistic)
        .negative_prompt("clouds,blur")
        .num_images(4)
        .image_weight(50)
        .color_palette(ColorPalette::preset(PalettePreset::Fresh))
        .build()
        .unwrap();
    insta::assert_snapshot!(json(&r));
}

#[test]
fn resolution_instead_of_aspect_ratio() {
    let r = ImageRequest::builder("a lighthouse")
        .model(Model::V2aTurbo)
        .resolution(Resolution::R1536x640)
        .build()
        .unwrap();
    insta::assert_snapshot!(json(&r));
}

#[test]
fn preset_palette() {
    let r = ImageRequest::builder("a forest")
        .color_palette(ColorPalette::preset(PalettePreset::Ultramarine))
        .build()
        .unwrap();
    insta::assert_snapshot!(json(&r));
}

#[test]
fn custom_palette_members() {
    let r = ImageRequest::builder("a forest")
        .model(Model::V3)
        .color_palette(ColorPalette::members([
            ColorMember::new("#FF0000").weight(1.0),
            ColorMember::new("#0f0").weight(0.5),
            ColorMember::new("#0000FF"),
        ]))
        .build()
        .unwrap();
    insta::assert_snapshot!(json(&r));
}

#[test]
fn forward_compatible_unknown_model_and_style() {
    let r = ImageRequest::builder("a robot")
        .model(Model::Other("V_4".into()))
        .style_type("WATERCOLOR")
        .resolution(Resolution::R1024x1024)
        .build()
        .unwrap();
    insta::assert_snapshot!(json(&r));
}

#[test]
fn v1_with_negative_prompt() {
    let r = ImageRequest::builder("an old map")
        .model(Model::V1Turbo)
        .negative_prompt("modern")
        .magic_prompt_option(MagicPromptOption::Off)
        .aspect_ratio(AspectRatio::Ratio3x1)
        .build()
        .unwrap();
    insta::assert_snapshot!(json(&r));
}

#[test]
fn unicode_prompt_is_sent_as_is() {
    let prompt = "A serene tropical beach, 夕焼け, \"quoted\" & 100%";
    let r = ImageRequest::builder(prompt).seed(0).build().unwrap();
    insta::assert_snapshot!(json(&r));
    assert_eq!(r.prompt(), prompt, "never percent-encoded or trimmed");
}

#[test]
fn json_round_trip_keeps_every_value() {
    let r = ImageRequest::builder("p")
        .aspect_ratio("ASPECT_5_4")
        .model(Model::V2)
        .seed(2_147_483_647)
        .num_images(8)
        .image_weight(100)
        .color_palette(ColorPalette::members([ColorMember::new("#abc").weight(0.05)]))
        .build()
        .unwrap();
    let back = ImageRequest::from_json(&r.to_json()).unwrap();
    assert_eq!(back, r);
    assert_eq!(back.aspect_ratio(), Some(&AspectRatio::Other("ASPECT_5_4".into())));
}
