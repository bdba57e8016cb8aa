//! Remixes one image against any base URL.
//!
//! ```sh
//! REMIX_API_KEY=... cargo run -p remix-client --example remix -- photo.png "a watercolor of it"
//! # against the local mock:
//! cargo run -p remix-mock -- --port 8787 --native &
//! REMIX_API_KEY=any REMIX_BASE_URL=http://127.0.0.1:8787 \
//!     cargo run -p remix-client --example remix -- assets/sunset.png "the same valley at dawn"
//! ```

use remix_client::{AspectRatio, Client, ImageFile, ImageRequest, RemixResponse};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(prompt)) = (args.next(), args.next()) else {
        eprintln!("usage: remix IMAGE PROMPT   (REMIX_API_KEY and optionally REMIX_BASE_URL set)");
        std::process::exit(2);
    };

    let client = Client::from_env()?;
    let request = ImageRequest::builder(prompt)
        .aspect_ratio(AspectRatio::Ratio16x9)
        .build()?;
    let image = ImageFile::from_path(&path).await?;
    println!(
        "sending {} ({}, {} bytes) to {}",
        image.file_name(),
        image.content_type(),
        image.len(),
        client.base_url()
    );

    match client.remix(&request, image).await? {
        RemixResponse::Task(envelope) => {
            println!("task {} is {}", envelope.data.task_id, envelope.data.task_status);
        }
        RemixResponse::Images(images) => {
            for image in &images.data {
                match &image.url {
                    Some(url) => println!("{url} ({}, seed {})", image.resolution, image.seed),
                    None => println!("an image was withheld by the safety check"),
                }
            }
        }
        other => println!("an answer of a shape this example does not know: {other:?}"),
    }
    Ok(())
}
