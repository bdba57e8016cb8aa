//! Prints the JSON Schema of `ImageRequest`. `cargo xtask codegen` runs this
//! and writes the output to `openapi/image_request.schema.json`.

fn main() {
    println!("{}", remix_client::ImageRequest::json_schema());
}
