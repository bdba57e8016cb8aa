//! Parameters renamed for Rust
//! ([`crate::normalize::rust_names::parameter_names_apart_in_rust`]) get
//! their own names back on the wire: progenitor's method sends each by the
//! name it saw, a string literal (`QueryParam::new("domainName\u{2060}query", ..)`,
//! `header_map.append("page_size\u{2060}header", ..)`), which becomes the
//! name the API knows. Each must be found, or the operation fails naming
//! why.

use anyhow::{Result, bail};
use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item, LitStr};

use crate::normalize::rust_names::WireName;

/// Writes `name.wire` where progenitor's method `method` sends
/// `name.marker`.
pub fn patch(file: &mut syn::File, method: &str, name: &WireName) -> Result<()> {
    let mut patcher = Patcher { name, done: 0 };
    for item in file.items.iter_mut() {
        if let Item::Impl(block) = item
            && block.trait_.is_none()
        {
            for inner in block.items.iter_mut() {
                if let ImplItem::Fn(f) = inner
                    && f.sig.ident == method
                {
                    patcher.visit_block_mut(&mut f.block);
                }
            }
        }
    }
    if patcher.done == 0 {
        bail!(
            "progenitor's `{method}` does not send the parameter `{}` by the name it was given",
            name.wire
        );
    }
    Ok(())
}

struct Patcher<'a> {
    name: &'a WireName,
    done: usize,
}

impl VisitMut for Patcher<'_> {
    fn visit_lit_str_mut(&mut self, lit: &mut LitStr) {
        if lit.value() == self.name.marker {
            *lit = LitStr::new(&self.name.wire, lit.span());
            self.done += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;
    use syn::parse_quote;

    use super::*;

    #[test]
    fn the_wire_name_goes_back_where_the_method_sends_the_parameter() {
        let mut file: syn::File = parse_quote! {
            impl Client {
                pub async fn get_domain(&self, domain_name: &str, domain_name_query: Option<&str>) {
                    let request = self.client.get(url)
                        .query(&progenitor_client::QueryParam::new("domainName\u{2060}query", &domain_name_query))
                        .build()?;
                }
            }
        };
        let name = WireName {
            operation_id: "get_domain".into(),
            marker: "domainName\u{2060}query".into(),
            wire: "domainName".into(),
        };
        patch(&mut file, "get_domain", &name).unwrap();
        let code = file.to_token_stream().to_string();
        assert!(
            code.contains("QueryParam :: new (\"domainName\" , & domain_name_query)"),
            "{code}"
        );
        assert!(patch(&mut file, "get_domain", &name).is_err(), "nothing left to patch");
    }
}
