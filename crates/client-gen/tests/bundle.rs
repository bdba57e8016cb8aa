//! A spec split across files the way vendors split theirs (paths, schemas,
//! shared parts and examples in folders of their own, each referring to the
//! others relative to itself) generates the same code as its bundled,
//! single-file form; what cannot be followed is named.

use std::path::{Path, PathBuf};

use client_gen::{Options, generate, generate_file};

fn options(name: &str) -> Options {
    Options {
        spec_name: name.to_string(),
        command: "cargo xtask generate".to_string(),
        strict: true,
        exiting: false,
    }
}

/// The files of the split spec, by path relative to its folder.
const SPLIT: [(&str, &str); 9] = [
    (
        "openapi.yaml",
        r#"
openapi: 3.0.3
info:
  title: Droplets
  version: "1"
  description: {$ref: 'description.yml#/intro'}
servers: [{url: "https://api.example.test"}]
paths:
  /droplets: {$ref: 'resources/droplets/droplets.yml'}
  /droplets/{id}: {$ref: 'resources/droplets/droplet.yml'}
components:
  schemas:
    Droplet: {$ref: 'resources/droplets/models.yml#/droplet'}
    Error: {$ref: 'shared/errors.yml#/error'}
"#,
    ),
    ("description.yml", "intro: A droplet API.\n"),
    (
        "resources/droplets/droplets.yml",
        r#"
get:
  operationId: list_droplets
  responses:
    "200":
      description: ok
      content:
        application/json:
          schema:
            type: object
            properties:
              droplets: {type: array, items: {$ref: 'models.yml#/droplet'}}
          examples:
            one: {$ref: '../../examples/droplets.yml#/one'}
    default: {$ref: '../../shared/responses.yml#/error'}
post:
  operationId: create_droplet
  requestBody:
    required: true
    content:
      multipart/form-data:
        schema: {$ref: 'models.yml#/create'}
  responses:
    "201":
      description: created
      content: {application/json: {schema: {$ref: 'models.yml#/droplet'}}}
"#,
    ),
    (
        "resources/droplets/droplet.yml",
        r#"
get:
  operationId: get_droplet
  parameters: [{$ref: '../../shared/parameters.yml#/id'}]
  responses:
    "200":
      description: ok
      content: {application/json: {schema: {$ref: 'models.yml#/droplet'}}}
    default: {$ref: '../../shared/responses.yml#/error'}
"#,
    ),
    (
        "resources/droplets/models.yml",
        r#"
droplet:
  type: object
  required: [id]
  properties:
    id: {type: integer}
    name: {type: string}
    size: {$ref: '#/size'}
size: {type: string, enum: [s, m, l]}
create:
  type: object
  required: [name]
  properties:
    name: {type: string}
    user_data: {type: string, format: binary}
"#,
    ),
    (
        "shared/errors.yml",
        "error:\n  type: object\n  properties:\n    message: {type: string}\n",
    ),
    (
        "shared/responses.yml",
        "error:\n  description: error\n  content:\n    application/json:\n      schema: {$ref: 'errors.yml#/error'}\n",
    ),
    (
        "shared/parameters.yml",
        "id: {name: id, in: path, required: true, schema: {type: integer}}\n",
    ),
    ("examples/droplets.yml", "one:\n  value: {droplets: []}\n"),
];

/// The same API in one file, as a bundler writes it: every schema a
/// component (named after its file's pointer), everything else in place.
const BUNDLED: &str = r##"
openapi: 3.0.3
info: {title: Droplets, version: "1", description: A droplet API.}
servers: [{url: "https://api.example.test"}]
paths:
  /droplets:
    get:
      operationId: list_droplets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  droplets: {type: array, items: {$ref: '#/components/schemas/Droplet'}}
              examples:
                one: {value: {droplets: []}}
        default:
          description: error
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    post:
      operationId: create_droplet
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Create'}
      responses:
        "201":
          description: created
          content: {application/json: {schema: {$ref: '#/components/schemas/Droplet'}}}
  /droplets/{id}:
    get:
      operationId: get_droplet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Droplet'}}}
        default:
          description: error
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
components:
  schemas:
    Droplet:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        name: {type: string}
        size: {$ref: '#/components/schemas/Size'}
    Error:
      type: object
      properties:
        message: {type: string}
    Size: {type: string, enum: [s, m, l]}
    Create:
      type: object
      required: [name]
      properties:
        name: {type: string}
        user_data: {type: string, format: binary}
"##;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("client-gen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The code without its header (every `//` line before the first item).
fn without_header(code: &str) -> String {
    code.lines()
        .skip_while(|l| l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_spec_split_across_files_generates_what_its_bundled_form_does() {
    let dir = scratch("split");
    write(&dir, &SPLIT);
    let split = generate_file(&dir.join("openapi.yaml"), &options("openapi.yaml")).unwrap();
    let bundled = generate(BUNDLED, &options("openapi.yaml")).unwrap();
    assert_eq!(without_header(&split.code), without_header(&bundled.code));
    assert_eq!(split.generated(), 3);
    assert_eq!(
        split.multipart, 1,
        "the multipart body of another file keeps its typed parts"
    );
    let files: Vec<&str> = split.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        files,
        vec![
            "description.yml",
            "examples/droplets.yml",
            "resources/droplets/droplet.yml",
            "resources/droplets/droplets.yml",
            "resources/droplets/models.yml",
            "shared/errors.yml",
            "shared/parameters.yml",
            "shared/responses.yml",
        ]
    );
    assert!(
        split
            .code
            .contains("// Bundled from the spec and 8 other files beside it:\n// - description.yml (sha256 "),
        "the header names every file it read"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_files_cycles_and_urls_are_named_by_file_and_pointer() {
    let dir = scratch("broken");
    write(
        &dir,
        &[
            (
                "openapi.yaml",
                r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /gone: {$ref: 'paths/gone.yml'}
  /loop: {$ref: 'paths/a.yml'}
  /fine:
    get:
      operationId: fine
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: 'https://example.test/schema.json'}}}
"#,
            ),
            ("paths/a.yml", "$ref: 'b.yml'\n"),
            ("paths/b.yml", "$ref: 'a.yml'\n"),
        ],
    );
    let lenient = Options {
        strict: false,
        ..options("openapi.yaml")
    };
    let generated = generate_file(&dir.join("openapi.yaml"), &lenient).unwrap();
    let code = generated.code;
    assert!(
        code.contains("paths/gone.yml cannot be read"),
        "a missing file, by name"
    );
    assert!(
        code.contains("the references form a cycle: paths/a.yml -> paths/b.yml -> paths/a.yml"),
        "a cycle, every file of it"
    );
    assert!(code.contains("it is a URL, and URLs are not fetched"));
    assert!(code.contains("pub async fn fine<"), "the rest of the spec is generated");
    std::fs::remove_dir_all(&dir).unwrap();
}
