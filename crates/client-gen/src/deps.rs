//! The crates generated code uses, with the versions it needs: the one
//! place the generated crate's `Cargo.toml`, the missing-dependency check
//! and the docs read them from. A test checks them against the
//! workspace's own manifests, so they follow the crates the workspace
//! builds and tests the generated code with.

/// A crate the generated code uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Its name in `Cargo.toml`.
    pub package: &'static str,
    /// Its name in Rust paths.
    pub path: &'static str,
    /// The version requirement.
    pub version: &'static str,
    /// Its features, when it needs some (default features off then).
    pub features: &'static [&'static str],
}

/// Where a generated crate finds `client-support`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientSupport {
    /// The published version this generator was released with.
    Published,
    /// A folder, relative to the generated crate or absolute.
    Path(String),
}

/// `client-support`: the runtime generated code calls.
pub const CLIENT_SUPPORT: Dependency = Dependency {
    package: "client-support",
    path: "client_support",
    version: "0.1.1",
    features: &[],
};

/// Every crate generated code may use, `client-support` first.
pub const DEPENDENCIES: [Dependency; 9] = [
    CLIENT_SUPPORT,
    Dependency {
        package: "progenitor-client",
        path: "progenitor_client",
        version: "0.15.1",
        features: &[],
    },
    Dependency {
        package: "reqwest",
        path: "reqwest",
        version: "0.13",
        features: &["json", "query", "stream", "multipart"],
    },
    Dependency {
        package: "serde",
        path: "serde",
        version: "1",
        features: &["derive"],
    },
    Dependency {
        package: "serde_json",
        path: "serde_json",
        version: "1",
        features: &[],
    },
    Dependency {
        package: "chrono",
        path: "chrono",
        version: "0.4",
        features: &["serde"],
    },
    Dependency {
        package: "regress",
        path: "regress",
        version: "0.12",
        features: &[],
    },
    Dependency {
        package: "uuid",
        path: "uuid",
        version: "1",
        features: &["serde"],
    },
    Dependency {
        package: "futures-core",
        path: "futures_core",
        version: "0.3",
        features: &[],
    },
];

/// The dependency named `package`.
pub fn dependency(package: &str) -> Dependency {
    DEPENDENCIES
        .iter()
        .find(|d| d.package == package)
        .cloned()
        .expect("a known dependency")
}

impl Dependency {
    /// The `Cargo.toml` line that declares it (`client-support` as
    /// `support` says).
    pub fn declaration(&self, support: &ClientSupport) -> String {
        let version = match (self.package, support) {
            ("client-support", ClientSupport::Path(path)) => {
                return format!("{} = {{ path = {path:?} }}", self.package);
            }
            _ => format!("{:?}", self.version),
        };
        match (self.features, self.package) {
            ([], _) => format!("{} = {version}", self.package),
            (_, "serde") => format!(
                "{} = {{ version = {version}, features = {:?} }}",
                self.package, self.features
            ),
            (features, _) => format!(
                "{} = {{ version = {version}, default-features = false, features = {features:?} }}",
                self.package
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `key` in the `[section]` entry `name` of a manifest, as
    /// written (`name = "1"` or `name = { version = "1", ... }`).
    fn declared_version(manifest: &str, name: &str) -> Option<String> {
        let line = manifest.lines().find(|l| {
            l.trim_start().starts_with(&format!("{name} =")) || l.trim_start().starts_with(&format!("{name}="))
        })?;
        let rest = line.split_once('=')?.1.trim();
        let quoted = match rest.split_once("version") {
            Some((_, after)) if rest.starts_with('{') => after.split_once('=')?.1.trim(),
            _ => rest,
        };
        Some(quoted.trim_start_matches('"').split('"').next()?.to_string())
    }

    #[test]
    fn versions_follow_the_workspace_manifests() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        for dependency in DEPENDENCIES.iter().skip(1) {
            if let Some(version) = declared_version(&workspace, dependency.package) {
                assert_eq!(
                    version, dependency.version,
                    "{} in the workspace Cargo.toml",
                    dependency.package
                );
            }
        }
        let support = std::fs::read_to_string(root.join("crates/client-support/Cargo.toml")).unwrap();
        assert_eq!(
            declared_version(&support, "version").as_deref(),
            Some(CLIENT_SUPPORT.version),
            "crates/client-support/Cargo.toml"
        );
    }

    #[test]
    fn declarations_say_version_features_and_path() {
        assert_eq!(
            CLIENT_SUPPORT.declaration(&ClientSupport::Published),
            "client-support = \"0.1.1\""
        );
        assert_eq!(
            CLIENT_SUPPORT.declaration(&ClientSupport::Path("../support".into())),
            "client-support = { path = \"../support\" }"
        );
        assert_eq!(
            dependency("reqwest").declaration(&ClientSupport::Published),
            "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\", \"multipart\"] }"
        );
        assert_eq!(
            dependency("serde").declaration(&ClientSupport::Published),
            "serde = { version = \"1\", features = [\"derive\"] }"
        );
    }
}
