//! `openapi/image_request.schema.json` is the schema of `ImageRequest` as
//! the code stands; `cargo xtask codegen` rewrites it. (The `schemars`
//! feature: `cargo test --workspace` has it, through the `tests` crate.)
#![cfg(feature = "schemars")]

#[test]
fn checked_in_schema_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/image_request.schema.json");
    let on_disk = std::fs::read_to_string(path).expect("openapi/image_request.schema.json exists");
    let expected = format!("{}\n", remix_client::ImageRequest::json_schema());
    assert!(
        on_disk == expected,
        "openapi/image_request.schema.json is stale; run `cargo xtask codegen` and commit the result"
    );
}

#[test]
fn schema_lists_every_field_and_forbids_others() {
    let schema: serde_json::Value = serde_json::from_str(&remix_client::ImageRequest::json_schema()).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "aspect_ratio",
            "color_palette",
            "image_weight",
            "magic_prompt_option",
            "magic_prompt_version",
            "model",
            "negative_prompt",
            "num_images",
            "prompt",
            "resolution",
            "seed",
            "style_type"
        ]
    );
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], serde_json::json!(["prompt"]));
    assert_eq!(schema["properties"]["num_images"]["maximum"], 8);
    assert!(!schema.to_string().contains("\"null\""), "the API takes no null");
}
